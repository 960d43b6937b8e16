package dev.rdsiam.postgresql.internal;

import dev.rdsiam.internal.trust.HostnameMatcher;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Properties;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * pgjdbc's {@code sslhostnameverifier} under {@code verify-full}: checks the server certificate against the identity
 * host (the real endpoint name), not against the host pgjdbc dialled, which is the route when one is configured.
 * The TLS factory has already checked the same during the handshake; this is pgjdbc's own second look.
 */
public final class PgIdentityHostnameVerifier implements HostnameVerifier {

    private final String identityHost;

    /**
     * Called by pgjdbc.
     *
     * @param info the connection properties (carry the DataSource's context id)
     */
    public PgIdentityHostnameVerifier(Properties info) {
        this.identityHost = PgConnector.context(info).config().host();
    }

    @Override
    public boolean verify(String hostname, SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate
                    && HostnameMatcher.matches(identityHost, (X509Certificate) chain[0]);
        } catch (SSLPeerUnverifiedException e) {
            return false;
        }
    }
}
