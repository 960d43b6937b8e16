package dev.rdsiam.mysql.internal;

import com.mysql.cj.conf.PropertyKey;
import com.mysql.cj.conf.PropertySet;
import com.mysql.cj.conf.RuntimeProperty;
import com.mysql.cj.protocol.ServerSession;
import com.mysql.cj.protocol.SocketConnection;
import com.mysql.cj.protocol.SocketFactory;
import dev.rdsiam.spi.ConnectionScope;
import java.io.Closeable;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;

/**
 * Connector/J's {@code socketFactory}: dials the route of the connection's {@link ConnectionScope}, then does TLS
 * with the DataSource's cached context (SNI and host-name check against the scope's endpoint) and returns a real {@code SSLSocket}, which is what makes Connector/J
 * send the token with {@code mysql_clear_password}. While the login runs, reads are bounded by the connect timeout;
 * afterwards the socket gets Connector/J's {@code socketTimeout} (default: none).
 */
public final class RdsIamSocketFactory implements SocketFactory {

    private ConnectionScope scope;
    private Socket raw;
    private Socket tls;
    private int socketTimeout;

    /** Called by Connector/J (needs a public no-argument constructor). */
    public RdsIamSocketFactory() {
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends Closeable> T connect(String host, int port, PropertySet props, int loginTimeout)
            throws IOException {
        scope = ConnectionScope.find().orElseThrow(() -> new SocketException("the rds-iam-jdbc socket factory is "
                + "only usable through an rds-iam-jdbc DataSource"));
        scope.dialing();
        RuntimeProperty<Integer> st = props.getIntegerProperty(PropertyKey.socketTimeout);
        socketTimeout = st.getValue() == null ? 0 : st.getValue();
        raw = scope.routeSocketFactory().createSocket(host, port);
        raw.setSoTimeout((int) Math.min(Integer.MAX_VALUE, scope.context().config().connectTimeout().toMillis()));
        return (T) raw;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends Closeable> T performTlsHandshake(SocketConnection socketConnection, ServerSession serverSession)
            throws IOException {
        tls = scope.tlsSocketFactory().createSocket(socketConnection.getMysqlSocket(), scope.identityHost(),
                scope.identityPort(), true);
        return (T) tls;
    }

    @Override
    public void afterHandshake() throws IOException {
        Socket s = tls != null ? tls : raw;
        if (s != null && !s.isClosed()) {
            s.setSoTimeout(socketTimeout);
        }
    }
}
