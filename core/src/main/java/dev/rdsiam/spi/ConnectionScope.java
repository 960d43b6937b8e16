package dev.rdsiam.spi;

import dev.rdsiam.RdsIamConfig;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;
import javax.net.SocketFactory;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLSocketFactory;

/**
 * The physical connection being opened on this thread: which DataSource's {@link ConnectorContext} and which
 * endpoint it is for. The one way a driver's factories (pgjdbc's {@code sslfactory}, {@code socketFactory} and
 * {@code sslhostnameverifier}, Connector/J's {@code socketFactory}, the AWS wrapper's plugin chain below it) learn the
 * identity and route of the connection they serve: drivers instantiate those factories by class name, so nothing can
 * be passed to them directly.
 *
 * <pre>{@code
 * Connection c = ConnectionScope.open(context, "instance-2.c0ffee.us-east-1.rds.amazonaws.com", 5432, null,
 *         () -> driver.connect(url, props));
 * // inside the driver, on the same thread:
 * SSLSocketFactory tls = ConnectionScope.current().tlsSocketFactory();   // verifies instance-2...
 * }</pre>
 *
 * <p>A scope lives exactly as long as the {@link #open} call: nothing stays registered after it, so no DataSource (or
 * its class loader) is pinned by it. Threads a driver starts during the call (pgjdbc's connect thread under its
 * {@code loginTimeout}) see the scope; once the call returns, the scope is closed, and a thread that outlives it sees
 * none. Scopes nest: an inner {@code open} (the wrapper's plugin inside a DataSource's {@code getConnection})
 * applies until it returns, then the outer one again.
 */
public final class ConnectionScope {

    private static final InheritableThreadLocal<ConnectionScope> CURRENT = new InheritableThreadLocal<>();

    private volatile ConnectorContext context;
    private final String identityHost;
    private final int identityPort;
    private final RdsIamConfig.Route dial;
    private final java.util.concurrent.atomic.AtomicReference<Runnable> onDial =
            new java.util.concurrent.atomic.AtomicReference<>();

    private ConnectionScope(ConnectorContext context, String identityHost, int identityPort, RdsIamConfig.Route dial) {
        this.context = context;
        this.identityHost = identityHost;
        this.identityPort = identityPort;
        this.dial = dial;
    }

    /** What runs inside a scope. */
    @FunctionalInterface
    public interface Body<T> {
        /** Opens the connection (calls the driver). */
        T run() throws SQLException;
    }

    /**
     * Runs {@code body} with a scope for one physical connection to {@code identityHost:identityPort}: the TLS
     * factory verifies that name, the socket factory dials its route ({@link RdsIamConfig#routeFor}), else
     * {@code directRoute}, else the name itself.
     *
     * @param context the DataSource's context
     * @param identityHost the endpoint name the token is signed for and the certificate must carry
     * @param identityPort the endpoint's port (signed into the token)
     * @param directRoute where to dial when the name has no configured route (the host and port a wrapper asked for,
     *     e.g. an IP address during a blue/green switchover), or null for the name itself
     * @param body the driver call
     * @return what {@code body} returns
     * @throws SQLException what {@code body} throws
     */
    public static <T> T open(ConnectorContext context, String identityHost, int identityPort,
            RdsIamConfig.Route directRoute, Body<T> body) throws SQLException {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(identityHost, "identityHost");
        RdsIamConfig.Route dial = context.config().routeFor(identityHost)
                .orElse(directRoute != null ? directRoute : new RdsIamConfig.Route(identityHost, identityPort));
        ConnectionScope scope = new ConnectionScope(context, identityHost, identityPort, dial);
        ConnectionScope outer = CURRENT.get();
        CURRENT.set(scope);
        try {
            return body.run();
        } finally {
            scope.context = null;
            if (outer != null && outer.context != null) {
                CURRENT.set(outer);
            } else {
                CURRENT.remove();
            }
        }
    }

    /**
     * Runs {@code body} in the scope open on this thread for {@code context}, or else in a new scope for the
     * configured host (what a binding's {@link Connector#connect} does).
     */
    public static <T> T openDefault(ConnectorContext context, Body<T> body) throws SQLException {
        ConnectionScope s = CURRENT.get();
        if (s != null && s.context == context) {
            return body.run();
        }
        return open(context, context.config().host(), context.config().port(), null, body);
    }

    /** The open scope of this thread, if any. */
    public static Optional<ConnectionScope> find() {
        ConnectionScope s = CURRENT.get();
        return s == null || s.context == null ? Optional.empty() : Optional.of(s);
    }

    /**
     * The open scope of this thread.
     *
     * @throws IllegalStateException when none is open: the factory was used outside an rds-iam-jdbc DataSource
     */
    public static ConnectionScope current() {
        return find().orElseThrow(() -> new IllegalStateException("rds-iam-jdbc's driver factories only work inside "
                + "a connection attempt of an rds-iam-jdbc DataSource (configure the DataSource, not the driver's "
                + "socket or TLS factory by hand)"));
    }

    /** The DataSource's context. */
    public ConnectorContext context() {
        ConnectorContext c = context;
        if (c == null) {
            throw new IllegalStateException("the connection attempt of this scope has ended");
        }
        return c;
    }

    /** The endpoint name the connection is signed for and verified against. */
    public String identityHost() {
        return identityHost;
    }

    /** The endpoint's port. */
    public int identityPort() {
        return identityPort;
    }

    /** Where the socket goes: the route of the identity, or the identity itself. */
    public RdsIamConfig.Route dial() {
        return dial;
    }

    /**
     * Runs {@code hook} once, when the driver's socket factory is created or dials for this connection: by then the
     * driver has read the connection's properties (a wrapper front uses it to end a window in which it holds
     * properties shared with other threads).
     */
    public void onDial(Runnable hook) {
        onDial.set(hook);
    }

    /** Called by the drivers' socket factories when they start on this connection; runs the {@link #onDial} hook. */
    public void dialing() {
        Runnable hook = onDial.getAndSet(null);
        if (hook != null) {
            hook.run();
        }
    }

    /** A TLS factory that verifies the server against {@link #identityHost()} (chain, host name, SNI). */
    public SSLSocketFactory tlsSocketFactory() {
        return context().tlsSocketFactory(identityHost);
    }

    /** A socket factory that dials {@link #dial()}, whatever host the driver asks for. */
    public SocketFactory routeSocketFactory() {
        return context().routeSocketFactory(dial);
    }

    /** A host-name verifier that checks the certificate against {@link #identityHost()}. */
    public HostnameVerifier hostnameVerifier() {
        return context().hostnameVerifier(identityHost);
    }

    @Override
    public String toString() {
        return "ConnectionScope[" + identityHost + ":" + identityPort + " via " + dial + "]";
    }
}
