package dev.rdsiam.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.SocketFactory;

/**
 * A pgjdbc {@code socketFactory} that dials each host name through a table of loopback routes, so that the AWS
 * wrapper's own contender (B7) reaches every endpoint of a LocalAurora under its real name: pgjdbc still verifies the
 * certificate against that name ({@code sslmode=verify-full}), only the TCP address comes from the table.
 *
 * <p>{@code socketFactoryArg} is the table, {@code NAME=HOST:PORT} entries separated by commas. A name without an
 * entry is refused (nothing here may leave the loopback).
 */
public final class RouteTableSocketFactory extends SocketFactory {

    private final Map<String, InetSocketAddress> table = new HashMap<>();

    /**
     * Called by pgjdbc with the {@code socketFactoryArg}.
     *
     * @param routes {@code NAME=HOST:PORT,...}
     */
    public RouteTableSocketFactory(String routes) {
        for (String entry : routes.split(",")) {
            String e = entry.trim();
            int eq = e.indexOf('=');
            int colon = e.lastIndexOf(':');
            if (eq <= 0 || colon < eq) {
                throw new IllegalArgumentException("socketFactoryArg: expected NAME=HOST:PORT, got '" + e + "'");
            }
            table.put(e.substring(0, eq).toLowerCase(Locale.ROOT),
                    new InetSocketAddress(e.substring(eq + 1, colon), Integer.parseInt(e.substring(colon + 1))));
        }
    }

    private InetSocketAddress lookUp(String host) throws UnknownHostException {
        InetSocketAddress a = table.get(host.toLowerCase(Locale.ROOT));
        if (a == null) {
            throw new UnknownHostException(host + ": not in the route table");
        }
        return a;
    }

    @Override
    public Socket createSocket() {
        return new Socket() {
            @Override
            public void connect(SocketAddress endpoint, int timeout) throws IOException {
                super.connect(lookUp(((InetSocketAddress) endpoint).getHostString()), timeout);
            }
        };
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        InetSocketAddress a = lookUp(host);
        return new Socket(a.getAddress(), a.getPort());
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        InetSocketAddress a = lookUp(host);
        return new Socket(a.getAddress(), a.getPort(), localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        throw new UnknownHostException("an address, not a name: " + host);
    }

    @Override
    public Socket createSocket(InetAddress host, int port, InetAddress localAddress, int localPort)
            throws IOException {
        throw new UnknownHostException("an address, not a name: " + host);
    }
}
