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
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Cipher;
import javax.net.ssl.SSLContext;

/**
 * A minimal MySQL/MariaDB client: handshake without TLS (mysql_native_password, caching_sha2_password with
 * fast or RSA full authentication, mysql_clear_password) and simple text queries.
 */
public final class MySqlBackendClient implements Closeable {

    /** Capabilities this client asks for when used for administration. */
    public static final int ADMIN_CAPABILITIES = MySqlWire.CLIENT_LONG_PASSWORD | MySqlWire.CLIENT_LONG_FLAG
            | MySqlWire.CLIENT_PROTOCOL_41 | MySqlWire.CLIENT_TRANSACTIONS | MySqlWire.CLIENT_SECURE_CONNECTION
            | MySqlWire.CLIENT_MULTI_RESULTS | MySqlWire.CLIENT_PLUGIN_AUTH
            | MySqlWire.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA;

    /** utf8mb4_general_ci, known to MySQL and MariaDB. */
    public static final int UTF8MB4_GENERAL_CI = 45;

    /** The backend refused; carries the ERR payload for relaying. */
    public static final class ServerError extends IOException {
        private static final long serialVersionUID = 1L;
        private final transient byte[] payload;

        ServerError(byte[] payload) {
            super(describe(payload));
            this.payload = payload.clone();
        }

        /** @return the ERR packet payload */
        public byte[] payload() {
            return payload.clone();
        }

        private static String describe(byte[] payload) {
            MySqlWire.Cursor c = new MySqlWire.Packet(0, payload).cursor();
            c.int1();
            int code = c.int2();
            return "MySQL error " + code + ": " + new String(c.rest(), StandardCharsets.UTF_8);
        }
    }

    /** What the server's greeting said. */
    public record Greeting(String serverVersion, int connectionId, int capabilities, int charset, byte[] seed,
                           String plugin) {
    }

    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private SSLContext tls;
    private String host;
    private int port;
    private Greeting greeting;
    private int capabilities;
    private byte[] okPayload;

