package dev.rdsiam.postgresql;

import dev.rdsiam.Engine;
import dev.rdsiam.postgresql.internal.PgConnector;
import dev.rdsiam.postgresql.internal.PgTlsPreamble;
import dev.rdsiam.spi.Connector;
import dev.rdsiam.spi.ConnectorContext;
import dev.rdsiam.spi.EngineBinding;
import dev.rdsiam.spi.TlsPreamble;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Binds pgjdbc: found by {@code ServiceLoader} when {@code rdsiam-postgresql} is on the class path.
 *
 * <pre>{@code
 * <dependency><groupId>dev.rdsiam</groupId><artifactId>rdsiam-postgresql</artifactId></dependency>
 * DataSource ds = RdsIam.pooledDataSource(RdsIamConfig.builder().engine(Engine.POSTGRESQL)...build());
 * }</pre>
 *
 * <p>Every connection uses {@code sslmode=verify-full} through the DataSource's own TLS factory; driver properties
 * that would weaken that, or take over the socket, the TLS or the password, are refused when the configuration is
 * built.
 */
public final class PostgresBinding implements EngineBinding {

    /** Creates the binding (done by {@code ServiceLoader}). */
    public PostgresBinding() {
    }

    @Override
    public Engine engine() {
        return Engine.POSTGRESQL;
    }

    @Override
    public void validateDriverProperties(Map<String, String> props) {
        for (Map.Entry<String, String> e : props.entrySet()) {
            String key = e.getKey();
            String k = key.toLowerCase(Locale.ROOT);
            String v = e.getValue() == null ? "" : e.getValue().trim();
            switch (k) {
                case "sslmode":
                    if (!v.equalsIgnoreCase("verify-full")) {
                        throw new IllegalArgumentException("sslmode=" + v + " is refused: the IAM token is a credential, "
                                + "so every connection uses sslmode=verify-full (" + (v.equalsIgnoreCase("prefer")
                                        || v.equalsIgnoreCase("allow")
                                        ? "'" + v + "' even retries without TLS after SQLSTATE 28000, which is exactly "
                                                + "how RDS rejects an IAM login"
                                        : "anything weaker lets a man in the middle read the token")
                                + "); remove sslmode, or set it to verify-full");
                    }
                    break;
                case "ssl":
                    if (v.equalsIgnoreCase("false")) {
                        throw new IllegalArgumentException("ssl=false is refused: the IAM token is only ever sent over "
                                + "verified TLS; remove the ssl property");
                    }
                    break;
                case "sslfactory":
                case "sslfactoryarg":
                case "sslhostnameverifier":
                case "socketfactory":
                case "socketfactoryarg":
                    throw new IllegalArgumentException(key + " is refused: the library provides the socket and TLS "
                            + "factories (they dial rdsiam.connectHost and verify the identity host); remove it");
                case "sslrootcert":
                    throw new IllegalArgumentException("sslrootcert is refused: pgjdbc would ignore it here; give extra "
                            + "CA certificates with rdsiam.trustPem (and rdsiam.trust=pem to trust only them)");
                case "sslcert":
                case "sslkey":
                case "sslpassword":
                case "sslpasswordcallback":
                    throw new IllegalArgumentException(key + " is refused: RDS IAM authentication uses no client "
                            + "certificate; remove it");
                case "authenticationpluginclassname":
                    throw new IllegalArgumentException("authenticationPluginClassName is refused: the library hands "
                            + "pgjdbc the IAM token as the password; remove it");
                case "gssencmode":
                    if (!v.equalsIgnoreCase("disable")) {
                        throw new IllegalArgumentException("gssEncMode=" + v + " is refused: RDS IAM logins use TLS, "
                                + "not GSS encryption; remove it");
                    }
                    break;
                case "classloaderstrategy":
                    if (!v.equalsIgnoreCase("context-first")) {
                        throw new IllegalArgumentException("classLoaderStrategy=" + v + " is refused: the library "
                                + "connects with its own class loader as the context loader and context-first, so "
                                + "pgjdbc finds its factories wherever pgjdbc is loaded from; remove it");
                    }
                    break;
                case "pghost":
                case "pgport":
                case "pgdbname":
                    throw new IllegalArgumentException(key + " is refused: host, port and database come from the "
                            + "rdsiam configuration (rdsiam.host/port/database, or the jdbc:rdsiam: URL)");
                default:
                    break;
            }
        }
    }

    @Override
    public Optional<TlsPreamble> tlsPreamble() {
        return Optional.of(new PgTlsPreamble());
    }

    @Override
    public Connector connector(ConnectorContext context) {
        return new PgConnector(context);
    }
}
