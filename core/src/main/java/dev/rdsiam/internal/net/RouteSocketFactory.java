package dev.rdsiam.internal.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import javax.net.SocketFactory;

/**
 * A {@link SocketFactory} for JDBC drivers whose sockets always go to the configured route ({@code connectHost} and
 * {@code connectPort}: an SSM port-forwarding tunnel, an NLB, a jump host), whatever host and port the driver asks
 * for. The driver keeps using the real endpoint name in its URL, so the IAM token and the TLS host-name check stay on
 * the identity.
 *
 * <pre>{@code
 * SocketFactory f = new RouteSocketFactory("127.0.0.1", 8888, Duration.ofSeconds(10));
 * Socket s = f.createSocket();                                        // what pgjdbc does ...
 * s.connect(new InetSocketAddress("db1.c0ffee.us-east-1.rds.amazonaws.com", 5432), 10_000); // ... dials 127.0.0.1:8888
 * }</pre>
 *
 * <p><b>Unconnected sockets.</b> pgjdbc calls {@link #createSocket()} and then
 * {@code socket.connect(new InetSocketAddress(urlHost, urlPort), timeout)}. The URL host may not resolve on this
 * machine at all (a VPC-only name seen through a tunnel), in which case the driver's {@code InetSocketAddress} is
 * <em>unresolved</em>. So {@link #createSocket()} returns a socket whose {@code connect} ignores the address it is
 * given — it never resolves it, it only uses its host string in messages — and dials the route instead, with the
 * semantics and {@link ConnectFailure} messages of {@link Dialer}, trying every address of the route host. The
 * connect timeout is this factory's, or the driver's when that is positive and shorter. Options set before
 * {@code connect} (timeouts, {@code TCP_NODELAY}, buffer sizes, {@code bind}) are applied to the real connection;
 * after it, the socket delegates everything to the connected socket, whose remote address is the route's.
 *
 * <p><b>Connected sockets.</b> The {@code createSocket(host, port, ...)} variants also dial the route (binding the
 * local address when one is given) and ignore the host and port asked for.
 */
public final class RouteSocketFactory extends SocketFactory {

    private final String routeHost;
    private final int routePort;
    private final Duration connectTimeout;

    /**
     * A factory whose sockets go to {@code routeHost:routePort}.
     *
     * @throws IllegalArgumentException for a blank host, a port out of range or a non-positive timeout
     */
    public RouteSocketFactory(String routeHost, int routePort, Duration connectTimeout) {
        if (routeHost == null || routeHost.isBlank()) {
            throw new IllegalArgumentException("routeHost is blank");
        }
        if (routePort < 1 || routePort > 65535) {
            throw new IllegalArgumentException("routePort " + routePort + " is out of range 1-65535");
        }
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be positive, got " + connectTimeout);
        }
        this.routeHost = routeHost.trim();
        this.routePort = routePort;
        this.connectTimeout = connectTimeout;
    }

    /** The host every socket dials. */
    public String routeHost() {
        return routeHost;
    }

    /** The port every socket dials. */
    public int routePort() {
        return routePort;
    }

    /** The bound on each dial. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** An unconnected socket whose {@code connect(address, timeout)} dials the route, ignoring the address. */
    @Override
    public Socket createSocket() {
        return new RouteSocket(routeHost, routePort, connectTimeout);
    }

    /** A socket connected to the route; {@code host} and {@code port} only appear in error messages. */
    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return dial(host + ":" + port, null);
    }

    /** A socket connected to the route, bound to {@code localHost:localPort}; {@code host}/{@code port} are ignored. */
    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return dial(host + ":" + port, new InetSocketAddress(localHost, localPort));
    }

    /** A socket connected to the route; {@code host} and {@code port} only appear in error messages. */
    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return dial(host.getHostAddress() + ":" + port, null);
    }

    /** A socket connected to the route, bound to {@code localAddress:localPort}; the asked address is ignored. */
    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return dial(address.getHostAddress() + ":" + port, new InetSocketAddress(localAddress, localPort));
    }

    @Override
    public String toString() {
        return "RouteSocketFactory[" + routeHost + ":" + routePort + ", connectTimeout=" + connectTimeout + "]";
    }

    private Socket dial(String asked, InetSocketAddress local) throws ConnectFailure {
        return Dialer.dial(routeHost, routePort, connectTimeout, "route for " + asked, s -> {
            if (local != null) {
                s.bind(local);
            }
        });
    }
}
