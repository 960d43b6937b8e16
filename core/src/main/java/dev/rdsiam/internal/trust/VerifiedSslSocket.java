package dev.rdsiam.internal.trust;

import javax.net.ssl.SSLSocket;

/**
 * A TLS socket whose verified handshake is already done, handed to drivers that expect to drive the handshake
 * themselves (pgjdbc calls {@code setUseClientMode(true)} and {@code startHandshake()} on what its SSL factory
 * returns). Those two calls are accepted as no-ops; everything else goes to the real socket.
 */
final class VerifiedSslSocket extends DelegatingSslSocket {

    VerifiedSslSocket(SSLSocket verified) {
        super(verified);
    }

    /** The handshake already happened (and was verified against the identity host): nothing to do. */
    @Override
    public void startHandshake() {
    }

    /** Client mode is already set; asking for server mode is an error. */
    @Override
    public void setUseClientMode(boolean mode) {
        if (mode != delegate.getUseClientMode()) {
            throw new IllegalArgumentException("the TLS handshake is done; the mode cannot change");
        }
    }
}
