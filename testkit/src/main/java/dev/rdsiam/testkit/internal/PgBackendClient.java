package dev.rdsiam.testkit.internal;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.net.ssl.SSLContext;

/**
 * A minimal PostgreSQL client: logs in (trust, cleartext, md5 or SCRAM-SHA-256) and runs simple queries.
 * Used by the gateway for the backend leg and by the kit for administration.
 */
public final class PgBackendClient implements Closeable {

    /** The backend refused the login or a query; carries the raw ErrorResponse for relaying. */
    public static final class ServerError extends IOException {
        private static final long serialVersionUID = 1L;
        private final transient byte[] framed;

        ServerError(byte[] payload) {
            super(describe(payload));
            this.framed = PgWire.frame('E', payload);
        }

        /** @return the framed ErrorResponse as the backend sent it */
        public byte[] framed() {
            return framed.clone();
        }

        private static String describe(byte[] payload) {
            Map<Character, String> f = PgWire.errorFields(payload);
            return f.getOrDefault('S', "ERROR") + " " + f.getOrDefault('C', "?") + ": " + f.getOrDefault('M', "");
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    private PgBackendClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 16384);
        this.out = socket.getOutputStream();
    }

    /**
     * Connects and authenticates. Returns right after AuthenticationOk: the messages after it (ParameterStatus,
     * BackendKeyData, ReadyForQuery) are still unread in {@link #in()}.
     *
     * @param host     backend host
     * @param port     backend port
     * @param user     user
     * @param password password (may be {@code null} for trust)
     * @param params   further startup parameters (database, client_encoding...)
     * @param timeoutMillis connect and read timeout for the login
     * @return the connection
     * @throws IOException on failure; {@link ServerError} when the backend refused
     */
    public static PgBackendClient login(String host, int port, String user, String password,
                                        Map<String, String> params, int timeoutMillis) throws IOException {
        return login(host, port, user, password, params, timeoutMillis, null);
    }

    /**
     * Connects, asks for TLS if a context is given (and goes on in plain text if the server declines), and
     * authenticates.
     *
     * @param host     backend host
     * @param port     backend port
     * @param user     user
     * @param password password (may be {@code null} for trust)
     * @param params   further startup parameters (database, client_encoding...)
     * @param timeoutMillis connect and read timeout for the login
     * @param tls      the client TLS context, or {@code null} for plain TCP
     * @return the connection
     * @throws IOException on failure; {@link ServerError} when the backend refused
     */
    public static PgBackendClient login(String host, int port, String user, String password,
                                        Map<String, String> params, int timeoutMillis,
                                        SSLContext tls) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            PgBackendClient client = new PgBackendClient(socket);
            if (tls != null) {
                client.out.write(new PgWire.Builder().int32(8).int32(PgWire.SSL_REQUEST).bytes());
                client.out.flush();
                int answer = client.in.read();
                if (answer == 'S') {
                    Socket secure = BackendTls.upgrade(tls, socket, host, port);
                    socket = secure;
                    client.socket = secure;
                    client.in = new BufferedInputStream(secure.getInputStream(), 16384);
                    client.out = secure.getOutputStream();
                } else if (answer != 'N') {
                    throw new IOException("unexpected answer " + answer + " to SSLRequest from the backend");
                }
            }
            Map<String, String> startup = new LinkedHashMap<>();
            startup.put("user", user);
            startup.putAll(params);
            client.out.write(PgWire.startupMessage(startup));
            client.out.flush();
            client.authenticate(user, password);
            socket.setSoTimeout(0);
            return client;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private void authenticate(String user, String password) throws IOException {
        ScramState scram = null;
        while (true) {
            PgWire.Message m = PgWire.readMessage(in);
            if (m.type() == 'E') {
                throw new ServerError(m.payload());
            }
            if (m.type() == 'N') {
                continue;
            }
            if (m.type() != 'R') {
                throw new IOException("unexpected message '" + m.type() + "' during backend login");
            }
            PgWire.Cursor c = m.cursor();
            int code = c.int32();
            switch (code) {
                case 0:
                    return;
                case 3:
                    send('p', new PgWire.Builder().cstring(requirePassword(password)).bytes());
                    break;
                case 5: {
                    byte[] salt = c.bytes(4);
                    String inner = md5Hex((requirePassword(password) + user).getBytes(StandardCharsets.UTF_8));
                    byte[] innerBytes = inner.getBytes(StandardCharsets.US_ASCII);
                    byte[] salted = new byte[innerBytes.length + 4];
                    System.arraycopy(innerBytes, 0, salted, 0, innerBytes.length);
                    System.arraycopy(salt, 0, salted, innerBytes.length, 4);
                    send('p', new PgWire.Builder().cstring("md5" + md5Hex(salted)).bytes());
                    break;
                }
                case 10: {
                    List<String> mechanisms = new ArrayList<>();
                    for (String s = c.cstring(); !s.isEmpty(); s = c.cstring()) {
                        mechanisms.add(s);
                    }
                    if (!mechanisms.contains("SCRAM-SHA-256")) {
                        throw new IOException("backend offers no supported SASL mechanism: " + mechanisms);
                    }
                    scram = new ScramState(requirePassword(password));
                    byte[] first = scram.clientFirst().getBytes(StandardCharsets.UTF_8);
                    send('p', new PgWire.Builder().cstring("SCRAM-SHA-256").int32(first.length).raw(first).bytes());
                    break;
                }
                case 11:
                    if (scram == null) {
                        throw new IOException("SASLContinue without SASL");
                    }
                    send('p', scram.clientFinal(new String(c.rest(), StandardCharsets.UTF_8))
                            .getBytes(StandardCharsets.UTF_8));
                    break;
                case 12:
                    if (scram == null || !scram.verifyServerFinal(new String(c.rest(), StandardCharsets.UTF_8))) {
                        throw new IOException("backend SCRAM server signature does not verify");
                    }
                    break;
                default:
                    throw new IOException("unsupported backend authentication request " + code);
            }
        }
    }

