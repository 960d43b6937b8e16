package dev.rdsiam;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * What a verified TLS handshake established, for people to read (the quickstart, the doctor, debug logs): protocol,
 * cipher, the server certificate's subject, issuer, DNS names and expiry, and the name and trust it was verified
 * against. Holds no secret.
 *
 * @param protocol e.g. {@code TLSv1.3}
 * @param cipherSuite e.g. {@code TLS_AES_256_GCM_SHA384}
 * @param subject the server certificate's subject
 * @param issuer the server certificate's issuer
 * @param dnsNames the server certificate's DNS names
 * @param notAfter the server certificate's expiry
 * @param verifiedName the identity host the certificate was checked against
 * @param trust the trust the chain was checked against, in words
 */
public record TlsHandshake(String protocol, String cipherSuite, String subject, String issuer, List<String> dnsNames,
        Instant notAfter, String verifiedName, String trust) {

    /**
     * What a verified session established.
     *
     * @param session the verified session
     * @param verifiedName the name its certificate was checked against
     * @param trust the trust, in words
     */
    public static TlsHandshake of(SSLSession session, String verifiedName, String trust) {
        String subject = "";
        String issuer = "";
        List<String> names = List.of();
        Instant notAfter = null;
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate) {
                X509Certificate leaf = (X509Certificate) chain[0];
                subject = leaf.getSubjectX500Principal().getName();
                issuer = leaf.getIssuerX500Principal().getName();
                names = dev.rdsiam.internal.trust.HostnameMatcher.dnsNames(leaf);
                notAfter = leaf.getNotAfter().toInstant();
            }
        } catch (SSLPeerUnverifiedException e) {
            // a verified session always has peer certificates; leave the fields empty otherwise
        }
        return new TlsHandshake(session.getProtocol(), session.getCipherSuite(), subject, issuer, names, notAfter,
                verifiedName, trust);
    }

}
