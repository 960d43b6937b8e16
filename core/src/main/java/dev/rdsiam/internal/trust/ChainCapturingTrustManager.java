package dev.rdsiam.internal.trust;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Delegates the chain to the PKIX trust manager, then checks the host name of the handshake (the host the TLS socket
 * or engine was created for, i.e. the identity host) against the server certificate with {@link HostnameMatcher},
 * inside the handshake, so that a server with the wrong certificate is refused before the handshake completes. When
 * either refuses the server, throws a {@link RejectedChainException} that remembers the presented chain. Holds no
 * per-handshake state, so one instance serves every handshake of an {@link javax.net.ssl.SSLContext}.
 *
 * <p>The JDK's own host-name check (endpoint identification algorithm {@code HTTPS}) is not used: for every
 * handshake it looks the anchor up among the JDK's public CAs, which loads and parses the whole {@code cacerts}
 * store once per JVM, a cost paid by the first connection of every short-lived process; its rules are looser than
 * {@link HostnameMatcher}'s (it accepts partial wildcards).
 */
final class ChainCapturingTrustManager extends X509ExtendedTrustManager {

    private final X509ExtendedTrustManager delegate;

    ChainCapturingTrustManager(X509ExtendedTrustManager delegate) {
        this.delegate = delegate;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            throw new RejectedChainException(chain, authType, e);
        }
        if (socket instanceof SSLSocket) {
            checkHost(chain, authType, ((SSLSocket) socket).getHandshakeSession());
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            throw new RejectedChainException(chain, authType, e);
        }
        if (engine != null) {
            checkHost(chain, authType, engine.getHandshakeSession());
        }
    }

    /** The host the handshake is for (given when the socket was created) must be named by the leaf certificate. */
    private static void checkHost(X509Certificate[] chain, String authType, SSLSession handshake)
            throws CertificateException {
        String host = handshake == null ? null : handshake.getPeerHost();
        if (host == null || host.isEmpty()) {
            return; // no host to check against (the caller checks after the handshake, as IdentityTls does)
        }
        if (chain == null || chain.length == 0 || !HostnameMatcher.matches(host, chain[0])) {
            throw new RejectedChainException(chain, authType,
                    new CertificateException("the server's certificate does not name " + host));
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            delegate.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            throw new RejectedChainException(chain, authType, e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        delegate.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        delegate.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }
}
