package dev.rdsiam.postgresql.internal;

import dev.rdsiam.spi.ConnectionScope;
import java.util.Properties;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLSession;

/**
 * pgjdbc's {@code sslhostnameverifier} under {@code verify-full}: checks the server certificate against the identity
 * host (the real endpoint name), not against the host pgjdbc dialled, which is the route when one is configured.
 * The TLS factory has already checked the same during the handshake; this is pgjdbc's own second look.
 */
public final class PgIdentityHostnameVerifier implements HostnameVerifier {

    private final HostnameVerifier identity;

    /**
     * Called by pgjdbc.
     *
     * @param info the connection properties (unused: the connection's endpoint comes from its {@link ConnectionScope})
     */
    public PgIdentityHostnameVerifier(Properties info) {
        this.identity = ConnectionScope.current().hostnameVerifier();
    }

    @Override
    public boolean verify(String hostname, SSLSession session) {
        return identity.verify(hostname, session);
    }
}
