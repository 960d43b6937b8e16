package dev.rdsiam.spi;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * What an engine's client says on a fresh TCP connection before TLS starts (PostgreSQL's {@code SSLRequest}, or
 * MySQL's server greeting followed by the client's {@code SSLRequest} packet), done step by step so that the TLS
 * probe can report each one. Supplied by a binding through {@link EngineBinding#tlsPreamble()}; after it the socket
 * is ready for the TLS handshake.
 *
 * <pre>{@code
 * String said = preamble.negotiate(socket, "127.0.0.1:8888");
 * // "PostgreSQL SSLRequest (80877103) answered 'S': the server offers TLS"
 * }</pre>
 */
@FunctionalInterface
public interface TlsPreamble {

    /**
     * Runs the preamble on a connected socket whose read timeout is set.
     *
     * @param socket the connected plain socket
     * @param route {@code host:port} dialled, for messages
     * @return what the server said, one line for a person
     * @throws Refused when the server does not offer TLS or is not the engine's server; its message says what to check
     * @throws IOException on a network failure (a read timeout is a {@link SocketTimeoutException})
     */
    String negotiate(Socket socket, String route) throws IOException;

    /** The server refused TLS or did not speak the engine's protocol; the message says what to check. */
    final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        /**
         * A refusal.
         *
         * @param message what the server did and what to check (no secret)
         */
        public Refused(String message) {
            super(message);
        }
    }
}
