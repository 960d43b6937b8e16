package dev.rdsiam.testkit.internal;

import dev.rdsiam.testkit.RejectReason;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL endpoint that behaves like RDS with {@code rds.force_ssl=1} and an IAM user: TLS is required, the
 * password is asked for in clear text and must be a valid IAM auth token; then the session is relayed to the
 * backend, logged in as the same user with its backend password.
 */
public final class PgGateway extends Gateway {

    private static final Logger LOG = LoggerFactory.getLogger(PgGateway.class);

    /**
     * Starts the gateway.
     *
     * @param ctx  shared state
     * @param port the port, 0 for an ephemeral one
     * @throws IOException if the port cannot be bound
     */
    public PgGateway(GatewayContext ctx, int port) throws IOException {
        super(ctx, port);
    }

    @Override
    protected void handle(Socket socket) throws IOException {
        socket.setSoTimeout(HANDSHAKE_TIMEOUT_MILLIS);
        Attempt attempt = new Attempt(ctx, socket);
        Socket client = socket;
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        boolean tls = false;
        boolean negotiated = false;
        Map<String, String> params;
        try {
            while (true) {
                byte[] body;
                try {
                    body = PgWire.readStartupPacket(in);
                } catch (EOFException e) {
                    if (negotiated) {
                        attempt.reject(RejectReason.ABORTED);
                    }
                    return;
                }
                negotiated = true;
                PgWire.Cursor c = new PgWire.Cursor(body);
                int code = c.int32();
                if (code == PgWire.SSL_REQUEST && !tls) {
                    if (ctx.faults().noTls()) {
                        out.write('N');
                        out.flush();
                        continue;
                    }
                    out.write('S');
                    out.flush();
                    SSLSocket secure;
                    try {
                        secure = startTls(socket, attempt);
                    } catch (IOException e) {
                        LOG.debug("TLS handshake with {} failed: {}", attempt.clientAddress(), e.toString());
                        attempt.reject(RejectReason.TLS_FAILED);
                        return;
                    }
                    client = secure;
                    in = new BufferedInputStream(secure.getInputStream(), 16384);
                    out = secure.getOutputStream();
                    tls = true;
                } else if (code == PgWire.GSSENC_REQUEST && !tls) {
                    out.write('N');
                    out.flush();
                } else if (code == PgWire.CANCEL_REQUEST) {
                    forwardCancel(body);
                    return;
                } else if (code >>> 16 == 3) {
                    params = PgWire.startupParams(c);
                    if ((code & 0xffff) != 0 || params.keySet().stream().anyMatch(k -> k.startsWith("_pq_."))) {
                        negotiateProtocol(out, params);
                    }
                    break;
                } else {
                    attempt.reject(RejectReason.MALFORMED);
                    out.write(PgWire.errorResponse("FATAL", "0A000", "unsupported frontend protocol "
                            + (code >>> 16) + "." + (code & 0xffff) + ": server supports 3.0 to 3.0"));
                    out.flush();
                    return;
                }
            }
            login(client, in, out, tls, params, attempt);
        } catch (SocketTimeoutException | EOFException e) {
            attempt.reject(RejectReason.ABORTED);
        } catch (IOException e) {
            attempt.reject(RejectReason.ABORTED);
            throw e;
        }
    }

