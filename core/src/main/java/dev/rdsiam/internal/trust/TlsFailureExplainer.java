package dev.rdsiam.internal.trust;

import dev.rdsiam.internal.net.Elapsed;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Says why a TLS handshake of {@link IdentityTls} failed and what to check: a timeout, a server that does not speak
 * TLS or only old versions, a connection closed mid-handshake, a certificate for another name, an expired or not yet
 * valid certificate, a chain from a CA the trust does not hold (with the fix for the trust in use).
 *
 * <pre>{@code
 * TlsFailureExplainer explainer = new TlsFailureExplainer(trust, clock);
 * throw explainer.explain(handshakeError, host, "TLS to " + host, elapsed);
 * }</pre>
 *
 * <p>Certificate validity is judged by the configuration's clock. Thread-safe.
 */
final class TlsFailureExplainer {

    private static final int MAX_CHAIN_SHOWN = 4;

    private final TrustMaterial trust;
    private final Clock clock;

    TlsFailureExplainer(TrustMaterial trust, Clock clock) {
        this.trust = trust;
        this.clock = clock;
    }

    /**
     * The failure of a handshake, worded.
     *
     * @param e what the handshake threw
     * @param host the identity host
     * @param to the start of the message, e.g. {@code TLS to db.example (via 127.0.0.1:8888)}
     * @param elapsed how long the handshake ran
     */
    TlsVerificationException explain(IOException e, String host, String to, Duration elapsed) {
        if (find(e, SocketTimeoutException.class) != null) {
            return new TlsVerificationException(TlsVerificationException.Kind.TIMEOUT, host,
                    to + ": the TLS handshake timed out after " + Elapsed.format(elapsed) + " (the server accepted "
                            + "the TCP connection but did not answer the handshake): check that the port is the "
                            + "database's (or that the tunnel forwards to it) and that the server has TLS on, or raise "
                            + "rdsiam.connectTimeout",
                    e);
        }
        RejectedChainException rejected = find(e, RejectedChainException.class);
        if (rejected != null) {
            return explainRejected(rejected, host, to, e);
        }
        String all = messages(e);
        if (all.contains("unsupported or unrecognized ssl message") || all.contains("plaintext connection")) {
            return new TlsVerificationException(TlsVerificationException.Kind.NOT_TLS, host,
                    to + ": the server did not speak TLS (it answered with non-TLS data): check that the host and "
                            + "port (or rdsiam.connectHost/connectPort) point at the database's port, and that TLS is "
                            + "enabled on the server",
                    e);
        }
        if (all.contains("protocol_version") || all.contains("not accepted by client preferences")
                || all.contains("no appropriate protocol") || all.contains("unsupported protocol")) {
            return new TlsVerificationException(TlsVerificationException.Kind.PROTOCOL_VERSION, host,
                    to + ": the server supports neither TLS 1.3 nor TLS 1.2 (" + e.getMessage() + "); older TLS "
                            + "versions are never used: upgrade the TLS settings of the server (or of the proxy or "
                            + "tunnel in between)",
                    e);
        }
        if (find(e, EOFException.class) != null || all.contains("remote host terminated")
                || all.contains("connection reset") || all.contains("broken pipe") || e instanceof SocketException) {
            return new TlsVerificationException(TlsVerificationException.Kind.CLOSED_DURING_HANDSHAKE, host,
                    to + ": the server closed the connection during the TLS handshake (" + e.getMessage() + "): check "
                            + "that the port is the database's and that TLS is enabled on it; a tunnel or load "
                            + "balancer in between may also have dropped the connection",
                    e);
        }
        return new TlsVerificationException(TlsVerificationException.Kind.OTHER, host,
                to + ": the TLS handshake failed: " + e.getMessage(), e);
    }

