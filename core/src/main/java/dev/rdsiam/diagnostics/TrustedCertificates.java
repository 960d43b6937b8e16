package dev.rdsiam.diagnostics;

import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.internal.trust.TrustMaterial;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The CA certificates a configuration's {@code rdsiam.trust} (and {@code rdsiam.trustPem}) makes a connection trust,
 * loaded as a DataSource loads them: for tools that hand the same trust to another client (a {@code psql}
 * {@code sslrootcert}, a {@code mysql --ssl-ca} file).
 *
 * <pre>{@code
 * TrustedCertificates trust = TrustedCertificates.of(config);
 * trust.description();    // "Amazon RDS CA bundle (118 certificates)"
 * trust.certificates();   // the anchors, to write as PEM
 * }</pre>
 *
 * @param description the trust in words
 * @param certificates the trusted CA certificates
 */
public record TrustedCertificates(String description, List<X509Certificate> certificates) {

    /**
     * Copies the fields.
     *
     * @param description the trust in words
     * @param certificates the trusted CA certificates
     */
    public TrustedCertificates {
        certificates = List.copyOf(certificates);
    }

    /**
     * Loads the trust of a configuration.
     *
     * @param config the configuration
     * @return the trusted certificates
     * @throws IllegalArgumentException when the trust material cannot be loaded (the message names the key and the
     *     fix)
     */
    public static TrustedCertificates of(RdsIamConfig config) {
        TrustMaterial trust = TrustMaterial.forChoice(config.trust(), config.trustPem().orElse(null),
                config.endpoint().type().isProxy());
        return new TrustedCertificates(trust.description(), List.of(trust.anchors()));
    }
}
