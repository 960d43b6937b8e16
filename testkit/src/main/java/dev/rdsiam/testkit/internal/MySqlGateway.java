package dev.rdsiam.testkit.internal;

import dev.rdsiam.testkit.RejectReason;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A MySQL endpoint that behaves like RDS MySQL with {@code require_secure_transport=ON} and an IAM user
 * ({@code AWSAuthenticationPlugin}): TLS is required, the client is switched to {@code mysql_clear_password},
 * the token is verified, and the session is relayed to the backend logged in as the same user.
 *
 * <p>The backend connection is opened before the greeting so that the client sees the backend's connection id
 * ({@code KILL QUERY}, used by {@code Statement.cancel()}, then reaches the right session).
 */
public final class MySqlGateway extends Gateway {

    private static final Logger LOG = LoggerFactory.getLogger(MySqlGateway.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private volatile boolean readOnlySessions;

    /** What the gateway can offer a client when the backend supports it too. */
    private static final int RELAYABLE = MySqlWire.CLIENT_LONG_PASSWORD | MySqlWire.CLIENT_FOUND_ROWS
            | MySqlWire.CLIENT_LONG_FLAG | MySqlWire.CLIENT_CONNECT_WITH_DB | MySqlWire.CLIENT_NO_SCHEMA
            | MySqlWire.CLIENT_ODBC | MySqlWire.CLIENT_LOCAL_FILES | MySqlWire.CLIENT_IGNORE_SPACE
            | MySqlWire.CLIENT_PROTOCOL_41 | MySqlWire.CLIENT_INTERACTIVE | MySqlWire.CLIENT_IGNORE_SIGPIPE
            | MySqlWire.CLIENT_TRANSACTIONS | MySqlWire.CLIENT_RESERVED | MySqlWire.CLIENT_SECURE_CONNECTION
            | MySqlWire.CLIENT_MULTI_STATEMENTS | MySqlWire.CLIENT_MULTI_RESULTS | MySqlWire.CLIENT_PS_MULTI_RESULTS
            | MySqlWire.CLIENT_PLUGIN_AUTH | MySqlWire.CLIENT_CONNECT_ATTRS
            | MySqlWire.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA | MySqlWire.CLIENT_CAN_HANDLE_EXPIRED_PASSWORDS
            | MySqlWire.CLIENT_SESSION_TRACK | MySqlWire.CLIENT_DEPRECATE_EOF;

    /** Always offered: what the gateway itself handles. */
    private static final int ALWAYS = MySqlWire.CLIENT_LONG_PASSWORD | MySqlWire.CLIENT_PROTOCOL_41
            | MySqlWire.CLIENT_SECURE_CONNECTION | MySqlWire.CLIENT_PLUGIN_AUTH
            | MySqlWire.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA | MySqlWire.CLIENT_CONNECT_WITH_DB
            | MySqlWire.CLIENT_CONNECT_ATTRS;

    private static final String CLEAR_PASSWORD = "mysql_clear_password";

    private final String serverVersion;
    private final Map<String, AtomicInteger> connectErrors = new ConcurrentHashMap<>();

    /**
     * Starts the gateway.
     *
     * @param ctx           shared state
     * @param port          the port, 0 for an ephemeral one
     * @param serverVersion the version string in the greeting
     * @throws IOException if the port cannot be bound
     */
    public MySqlGateway(GatewayContext ctx, int port, String serverVersion) throws IOException {
        super(ctx, port);
        this.serverVersion = serverVersion;
    }

    /** Forgets all handshake errors: {@code FLUSH HOSTS}. */
    public void flushHosts() {
        connectErrors.clear();
    }

    @Override
    protected void handle(Socket socket) throws IOException {
        socket.setSoTimeout(HANDSHAKE_TIMEOUT_MILLIS);
        Attempt attempt = new Attempt(ctx, socket);
        String ip = attempt.clientAddress();
        OutputStream rawOut = socket.getOutputStream();
        AtomicInteger errors = connectErrors.computeIfAbsent(ip, k -> new AtomicInteger());
        if (errors.get() >= ctx.faults().maxConnectErrors()) {
            attempt.reject(RejectReason.HOST_BLOCKED);
            MySqlWire.write(rawOut, 0, MySqlWire.err(1129, null, "Host '" + ip
                    + "' is blocked because of many connection errors; unblock with 'mysqladmin flush-hosts'"));
            return;
        }
        attempt.beforeReject = reason -> {
            if (countsAsHandshakeError(reason, attempt)) {
                errors.incrementAndGet();
            }
        };
        MySqlBackendClient backend;
        try {
            backend = MySqlBackendClient.connect(ctx.backendHost(), ctx.backendPort(), HANDSHAKE_TIMEOUT_MILLIS,
                    ctx.backendTls());
        } catch (MySqlBackendClient.ServerError e) {
            attempt.reject(RejectReason.ABORTED);
            MySqlWire.write(rawOut, 0, e.payload());
            return;
        } catch (IOException e) {
            LOG.warn("cannot reach the backend: {}", e.toString());
            attempt.reject(RejectReason.ABORTED);
            MySqlWire.write(rawOut, 0, MySqlWire.err(2003, null, "Can't connect to the server behind the gateway"));
            return;
        }
        track(backend.socket());
        boolean handedOver = false;
        try {
            handedOver = converse(socket, backend, attempt);
        } catch (EOFException | java.net.SocketTimeoutException e) {
            attempt.reject(RejectReason.ABORTED);
        } catch (IOException | IllegalArgumentException | IndexOutOfBoundsException e) {
            LOG.debug("handshake with {} failed: {}", ip, e.toString());
            attempt.reject(RejectReason.ABORTED);
        } finally {
            if (!handedOver) {
                closeQuietly(backend.socket());
            }
        }
    }

    /** Like MySQL's host cache: protocol and handshake failures count, refused credentials do not. */
    private static boolean countsAsHandshakeError(RejectReason reason, Attempt attempt) {
        return !attempt.passwordReceived && (reason == RejectReason.ABORTED || reason == RejectReason.TLS_FAILED
                || reason == RejectReason.MALFORMED);
    }

    /** Runs the login conversation; returns whether the sockets were handed to the relay. */
    private boolean converse(Socket socket, MySqlBackendClient backend, Attempt attempt) throws IOException {
        MySqlBackendClient.Greeting bg = backend.greeting();
        boolean offerTls = !ctx.faults().noTls();
        int caps = (RELAYABLE & bg.capabilities()) | ALWAYS;
        caps = offerTls ? caps | MySqlWire.CLIENT_SSL : caps & ~MySqlWire.CLIENT_SSL;
        byte[] seed = new byte[20];
        for (int i = 0; i < seed.length; i++) {
            seed[i] = (byte) (1 + RANDOM.nextInt(126)); // printable-ish, never NUL
        }
        byte[] seed1 = new byte[8];
        byte[] seed2 = new byte[12];
        System.arraycopy(seed, 0, seed1, 0, 8);
        System.arraycopy(seed, 8, seed2, 0, 12);
        int connectionId = bg.connectionId();
        byte[] greeting = new MySqlWire.Builder().int1(10).cstring(serverVersion).int4(connectionId).raw(seed1)
                .int1(0).int2(caps & 0xffff).int1(bg.charset()).int2(0x0002).int2(caps >>> 16).int1(21)
                .zeros(10).raw(seed2).int1(0).cstring("mysql_native_password").bytes();
        Socket client = socket;
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        MySqlWire.write(out, 0, greeting);

        MySqlWire.Packet p = MySqlWire.read(in);
        int clientCaps = p.cursor().int4();
        if ((clientCaps & MySqlWire.CLIENT_SSL) != 0 && p.payload().length == 32) {
            if (!offerTls) {
                attempt.reject(RejectReason.MALFORMED);
                return false;
            }
            SSLSocket secure;
            try {
                secure = startTls(socket, attempt);
            } catch (IOException e) {
                LOG.debug("TLS handshake with {} failed: {}", attempt.clientAddress(), e.toString());
                attempt.reject(RejectReason.TLS_FAILED);
                return false;
            }
            client = secure;
            in = new BufferedInputStream(secure.getInputStream(), 16384);
            out = secure.getOutputStream();
            p = MySqlWire.read(in);
        }
        HandshakeResponse response = HandshakeResponse.parse(p.payload());
        attempt.user = response.user;
        attempt.database = response.database;
        attempt.passwordReceived = CLEAR_PASSWORD.equals(response.plugin) && response.authData.length > 0;
        int seq = p.sequence() + 1;
        if ((response.capabilities & MySqlWire.CLIENT_PROTOCOL_41) == 0) {
            attempt.reject(RejectReason.MALFORMED);
            MySqlWire.write(out, seq, MySqlWire.err(1251, null,
                    "Client does not support authentication protocol requested by server"));
            return false;
        }
        if (!attempt.tls && offerTls) {
            attempt.reject(RejectReason.NO_TLS);
            MySqlWire.write(out, seq, MySqlWire.err(3159, "HY000",
                    "Connections using insecure transport are prohibited while --require_secure_transport=ON."));
            return false;
        }
        byte[] tokenBytes;
        if (CLEAR_PASSWORD.equals(response.plugin) && response.authData.length > 0) {
            tokenBytes = response.authData;
        } else {
            MySqlWire.write(out, seq, new MySqlWire.Builder().int1(0xfe).cstring(CLEAR_PASSWORD).bytes());
            MySqlWire.Packet reply;
            try {
                reply = MySqlWire.read(in);
            } catch (EOFException e) {
                attempt.passwordReceived = false;
                attempt.reject(RejectReason.ABORTED);
                return false;
            }
            seq = reply.sequence() + 1;
            tokenBytes = reply.payload();
            attempt.passwordReceived = tokenBytes.length > 0;
        }
        String token = TokenVerifier.tokenText(tokenBytes);
        String denied = "Access denied for user '" + response.user + "'@'" + attempt.clientAddress()
                + "' (using password: " + (token.isEmpty() ? "NO" : "YES") + ")";
        authDelay();
        if (ctx.faults().proxyNoCredentials()) {
            attempt.reject(RejectReason.PROXY_NO_CREDENTIALS);
            MySqlWire.write(out, seq, MySqlWire.err(1045, "28000", "This RDS proxy has no credentials for the role "
                    + response.user + ". Check the credentials for this role and try again."));
            return false;
        }
        if (ctx.faults().rejectAllTokens()) {
            attempt.reject(RejectReason.FAULT_INJECTED);
            MySqlWire.write(out, seq, MySqlWire.err(1045, "28000", denied));
            return false;
        }
        if (overIamRateLimit()) {
            attempt.reject(RejectReason.RATE_LIMITED);
            MySqlWire.write(out, seq, MySqlWire.err(1045, "28000", denied));
            return false;
        }
        TokenVerifier.Result result = ctx.verifier().verify(token, response.user, ctx.now());
        attempt.accessKeyId = result.accessKeyId();
        if (!result.accepted()) {
            attempt.reject(result.reason());
            MySqlWire.write(out, seq, MySqlWire.err(1045, "28000", denied));
            return false;
        }
        if (!ctx.backendPasswords().containsKey(response.user)) {
            attempt.reject(RejectReason.NOT_AN_IAM_USER);
            MySqlWire.write(out, seq, MySqlWire.err(1045, "28000", denied));
            return false;
        }
        attempt.accept();
        connectErrors.remove(attempt.clientAddress());
        try {
            backend.login(response.user, ctx.backendPasswords().get(response.user), response.database,
                    response.capabilities, response.charset, response.maxPacket);
        } catch (MySqlBackendClient.ServerError e) {
            LOG.warn("backend refused the mapped user {}: {}", response.user, e.getMessage());
            MySqlWire.write(out, seq, e.payload());
            return false;
        }
        if (readOnlySessions) {
            backend.query("SET SESSION TRANSACTION READ ONLY");
        }
        MySqlWire.write(out, seq, backend.okPayload());
        relay(client, in, out, backend.socket(), backend.in(), backend.out());
        return true;
    }

    /**
     * Makes every session logged in from now on read-only ({@code SET SESSION TRANSACTION READ ONLY} before the
     * client gets its OK), for an Aurora reader in front of a shared server.
     *
     * @param on whether new sessions are read-only
     */
    public void readOnlySessions(boolean on) {
        this.readOnlySessions = on;
    }

    /** The fields of a HandshakeResponse41. */
    static final class HandshakeResponse {
        int capabilities;
        int maxPacket;
        int charset;
        String user;
        byte[] authData;
        String database;
        String plugin;

        static HandshakeResponse parse(byte[] payload) {
            MySqlWire.Cursor c = new MySqlWire.Packet(0, payload).cursor();
            HandshakeResponse r = new HandshakeResponse();
            r.capabilities = c.int4();
            r.maxPacket = c.int4();
            r.charset = c.int1();
            c.skip(23);
            r.user = c.cstring();
            if ((r.capabilities & MySqlWire.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA) != 0) {
                r.authData = c.bytes((int) c.lenenc());
            } else if ((r.capabilities & MySqlWire.CLIENT_SECURE_CONNECTION) != 0) {
                r.authData = c.bytes(c.int1());
            } else {
                r.authData = c.cbytes();
            }
            if ((r.capabilities & MySqlWire.CLIENT_CONNECT_WITH_DB) != 0 && c.remaining() > 0) {
                r.database = c.cstring();
                if (r.database.isEmpty()) {
                    r.database = null;
                }
            }
            if ((r.capabilities & MySqlWire.CLIENT_PLUGIN_AUTH) != 0 && c.remaining() > 0) {
                r.plugin = c.cstring();
            }
            return r;
        }
    }
}
