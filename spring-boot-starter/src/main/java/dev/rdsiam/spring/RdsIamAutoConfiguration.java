package dev.rdsiam.spring;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.rdsiam.RdsIam;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.RdsIamProperty;
import dev.rdsiam.Redaction;
import dev.rdsiam.jdbc.RdsIamDriver;
import java.util.EnumSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.ClassUtils;

/**
 * The application's DataSource: a HikariCP pool ({@link HikariDataSource}, so Boot's Hikari pool meters and health
 * apply) over the IAM DataSource, from {@code spring.datasource.url=jdbc:rdsiam:...} or from {@code rdsiam.*} keys
 * alone. Ordered before Boot's DataSource auto-configuration and backing off when the application defines a
 * DataSource of its own. No driver class is named.
 *
 * <pre>
 * spring.datasource.url=jdbc:rdsiam:postgresql://orders.cluster-c9akciq32.eu-west-1.rds.amazonaws.com/orders
 * spring.datasource.username=app
 * rdsiam.connect-timeout=5s
 * spring.datasource.hikari.maximum-pool-size=10
 * </pre>
 *
 * <p>Every {@code rdsiam.*} key of the Environment must be a key of {@link RdsIamProperty} (start-up fails naming
 * the key and the nearest known one); {@code spring.datasource.hikari.*} binds onto the pool as Boot binds it;
 * {@code rdsiam.*} entries of {@code spring.datasource.hikari.data-source-properties} still configure the library;
 * a password is refused (the IAM token is the password). Meters go to the application's {@code MeterRegistry} when
 * Micrometer is present.
 */
@AutoConfiguration(before = DataSourceAutoConfiguration.class)
@ConditionalOnClass({DataSource.class, HikariDataSource.class})
@Conditional(RdsIamAutoConfiguration.OnRdsIamDataSource.class)
public final class RdsIamAutoConfiguration {

    /** The URL prefix that selects this auto-configuration. */
    static final String URL_PREFIX = "jdbc:rdsiam:";

    private static final boolean MICROMETER = ClassUtils.isPresent("io.micrometer.core.instrument.MeterRegistry",
            RdsIamAutoConfiguration.class.getClassLoader());

    /**
     * The pool over the IAM DataSource.
     *
     * @param environment the application's configuration
     * @param beanFactory for the application's {@code MeterRegistry}, if there is one
     * @return the started pool; closing it closes the IAM DataSource
     * @throws IllegalArgumentException for a bad key or value, naming it and the fix
     */
    @Bean
    @ConditionalOnMissingBean(DataSource.class)
    public HikariDataSource dataSource(Environment environment, BeanFactory beanFactory) {
        Object registry = MICROMETER ? MicrometerSupport.registry(beanFactory) : null;
        RdsIamConfig config = config(environment, registry);
        // Boot's DataSourcePoolMetricsAutoConfiguration adds Hikari's pool meters to this pool, as to its own
        return RdsIam.pooledDataSource(config, hikari -> bindHikari(environment, hikari));
    }

    /**
     * The library's configuration from the environment: {@code spring.datasource.url} when it is a
     * {@code jdbc:rdsiam:} URL, else the {@code rdsiam.*} keys; with the given registry.
     */
    static RdsIamConfig config(Environment environment, Object meterRegistry) {
        try {
            return read(environment, meterRegistry);
        } catch (InvalidRdsIamConfigurationException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new InvalidRdsIamConfigurationException(e.getMessage(), e);
        }
    }

