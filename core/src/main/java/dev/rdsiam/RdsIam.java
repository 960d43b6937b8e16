package dev.rdsiam;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.rdsiam.internal.credentials.CredentialsSource;
import dev.rdsiam.internal.token.CachingTokenProvider;
import dev.rdsiam.internal.token.TokenSigner;
import dev.rdsiam.jdbc.RdsIamDataSource;
import java.util.function.Consumer;

/**
 * Entry points: DataSources and token providers from a {@link RdsIamConfig}.
 *
 * <pre>{@code
 * RdsIamConfig config = RdsIamConfig.builder().engine(Engine.POSTGRESQL)
 *     .host("orders.c0ffee.eu-west-1.rds.amazonaws.com").database("orders").user("app").build();
 * try (HikariDataSource pool = RdsIam.pooledDataSource(config)) { ... }
 * }</pre>
 */
public final class RdsIam {

    private RdsIam() {
    }

    /**
     * The library's version, from the {@code Implementation-Version} of the core jar's manifest, e.g.
     * {@code 0.1.0}; {@code "development build"} when the classes do not come from a built jar.
     */
    public static String version() {
        String v = RdsIam.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }

    /**
     * An unpooled DataSource: each {@code getConnection()} opens one physical connection with a current token.
     *
     * @throws IllegalArgumentException when the engine's binding module is missing (naming the artifact)
     */
    public static RdsIamDataSource dataSource(RdsIamConfig config) {
        return RdsIamDataSource.create(config);
    }

    /**
     * A HikariCP pool over {@link #dataSource(RdsIamConfig)}: every new physical connection gets a current token.
     * HikariCP is an optional dependency: add {@code com.zaxxer:HikariCP} to use this.
     *
     * @throws IllegalStateException when HikariCP is not on the class path (naming the dependency to add)
     */
    public static HikariDataSource pooledDataSource(RdsIamConfig config) {
        requireHikari(); // before the lambda below, whose linking needs HikariCP's classes
        return pooledDataSource(config, c -> { });
    }

    /**
     * A HikariCP pool over {@link #dataSource(RdsIamConfig)}, after the customizer has set pool options (size,
     * timeouts, metrics). The pool's name defaults to {@link RdsIamConfig#name()}. Closing the pool closes the
     * DataSource under it.
     *
     * @throws IllegalArgumentException if the customizer sets a JDBC URL, a driver or DataSource class, a user name or
     *     a password: the pool must take connections from the IAM DataSource
     */
    public static HikariDataSource pooledDataSource(RdsIamConfig config, Consumer<HikariConfig> customizer) {
        requireHikari();
        return HikariPools.create(config, customizer);
    }

    private static void requireHikari() {
        if (!HIKARI) {
            throw new IllegalStateException("RdsIam.pooledDataSource needs HikariCP, which is not on the class path: "
                    + "add the dependency com.zaxxer:HikariCP (7.x), or put the pool you have (Agroal, DBCP, ...) in "
                    + "front of RdsIam.dataSource(config)");
        }
    }

    /** Whether HikariCP can be loaded (it is an optional dependency), decided without loading it. */
    private static final boolean HIKARI = present("com.zaxxer.hikari.HikariDataSource");

    private static boolean present(String className) {
        try {
            Class.forName(className, false, RdsIam.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * The caching token provider a DataSource of this configuration uses, standalone (for example to hand tokens to
     * another tool). Close it to release its credentials provider.
     */
    public static AuthTokenProvider tokenProvider(RdsIamConfig config) {
        CredentialsSource credentials = CredentialsSource.create(config);
        CachingTokenProvider cache = new CachingTokenProvider(config, config.user(), credentials.provider(),
                credentials.description(), new TokenSigner());
        return new SigningTokenProvider(cache, credentials::close);
    }
}
