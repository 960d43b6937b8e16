package dev.rdsiam.mysql.internal;

import dev.rdsiam.AuthToken;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.diagnostics.Diagnosis;
import dev.rdsiam.spi.Connector;
import dev.rdsiam.spi.ConnectorContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

/**
 * Opens Connector/J connections for one DataSource.
 *
 * <p>Connector/J instantiates its {@code socketFactory} by class name, per connection, on the thread that calls
 * {@code connect}. The connector hands its {@link ConnectorContext} to that factory through a thread-local set
 * around the call: no global registry, nothing left behind.
 */
public final class MySqlConnector implements Connector {

    private final ConnectorContext context;
    private final RdsIamConfig config;
    private final com.mysql.cj.jdbc.NonRegisteringDriver driver;
    private final String url;
    private final Properties base = new Properties();

    /**
     * Creates the connector of one DataSource.
     *
     * @param context the DataSource's context
     */
    public MySqlConnector(ConnectorContext context) {
        this.context = context;
        this.config = context.config();
        try {
            this.driver = new com.mysql.cj.jdbc.NonRegisteringDriver();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot load MySQL Connector/J", e);
        }
        requireSameLoader();
        String host = config.host();
        String urlHost = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        this.url = "jdbc:mysql://" + urlHost + ":" + config.port() + "/"
                + config.database().map(d -> URLEncoder.encode(d, StandardCharsets.UTF_8).replace("+", "%20")).orElse("");
        int connectMillis = (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis());
        // defaults first, then the user's pass-through properties, then what must not change
        base.setProperty("connectTimeout", Integer.toString(connectMillis));
        base.setProperty("tcpKeepAlive", "true");
        // RDS Proxy: server-side prepared statements pin the session to one database connection
        base.setProperty("useServerPrepStmts", "false");
        base.putAll(config.driverProperties());
        base.setProperty("sslMode", "VERIFY_IDENTITY");
        base.setProperty("socketFactory", RdsIamSocketFactory.class.getName());
        // start with the plugin RDS asks for: saves the auth-switch round trip (Connector/J sends it only over TLS)
        base.setProperty("defaultAuthenticationPlugin", "mysql_clear_password");
    }

    /**
     * Connector/J loads the socket factory by name from its own class loader only (no context-loader option), so
     * this library must be visible there: fail now, with the fix, instead of on the first connection.
     */
    private static void requireSameLoader() {
        ClassLoader driverLoader = com.mysql.cj.jdbc.NonRegisteringDriver.class.getClassLoader();
        Class<?> seen;
        try {
            seen = Class.forName(RdsIamSocketFactory.class.getName(), false, driverLoader);
        } catch (ClassNotFoundException | LinkageError e) {
            seen = null;
        }
        if (seen != RdsIamSocketFactory.class) {
            throw new IllegalStateException("MySQL Connector/J is loaded by " + describe(driverLoader) + ", which "
                    + (seen == null ? "cannot see" : "has another copy of") + " rdsiam-mysql (loaded by "
                    + describe(RdsIamSocketFactory.class.getClassLoader()) + "); Connector/J instantiates the library's "
                    + "socket factory from its own class loader, so put rdsiam-core and rdsiam-mysql where "
                    + "mysql-connector-j is (the same lib directory, or in Quarkus dev/test mode "
                    + "quarkus.class-loading.parent-first-artifacts for all three)");
        }
    }

    private static String describe(ClassLoader loader) {
        if (loader == null) {
            return "the boot class loader";
        }
        return loader.getName() == null ? loader.toString() : "class loader '" + loader.getName() + "' (" + loader + ")";
    }

    /** The Connector/J URL used (no credentials in it). */
    public String url() {
        return url;
    }

    @Override
    public Connection connect(String user, AuthToken token) throws SQLException {
        Properties p = new Properties();
        p.putAll(base);
        p.setProperty("user", user);
        p.setProperty("password", token.value());
        RdsIamSocketFactory.CURRENT.set(context);
        try {
            Connection c = driver.connect(url, p);
            if (c == null) {
                throw new SQLException("Connector/J refused the URL " + url, "08001");
            }
            return c;
        } finally {
            RdsIamSocketFactory.CURRENT.remove();
        }
    }

