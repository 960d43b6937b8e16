package dev.rdsiam.awswrapper.internal;

import dev.rdsiam.Engine;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.spi.ConnectionScope;
import dev.rdsiam.spi.Connector;
import dev.rdsiam.spi.ConnectorContext;
import dev.rdsiam.spi.Logins;
import dev.rdsiam.spi.WrapperConnector;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.jdbc.ConnectionPluginFactory;
import software.amazon.jdbc.HostSpec;
import software.amazon.jdbc.JdbcCallable;
import software.amazon.jdbc.profile.ConfigurationProfileBuilder;
import software.amazon.jdbc.profile.DriverConfigurationProfiles;

/**
 * The wrapper front of one DataSource: a configuration profile of the AWS Advanced JDBC Wrapper named after the
 * DataSource (the requested plugins, then this library's plugin where the wrapper's {@code iam} plugin would be),
 * and the wrapper driver called with the engine binding's driver properties.
 *
 * <p>The profile is registered with the wrapper ({@link DriverConfigurationProfiles}, its public mechanism) for the
 * life of the DataSource and removed by {@link #close()}; when the last front closes, the wrapper's monitor threads
 * are released ({@code Driver.releaseResources()}).
 */
public final class WrapperFront implements WrapperConnector {

    /** The wrapper's property naming the configuration profile. */
    static final String PROFILE_PROPERTY = "wrapperProfileName";

    private static final Logger LOG = LoggerFactory.getLogger(WrapperFront.class);
    private static final Map<String, WrapperFront> OPEN = new ConcurrentHashMap<>();
    /** The wrapper's timeouts, in milliseconds; pgjdbc's own are in seconds. */
    private static final List<String> WRAPPER_MILLIS = List.of("connectTimeout", "socketTimeout");

    private final ConnectorContext context;
    private final RdsIamConfig config;
    private final Connector engine;
    private final Logins logins;
    private final String profile;
    private final String url;
    private final Properties base;
    private final software.amazon.jdbc.Driver driver = new software.amazon.jdbc.Driver();
    private volatile boolean closed;

    /**
     * Registers the DataSource's profile with the wrapper.
     *
     * @param context the DataSource's context
     * @param engine the engine binding's connector
     * @param logins the DataSource's logins
     */
    public WrapperFront(ConnectorContext context, Connector engine, Logins logins) {
        this.context = context;
        this.config = context.config();
        this.engine = engine;
        this.logins = logins;
        this.profile = "rdsiam-" + config.name() + "-" + UUID.randomUUID();
        String host = config.host();
        this.url = "jdbc:aws-wrapper:" + engine.driverScheme() + "://" + (host.indexOf(':') >= 0 ? "[" + host + "]"
                : host) + ":" + config.port() + "/" + config.database()
                .map(d -> URLEncoder.encode(d, StandardCharsets.UTF_8).replace("+", "%20")).orElse("");
        this.base = engine.driverProperties();
        if (config.engine() == Engine.POSTGRESQL) {
            // the wrapper reads these in milliseconds and hands pgjdbc seconds: the binding's defaults are seconds
            for (String k : WRAPPER_MILLIS) {
                if (!config.driverProperties().containsKey(k) && base.getProperty(k) != null) {
                    base.setProperty(k, Long.toString(Long.parseLong(base.getProperty(k)) * 1000));
                }
            }
        }
        base.setProperty(PROFILE_PROPERTY, profile);
        List<Class<? extends ConnectionPluginFactory>> chain = PluginCodes.chain(config.wrapperPlugins(),
                RdsIamPluginFactory.class);
        OPEN.put(profile, this);
        try {
            ConfigurationProfileBuilder.get().withName(profile).withPluginFactories(chain).buildAndSet();
        } catch (RuntimeException e) {
            OPEN.remove(profile);
            throw e;
        }
        LOG.debug("{} - connects through the AWS Advanced JDBC Wrapper, profile {} with plugins {} and this "
                + "library's token plugin", config.name(), profile, config.wrapperPlugins());
    }

    static WrapperFront forProfile(String profile) {
        return profile == null ? null : OPEN.get(profile);
    }

    @Override
    public Connection connect(String user) throws SQLException {
        if (closed) {
            throw new SQLException("DataSource '" + config.name() + "' is closed", "08003");
        }
        Properties p = new Properties();
        p.putAll(base);
        p.setProperty("user", user);
        Connection c = engine.driverCall(() -> driver.connect(url, p));
        if (c == null) {
            throw new SQLException("the AWS Advanced JDBC Wrapper refused the URL " + url, "08001");
        }
        return c;
    }

    /**
     * One physical connection the wrapper opens, to {@code hostSpec} (or, during a blue/green switchover, to an
     * address whose name the wrapper passes as {@code iamHost}): the DataSource's login with a token for that name.
     */
    Connection login(HostSpec hostSpec, Properties props, JdbcCallable<Connection, SQLException> connectFunc)
            throws SQLException {
        String iamHost = props.getProperty("iamHost");
        String identity = iamHost != null && !iamHost.isBlank() ? iamHost.trim() : hostSpec.getHost();
        int iamPort = parsePort(props.getProperty("iamDefaultPort"));
        int port = iamPort > 0 ? iamPort : hostSpec.isPortSpecified() ? hostSpec.getPort() : config.port();
        RdsIamConfig.Route asked = new RdsIamConfig.Route(hostSpec.getHost(),
                hostSpec.isPortSpecified() ? hostSpec.getPort() : port);
        String user = props.getProperty("user", config.user());
        return logins.login(identity, port, asked, user, token -> engine.driverCall(() -> {
            // the wrapper hands the driver this Properties object, which its monitors' threads share (the topology
            // monitor's workers connect to several instances at once): the token goes in only while no other
            // login can write it, until the driver has read it (its socket factory starts), then comes out again
            Runnable release = acquirePasswordWindow();
            ConnectionScope.current().onDial(release);
            props.setProperty("password", token.value());
            try {
                return engine.opened(connectFunc.call());
            } finally {
                release.run();
                props.remove("password", token.value()); // no token left where the wrapper copies, keeps or logs
            }
        }));
    }

    /** Guards the moment a token sits in wrapper properties until the driver has copied them (no I/O in it). */
    private static final java.util.concurrent.Semaphore PASSWORD_WINDOW = new java.util.concurrent.Semaphore(1);

    private Runnable acquirePasswordWindow() throws SQLException {
        try {
            if (!PASSWORD_WINDOW.tryAcquire(config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new SQLException("another login through the AWS wrapper held its properties for longer than "
                        + "rdsiam.connectTimeout (DataSource '" + config.name() + "')", "08001");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting to log in (DataSource '" + config.name() + "')",
                    "08001", e);
        }
        java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                PASSWORD_WINDOW.release();
            }
        };
    }

    private static int parsePort(String s) {
        try {
            return s == null ? -1 : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The wrapper URL used (no credentials in it). */
    public String url() {
        return url;
    }

    /** The name of the DataSource's configuration profile. */
    public String profile() {
        return profile;
    }

    /** Removes the profile; the last front to close releases the wrapper's monitor threads. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        OPEN.remove(profile);
        DriverConfigurationProfiles.remove(profile);
        if (OPEN.isEmpty()) {
            software.amazon.jdbc.Driver.releaseResources();
            LOG.debug("{} - released the AWS Advanced JDBC Wrapper's monitors (last rds-iam-jdbc wrapper DataSource "
                    + "closed)", config.name());
        }
    }

    @Override
    public String toString() {
        return "WrapperFront[" + url + ", plugins=" + config.wrapperPlugins() + ", trust="
                + context.trustDescription() + "]";
    }
}
