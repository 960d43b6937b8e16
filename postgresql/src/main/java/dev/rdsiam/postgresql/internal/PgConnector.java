package dev.rdsiam.postgresql.internal;

import dev.rdsiam.AuthToken;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.diagnostics.Diagnosis;
import dev.rdsiam.spi.ConnectionScope;
import dev.rdsiam.spi.Connector;
import dev.rdsiam.spi.ConnectorContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;

/**
 * Opens pgjdbc connections for one DataSource.
 *
 * <p>pgjdbc takes its socket, TLS and host-name-verifier factories as class names and instantiates them per
 * connection, on the connecting thread (or the connect thread it starts under {@code loginTimeout}). The factories
 * find the DataSource's {@link ConnectorContext} and the connection's endpoint in the {@link ConnectionScope} opened
 * around the driver call: so the one {@code SSLContext} of the DataSource serves every connection, nothing is
 * re-read from files, and nothing stays registered.
 *
 * <p>pgjdbc looks the factory classes up by name. Where pgjdbc and this library sit in different class loaders
 * (application servers, Quarkus dev and test mode), pgjdbc's own loader cannot see them; so every connect runs with
 * this library's loader as the thread's context loader and {@code classLoaderStrategy=context-first}.
 *
 * <p>The JDBC URL names the route when one is configured (so pgjdbc never has to resolve an identity name that may
 * not resolve here) and the identity host otherwise; the TLS check is always against the identity host.
 */
public final class PgConnector implements Connector {

    private final ConnectorContext context;
    private final RdsIamConfig config;
    private final org.postgresql.Driver driver = new org.postgresql.Driver();
    private final String url;
    private final Properties base = new Properties();
    private final boolean liftLoginReadBound;

    /**
     * Creates the connector of one DataSource.
     *
     * @param context the DataSource's context
     */
    public PgConnector(ConnectorContext context) {
        this.context = context;
        this.config = context.config();
        String host = config.routeHost();
        String urlHost = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        this.url = "jdbc:postgresql://" + urlHost + ":" + config.routePort() + "/"
                + config.database().map(d -> URLEncoder.encode(d, StandardCharsets.UTF_8).replace("+", "%20")).orElse("");
        long connectSeconds = Math.max(1, (config.connectTimeout().toMillis() + 999) / 1000);
        // pgjdbc defaults first, then the user's pass-through properties, then what must not change
        base.setProperty("connectTimeout", Long.toString(connectSeconds));
        // bound each read of the login without loginTimeout, which makes pgjdbc open a new thread per connection;
        // connect(...) lifts it once logged in (unless the user chose a socketTimeout, which then applies throughout)
        this.liftLoginReadBound = !config.driverProperties().containsKey("socketTimeout");
        base.setProperty("socketTimeout", Long.toString(connectSeconds));
        // pgjdbc waits at most sslResponseTimeout (default 5 s) for the answer to its SSLRequest: make the documented
        // bound (rdsiam.connectTimeout bounds each read of the login) true for that read too
        base.setProperty("sslResponseTimeout", Long.toString(config.connectTimeout().toMillis()));
        base.setProperty("tcpKeepAlive", "true");
        // startup parameters in the StartupMessage instead of SET statements: no session pinning on RDS Proxy
        base.setProperty("assumeMinServerVersion", "9.0");
        base.putAll(config.driverProperties());
        base.setProperty("sslmode", "verify-full");
        base.setProperty("gssEncMode", "disable");
        base.setProperty("sslfactory", PgSslSocketFactory.class.getName());
        base.setProperty("socketFactory", PgRouteSocketFactory.class.getName());
        base.setProperty("sslhostnameverifier", PgIdentityHostnameVerifier.class.getName());
        base.setProperty("classLoaderStrategy", "context-first");
    }

    /** The pgjdbc URL used (no credentials in it). */
    public String url() {
        return url;
    }

    @Override
    public Connection connect(String user, AuthToken token) throws SQLException {
        Properties p = driverProperties();
        p.setProperty("user", user);
        p.setProperty("password", token.value());
        Connection c = ConnectionScope.openDefault(context, () -> driverCall(() -> driver.connect(url, p)));
        if (c == null) {
            throw new SQLException("pgjdbc refused the URL " + url, "08001");
        }
        return opened(c);
    }

    @Override
    public String driverScheme() {
        return "postgresql";
    }

    @Override
    public Properties driverProperties() {
        Properties p = new Properties();
        p.putAll(base);
        return p;
    }

    /** Runs {@code body} with this library's class loader as the thread's context loader (see the class comment). */
    @Override
    public <T> T driverCall(ConnectionScope.Body<T> body) throws SQLException {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(PgConnector.class.getClassLoader());
        try {
            return body.run();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** Lifts the read bound of the login (unless the user chose a {@code socketTimeout}). */
    @Override
    public Connection opened(Connection c) throws SQLException {
        if (liftLoginReadBound) {
            try {
                c.setNetworkTimeout(Runnable::run, 0);
            } catch (SQLException | RuntimeException e) {
                closeQuietly(c, e);
                throw e;
            }
        }
        return c;
    }

    @Override
    public boolean isAuthFailure(SQLException e) {
        return PgFacts.INSTANCE.isAuthFailure(e);
    }

    @Override
    public SQLException diagnose(SQLException e, AuthToken token) {
        return Diagnosis.diagnose(e, token, config, PgFacts.INSTANCE);
    }

    @Override
    public Optional<String> failureKind(SQLException e) {
        return Diagnosis.failureKind(e, PgFacts.INSTANCE);
    }

    private static void closeQuietly(Connection c, Exception failure) {
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    @Override
    public String toString() {
        return "PgConnector[" + url + ", trust=" + context.trustDescription() + "]";
    }
}