    private TlsVerificationException explainRejected(RejectedChainException rejected, String host, String to,
            IOException handshakeError) {
        X509Certificate[] chain = rejected.chain();
        if (chain.length == 0) {
            return new TlsVerificationException(TlsVerificationException.Kind.UNTRUSTED_CHAIN, host,
                    to + ": the server presented no certificate", handshakeError);
        }
        CertificateException chainError = null;
        try {
            trust.pkixTrustManager().checkServerTrusted(chain, rejected.authType());
        } catch (CertificateException x) {
            chainError = x;
        }
        if (chainError == null) { // the chain alone is fine: the JDK refused the host name
            return hostnameMismatch(host, to, chain[0], handshakeError);
        }
        Instant now = clock.instant();
        boolean fromTrustedCa = issuedByAnchor(chain);
        String untrustedToo = fromTrustedCa ? "" : ", and the chain is not issued by any CA in " + trust.description();
        for (int i = 0; i < chain.length; i++) {
            X509Certificate c = chain[i];
            String which = i == 0 ? "the server's certificate (" + subject(c) + ")"
                    : "certificate [" + i + "] of the presented chain (" + subject(c) + ")";
            if (now.isAfter(c.getNotAfter().toInstant())) {
                return new TlsVerificationException(TlsVerificationException.Kind.CERTIFICATE_EXPIRED, host,
                        to + ": " + which + " expired on " + c.getNotAfter().toInstant() + " (now " + now + ")"
                                + untrustedToo + ": the server must renew its certificate (for RDS: rotate the DB "
                                + "instance's certificate, e.g. to the CA rds-ca-rsa2048-g1); if the certificate is "
                                + "current, check this machine's clock",
                        handshakeError);
            }
            if (now.isBefore(c.getNotBefore().toInstant())) {
                return new TlsVerificationException(TlsVerificationException.Kind.CERTIFICATE_NOT_YET_VALID, host,
                        to + ": " + which + " is not valid before " + c.getNotBefore().toInstant() + " (now " + now
                                + ")" + untrustedToo + ": check this machine's clock (NTP)",
                        handshakeError);
            }
        }
        String presented = "presented chain: " + describeChain(chain);
        if (fromTrustedCa) {
            return new TlsVerificationException(TlsVerificationException.Kind.UNTRUSTED_CHAIN, host,
                    to + ": the server's certificate chain was refused (" + chainError.getMessage() + "); "
                            + presented,
                    handshakeError);
        }
        return new TlsVerificationException(TlsVerificationException.Kind.UNTRUSTED_CHAIN, host,
                to + ": the server's certificate chain is not issued by any CA in " + trust.description() + " ("
                        + presented + ")" + expiredAnchorNote(chain[chain.length - 1], now) + ": " + untrustedFix(),
                handshakeError);
    }

    private String untrustedFix() {
        if (trust.includesRdsBundle() && !trust.includesJdkDefault()) {
            return "set rdsiam.trust=system for an RDS Proxy endpoint (proxies present ACM certificates), or add the "
                    + "CA with rdsiam.trustPem (GovCloud, China, a region newer than the bundled CAs, a private CA)";
        }
        if (trust.includesJdkDefault() && !trust.includesRdsBundle()) {
            return "set rdsiam.trust=rds-bundle for an RDS/Aurora DB endpoint (not an RDS Proxy), or add the CA with "
                    + "rdsiam.trustPem";
        }
        return "add the issuing CA certificate to rdsiam.trustPem" + (trust.userPem() == null ? ""
                : " (" + trust.userPem() + ")") + ", or use rdsiam.trust=auto";
    }

    /** When the top of the chain was issued by a trusted CA that has expired, say so. */
    private String expiredAnchorNote(X509Certificate top, Instant now) {
        for (X509Certificate anchor : trust.expired(now)) {
            if (anchor.getSubjectX500Principal().equals(top.getIssuerX500Principal())) {
                return "; note: the trusted CA " + subject(anchor) + " expired on "
                        + anchor.getNotAfter().toInstant();
            }
        }
        return "";
    }

    private boolean issuedByAnchor(X509Certificate[] chain) {
        X509Certificate[] anchors = trust.anchors();
        for (X509Certificate c : chain) {
            for (X509Certificate anchor : anchors) {
                if (c.equals(anchor)) {
                    return true;
                }
                if (c.getIssuerX500Principal().equals(anchor.getSubjectX500Principal())) {
                    try {
                        c.verify(anchor.getPublicKey());
                        return true;
                    } catch (java.security.GeneralSecurityException ignored) {
                        // another CA with the same name: keep looking
                    }
                }
            }
        }
        return false;
    }

    /** A certificate that does not name the host: its names, and where the tunnel's address belongs. */
    static TlsVerificationException hostnameMismatch(String host, String to, X509Certificate leaf,
            Throwable cause) {
        List<String> dns = HostnameMatcher.dnsNames(leaf);
        List<String> ips = HostnameMatcher.ipAddresses(leaf);
        StringBuilder names = new StringBuilder("its DNS names: ").append(dns);
        if (!ips.isEmpty()) {
            names.append("; its IP addresses: ").append(ips);
        }
        if (dns.isEmpty()) {
            names.append("; its CN: ").append(HostnameMatcher.commonName(leaf));
        }
        return new TlsVerificationException(TlsVerificationException.Kind.HOSTNAME_MISMATCH, host,
                to + ": the server's certificate does not name " + host + " (" + names + "): connect with the real "
                        + "endpoint name as host and put the tunnel, NLB or IP address in rdsiam.connectHost (the "
                        + "certificate is checked against host, never against connectHost)",
                cause);
    }

    private static String describeChain(X509Certificate[] chain) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < chain.length && i < MAX_CHAIN_SHOWN; i++) {
            parts.add("[" + i + "] " + subject(chain[i]) + ", issued by "
                    + chain[i].getIssuerX500Principal().getName());
        }
        if (chain.length > MAX_CHAIN_SHOWN) {
            parts.add("... " + (chain.length - MAX_CHAIN_SHOWN) + " more");
        }
        return String.join("; ", parts);
    }
    private static String subject(X509Certificate c) {
        return c.getSubjectX500Principal().getName();
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static String messages(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            sb.append(t.getMessage()).append('\n');
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }
}
