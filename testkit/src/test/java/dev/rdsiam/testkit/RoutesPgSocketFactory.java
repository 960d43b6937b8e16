package dev.rdsiam.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.SocketFactory;

/**
 * pgjdbc {@code socketFactory} for several names: {@code socketFactoryArg} is a route list as
 * {@code RDSIAM_ROUTES} prints it ({@code NAME=HOST:PORT,...}); each connection dials the route of the host it was
 * asked for, so one set of properties serves every endpoint of a {@link LocalAurora}.
 */
public final class RoutesPgSocketFactory extends SocketFactory {

    private final Map<String, InetSocketAddress> routes = new LinkedHashMap<>();

    /**
     * Created by pgjdbc with {@code socketFactoryArg}.
     *
     * @param routes {@code NAME=HOST:PORT,...}
     */
    public RoutesPgSocketFactory(String routes) {
        for (String entry : routes.split(",")) {
            int eq = entry.indexOf('=');
            int colon = entry.lastIndexOf(':');
            this.routes.put(entry.substring(0, eq).toLowerCase(Locale.ROOT),
                    new InetSocketAddress(entry.substring(eq + 1, colon), Integer.parseInt(entry.substring(colon + 1))));
        }
    }

    private InetSocketAddress route(String host) throws UnknownHostException {
        InetSocketAddress route = routes.get(host.toLowerCase(Locale.ROOT));
        if (route == null) {
            throw new UnknownHostException(host + " (no route)");
        }
        return route;
    }

    @Override
    public Socket createSocket() {
        return new RoutedSocket();
    }

    @Override
    public Socket createSocket(String h, int p) throws IOException {
        InetSocketAddress r = route(h);
        return new Socket(r.getAddress(), r.getPort());
    }

    @Override
    public Socket createSocket(String h, int p, InetAddress localHost, int localPort) throws IOException {
        InetSocketAddress r = route(h);
        return new Socket(r.getAddress(), r.getPort(), localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress h, int p) throws IOException {
        throw new UnknownHostException("dial by name: " + h);
    }

    @Override
    public Socket createSocket(InetAddress h, int p, InetAddress localAddress, int localPort) throws IOException {
        throw new UnknownHostException("dial by name: " + h);
    }

    private final class RoutedSocket extends Socket {
        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
            super.connect(route(((InetSocketAddress) endpoint).getHostString()), timeout);
        }
    }
}
