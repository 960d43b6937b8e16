package dev.rdsiam.mysql;

import dev.rdsiam.Engine;
import dev.rdsiam.mysql.internal.MySqlConnector;
import dev.rdsiam.mysql.internal.MySqlTlsPreamble;
import dev.rdsiam.spi.Connector;
import dev.rdsiam.spi.ConnectorContext;
import dev.rdsiam.spi.EngineBinding;
import dev.rdsiam.spi.TlsPreamble;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Binds MySQL Connector/J (9.x for MySQL 8.0 / Aurora MySQL 3, 26.x for MySQL 8.4+): found by
 * {@code ServiceLoader} when {@code rdsiam-mysql} is on the class path.
 *
 * <pre>{@code
 * <dependency><groupId>dev.rdsiam</groupId><artifactId>rdsiam-mysql</artifactId></dependency>
 * DataSource ds = RdsIam.pooledDataSource(RdsIamConfig.builder().engine(Engine.MYSQL)...build());
 * }</pre>
 *
 * <p>TLS is done by the DataSource's own socket factory (one cached {@code SSLContext}, SNI and host-name check
 * against the identity host) and Connector/J sends the token with {@code mysql_clear_password}, which it only does
 * over TLS. Driver properties that would weaken TLS or take over the socket or the password are refused when the
 * configuration is built.
 */
public final class MySqlBinding implements EngineBinding {

    /** Creates the binding (done by {@code ServiceLoader}). */
    public MySqlBinding() {
    }

    @Override
    public Engine engine() {
        return Engine.MYSQL;
    }

    @Override
    public void validateDriverProperties(Map<String, String> props) {
        for (Map.Entry<String, String> e : props.entrySet()) {
            String key = e.getKey();
            String k = key.toLowerCase(Locale.ROOT);
            String v = e.getValue() == null ? "" : e.getValue().trim();
            switch (k) {
                case "sslmode":
                    if (!v.equalsIgnoreCase("VERIFY_IDENTITY")) {
                        throw new IllegalArgumentException("sslMode=" + v + " is refused: the IAM token is a credential "
                                + "sent in clear text inside TLS, so every connection verifies the server's chain and "
                                + "host name (" + (v.equalsIgnoreCase("VERIFY_CA") || v.equalsIgnoreCase("REQUIRED")
                                        ? "'" + v + "' would accept a certificate for another host: a man in the middle "
                                                + "could read the token"
                                        : "'" + v + "' may send the token without TLS")
                                + "); remove sslMode, or set it to VERIFY_IDENTITY");
                    }
                    break;
                case "usessl":
                case "requiressl":
                case "verifyservercertificate":
                    if (v.equalsIgnoreCase("false")) {
                        throw new IllegalArgumentException(key + "=false is refused: the IAM token is only ever sent over "
                                + "verified TLS; remove " + key);
                    }
                    break;
                case "socketfactory":
                    throw new IllegalArgumentException("socketFactory is refused: the library provides the socket "
                            + "factory (it dials rdsiam.connectHost and verifies the identity host); remove it");
                case "trustcertificatekeystoreurl":
                case "trustcertificatekeystoretype":
                case "trustcertificatekeystorepassword":
                case "fallbacktosystemtruststore":
                    throw new IllegalArgumentException(key + " is refused: Connector/J's own trust store is not used; "
                            + "give extra CA certificates with rdsiam.trustPem (and rdsiam.trust=pem to trust only "
                            + "them)");
                case "clientcertificatekeystoreurl":
                case "clientcertificatekeystoretype":
                case "clientcertificatekeystorepassword":
                    throw new IllegalArgumentException(key + " is refused: RDS IAM authentication uses no client "
                            + "certificate; remove it");
                case "defaultauthenticationplugin":
                    if (!v.equalsIgnoreCase("mysql_clear_password")) {
                        throw new IllegalArgumentException("defaultAuthenticationPlugin=" + v + " is refused: RDS IAM "
                                + "logins use mysql_clear_password; remove it");
                    }
                    break;
                case "disabledauthenticationplugins":
                    if (v.toLowerCase(Locale.ROOT).contains("clear")) {
                        throw new IllegalArgumentException("disabledAuthenticationPlugins=" + v + " is refused: it "
                                + "disables mysql_clear_password, the plugin RDS IAM logins need; remove it");
                    }
                    break;
                case "allowcleartextpasswords":
                case "allowpublickeyretrieval":
                    break;
                default:
                    break;
            }
        }
    }

    @Override
    public Optional<TlsPreamble> tlsPreamble() {
        return Optional.of(new MySqlTlsPreamble());
    }

    @Override
    public Connector connector(ConnectorContext context) {
        return new MySqlConnector(context);
    }
}
