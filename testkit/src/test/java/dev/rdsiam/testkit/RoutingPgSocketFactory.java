package dev.rdsiam.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import javax.net.SocketFactory;

/**
 * pgjdbc {@code socketFactory}: dials the route given in {@code socketFactoryArg} ({@code host:port}) whatever
 * host the URL names, so that the URL (and with it the TLS host-name check) can use the identity name.
 */
public final class RoutingPgSocketFactory extends SocketFactory {

    private final String host;
    private final int port;

    /**
     * Created by pgjdbc with {@code socketFactoryArg}.
     *
     * @param route {@code host:port}
     */
    public RoutingPgSocketFactory(String route) {
        int colon = route.lastIndexOf(':');
        this.host = route.substring(0, colon);
        this.port = Integer.parseInt(route.substring(colon + 1));
    }

    @Override
    public Socket createSocket() {
        return new RoutedSocket();
    }

    @Override
    public Socket createSocket(String h, int p) throws IOException {
        return new Socket(host, port);
    }

    @Override
    public Socket createSocket(String h, int p, InetAddress localHost, int localPort) throws IOException {
        return new Socket(host, port, localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress h, int p) throws IOException {
        return new Socket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress h, int p, InetAddress localAddress, int localPort) throws IOException {
        return new Socket(host, port, localAddress, localPort);
    }

    private final class RoutedSocket extends Socket {
        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
            super.connect(new InetSocketAddress(host, port), timeout);
        }
    }
}
