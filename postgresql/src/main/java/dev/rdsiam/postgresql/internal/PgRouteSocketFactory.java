package dev.rdsiam.postgresql.internal;

import dev.rdsiam.spi.ConnectionScope;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Properties;
import javax.net.SocketFactory;

/**
 * pgjdbc's {@code socketFactory}: delegates to the DataSource's route factory, which dials the route (or the identity
 * host) with the connect timeout and reports dropped packets, refusals and unknown names distinctly.
 */
public final class PgRouteSocketFactory extends SocketFactory {

    private final SocketFactory delegate;

    /**
     * Called by pgjdbc.
     *
     * @param info the connection properties (unused: the connection's endpoint comes from its {@link ConnectionScope})
     */
    public PgRouteSocketFactory(Properties info) {
        ConnectionScope scope = ConnectionScope.current();
        scope.dialing();
        this.delegate = scope.routeSocketFactory();
    }

    @Override
    public Socket createSocket() throws IOException {
        return delegate.createSocket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return delegate.createSocket(host, port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return delegate.createSocket(host, port, localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return delegate.createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return delegate.createSocket(address, port, localAddress, localPort);
    }
}
