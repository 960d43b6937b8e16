package dev.rdsiam.spi;

import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.internal.net.RouteSocketFactory;
import dev.rdsiam.internal.trust.IdentitySslSocketFactory;
import dev.rdsiam.internal.trust.TrustMaterial;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@link Connector} gets from the DataSource that owns it: the configuration and the network state built once
 * per DataSource and shared by all its connections: the trust material with its one {@code SSLContext}, a TLS socket
 * factory that verifies the identity host, and a socket factory that dials the route.
 */
public final class ConnectorContext {

    /** A certificate of the chosen trust that expires within this window is reported once per DataSource. */
    public static final Duration EXPIRY_WARNING = Duration.ofDays(30);

    private static final Logger LOG = LoggerFactory.getLogger(ConnectorContext.class);

    private final RdsIamConfig config;
    private final TrustMaterial trust;
    private final IdentitySslSocketFactory tls;
    private final RouteSocketFactory route;

    /**
     * Builds the per-DataSource state: loads the trust (once), and warns once about trusted certificates that are
     * about to expire.
     *
     * @param config the validated configuration
     * @throws IllegalArgumentException when the trust material cannot be loaded (naming the file and the fix)
     */
    public ConnectorContext(RdsIamConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.trust = TrustMaterial.forChoice(config.trust(), config.trustPem().orElse(null),
                config.endpoint().type().isProxy());
        this.tls = new IdentitySslSocketFactory(trust, config.host(), config.connectTimeout(), config.clock());
        this.route = new RouteSocketFactory(config.routeHost(), config.routePort(), config.connectTimeout());
        List<X509Certificate> expiring = trust.expiringWithin(EXPIRY_WARNING, config.clock().instant());
        if (!expiring.isEmpty()) {
            StringBuilder names = new StringBuilder();
            for (X509Certificate c : expiring) {
                names.append(names.length() == 0 ? "" : "; ").append(c.getSubjectX500Principal().getName())
                        .append(" (until ").append(c.getNotAfter().toInstant()).append(')');
            }
            LOG.warn("{} - {} trusted CA certificate(s) in {} expire within 30 days: {}; servers still presenting "
                    + "certificates from them will fail verification after that", config.name(), expiring.size(),
                    trust.description(), names);
        }
    }

    /** The configuration. */
    public RdsIamConfig config() {
        return config;
    }

    /**
     * The TLS factory to hand to the driver: layers TLS 1.2+ over the driver's socket, sends SNI and verifies the
     * chain against the trust and the certificate against the identity host, whatever host the driver passes.
     */
    public SSLSocketFactory tlsSocketFactory() {
        return tls;
    }

    /** The socket factory to hand to the driver: dials the route (or the identity host when there is no route). */
    public SocketFactory routeSocketFactory() {
        return route;
    }

    /** The most recent verified TLS handshake of this DataSource (protocol, cipher, certificate), if any. */
    public java.util.Optional<dev.rdsiam.TlsHandshake> lastHandshake() {
        return tls.lastHandshake();
    }

    /**
     * Called after each verified TLS handshake of this DataSource with the server certificate's expiry (null when
     * unknown) and the handshake's duration in nanoseconds (the DataSource's meters listen here).
     */
    public void onHandshake(java.util.function.ObjLongConsumer<java.time.Instant> observer) {
        tls.observer(observer);
    }

    /** When the first still valid certificate of the trust expires, if any. */
    public java.util.Optional<java.time.Instant> trustEarliestExpiry() {
        return trust.earliestExpiry(config.clock().instant());
    }

    /** The trust in words, e.g. {@code Amazon RDS CA bundle (108 certificates)}. */
    public String trustDescription() {
        return trust.description();
    }

    /**
     * A host-name verifier that checks a session's server certificate against the identity host (RFC 6125 rules),
     * whatever host the driver dialled: for drivers that take a second look after the TLS factory's own check.
     */
    public javax.net.ssl.HostnameVerifier identityHostnameVerifier() {
        String identity = config.host();
        return (dialled, session) -> {
            try {
                java.security.cert.Certificate[] chain = session.getPeerCertificates();
                return chain.length > 0 && chain[0] instanceof X509Certificate
                        && dev.rdsiam.internal.trust.HostnameMatcher.matches(identity, (X509Certificate) chain[0]);
            } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                return false;
            }
        };
    }
}
