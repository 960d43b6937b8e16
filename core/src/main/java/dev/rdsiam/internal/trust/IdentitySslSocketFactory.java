package dev.rdsiam.internal.trust;

import dev.rdsiam.TlsHandshake;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The {@link SSLSocketFactory} handed to JDBC drivers: it layers TLS over the socket the driver already connected and
 * verifies the server against the identity host given here, whatever host the driver passes.
 *
 * <pre>{@code
 * SSLSocketFactory f = new IdentitySslSocketFactory(trust, "db1.c0ffee.us-east-1.rds.amazonaws.com",
 *         Duration.ofSeconds(10));
 * SSLSocket s = (SSLSocket) f.createSocket(plainSocket, urlHost, 5432, true); // checked against db1.c0ffee...
 * }</pre>
 *
 * <p>Drivers (pgjdbc's {@code MakeSSL}, a MySQL socket factory) call
 * {@link #createSocket(Socket, String, int, boolean)}; it runs {@link IdentityTls#handshake} with the identity host,
 * the port the driver passes (it only keys the TLS session cache) and the handshake timeout, so the handshake is done
 * and verified when it returns.
 *
 * <p>The other {@code createSocket} methods would have to dial on their own, which is not this factory's job (dialing
 * is the route's, see {@code RouteSocketFactory}): they throw {@link SocketException}, an {@code IOException} that
 * drivers report as a connection failure, as the JDK's own {@code SocketFactory.createSocket()} does for unconnected
 * sockets.
 */
public final class IdentitySslSocketFactory extends SSLSocketFactory {

    private static final String ONLY_LAYERING = "IdentitySslSocketFactory only layers TLS over a socket the driver "
            + "has connected (createSocket(Socket, String, int, boolean)); it does not dial";

    private final IdentityTls tls;
    private final String identityHost;
    private final Duration handshakeTimeout;
    private volatile TlsHandshake lastHandshake;
    private volatile java.util.function.ObjLongConsumer<java.time.Instant> observer = (notAfter, nanos) -> { };

    /**
     * A factory verifying servers against {@code identityHost} with {@code trust}.
     *
     * @throws IllegalArgumentException for a blank host or a non-positive timeout
     */
    public IdentitySslSocketFactory(TrustMaterial trust, String identityHost, Duration handshakeTimeout) {
        this(new IdentityTls(trust), identityHost, handshakeTimeout);
    }

    /** A factory as above whose failure messages judge certificate validity by {@code clock}. */
    public IdentitySslSocketFactory(TrustMaterial trust, String identityHost, Duration handshakeTimeout,
            java.time.Clock clock) {
        this(new IdentityTls(trust, clock), identityHost, handshakeTimeout);
    }

    IdentitySslSocketFactory(IdentityTls tls, String identityHost, Duration handshakeTimeout) {
        this.tls = Objects.requireNonNull(tls, "tls");
        if (identityHost == null || identityHost.isBlank()) {
            throw new IllegalArgumentException("identityHost is blank");
        }
        IdentityTls.positiveMillis(handshakeTimeout);
        this.identityHost = identityHost.trim();
        this.handshakeTimeout = handshakeTimeout;
    }

    /** The most recent verified handshake of this factory, if any. */
    public java.util.Optional<TlsHandshake> lastHandshake() {
        return java.util.Optional.ofNullable(lastHandshake);
    }

    /** Called after each verified handshake with the server certificate's expiry and the handshake's nanoseconds. */
    public void observer(java.util.function.ObjLongConsumer<java.time.Instant> observer) {
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    /** The host every server certificate is checked against. */
    public String identityHost() {
        return identityHost;
    }

    /** The bound on each read of the handshake. */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /**
     * Layers TLS over {@code s} and completes a verified handshake with the identity host.
     *
     * @param s the connected plain socket
     * @param host ignored (drivers pass their URL host; the identity host is used instead)
     * @param port the port the driver connected to; keys the TLS session cache
     * @param autoClose whether closing the returned socket closes {@code s}
     * @throws TlsVerificationException when the handshake fails or the server is refused ({@code s} is then closed
     *     when {@code autoClose})
     */
    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        long start = System.nanoTime();
        SSLSocket ssl = tls.handshake(s, identityHost, Math.max(0, port), handshakeTimeout, autoClose);
        TlsHandshake done = TlsHandshake.of(ssl.getSession(), identityHost, tls.trust().description());
        lastHandshake = done;
        observer.accept(done.notAfter(), System.nanoTime() - start);
        return new VerifiedSslSocket(ssl);
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return tls.trust().sslContext().getDefaultSSLParameters().getCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return tls.trust().sslContext().getSupportedSSLParameters().getCipherSuites();
    }

    /** Not supported: always throws {@link SocketException}. */
    @Override
    public Socket createSocket() throws IOException {
        throw new SocketException(ONLY_LAYERING);
    }

    /** Not supported: always throws {@link SocketException}. */
    @Override
    public Socket createSocket(String host, int port) throws IOException {
        throw new SocketException(ONLY_LAYERING);
    }

    /** Not supported: always throws {@link SocketException}. */
    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        throw new SocketException(ONLY_LAYERING);
    }

    /** Not supported: always throws {@link SocketException}. */
    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        throw new SocketException(ONLY_LAYERING);
    }

    /** Not supported: always throws {@link SocketException}. */
    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        throw new SocketException(ONLY_LAYERING);
    }

    @Override
    public String toString() {
        return "IdentitySslSocketFactory[" + identityHost + ", " + tls.trust().description() + "]";
    }
}
