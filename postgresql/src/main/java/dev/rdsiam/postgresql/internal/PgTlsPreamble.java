package dev.rdsiam.postgresql.internal;

import dev.rdsiam.spi.TlsPreamble;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;

/**
 * PostgreSQL's exchange before TLS, for the TLS probe: the client's {@code SSLRequest}, answered {@code S} by a
 * server that offers TLS.
 *
 * <pre>{@code
 * String said = new PgTlsPreamble().negotiate(socket, "127.0.0.1:8888");
 * }</pre>
 */
public final class PgTlsPreamble implements TlsPreamble {

    /** The PostgreSQL SSLRequest code, 1234 &lt;&lt; 16 | 5679. */
    static final int PG_SSL_REQUEST = 80877103;

    /** Creates the preamble. */
    public PgTlsPreamble() {
    }

    @Override
    public String negotiate(Socket socket, String route) throws IOException {
        return postgresql(socket, route);
    }

    private static String postgresql(Socket socket, String route) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(new byte[] {0, 0, 0, 8, (byte) (PG_SSL_REQUEST >>> 24), (byte) (PG_SSL_REQUEST >>> 16),
            (byte) (PG_SSL_REQUEST >>> 8), (byte) PG_SSL_REQUEST});
        out.flush();
        int answer = socket.getInputStream().read();
        switch (answer) {
            case 'S':
                return "PostgreSQL SSLRequest (" + PG_SSL_REQUEST + ") answered 'S': the server offers TLS";
            case 'N':
                throw new Refused("the server at " + route + " answered 'N' to the PostgreSQL SSLRequest: it does not "
                        + "offer TLS, so no token would be sent; an RDS endpoint always offers TLS: check that the route "
                        + "leads to the database and not to something that terminates or strips TLS");
            case -1:
                throw new Refused("the server at " + route + " closed the connection right after the PostgreSQL "
                        + "SSLRequest: check that the port is a PostgreSQL port (a tunnel with nothing behind it "
                        + "accepts connections and then closes them) and that --engine is right");
            default:
                throw new Refused("the server at " + route + " answered 0x" + Integer.toHexString(answer)
                        + " to the PostgreSQL SSLRequest: it is not a PostgreSQL server; check the port (3306 is "
                        + "MySQL's) and --engine");
        }
    }
}
