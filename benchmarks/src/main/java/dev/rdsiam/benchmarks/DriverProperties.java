package dev.rdsiam.benchmarks;

import dev.rdsiam.Engine;
import java.util.Properties;

/**
 * The URLs and driver properties of the contenders ({@link Contenders} explains them), kept apart so that a JVM with
 * only a driver on its class path (B5's limit) can use them: this class refers to no type of HikariCP, the AWS SDK or
 * the wrapper.
 */
final class DriverProperties {

    private DriverProperties() {
    }

    /** The plain driver URL, dialling the target by a name on its certificate. */
    static String driverUrl(KitInfo kit, KitInfo.Target target) {
        String scheme = kit.engine() == Engine.POSTGRESQL ? "jdbc:postgresql://" : "jdbc:mysql://";
        return scheme + target.dialName() + ":" + target.port() + "/" + kit.database();
    }

    /** The AWS wrapper's URL for the same server. */
    static String wrapperUrl(KitInfo kit, KitInfo.Target target) {
        return "jdbc:aws-wrapper:" + driverUrl(kit, target).substring("jdbc:".length());
    }

    /** The driver properties ours sets besides trust, socket and password: every contender gets them. */
    static Properties driverTuning(Engine engine) {
        Properties p = new Properties();
        p.setProperty("tcpKeepAlive", "true");
        if (engine == Engine.POSTGRESQL) {
            p.setProperty("connectTimeout", "10");
            p.setProperty("socketTimeout", "10");
            p.setProperty("assumeMinServerVersion", "9.0");
            p.setProperty("gssEncMode", "disable");
        } else {
            p.setProperty("connectTimeout", "10000");
            p.setProperty("useServerPrepStmts", "false");
            p.setProperty("defaultAuthenticationPlugin", "mysql_clear_password");
        }
        return p;
    }

    /** The raw driver with its own file-based trust; {@code password} is the token. */
    static Properties fileTrust(KitInfo kit, KitInfo.Target target, String password) {
        Properties p = driverTuning(kit.engine());
        p.putAll(fileTrustOnly(kit.engine(), target));
        p.setProperty("user", kit.user());
        p.setProperty("password", password);
        return p;
    }

    /**
     * The AWS wrapper with its {@code iam} plugin only; it mints (and caches) the token itself. The wrapper owns
     * {@code connectTimeout}, {@code socketTimeout} and {@code loginTimeout} and reads them in milliseconds (it hands
     * pgjdbc whole seconds, truncated), so it gets the same bounds as the others in its own unit.
     */
    static Properties wrapper(KitInfo kit, KitInfo.Target target) {
        Properties p = driverTuning(kit.engine());
        if (kit.engine() == Engine.POSTGRESQL) {
            p.setProperty("connectTimeout", "10000");
            p.setProperty("socketTimeout", "10000");
        }
        p.putAll(fileTrustOnly(kit.engine(), target));
        p.setProperty("user", kit.user());
        p.setProperty("wrapperPlugins", "iam");
        p.setProperty("wrapperDialect", kit.engine() == Engine.POSTGRESQL ? "pg" : "mysql");
        p.setProperty("iamHost", kit.identityHost());
        p.setProperty("iamDefaultPort", Integer.toString(kit.identityPort()));
        p.setProperty("iamRegion", kit.region());
        return p;
    }

    static Properties fileTrustOnly(Engine engine, KitInfo.Target target) {
        Properties p = new Properties();
        if (engine == Engine.POSTGRESQL) {
            p.setProperty("sslmode", "verify-full");
            p.setProperty("sslrootcert", target.trustPem().toString());
        } else {
            p.setProperty("sslMode", "VERIFY_IDENTITY");
            p.putAll(trustStore(target));
        }
        return p;
    }

    static Properties trustStore(KitInfo.Target target) {
        Properties p = new Properties();
        p.setProperty("trustCertificateKeyStoreUrl", target.trustP12().toUri().toString());
        p.setProperty("trustCertificateKeyStoreType", "PKCS12");
        p.setProperty("trustCertificateKeyStorePassword", target.trustP12Password());
        return p;
    }
}
