package dev.rdsiam.internal.trust;

import java.util.Objects;
import javax.net.ssl.SSLHandshakeException;

/**
 * A TLS handshake that failed or was refused, with a message that says what failed and what to check (never any
 * secret). The JDK's exception is kept as the cause.
 *
 * <pre>{@code
 * try { tls.handshake(plain, identityHost, 5432, timeout); }
 * catch (TlsVerificationException e) {
 *     if (e.kind() == TlsVerificationException.Kind.HOSTNAME_MISMATCH) { ... }
 * }
 * }</pre>
 *
 * <p>It is an {@link SSLHandshakeException} (so drivers treat it as a TLS failure), and deliberately not a
 * {@link java.net.SocketTimeoutException} even for {@link Kind#TIMEOUT}: pgjdbc's {@code sslmode=prefer} would retry a
 * timed-out TLS negotiation in plaintext.
 */
public final class TlsVerificationException extends SSLHandshakeException {

    private static final long serialVersionUID = 1L;

    /** What failed. */
    public enum Kind {
        /** The presented chain does not lead to any trusted CA (or PKIX refused it for another reason). */
        UNTRUSTED_CHAIN,
        /** The certificate does not name the identity host. */
        HOSTNAME_MISMATCH,
        /** A certificate of the chain is past its notAfter. */
        CERTIFICATE_EXPIRED,
        /** A certificate of the chain is before its notBefore (often: this machine's clock is wrong). */
        CERTIFICATE_NOT_YET_VALID,
        /** The server and this client share no TLS version (only TLS 1.3 and 1.2 are offered). */
        PROTOCOL_VERSION,
        /** The peer answered with something that is not TLS. */
        NOT_TLS,
        /** The peer closed or reset the connection during the handshake. */
        CLOSED_DURING_HANDSHAKE,
        /** The peer did not answer within the handshake timeout. */
        TIMEOUT,
        /** Any other handshake failure (the JDK's reason is in the message). */
        OTHER
    }

    /** Said by every message: the handshake comes before the login, so a failed one never carries the token. */
    static final String NOT_SENT = " (the IAM token was not sent)";

    private final Kind kind;
    private final String identityHost;

    TlsVerificationException(Kind kind, String identityHost, String message, Throwable cause) {
        super(message + NOT_SENT);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.identityHost = identityHost;
        if (cause != null) {
            initCause(cause);
        }
    }

    /** What failed. */
    public Kind kind() {
        return kind;
    }

    /** The host name the certificate was (or would have been) checked against. */
    public String identityHost() {
        return identityHost;
    }
}
