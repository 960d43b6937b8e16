package dev.rdsiam.internal.trust;

import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * Thrown by {@link ChainCapturingTrustManager} in place of the JDK's own rejection, carrying the chain the server
 * presented and the key-exchange auth type, so that the handshake's failure can be explained afterwards. The JDK keeps
 * it as the cause of the {@code SSLHandshakeException} it throws.
 */
final class RejectedChainException extends CertificateException {

    private static final long serialVersionUID = 1L;

    private final transient X509Certificate[] chain;
    private final String authType;

    RejectedChainException(X509Certificate[] chain, String authType, CertificateException rejection) {
        // The JDK picks the TLS alert it sends from the cause of the exception it gets (a CertPathValidatorException
        // maps to certificate_expired, bad_certificate, ...): hand it that cause, and keep the JDK's rejection as a
        // suppressed exception.
        super(rejection.getMessage(),
                rejection.getCause() instanceof CertPathValidatorException ? rejection.getCause() : rejection);
        if (getCause() != rejection) {
            addSuppressed(rejection);
        }
        this.chain = chain == null ? new X509Certificate[0] : chain.clone();
        this.authType = authType;
    }

    /** The presented chain, leaf first (empty after deserialisation). */
    X509Certificate[] chain() {
        return chain == null ? new X509Certificate[0] : chain.clone();
    }

    String authType() {
        return authType;
    }
}
