package dev.rdsiam.internal.net;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Opens plain TCP connections, turning every failure into a {@link ConnectFailure} that says what to check.
 *
 * <pre>{@code
 * Socket plain = Dialer.dial("127.0.0.1", 8888, Duration.ofSeconds(10)); // e.g. an SSM port-forwarding tunnel
 * SSLSocket tls = new IdentityTls(trust).handshake(plain, identityHost, 5432, Duration.ofSeconds(10));
 * }</pre>
 *
 * <p>All addresses of the host are resolved and tried in order until one connects. The connect timeout bounds the
 * whole dial, name resolution included: each address gets an equal share of the time still left, so that one
 * black-holed address cannot use up the time of the others. Sockets come back with {@code TCP_NODELAY} and
 * {@code SO_KEEPALIVE} on and no read timeout.
 */
public final class Dialer {

    private Dialer() {
    }

    /**
     * Connects to {@code host:port}.
     *
     * @param host a host name or IP literal, resolved here with the JDK resolver
     * @param port 1 to 65535
     * @param connectTimeout bound on the whole dial (positive)
     * @return a connected socket with TCP_NODELAY and keepalive on
     * @throws ConnectFailure when no address could be connected; the message names host, port, addresses, the
     *     elapsed time and the fix
     * @throws IllegalArgumentException for a blank host, a port out of range or a non-positive timeout
     */
    public static Socket dial(String host, int port, Duration connectTimeout) throws ConnectFailure {
        return dial(host, port, connectTimeout, null, null);
    }

    /** Prepares a socket before it connects (options, bind). */
    @FunctionalInterface
    interface SocketSetup {
        void prepare(Socket unconnected) throws IOException;
    }

    /**
     * {@link #dial(String, int, Duration)} with a note for the messages (e.g. what the route stands for) and a hook
     * run on each socket before it connects.
     */
    static Socket dial(String host, int port, Duration connectTimeout, String note, SocketSetup setup)
            throws ConnectFailure {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host is blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range 1-65535");
        }
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be positive, got " + connectTimeout);
        }
        String name = host.trim();
        long start = System.nanoTime();
        long deadline = start + saturatedNanos(connectTimeout);

        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(name);
        } catch (UnknownHostException e) {
            Duration elapsed = Elapsed.since(start);
            String detail = e.getMessage() == null || e.getMessage().equals(name) ? "unknown host" : e.getMessage();
            throw new ConnectFailure(ConnectFailure.Kind.UNKNOWN_HOST, name, port, elapsed,
                    name + " does not resolve from here (" + detail + (note == null ? "" : "; " + note)
                            + ", after " + Elapsed.format(elapsed) + "): check the spelling; if it is a private hosted"
                            + " zone or a VPC-only endpoint seen from outside, set rdsiam.connectHost/connectPort to a"
                            + " tunnel (SSM port forwarding: 127.0.0.1 and the tunnel's local port) or an NLB name",
                    e);
        }

        List<Attempt> failures = new ArrayList<>();
        for (int i = 0; i < addresses.length; i++) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            long share = left / (addresses.length - i);
            int timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, share / 1_000_000));
            Socket socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.setKeepAlive(true);
                if (setup != null) {
                    setup.prepare(socket);
                }
                socket.connect(new InetSocketAddress(addresses[i], port), timeoutMillis);
                return socket;
            } catch (IOException e) {
                closeQuietly(socket, e);
                failures.add(new Attempt(e, kindOf(e)));
            }
        }
        throw failure(name, port, addresses, failures, note, Elapsed.since(start), connectTimeout);
    }

    private static ConnectFailure failure(String host, int port, InetAddress[] addresses, List<Attempt> failures,
            String note, Duration elapsed, Duration connectTimeout) {
        Attempt primary = null;
        for (ConnectFailure.Kind kind : List.of(ConnectFailure.Kind.REFUSED, ConnectFailure.Kind.TIMEOUT,
                ConnectFailure.Kind.UNREACHABLE)) {
            for (Attempt a : failures) {
                if (a.kind == kind) {
                    primary = a;
                    break;
                }
            }
            if (primary != null) {
                break;
            }
        }
        ConnectFailure.Kind kind = primary == null ? ConnectFailure.Kind.TIMEOUT : primary.kind;
        String target = host + ":" + port;
        String where = addressList(host, addresses, note);
        String took = Elapsed.format(elapsed);
        String message;
        switch (kind) {
            case REFUSED:
                message = "nothing is listening at " + target + " (" + where + "connection refused after " + took
                        + "): check the port, that the instance is available, or that the SSM port-forwarding session"
                        + " / tunnel is running";
                break;
            case UNREACHABLE:
                message = "cannot reach " + target + " (" + where + describe(primary.error) + " after " + took
                        + "): this machine has no network path to it — check the VPN, VPC peering and routes, or set"
                        + " rdsiam.connectHost/connectPort to a tunnel (SSM port forwarding) or an NLB name";
                break;
            default:
                message = "connect to " + target + (where.isEmpty() ? "" : " (" + where.substring(0, where.length() - 2)
                        + ")") + " timed out after " + took
                        + (primary == null ? " (the connect timeout of " + Elapsed.format(connectTimeout)
                                + " was used up before an address could be tried)" : "")
                        + ": packets are dropped on the way — check that the database's security group (and NACLs)"
                        + " allow inbound TCP " + port + " from this client, or that rdsiam.connectHost/connectPort"
                        + " point at a live tunnel";
                break;
        }
        Throwable cause = primary == null ? new SocketTimeoutException("connect timeout used up") : primary.error;
        ConnectFailure failure = new ConnectFailure(kind, host, port, elapsed, message, cause);
        for (Attempt a : failures) {
            if (a != primary) {
                failure.addSuppressed(a.error);
            }
        }
        return failure;
    }

    /** "10.0.3.7, " or "10.0.3.7, 10.0.3.8, route for x:5432, " or "" (followed by more text in the parentheses). */
    private static String addressList(String host, InetAddress[] addresses, String note) {
        StringBuilder sb = new StringBuilder();
        for (InetAddress a : addresses) {
            String ip = a.getHostAddress();
            if (!ip.equalsIgnoreCase(host)) {
                sb.append(ip).append(", ");
            }
        }
        if (note != null) {
            sb.append(note).append(", ");
        }
        return sb.toString();
    }

    private static ConnectFailure.Kind kindOf(IOException e) {
        if (e instanceof SocketTimeoutException) {
            return ConnectFailure.Kind.TIMEOUT;
        }
        if (e instanceof NoRouteToHostException) {
            return ConnectFailure.Kind.UNREACHABLE;
        }
        String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        if (e instanceof ConnectException) {
            if (m.contains("timed out")) {
                return ConnectFailure.Kind.TIMEOUT; // the kernel gave up (ETIMEDOUT) before our timeout
            }
            if (m.contains("unreachable")) {
                return ConnectFailure.Kind.UNREACHABLE;
            }
            return ConnectFailure.Kind.REFUSED;
        }
        return ConnectFailure.Kind.UNREACHABLE;
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;
        }
    }

    private static void closeQuietly(Socket socket, IOException failure) {
        try {
            socket.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    private static final class Attempt {
        final IOException error;
        final ConnectFailure.Kind kind;

        Attempt(IOException error, ConnectFailure.Kind kind) {
            this.error = error;
            this.kind = kind;
        }
    }
}