    private MySqlBackendClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 16384);
        this.out = socket.getOutputStream();
    }

    /**
     * Connects and reads the server greeting; {@link #login} must follow.
     *
     * @param host          the server host
     * @param port          the server port
     * @param timeoutMillis connect and read timeout until the login ends
     * @return the connection
     * @throws IOException on failure ({@link ServerError} if the server greets with an error)
     */
    public static MySqlBackendClient connect(String host, int port, int timeoutMillis) throws IOException {
        return connect(host, port, timeoutMillis, null);
    }

    /**
     * Connects and reads the server greeting; {@link #login} must follow and switches to TLS first if a context
     * is given and the server offers it.
     *
     * @param host          the server host
     * @param port          the server port
     * @param timeoutMillis connect and read timeout until the login ends
     * @param tls           the client TLS context, or {@code null} for plain TCP
     * @return the connection
     * @throws IOException on failure ({@link ServerError} if the server greets with an error)
     */
    public static MySqlBackendClient connect(String host, int port, int timeoutMillis,
                                             SSLContext tls) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            MySqlBackendClient client = new MySqlBackendClient(socket);
            client.tls = tls;
            client.host = host;
            client.port = port;
            MySqlWire.Packet first = MySqlWire.read(client.in);
            if (first.header() == 0xff) {
                throw new ServerError(first.payload());
            }
            client.greeting = parseGreeting(first.payload());
            return client;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Connects and logs in.
     *
     * @param host          the server host
     * @param port          the server port
     * @param user          the user
     * @param password      the password ({@code null} or empty for none)
     * @param database      the database, or {@code null}
     * @param capabilities  the capabilities wanted
     * @param charset       the collation id to send
     * @param maxPacket     the max packet size to send
     * @param timeoutMillis connect and read timeout during the login
     * @return the logged-in connection
     * @throws IOException on failure ({@link ServerError} if the server refused)
     */
    public static MySqlBackendClient login(String host, int port, String user, String password, String database,
                                           int capabilities, int charset, int maxPacket, int timeoutMillis)
            throws IOException {
        MySqlBackendClient client = connect(host, port, timeoutMillis);
        try {
            client.login(user, password, database, capabilities, charset, maxPacket);
            return client;
        } catch (IOException | RuntimeException e) {
            client.socket.close();
            throw e;
        }
    }

    /**
     * Logs in after {@link #connect}. The capabilities are intersected with the server's; SSL, compression,
     * connection attributes and everything above CLIENT_DEPRECATE_EOF are never asked for.
     *
     * @param user         the user
     * @param password     the password ({@code null} or empty for none)
     * @param database     the database, or {@code null}
     * @param wanted       the capabilities wanted
     * @param charset      the collation id to send
     * @param maxPacket    the max packet size to send
     * @throws IOException on failure ({@link ServerError} if the server refused)
     */
    public void login(String user, String password, String database, int wanted, int charset, int maxPacket)
            throws IOException {
        handshake(user, password == null ? "" : password, database, wanted, charset, maxPacket);
        socket.setSoTimeout(0);
    }

    private void handshake(String user, String password, String database, int wanted, int charset, int maxPacket)
            throws IOException {
        int caps = wanted & greeting.capabilities()
                & ~(MySqlWire.CLIENT_SSL | MySqlWire.CLIENT_COMPRESS | MySqlWire.CLIENT_CONNECT_ATTRS);
        caps &= ~(0xffffffff << 25); // nothing beyond CLIENT_DEPRECATE_EOF (query attributes, zstd, MFA...)
        caps |= MySqlWire.CLIENT_PROTOCOL_41 | MySqlWire.CLIENT_SECURE_CONNECTION | MySqlWire.CLIENT_PLUGIN_AUTH;
        if (database != null && !database.isEmpty()) {
            caps |= MySqlWire.CLIENT_CONNECT_WITH_DB;
        } else {
            caps &= ~MySqlWire.CLIENT_CONNECT_WITH_DB;
        }
        int seq = 1;
        if (tls != null && (greeting.capabilities() & MySqlWire.CLIENT_SSL) != 0) {
            caps |= MySqlWire.CLIENT_SSL;
            MySqlWire.write(out, seq++, new MySqlWire.Builder().int4(caps).int4(maxPacket).int1(charset & 0xff)
                    .zeros(23).bytes());
            Socket secure = BackendTls.upgrade(tls, socket, host, port);
            socket = secure;
            in = new BufferedInputStream(secure.getInputStream(), 16384);
            out = secure.getOutputStream();
        }
        capabilities = caps;
        String plugin = greeting.plugin() == null ? "mysql_native_password" : greeting.plugin();
        byte[] auth = authResponse(plugin, password, greeting.seed());
        MySqlWire.Builder response = new MySqlWire.Builder().int4(caps).int4(maxPacket).int1(charset & 0xff)
                .zeros(23).cstring(user);
        if ((caps & MySqlWire.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA) != 0) {
            response.lenenc(auth.length).raw(auth);
        } else {
            response.int1(auth.length).raw(auth);
        }
        if ((caps & MySqlWire.CLIENT_CONNECT_WITH_DB) != 0) {
            response.cstring(database);
        }
        response.cstring(plugin);
        MySqlWire.write(out, seq, response.bytes());
        byte[] seed = greeting.seed();
        while (true) {
            MySqlWire.Packet p = MySqlWire.read(in);
            seq = p.sequence() + 1;
            switch (p.header()) {
                case 0x00:
                    okPayload = p.payload();
                    return;
                case 0xff:
                    throw new ServerError(p.payload());
                case 0xfe: {
                    MySqlWire.Cursor c = p.cursor();
                    c.int1();
                    plugin = c.cstring();
                    byte[] data = c.rest();
                    if (data.length > 0 && data[data.length - 1] == 0) {
                        byte[] trimmed = new byte[data.length - 1];
                        System.arraycopy(data, 0, trimmed, 0, trimmed.length);
                        data = trimmed;
                    }
                    seed = data;
                    MySqlWire.write(out, seq, authResponse(plugin, password, seed));
                    break;
                }
                case 0x01: {
                    byte[] more = p.payload();
                    if (more.length == 2 && more[1] == 3) {
                        break; // caching_sha2 fast auth succeeded; OK follows
                    }
                    if (more.length == 2 && more[1] == 4) {
                        MySqlWire.write(out, seq, new byte[] {2}); // request the RSA public key
                        MySqlWire.Packet key = MySqlWire.read(in);
                        if (key.header() != 0x01) {
                            throw new IOException("expected the server's public key");
                        }
                        byte[] pem = new byte[key.payload().length - 1];
                        System.arraycopy(key.payload(), 1, pem, 0, pem.length);
                        MySqlWire.write(out, key.sequence() + 1, rsaEncrypt(password, seed, pem));
                        break;
                    }
                    throw new IOException("unexpected auth-more-data from backend");
                }
                default:
                    throw new IOException("unexpected packet during backend login");
            }
        }
    }

    private static Greeting parseGreeting(byte[] payload) throws IOException {
        MySqlWire.Cursor c = new MySqlWire.Packet(0, payload).cursor();
        int protocol = c.int1();
        if (protocol != 10) {
            throw new IOException("unsupported protocol version " + protocol);
        }
        String version = c.cstring();
        int connectionId = c.int4();
        byte[] part1 = c.bytes(8);
        c.int1();
        int caps = c.int2();
        int charset = c.int1();
        c.int2(); // status
        caps |= c.int2() << 16;
        int authLen = c.int1();
        c.skip(10);
        byte[] seed = part1;
        if ((caps & MySqlWire.CLIENT_SECURE_CONNECTION) != 0) {
            int len2 = Math.max(13, authLen - 8);
            byte[] part2 = c.bytes(Math.min(len2, c.remaining()));
            int used = part2.length > 0 && part2[part2.length - 1] == 0 ? part2.length - 1 : part2.length;
            seed = new byte[8 + used];
            System.arraycopy(part1, 0, seed, 0, 8);
            System.arraycopy(part2, 0, seed, 8, used);
        }
        String plugin = null;
        if ((caps & MySqlWire.CLIENT_PLUGIN_AUTH) != 0 && c.remaining() > 0) {
            plugin = c.cstring();
        }
        return new Greeting(version, connectionId, caps, charset, seed, plugin);
    }

    private static byte[] authResponse(String plugin, String password, byte[] seed) throws IOException {
        if (password.isEmpty()) {
            return new byte[0];
        }
        byte[] pw = password.getBytes(StandardCharsets.UTF_8);
        try {
            switch (plugin) {
                case "mysql_native_password": {
                    MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
                    byte[] stage1 = sha1.digest(pw);
                    byte[] stage2 = sha1.digest(stage1);
                    sha1.update(seed, 0, Math.min(seed.length, 20));
                    sha1.update(stage2);
                    return xor(stage1, sha1.digest());
                }
                case "caching_sha2_password": {
                    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
                    byte[] stage1 = sha256.digest(pw);
                    byte[] stage2 = sha256.digest(stage1);
                    sha256.update(stage2);
                    sha256.update(seed, 0, Math.min(seed.length, 20));
                    return xor(stage1, sha256.digest());
                }
                case "mysql_clear_password": {
                    byte[] b = new byte[pw.length + 1];
                    System.arraycopy(pw, 0, b, 0, pw.length);
                    return b;
                }
                default:
                    throw new IOException("unsupported backend authentication plugin " + plugin);
            }
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private static byte[] rsaEncrypt(String password, byte[] seed, byte[] pem) throws IOException {
        try {
            String text = new String(pem, StandardCharsets.US_ASCII)
                    .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            PublicKey key = KeyFactory.getInstance("RSA")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(text)));
            byte[] pw = password.getBytes(StandardCharsets.UTF_8);
            byte[] plain = new byte[pw.length + 1];
            System.arraycopy(pw, 0, plain, 0, pw.length);
            for (int i = 0; i < plain.length; i++) {
                plain[i] ^= seed[i % seed.length];
            }
            Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPWithSHA-1AndMGF1Padding");
            cipher.init(Cipher.ENCRYPT_MODE, key);
            return cipher.doFinal(plain);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("cannot encrypt the password for caching_sha2_password", e);
        }
    }

    private static byte[] xor(byte[] a, byte[] b) {
        byte[] r = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = (byte) (a[i] ^ b[i]);
        }
        return r;
    }

    /**
     * Runs a text query and returns the first column of each row.
     *
     * @param sql the statement
     * @return first-column values
     * @throws IOException on error ({@link ServerError} if the server reports one)
     */
    public List<String> query(String sql) throws IOException {
        byte[] text = sql.getBytes(StandardCharsets.UTF_8);
        byte[] payload = new byte[text.length + 1];
        payload[0] = 0x03;
        System.arraycopy(text, 0, payload, 1, text.length);
        MySqlWire.write(out, 0, payload);
        List<String> rows = new ArrayList<>();
        MySqlWire.Packet first = MySqlWire.read(in);
        if (first.header() == 0xff) {
            throw new ServerError(first.payload());
        }
        if (first.header() == 0x00) {
            return rows;
        }
        long columns = first.cursor().lenenc();
        boolean deprecateEof = (capabilities & MySqlWire.CLIENT_DEPRECATE_EOF) != 0;
        for (long i = 0; i < columns; i++) {
            MySqlWire.read(in);
        }
        if (!deprecateEof) {
            MySqlWire.read(in); // EOF after column definitions
        }
        while (true) {
            MySqlWire.Packet row = MySqlWire.read(in);
            if (row.header() == 0xff) {
                throw new ServerError(row.payload());
            }
            if (row.header() == 0xfe && row.payload().length < 0xffffff) {
                return rows;
            }
            MySqlWire.Cursor c = row.cursor();
            long len = c.lenenc();
            rows.add(len < 0 ? null : new String(c.bytes((int) len), StandardCharsets.UTF_8));
        }
    }

    /** @return the server greeting */
    public Greeting greeting() {
        return greeting;
    }

    /** @return the capabilities used */
    public int capabilities() {
        return capabilities;
    }

    /** @return the OK packet payload that ended the login */
    public byte[] okPayload() {
        return okPayload.clone();
    }

    /** @return the buffered input stream */
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
                MySqlWire.write(out, 0, new byte[] {0x01}); // COM_QUIT
            }
        } catch (IOException ignored) {
            // closing anyway
        } finally {
            socket.close();
        }
    }

    /**
     * Quotes a string literal.
     *
     * @param value the value
     * @return {@code 'value'} with quotes and backslashes escaped
     */
    public static String literal(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /**
     * Quotes an identifier.
     *
     * @param name the identifier
     * @return {@code `name`}
     */
    public static String ident(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
