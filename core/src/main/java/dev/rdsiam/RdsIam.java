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

    /** A HikariCP pool over {@link #dataSource(RdsIamConfig)}: every new physical connection gets a current token. */
    public static HikariDataSource pooledDataSource(RdsIamConfig config) {
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
        return HikariPools.create(config, customizer);
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