    @Override
    public boolean isAuthFailure(SQLException e) {
        return e.getErrorCode() == 1045 && !mentions(e, "no credentials for the role");
    }

    @Override
    public SQLException diagnose(SQLException e, AuthToken token) {
        Optional<String> network = Diagnosis.network(e, config);
        if (network.isPresent()) {
            return Diagnosis.withAdvice(e, network.get());
        }
        if (mentions(e, "no credentials for the role")) {
            return Diagnosis.withAdvice(e, Diagnosis.proxyHasNoCredentials(config, token.user()));
        }
        if (e.getErrorCode() == 1129 || mentions(e, "is blocked because of many connection errors")) {
            return Diagnosis.withAdvice(e, "the server blocks this client's address after too many failed connection "
                    + "handshakes (max_connect_errors); often NLB or load-balancer health checks that open TCP and "
                    + "close it, or clients that abort mid-handshake (do not retry in a tight loop). Unblock with "
                    + "TRUNCATE TABLE performance_schema.host_cache (MySQL 8.0.23+) or FLUSH HOSTS as the master "
                    + "user, raise max_connect_errors in the DB parameter group, and make the health check complete "
                    + "a login or check another port");
        }
        if (e.getErrorCode() == 1040 || mentions(e, "rate limit exceeded")) {
            return Diagnosis.withAdvice(e, "new connections are being throttled: open fewer per second (a pool reuses "
                    + "them; RDS advises under 200 new IAM connections per second)");
        }
        if (isAuthFailure(e)) {
            return Diagnosis.withAdvice(e, Diagnosis.iamLoginRejected(config, token,
                    "the database user is created for IAM: CREATE USER '" + token.user() + "'@'%' IDENTIFIED WITH "
                            + "AWSAuthenticationPlugin AS 'RDS' (user names are case-sensitive)"));
        }
        if (e.getErrorCode() == 1044 || e.getErrorCode() == 1049) {
            return Diagnosis.withAdvice(e, Diagnosis.databaseUnavailable(config, token.user(),
                    "that the user has privileges on it (GRANT ALL ON `" + config.database().orElse("DB")
                            + "`.* TO '" + token.user() + "'@'%')"));
        }
        if (e.getErrorCode() == 3159 || mentions(e, "ssl connection required") || mentions(e, "requires tls")
                || mentions(e, "server doesn't support ssl") || mentions(e, "does not support ssl")) {
            return Diagnosis.withAdvice(e, "no TLS with the server at " + Diagnosis.route(config) + ", so the token "
                    + "was not sent: an RDS endpoint always offers TLS; check that the route leads to the database");
        }
        return e;
    }

    @Override
    public Optional<String> failureKind(SQLException e) {
        if (mentions(e, "no credentials for the role")) {
            return Optional.of("proxy_no_credentials");
        }
        if (e.getErrorCode() == 1129 || mentions(e, "is blocked because of many connection errors")) {
            return Optional.of("host_blocked");
        }
        if (e.getErrorCode() == 1040 || mentions(e, "rate limit exceeded")) {
            return Optional.of("too_many_connections");
        }
        if (e.getErrorCode() == 1044 || e.getErrorCode() == 1049) {
            return Optional.of("database_unavailable");
        }
        if (e.getErrorCode() == 3159 || mentions(e, "ssl connection required") || mentions(e, "requires tls")
                || mentions(e, "server doesn't support ssl") || mentions(e, "does not support ssl")) {
            return Optional.of("tls_not_offered");
        }
        return Optional.empty();
    }

    private static boolean mentions(Throwable e, String text) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().toLowerCase(Locale.ROOT).contains(text)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "MySqlConnector[" + url + ", trust=" + context.trustDescription() + "]";
    }
}
