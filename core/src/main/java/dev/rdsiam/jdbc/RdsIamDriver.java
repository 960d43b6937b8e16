package dev.rdsiam.jdbc;

import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.RdsIamProperty;
import dev.rdsiam.internal.config.JdbcUrl;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Driver} for {@code jdbc:rdsiam:postgresql://...} and {@code jdbc:rdsiam:mysql://...} URLs, so that
 * Spring Boot, Quarkus, Flyway, Liquibase or Spark use IAM auth by configuration alone.
 *
 * <pre>{@code
 * spring.datasource.url=jdbc:rdsiam:postgresql://orders.c0ffee.eu-west-1.rds.amazonaws.com:5432/orders
 * spring.datasource.username=app
 * # no password: the IAM token is the password
 * }</pre>
 *
 * <p>Registered through {@code META-INF/services/java.sql.Driver}. Each distinct URL and property set gets one
 * {@link RdsIamDataSource} (so one token cache, one credentials provider and one TLS context), kept for the life of
 * the class loader.
 */
public final class RdsIamDriver implements Driver {

    /** Distinct configurations kept; past this, connections are still served but nothing more is cached. */
    static final int MAX_CACHED = 64;

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(RdsIamDriver.class);
    private static final Map<String, RdsIamDataSource> DATA_SOURCES = new ConcurrentHashMap<>();
    private static final AtomicBoolean WARNED_FULL = new AtomicBoolean();

    static {
        try {
            DriverManager.registerDriver(new RdsIamDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Creates the driver (normally done by {@link DriverManager}). */
    public RdsIamDriver() {
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        Map<String, String> props = properties(info);
        String key = cacheKey(url, props);
        RdsIamDataSource ds = DATA_SOURCES.get(key);
        if (ds == null) {
            RdsIamDataSource created = create(url, props);
            if (DATA_SOURCES.size() >= MAX_CACHED) {
                if (WARNED_FULL.compareAndSet(false, true)) {
                    LOG.warn("more than {} distinct jdbc:rdsiam: configurations: new ones are no longer cached (each "
                            + "connection then mints its own token); use one URL per database", MAX_CACHED);
                }
                try {
                    return created.getConnection();
                } finally {
                    created.close();
                }
            }
            ds = cache(key, created);
        }
        return ds.getConnection();
    }

    /** The properties, sorted by key (so that the cache key does not depend on their order). */
    private static Map<String, String> properties(Properties info) {
        Map<String, String> props = new TreeMap<>();
        if (info != null) {
            for (String k : info.stringPropertyNames()) {
                props.put(k, info.getProperty(k));
            }
        }
        return props;
    }

    /** Caches a new DataSource under its key, unless another thread was first: then that one (and this closes). */
    private static RdsIamDataSource cache(String key, RdsIamDataSource created) {
        RdsIamDataSource ds = DATA_SOURCES.putIfAbsent(key, created);
        if (ds == null) {
            return created;
        }
        created.close();
        return ds;
    }

    private static RdsIamDataSource create(String url, Map<String, String> props) throws SQLException {
        try {
            Properties info = new Properties();
            info.putAll(props);
            return RdsIamDataSource.create(RdsIamConfig.fromUrl(url, info));
        } catch (IllegalArgumentException e) {
            throw new SQLException(e.getMessage(), "08001", e);
        }
    }

    private static String cacheKey(String url, Map<String, String> props) {
        StringBuilder sb = new StringBuilder(url);
        props.forEach((k, v) -> {
            if (!k.equals("password")) {
                sb.append('\n').append(k).append('=').append(v);
            }
        });
        return sb.toString();
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith(JdbcUrl.PREFIX);
    }

    /** One entry per key of {@link RdsIamProperty} (prefixed), plus {@code user}. */
    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        List<DriverPropertyInfo> out = new ArrayList<>();
        DriverPropertyInfo user = new DriverPropertyInfo("user", info == null ? null : info.getProperty("user"));
        user.description = "Database user that logs in with IAM (or rdsiam.user).";
        out.add(user);
        for (RdsIamProperty p : RdsIamProperty.values()) {
            String current = info == null ? null : info.getProperty(p.prefixedKey());
            DriverPropertyInfo d = new DriverPropertyInfo(p.prefixedKey(),
                    current != null ? p.display(current) : p.defaultValue().orElse(null));
            d.description = p.description();
            d.required = false;
            if (p.kind() == dev.rdsiam.RdsIamProperty.Kind.CHOICE) {
                d.choices = p.allowedValues().toArray(new String[0]);
            }
            out.add(d);
        }
        return out.toArray(new DriverPropertyInfo[0]);
    }

    @Override
    public int getMajorVersion() {
        return versionPart(0, 0);
    }

    @Override
    public int getMinorVersion() {
        return versionPart(1, 1);
    }

    /** A number of {@link dev.rdsiam.RdsIam#version()} (major, minor), or {@code fallback} for a development build. */
    static int versionPart(int index, int fallback) {
        String[] parts = dev.rdsiam.RdsIam.version().split("[.-]");
        try {
            return parts.length > index ? Integer.parseInt(parts[index]) : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("rds-iam-jdbc logs through SLF4J");
    }

    /** The DataSource behind a URL and properties, as {@link #connect} would use it (for diagnostics and tests). */
    public static RdsIamDataSource dataSourceFor(String url, Properties info) throws SQLException {
        Map<String, String> props = properties(info);
        String key = cacheKey(url, props);
        RdsIamDataSource ds = DATA_SOURCES.get(key);
        return ds != null ? ds : cache(key, create(url, props));
    }

}