    private static RdsIamConfig read(Environment environment, Object meterRegistry) {
        RdsIamProperties props = RdsIamProperties.of(environment);
        Binder binder = Binder.get(environment);
        String url = binder.bind("spring.datasource.url", String.class).orElse(null);
        String username = binder.bind("spring.datasource.username", String.class).orElse(null);
        String password = binder.bind("spring.datasource.password", String.class).orElse(null);
        String driver = binder.bind("spring.datasource.driver-class-name", String.class).orElse(null);
        if (password != null && !password.isEmpty()) {
            throw new IllegalArgumentException("spring.datasource.password is set, but the IAM token is the password: "
                    + "remove spring.datasource.password");
        }
        if (driver != null && !driver.isEmpty() && !driver.equals(RdsIamDriver.class.getName())) {
            throw new IllegalArgumentException("spring.datasource.driver-class-name is " + driver + ", but with "
                    + "rdsiam-spring-boot-starter the pool takes connections from the IAM DataSource: remove "
                    + "spring.datasource.driver-class-name");
        }
        String rdsiamUser = props.get(RdsIamProperty.USER).orElse(null);
        if (rdsiamUser != null && username != null && !username.isEmpty() && !rdsiamUser.equals(username)) {
            throw new IllegalArgumentException("spring.datasource.username and rdsiam.user name different users: "
                    + "set one of them" + props.originsOf(RdsIamProperty.USER.prefixedKey()));
        }
        HikariConfig bound = new HikariConfig();
        bindHikari(environment, bound);
        Properties hikariProps = bound.getDataSourceProperties();
        try {
            RdsIamConfig.Builder b;
            if (url != null && !url.isEmpty()) {
                if (!url.startsWith(URL_PREFIX)) {
                    throw new IllegalArgumentException("spring.datasource.url is not a " + URL_PREFIX + " URL, but "
                            + "rdsiam.host is set: configure the database either with spring.datasource.url="
                            + URL_PREFIX + "postgresql://... or with rdsiam.* keys, not both");
                }
                Properties info = new Properties();
                info.putAll(hikariProps);
                props.values().forEach((p, v) -> {
                    if (!URL_KEYS.contains(p)) {
                        info.setProperty(p.prefixedKey(), v);
                    }
                });
                if (username != null && !username.isEmpty()) {
                    info.setProperty("user", username);
                }
                RdsIamConfig fromUrl = RdsIamConfig.fromUrl(url, info);
                checkAgreesWithUrl(props, fromUrl);
                b = fromUrl.toBuilder();
            } else {
                b = RdsIamConfig.builder();
                for (String k : hikariProps.stringPropertyNames()) {
                    if (k.startsWith(RdsIamProperty.PREFIX)) {
                        b.set(k.substring(RdsIamProperty.PREFIX.length()), hikariProps.getProperty(k));
                    } else {
                        b.driverProperty(k, hikariProps.getProperty(k));
                    }
                }
                props.values().forEach(b::set);
                if (props.get(RdsIamProperty.USER).isEmpty() && username != null && !username.isEmpty()) {
                    b.user(username);
                }
            }
            if (meterRegistry != null) {
                b.meterRegistry(meterRegistry);
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            String where = props.originsOf(e.getMessage());
            if (where.isEmpty()) {
                throw e;
            }
            throw new InvalidRdsIamConfigurationException(e.getMessage() + where, e);
        }
    }

    /**
     * The keys a {@code jdbc:rdsiam:} URL carries itself. The same keys in the environment (for example
     * {@code RDSIAM_HOST}, which a placeholder in the URL may read too) must agree with the URL.
     */
    private static final Set<RdsIamProperty> URL_KEYS = EnumSet.of(RdsIamProperty.ENGINE, RdsIamProperty.HOST,
            RdsIamProperty.PORT, RdsIamProperty.DATABASE);

    private static void checkAgreesWithUrl(RdsIamProperties props, RdsIamConfig fromUrl) {
        for (RdsIamProperty p : URL_KEYS) {
            String given = props.get(p).orElse(null);
            if (given == null) {
                continue;
            }
            String inUrl;
            switch (p) {
                case ENGINE:
                    inUrl = fromUrl.engine().key();
                    break;
                case HOST:
                    inUrl = fromUrl.host();
                    break;
                case PORT:
                    inUrl = String.valueOf(fromUrl.port());
                    break;
                default:
                    inUrl = fromUrl.database().orElse("");
                    break;
            }
            if (!given.trim().equalsIgnoreCase(inUrl)) {
                throw new IllegalArgumentException(p.prefixedKey() + " is " + Redaction.quote(given) + " but "
                        + "spring.datasource.url says " + Redaction.quote(inUrl) + ": the URL names the "
                        + p.key() + "; remove " + p.prefixedKey() + props.originsOf(p.prefixedKey()));
            }
        }
    }

    /** Binds {@code spring.datasource.hikari.*} onto a pool configuration, refusing what would bypass the library. */
    static void bindHikari(Environment environment, HikariConfig hikari) {
        Binder.get(environment).bind("spring.datasource.hikari", Bindable.ofInstance(hikari));
        for (Map.Entry<String, Object> set : Map.<String, Object>of(
                "jdbc-url", nullToEmpty(hikari.getJdbcUrl()), "driver-class-name", nullToEmpty(hikari.getDriverClassName()),
                "data-source-class-name", nullToEmpty(hikari.getDataSourceClassName()),
                "username", nullToEmpty(hikari.getUsername()), "password", nullToEmpty(hikari.getPassword())).entrySet()) {
            if (!set.getValue().equals("")) {
                throw new InvalidRdsIamConfigurationException("spring.datasource.hikari." + set.getKey() + " is set: remove it; "
                        + "the pool takes its connections from the IAM DataSource (set the URL with "
                        + "spring.datasource.url, the user with spring.datasource.username; the IAM token is the "
                        + "password)", null);
            }
        }
        // read into the library's configuration instead: a pool over a DataSource would ignore them silently
        hikari.setDataSourceProperties(new Properties());
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    /**
     * Matches when {@code spring.datasource.url} is a {@code jdbc:rdsiam:} URL, or when {@code rdsiam.host} is set
     * (in any relaxed form, including {@code RDSIAM_HOST}).
     */
    static final class OnRdsIamDataSource extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            Binder binder = Binder.get(context.getEnvironment());
            String url = binder.bind("spring.datasource.url", String.class).orElse("");
            if (url.startsWith(URL_PREFIX)) {
                return ConditionOutcome.match("spring.datasource.url is a " + URL_PREFIX + " URL");
            }
            if (binder.bind(RdsIamProperties.springName(RdsIamProperty.HOST), Bindable.of(String.class)).isBound()) {
                return ConditionOutcome.match("rdsiam.host is set");
            }
            return ConditionOutcome.noMatch("neither a " + URL_PREFIX + " spring.datasource.url nor rdsiam.host");
        }
    }
}
