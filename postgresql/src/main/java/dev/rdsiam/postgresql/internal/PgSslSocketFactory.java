package dev.rdsiam.postgresql.internal;

import dev.rdsiam.spi.ConnectionScope;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Properties;
import javax.net.ssl.SSLSocketFactory;

/**
 * pgjdbc's {@code sslfactory}: delegates to the DataSource's TLS factory (one cached {@code SSLContext}, SNI and
 * verification against the endpoint of the connection's {@link ConnectionScope}). Instantiated by pgjdbc.
 */
public final class PgSslSocketFactory extends SSLSocketFactory {

    private final SSLSocketFactory delegate;

    /**
     * Called by pgjdbc.
     *
     * @param info the connection properties (unused: the connection's endpoint comes from its {@link ConnectionScope})
     */
    public PgSslSocketFactory(Properties info) {
        this.delegate = ConnectionScope.current().tlsSocketFactory();
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        return delegate.createSocket(s, host, port, autoClose);
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
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
