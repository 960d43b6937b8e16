package dev.rdsiam.postgresql.internal;

import dev.rdsiam.AuthToken;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.diagnostics.Diagnosis;
import dev.rdsiam.spi.Connector;
import dev.rdsiam.spi.ConnectorContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opens pgjdbc connections for one DataSource.
 *
 * <p>pgjdbc takes its socket, TLS and host-name-verifier factories as class names and instantiates them per
 * connection with the connection's properties. The connector therefore registers its {@link ConnectorContext} under
 * a random id, passes the id as the property {@value #CONTEXT_PROPERTY}, and the factories look the context up: so
 * the one {@code SSLContext} of the DataSource serves every connection, and nothing is re-read from files.
 *
 * <p>pgjdbc looks the factory classes up by name. Where pgjdbc and this library sit in different class loaders
 * (application servers, Quarkus dev and test mode), pgjdbc's own loader cannot see them; so every connect runs with
 * this library's loader as the thread's context loader and {@code classLoaderStrategy=context-first}.
 *
 * <p>The JDBC URL names the route when one is configured (so pgjdbc never has to resolve an identity name that may
 * not resolve here) and the identity host otherwise; the TLS check is always against the identity host.
 */
public final class PgConnector implements Connector {

    /** The connection property that carries the DataSource's context id to the factories. */
    public static final String CONTEXT_PROPERTY = "rdsiamContext";

    private static final Map<String, ConnectorContext> CONTEXTS = new ConcurrentHashMap<>();

    private final String id = UUID.randomUUID().toString();
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
        base.setProperty(CONTEXT_PROPERTY, id);
        CONTEXTS.put(id, context);
    }

    /** The context registered under the id in {@code info}; fails when the id is unknown or closed. */
    static ConnectorContext context(Properties info) {
        String id = info == null ? null : info.getProperty(CONTEXT_PROPERTY);
        ConnectorContext c = id == null ? null : CONTEXTS.get(id);
        if (c == null) {
            throw new IllegalStateException("rds-iam-jdbc factories are only usable through an rdsiam DataSource "
                    + "(no open DataSource for context " + id + ")");
        }
        return c;
    }

    /** The pgjdbc URL used (no credentials in it). */
    public String url() {
        return url;
    }

    @Override
    public Connection connect(String user, AuthToken token) throws SQLException {
        Properties p = new Properties();
        p.putAll(base);
        p.setProperty("user", user);
        p.setProperty("password", token.value());
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        Connection c;
        thread.setContextClassLoader(PgConnector.class.getClassLoader());
        try {
            c = driver.connect(url, p);
        } finally {
            thread.setContextClassLoader(previous);
        }
        if (c == null) {
            throw new SQLException("pgjdbc refused the URL " + url, "08001");
        }
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
    public void close() {
        CONTEXTS.remove(id);
    }

    @Override
    public String toString() {
        return "PgConnector[" + url + ", trust=" + context.trustDescription() + "]";
    }
}
