package dev.rdsiam.mysql.internal;

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
 * Opens Connector/J connections for one DataSource.
 *
 * <p>Connector/J instantiates its {@code socketFactory} by class name, per connection, on the thread that calls
 * {@code connect}. That factory finds the DataSource's {@link ConnectorContext} and the connection's endpoint in the
 * {@link ConnectionScope} opened around the call: no global registry, nothing left behind.
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
        Properties p = driverProperties();
        p.setProperty("user", user);
        p.setProperty("password", token.value());
        Connection c = ConnectionScope.openDefault(context, () -> driver.connect(url, p));
        if (c == null) {
            throw new SQLException("Connector/J refused the URL " + url, "08001");
        }
        return c;
    }

    @Override
    public String driverScheme() {
        return "mysql";
    }

    @Override
    public Properties driverProperties() {
        Properties p = new Properties();
        p.putAll(base);
        return p;
    }

    @Override
    public boolean isAuthFailure(SQLException e) {
        return MySqlFacts.INSTANCE.isAuthFailure(e);
    }

    @Override
    public SQLException diagnose(SQLException e, AuthToken token) {
        return Diagnosis.diagnose(e, token, config, MySqlFacts.INSTANCE);
    }

    @Override
    public Optional<String> failureKind(SQLException e) {
        return Diagnosis.failureKind(e, MySqlFacts.INSTANCE);
    }

    @Override
    public String toString() {
        return "MySqlConnector[" + url + ", trust=" + context.trustDescription() + "]";
    }
}
