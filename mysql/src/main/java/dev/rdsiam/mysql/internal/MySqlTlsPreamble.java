package dev.rdsiam.mysql.internal;

import dev.rdsiam.spi.TlsPreamble;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * MySQL's exchange before TLS, for the TLS probe: the server's greeting (version, connection id, whether it offers
 * TLS), then the client's {@code SSLRequest} packet. Errors the server sends instead of a greeting (1129 host
 * blocked, 1040 too many connections) are explained.
 *
 * <pre>{@code
 * String said = new MySqlTlsPreamble().negotiate(socket, "127.0.0.1:3306");
 * }</pre>
 */
public final class MySqlTlsPreamble implements TlsPreamble {

    static final int CLIENT_PROTOCOL_41 = 0x0200;
    static final int CLIENT_SSL = 0x0800;
    static final int CLIENT_SECURE_CONNECTION = 0x8000;

    private static final int MAX_GREETING = 64 * 1024;

    /** Creates the preamble. */
    public MySqlTlsPreamble() {
    }

    @Override
    public String negotiate(Socket socket, String route) throws IOException {
        return mysql(socket, route);
    }

    private static String mysql(Socket socket, String route) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] header;
        try {
            header = readFully(in, 4);
        } catch (EOFException e) {
            throw new Refused("the server at " + route + " closed the connection without a MySQL greeting: check "
                    + "that the port is a MySQL port and that --engine is right");
        }
        int length = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
        if (length == 0 || length > MAX_GREETING) {
            throw new Refused("the server at " + route + " sent no MySQL greeting (a first packet of " + length
                    + " bytes): it is not a MySQL server; check the port (5432 is PostgreSQL's) and --engine");
        }
        byte[] p = readFully(in, length);
        int first = p[0] & 0xff;
        if (first == 0xff) {
            throw mysqlError(p, route);
        }
        if (first != 10) {
            throw new Refused("the server at " + route + " sent no MySQL protocol-10 greeting (first byte 0x"
                    + Integer.toHexString(first) + "): it is not a MySQL server; check the port and --engine");
        }
        int i = 1;
        int end = i;
        while (end < p.length && p[end] != 0) {
            end++;
        }
        String version = new String(p, i, end - i, StandardCharsets.US_ASCII);
        i = end + 1;
        long connectionId = i + 4 <= p.length ? (p[i] & 0xffL) | (p[i + 1] & 0xffL) << 8 | (p[i + 2] & 0xffL) << 16
                | (p[i + 3] & 0xffL) << 24 : -1;
        i += 4 + 8 + 1; // connection id, auth-plugin-data part 1, filler
        if (i + 2 > p.length) {
            throw new Refused("the server at " + route + " sent a truncated MySQL greeting: check the port and "
                    + "--engine");
        }
        int caps = (p[i] & 0xff) | (p[i + 1] & 0xff) << 8;
        int charset = i + 2 < p.length ? p[i + 2] & 0xff : 0x21;
        if (i + 7 <= p.length) {
            caps |= ((p[i + 5] & 0xff) | (p[i + 6] & 0xff) << 8) << 16;
        }
        String server = "MySQL greeting from server " + version + " (connection id " + connectionId + ")";
        if ((caps & CLIENT_SSL) == 0) {
            throw new Refused(server + " at " + route + " does not offer TLS (no CLIENT_SSL capability), so no "
                    + "token would be sent; an RDS endpoint always offers TLS: check that the route leads to the "
                    + "database and not to something that strips TLS");
        }
        byte[] request = new byte[4 + 32];
        request[0] = 32;
        request[3] = 1; // sequence id
        int clientCaps = CLIENT_SSL | CLIENT_PROTOCOL_41 | CLIENT_SECURE_CONNECTION;
        putInt(request, 4, clientCaps);
        putInt(request, 8, 16 * 1024 * 1024);
        request[12] = (byte) charset;
        OutputStream out = socket.getOutputStream();
        out.write(request);
        out.flush();
        return server + ": offers TLS; SSLRequest sent (CLIENT_SSL|CLIENT_PROTOCOL_41|CLIENT_SECURE_CONNECTION)";
    }

    private static Refused mysqlError(byte[] p, String route) {
        int code = p.length >= 3 ? (p[1] & 0xff) | (p[2] & 0xff) << 8 : 0;
        int from = p.length > 3 && p[3] == '#' ? 9 : 3;
        String message = from < p.length ? new String(p, from, p.length - from, StandardCharsets.UTF_8) : "";
        String text = "the server at " + route + " refused the connection before TLS with MySQL error " + code + " ("
                + message + ")";
        if (code == 1129) {
            return new Refused(text + ": this client's address is blocked after too many interrupted handshakes "
                    + "(max_connect_errors; often a load balancer's TCP health checks): run FLUSH HOSTS (mysqladmin "
                    + "flush-hosts), raise max_connect_errors in the DB parameter group, and point NLB health checks "
                    + "elsewhere or make them complete a login");
        }
        if (code == 1040) {
            return new Refused(text + ": the server has no free connections (max_connections): close idle "
                    + "connections or use a pool / RDS Proxy");
        }
        return new Refused(text);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }

    private static byte[] readFully(InputStream in, int n) throws IOException {
        byte[] b = new byte[n];
        int off = 0;
        while (off < n) {
            int r = in.read(b, off, n - off);
            if (r < 0) {
                throw new EOFException("connection closed after " + off + " of " + n + " bytes");
            }
            off += r;
        }
        return b;
    }
}