    private static String requirePassword(String password) throws IOException {
        if (password == null) {
            throw new IOException("backend asks for a password but none is configured");
        }
        return password;
    }

    private void send(char type, byte[] payload) throws IOException {
        PgWire.writeMessage(out, type, payload);
    }

    /**
     * Reads up to ReadyForQuery after login.
     *
     * @throws IOException on error
     */
    public void awaitReady() throws IOException {
        while (true) {
            PgWire.Message m = PgWire.readMessage(in);
            if (m.type() == 'E') {
                throw new ServerError(m.payload());
            }
            if (m.type() == 'Z') {
                return;
            }
        }
    }

    /**
     * Runs a simple query and returns the first column of every row.
     *
     * @param sql the statement
     * @return first-column values ({@code null} for SQL NULL)
     * @throws IOException on error ({@link ServerError} when the server reports one)
     */
    public List<String> query(String sql) throws IOException {
        send('Q', new PgWire.Builder().cstring(sql).bytes());
        List<String> rows = new ArrayList<>();
        ServerError error = null;
        while (true) {
            PgWire.Message m = PgWire.readMessage(in);
            switch (m.type()) {
                case 'E':
                    error = new ServerError(m.payload());
                    break;
                case 'D': {
                    PgWire.Cursor c = m.cursor();
                    int columns = c.int16();
                    if (columns > 0) {
                        int len = c.int32();
                        rows.add(len < 0 ? null : new String(c.bytes(len), StandardCharsets.UTF_8));
                    }
                    break;
                }
                case 'Z':
                    if (error != null) {
                        throw error;
                    }
                    return rows;
                default:
                    break;
            }
        }
    }

    /** @return the input stream (buffered; may hold unread backend bytes) */
    public InputStream in() {
        return in;
    }

    /** @return the output stream */
    public OutputStream out() {
        return out;
    }

    /** @return the socket */
    public Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        try {
            if (!socket.isClosed()) {
                out.write(PgWire.frame('X', new byte[0]));
                out.flush();
            }
        } catch (IOException ignored) {
            // closing anyway
        } finally {
            socket.close();
        }
    }

    /**
     * Quotes a SQL identifier.
     *
     * @param name the identifier
     * @return {@code "name"}
     */
    public static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /**
     * Quotes a SQL string literal.
     *
     * @param value the value
     * @return {@code 'value'}
     */
    public static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    private static String md5Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The client side of SCRAM-SHA-256 (RFC 5802 / RFC 7677), without channel binding. */
    static final class ScramState {
        private final String password;
        private final String clientNonce;
        private String clientFirstBare;
        private byte[] serverSignature;

        ScramState(String password) {
            this.password = password;
            byte[] nonce = new byte[18];
            RANDOM.nextBytes(nonce);
            this.clientNonce = Base64.getEncoder().encodeToString(nonce);
        }

        String clientFirst() {
            clientFirstBare = "n=,r=" + clientNonce;
            return "n,," + clientFirstBare;
        }

        String clientFinal(String serverFirst) throws IOException {
            Map<Character, String> attrs = attributes(serverFirst);
            String nonce = attrs.get('r');
            String salt = attrs.get('s');
            String iterations = attrs.get('i');
            if (nonce == null || salt == null || iterations == null || !nonce.startsWith(clientNonce)) {
                throw new IOException("bad SCRAM server-first message");
            }
            try {
                SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
                byte[] salted = f.generateSecret(new PBEKeySpec(password.toCharArray(),
                        Base64.getDecoder().decode(salt), Integer.parseInt(iterations), 256)).getEncoded();
                byte[] clientKey = hmac(salted, "Client Key");
                byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
                String withoutProof = "c=biws,r=" + nonce;
                String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
                byte[] clientSignature = hmac(storedKey, authMessage);
                byte[] proof = new byte[clientKey.length];
                for (int i = 0; i < proof.length; i++) {
                    proof[i] = (byte) (clientKey[i] ^ clientSignature[i]);
                }
                serverSignature = hmac(hmac(salted, "Server Key"), authMessage);
                return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new IOException("SCRAM computation failed", e);
            }
        }

        boolean verifyServerFinal(String serverFinal) {
            String v = attributes(serverFinal).get('v');
            return v != null && serverSignature != null
                    && MessageDigest.isEqual(Base64.getDecoder().decode(v), serverSignature);
        }

        private static byte[] hmac(byte[] key, String data) {
            return SigV4.hmac(key, data);
        }

        private static Map<Character, String> attributes(String message) {
            Map<Character, String> attrs = new LinkedHashMap<>();
            for (String part : message.split(",")) {
                if (part.length() >= 2 && part.charAt(1) == '=') {
                    attrs.put(part.charAt(0), part.substring(2));
                }
            }
            return attrs;
        }
    }
}
