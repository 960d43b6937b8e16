package dev.rdsiam;

import java.util.Locale;

/**
 * Which certificate authorities a DataSource trusts when it verifies the server's TLS certificate.
 *
 * <pre>{@code
 * RdsIamConfig.builder().host("mydb.abc.us-east-1.rds.amazonaws.com").user("app")
 *     .trust(Trust.AUTO)                       // the default
 *     .trustPem(Path.of("/etc/ssl/extra.pem"))   // optional: added to the choice, or the only trust with PEM
 *     ...
 * }</pre>
 *
 * <p>The server's host name is always verified against the identity host, whatever the choice.
 */
public enum Trust {
    /**
     * The Amazon RDS CA bundle shipped in the jar for database endpoints; the JDK's default trust store
     * (Amazon Root CA 1-4) for RDS Proxy endpoints, which present ACM certificates. A {@code trustPem}
     * file, when given, is added.
     */
    AUTO("auto"),
    /** The Amazon RDS CA bundle shipped in the jar (plus {@code trustPem} when given). */
    RDS_BUNDLE("rds-bundle"),
    /** The JDK's default trust store (plus {@code trustPem} when given). */
    SYSTEM("system"),
    /** Only the certificates in the {@code trustPem} file, which is then required. */
    PEM("pem");

    private final String key;

    Trust(String key) {
        this.key = key;
    }

    /** The value used in properties and URLs, e.g. {@code rds-bundle}. */
    public String key() {
        return key;
    }

    /**
     * Parses a property value ({@code auto}, {@code rds-bundle}, {@code system}, {@code pem}; case-insensitive).
     *
     * @throws IllegalArgumentException naming the allowed values
     */
    public static Trust fromKey(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (Trust t : values()) {
            if (t.key.equals(v) || t.name().toLowerCase(Locale.ROOT).equals(v)) {
                return t;
            }
        }
        throw new IllegalArgumentException("rdsiam.trust '" + value
                + "' is not valid; use one of auto, rds-bundle, system, pem");
    }

    @Override
    public String toString() {
        return key;
    }
}
