package dev.rdsiam.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.rdsiam.AuthTokenProvider;
import dev.rdsiam.Engine;
import dev.rdsiam.RdsIam;
import dev.rdsiam.RdsIamConfig;
import java.sql.Driver;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.jdbc.authentication.AwsCredentialsManager;

/**
 * How each contender connects, in one place so that every scenario configures them the same way.
 *
 * <ul>
 *   <li><b>ours</b>: {@link RdsIam#dataSource} / {@link RdsIam#pooledDataSource}, identity name + route, the RDS
 *       bundle it ships plus the server's CA;</li>
 *   <li><b>file trust</b>: the raw driver with its own file-based trust (pgjdbc {@code sslrootcert}, Connector/J
 *       {@code trustCertificateKeyStoreUrl}), re-read by the driver for every connection;</li>
 *   <li><b>limit</b> (B1 calls it <b>raw</b>): the raw driver with one prebuilt {@code SSLContext}
 *       ({@link PrebuiltTls}) and a password it is handed, nothing else;</li>
 *   <li><b>wrapper</b>: the AWS Advanced JDBC Wrapper with only its {@code iam} plugin, over the driver's file-based
 *       trust (it has no TLS of its own), and a plain dialect so that it runs no Aurora topology queries.</li>
 * </ul>
 *
 * <p>All of them get the same driver tuning as ours ({@link #driverTuning}), so that the comparison is about trust,
 * tokens and wrapping, not about a login round trip one of them happens to skip. The drivers dial a name that is on
 * the server certificate and resolves to 127.0.0.1 ({@code localhost}); ours dials 127.0.0.1 and checks the
 * certificate against the RDS-like identity name.
 */
final class Contenders {

    private Contenders() {
    }

    /** Our configuration for a target: identity name for the token and TLS, 127.0.0.1 as the route. */
    static RdsIamConfig ours(KitInfo kit, KitInfo.Target target, AwsCredentialsProvider credentials) {
        return RdsIamConfig.builder()
                .engine(kit.engine())
                .host(kit.identityHost()).port(kit.identityPort())
                .connectHost("127.0.0.1").connectPort(target.port())
                .database(kit.database()).user(kit.user())
                .region(kit.region())
                .trustPem(target.caPem())
                .credentialsProvider(credentials)
                .name("bench-ours")
                .build();
    }

    /** The plain driver URL, dialling the target by a name on its certificate. */
    static String driverUrl(KitInfo kit, KitInfo.Target target) {
        return DriverProperties.driverUrl(kit, target);
    }

    /** The AWS wrapper's URL for the same server. */
    static String wrapperUrl(KitInfo kit, KitInfo.Target target) {
        return DriverProperties.wrapperUrl(kit, target);
    }

    /** The driver properties ours sets besides trust, socket and password: every contender gets them. */
    static Properties driverTuning(Engine engine) {
        return DriverProperties.driverTuning(engine);
    }

    /** The raw driver with its own file-based trust; {@code password} is the token. */
    static Properties fileTrust(KitInfo kit, KitInfo.Target target, String password) {
        return DriverProperties.fileTrust(kit, target, password);
    }

    /** The raw driver with one prebuilt {@code SSLContext} per JVM; {@code password} is the token. */
    static Properties limit(KitInfo kit, KitInfo.Target target, String password) {
        Properties p = driverTuning(kit.engine());
        if (kit.engine() == Engine.POSTGRESQL) {
            p.setProperty("sslmode", "verify-full");
            p.setProperty("sslfactory", PrebuiltTls.PgSslSocketFactory.class.getName());
            p.setProperty("sslfactoryarg", target.trustPem().toString());
        } else {
            p.setProperty("sslMode", "VERIFY_IDENTITY");
            p.setProperty("socketFactory", PrebuiltTls.MySqlSocketFactory.class.getName());
            p.putAll(DriverProperties.trustStore(target));
        }
        p.setProperty("user", kit.user());
        p.setProperty("password", password);
        return p;
    }

    /** The AWS wrapper with its {@code iam} plugin only (see {@link DriverProperties#wrapper}). */
    static Properties wrapper(KitInfo kit, KitInfo.Target target) {
        return DriverProperties.wrapper(kit, target);
    }

    /**
     * Makes the AWS wrapper sign with {@code credentials} (its hook for custom providers; the default would be the
     * SDK's default chain). The wrapper asks for the provider exactly when it mints a token.
     */
    static void wrapperCredentials(AwsCredentialsProvider credentials) {
        AwsCredentialsManager.setCustomHandler((hostSpec, props) -> credentials);
    }

    /** The engine's driver. */
    static Driver driver(Engine engine) {
        if (engine == Engine.POSTGRESQL) {
            return new org.postgresql.Driver();
        }
        try {
            return new com.mysql.cj.jdbc.NonRegisteringDriver();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot load Connector/J", e);
        }
    }

    /** The AWS wrapper's driver. */
    static Driver wrapperDriver() {
        try {
            return new software.amazon.jdbc.Driver();
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot load the AWS Advanced JDBC Wrapper", e);
        }
    }

    /** A Hikari pool over a contender, sized the same for every contender. */
    static HikariDataSource pool(String contender, KitInfo kit, KitInfo.Target target, int size) {
        return pool(contender, kit, target, size, CountingCredentials.of(kit));
    }

    /**
     * A Hikari pool over a contender, sized the same for every contender, signing with {@code credentials} (ours and
     * the wrapper; for the wrapper, {@code null} keeps the credentials hook the caller has set).
     */
    static HikariDataSource pool(String contender, KitInfo kit, KitInfo.Target target, int size,
            AwsCredentialsProvider credentials) {
        switch (contender) {
            case "ours":
                return RdsIam.pooledDataSource(ours(kit, target,
                        credentials != null ? credentials : CountingCredentials.of(kit)), h -> size(h, size));
            case "raw": {
                HikariConfig h = new HikariConfig();
                h.setJdbcUrl(driverUrl(kit, target));
                Properties p = limit(kit, target, staticToken(kit, target));
                h.setUsername(p.getProperty("user"));
                h.setPassword(p.getProperty("password"));
                p.remove("user");
                p.remove("password");
                h.setDataSourceProperties(p);
                size(h, size);
                return new HikariDataSource(h);
            }
            case "wrapper": {
                if (credentials != null) {
                    wrapperCredentials(credentials);
                }
                HikariConfig h = new HikariConfig();
                h.setJdbcUrl(wrapperUrl(kit, target));
                Properties p = wrapper(kit, target);
                h.setUsername(p.getProperty("user"));
                p.remove("user");
                h.setDataSourceProperties(p);
                size(h, size);
                return new HikariDataSource(h);
            }
            default:
                throw new IllegalArgumentException("unknown contender '" + contender + "': ours, raw or wrapper");
        }
    }

    /**
     * One token, minted now, to be used as a static password (a pool's connections live far shorter than its 15
     * minutes here).
     */
    static String staticToken(KitInfo kit, KitInfo.Target target) {
        try (AuthTokenProvider tokens = RdsIam.tokenProvider(ours(kit, target, CountingCredentials.of(kit)))) {
            return tokens.token().value();
        }
    }

    private static void size(HikariConfig h, int size) {
        h.setPoolName("bench");
        h.setMaximumPoolSize(size);
        h.setMinimumIdle(size);
        h.setConnectionTimeout(Duration.ofSeconds(30).toMillis());
    }
}
