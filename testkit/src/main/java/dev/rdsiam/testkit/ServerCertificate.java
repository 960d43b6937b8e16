package dev.rdsiam.testkit;

/**
 * Which certificate the gateway presents in its TLS handshake.
 *
 * <pre>{@code
 * rds.faults().certificate(ServerCertificate.EXPIRED);
 * // a verifying client must now refuse the server before it sends the token
 * }</pre>
 */
public enum ServerCertificate {
    /** Issued by the kit's CA for the endpoint's names: the normal case. */
    VALID,
    /** Issued by the kit's CA for another host name. */
    WRONG_HOST,
    /** Issued for the right names by a CA nobody trusts. */
    UNTRUSTED_CA,
    /** Issued by the kit's CA for the right names, but expired. */
    EXPIRED
}
