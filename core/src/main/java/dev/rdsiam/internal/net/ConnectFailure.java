package dev.rdsiam.internal.net;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

/**
 * A TCP connection that could not be made, with a message that says what happened and what to check.
 *
 * <pre>{@code
 * try (Socket s = Dialer.dial(host, port, Duration.ofSeconds(10))) { ... }
 * catch (ConnectFailure e) {
 *     if (e.kind() == ConnectFailure.Kind.TIMEOUT) { ... } // e.getMessage() names the security group fix
 * }
 * }</pre>
 *
 * <p>The underlying exception (e.g. {@link java.net.SocketTimeoutException}) is the cause; failures of other addresses
 * of the same host are suppressed exceptions.
 */
public final class ConnectFailure extends IOException {

    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** No answer within the connect timeout: packets dropped (security group, NACL, firewall, dead tunnel). */
        TIMEOUT,
        /** The address answered but nothing listens on the port (TCP reset). */
        REFUSED,
        /** The host name does not resolve from this machine. */
        UNKNOWN_HOST,
        /** No network route to the address, or another local network error. */
        UNREACHABLE
    }

    private final Kind kind;
    private final String host;
    private final int port;
    private final Duration elapsed;

    ConnectFailure(Kind kind, String host, int port, Duration elapsed, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.host = host;
        this.port = port;
        this.elapsed = elapsed;
    }

    /** What went wrong. */
    public Kind kind() {
        return kind;
    }

    /** The host that was dialed (as given, not resolved). */
    public String host() {
        return host;
    }

    /** The port that was dialed. */
    public int port() {
        return port;
    }

    /** How long the attempt took, name resolution included. */
    public Duration elapsed() {
        return elapsed;
    }
}