    private void login(Socket client, InputStream in, OutputStream out, boolean tls, Map<String, String> params,
                       Attempt attempt) throws IOException {
        String user = params.get("user");
        String database = params.getOrDefault("database", user);
        attempt.user = user;
        attempt.database = database;
        if (user == null || user.isEmpty()) {
            attempt.reject(RejectReason.MALFORMED);
            fatal(out, "28000", "no PostgreSQL user name specified in startup packet");
            return;
        }
        if (!tls && !ctx.faults().noTls()) {
            attempt.reject(RejectReason.NO_TLS);
            fatal(out, "28000", "no pg_hba.conf entry for host \"" + attempt.clientAddress() + "\", user \"" + user
                    + "\", database \"" + database + "\", no encryption");
            return;
        }
        PgWire.writeMessage(out, 'R', new PgWire.Builder().int32(3).bytes());
        PgWire.Message reply;
        try {
            reply = PgWire.readMessage(in);
        } catch (EOFException e) {
            attempt.reject(RejectReason.ABORTED);
            return;
        }
        if (reply.type() != 'p') {
            attempt.reject(RejectReason.MALFORMED);
            fatal(out, "08P01", "expected password response, got message type " + (int) reply.type());
            return;
        }
        attempt.passwordReceived = true;
        String token = TokenVerifier.tokenText(reply.payload());
        authDelay();
        if (ctx.faults().proxyNoCredentials()) {
            attempt.reject(RejectReason.PROXY_NO_CREDENTIALS);
            fatal(out, "28000", "This RDS proxy has no credentials for the role " + user
                    + ". Check the credentials for this role and try again.");
            return;
        }
        if (ctx.faults().rejectAllTokens()) {
            attempt.reject(RejectReason.FAULT_INJECTED);
            pamFailed(out, user);
            return;
        }
        if (overIamRateLimit()) {
            attempt.reject(RejectReason.RATE_LIMITED);
            pamFailed(out, user);
            return;
        }
        TokenVerifier.Result result = ctx.verifier().verify(token, user, ctx.now());
        attempt.accessKeyId = result.accessKeyId();
        if (!result.accepted()) {
            attempt.reject(result.reason());
            pamFailed(out, user);
            return;
        }
        if (!ctx.backendPasswords().containsKey(user)) {
            attempt.reject(RejectReason.NOT_AN_IAM_USER);
            pamFailed(out, user);
            return;
        }
        attempt.accept();
        Map<String, String> forward = new LinkedHashMap<>(params);
        forward.remove("user");
        forward.put("database", database);
        PgBackendClient backend;
        try {
            backend = PgBackendClient.login(ctx.backendHost(), ctx.backendPort(), user,
                    ctx.backendPasswords().get(user), forward, HANDSHAKE_TIMEOUT_MILLIS, ctx.backendTls());
        } catch (PgBackendClient.ServerError e) {
            LOG.warn("backend refused the mapped user {}: {}", user, e.getMessage());
            out.write(e.framed());
            out.flush();
            return;
        } catch (IOException e) {
            LOG.warn("cannot reach the backend for user {}: {}", user, e.toString());
            fatal(out, "08006", "could not connect to the database server behind the gateway");
            return;
        }
        PgWire.writeMessage(out, 'R', new PgWire.Builder().int32(0).bytes());
        relay(client, in, out, backend.socket(), backend.in(), backend.out());
    }

    private void forwardCancel(byte[] body) {
        try (Socket backend = new Socket()) {
            backend.connect(new InetSocketAddress(ctx.backendHost(), ctx.backendPort()), 5000);
            OutputStream out = backend.getOutputStream();
            out.write(new PgWire.Builder().int32(body.length + 4).raw(body).bytes());
            out.flush();
            backend.setSoTimeout(5000);
            // the server closes the connection once it has read the request
            backend.getInputStream().read();
        } catch (IOException e) {
            LOG.debug("forwarding a cancel request failed: {}", e.toString());
        }
    }

    private static void negotiateProtocol(OutputStream out, Map<String, String> params) throws IOException {
        List<String> unknown = new ArrayList<>();
        for (String key : params.keySet()) {
            if (key.startsWith("_pq_.")) {
                unknown.add(key);
            }
        }
        unknown.forEach(params::remove);
        PgWire.Builder b = new PgWire.Builder().int32(0).int32(unknown.size());
        unknown.forEach(b::cstring);
        PgWire.writeMessage(out, 'v', b.bytes());
    }

    private static void pamFailed(OutputStream out, String user) throws IOException {
        fatal(out, "28000", "PAM authentication failed for user \"" + user + "\"");
    }

    private static void fatal(OutputStream out, String sqlState, String message) throws IOException {
        out.write(PgWire.errorResponse("FATAL", sqlState, message));
        out.flush();
    }
}
