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
 * per DataSource and shared by all its connections: the trust material with its one {@code SSLContext}, TLS socket
 * factories that verify the endpoint of each connection, and socket factories that dial its route. Which endpoint a
 * connection is for reaches the driver's factories through {@link ConnectionScope}.
 */
public final class ConnectorContext {

    /** A certificate of the chosen trust that expires within this window is reported once per DataSource. */
    public static final Duration EXPIRY_WARNING = Duration.ofDays(30);

    private static final Logger LOG = LoggerFactory.getLogger(ConnectorContext.class);

    private final RdsIamConfig config;
    private final TrustMaterial trust;
    private final java.util.concurrent.ConcurrentMap<String, IdentitySslSocketFactory> tlsByHost =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ConcurrentMap<RdsIamConfig.Route, RouteSocketFactory> routes =
            new java.util.concurrent.ConcurrentHashMap<>();
    private volatile IdentitySslSocketFactory lastUsed;
    private volatile java.util.function.ObjLongConsumer<java.time.Instant> observer = (notAfter, nanos) -> { };

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
     * The TLS factory to hand to the driver for connections to the configured host: layers TLS 1.2+ over the driver's
     * socket, sends SNI and verifies the chain against the trust and the certificate against the identity host,
     * whatever host the driver passes. Drivers' factories take {@link ConnectionScope#tlsSocketFactory()} instead,
     * which knows the endpoint of each connection.
     */
    public SSLSocketFactory tlsSocketFactory() {
        return tlsSocketFactory(config.host());
    }

    /**
     * The TLS factory that verifies servers against {@code identityHost} (one per name, sharing this DataSource's
     * {@code SSLContext}).
     *
     * @param identityHost the endpoint name the certificate must carry
     */
    public SSLSocketFactory tlsSocketFactory(String identityHost) {
        return tlsByHost.computeIfAbsent(identityHost.toLowerCase(java.util.Locale.ROOT), h -> {
            IdentitySslSocketFactory f = new IdentitySslSocketFactory(trust, identityHost, config.connectTimeout(),
                    config.clock());
            f.observer((notAfter, nanos) -> {
                lastUsed = f;
                observer.accept(notAfter, nanos);
            });
            return f;
        });
    }

    /** The socket factory for connections to the configured host: dials its route (or the host itself). */
    public SocketFactory routeSocketFactory() {
        return routeSocketFactory(config.routeFor(config.host())
                .orElse(new RdsIamConfig.Route(config.host(), config.port())));
    }

    /**
     * A socket factory whose sockets go to {@code route} whatever the driver asks for, with the connect timeout and
     * distinct reports of dropped packets, refusals and unknown names.
     *
     * @param route where to dial
     */
    public SocketFactory routeSocketFactory(RdsIamConfig.Route route) {
        return routes.computeIfAbsent(route,
                r -> new RouteSocketFactory(r.host(), r.port(), config.connectTimeout()));
    }

    /** The most recent verified TLS handshake of this DataSource (protocol, cipher, certificate), if any. */
    public java.util.Optional<dev.rdsiam.TlsHandshake> lastHandshake() {
        IdentitySslSocketFactory f = lastUsed;
        return f == null ? java.util.Optional.empty() : f.lastHandshake();
    }

    /**
     * Called after each verified TLS handshake of this DataSource with the server certificate's expiry (null when
     * unknown) and the handshake's duration in nanoseconds (the DataSource's meters listen here).
     */
    public void onHandshake(java.util.function.ObjLongConsumer<java.time.Instant> observer) {
        this.observer = Objects.requireNonNull(observer, "observer");
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
        return hostnameVerifier(config.host());
    }

    /**
     * A host-name verifier that checks a session's server certificate against {@code identity} (RFC 6125 rules),
     * whatever host the driver dialled.
     *
     * @param identity the endpoint name the certificate must carry
     */
    public javax.net.ssl.HostnameVerifier hostnameVerifier(String identity) {
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
