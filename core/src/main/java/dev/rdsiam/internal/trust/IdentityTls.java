package dev.rdsiam.internal.trust;

import dev.rdsiam.internal.net.Elapsed;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Inet6Address;
import java.net.Socket;
import java.net.SocketException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Layers verified TLS over a connected plain socket, checking the server against the identity host (the real RDS
 * endpoint name) whatever address the socket was dialed to.
 *
 * <pre>{@code
 * IdentityTls tls = new IdentityTls(TrustMaterial.forChoice(Trust.AUTO, null, false));
 * Socket plain = Dialer.dial("127.0.0.1", 8888, Duration.ofSeconds(10));          // e.g. an SSM tunnel
 * SSLSocket s = tls.handshake(plain, "db1.c0ffee.us-east-1.rds.amazonaws.com", 5432, Duration.ofSeconds(10));
 * }</pre>
 *
 * <p>Each handshake: only TLS 1.3 and 1.2; SNI is the identity host (none for an IP literal, or for a name the JDK
 * cannot put in SNI); during the handshake the JDK checks the chain against the {@link TrustMaterial} and the trust
 * manager checks the host name with {@link HostnameMatcher} (RFC 6125 rules; not the JDK's {@code HTTPS} endpoint
 * identification, which would load the JDK's whole {@code cacerts} store in every JVM); after the handshake the host
 * name is checked once more against the session's certificate. Every failure is a {@link TlsVerificationException} that says what failed
 * and what to check ({@link TlsFailureExplainer} words it); the socket is then closed. Thread-safe: one instance serves every connection of a DataSource.
 */
public final class IdentityTls {

    private static final Logger LOG = LoggerFactory.getLogger(IdentityTls.class);
    private static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private final TrustMaterial trust;
    private final SSLSocketFactory factory;
    private final String[] protocols;
    private final TlsFailureExplainer explainer;

    /**
     * Handshakes with the SSLContext of {@code trust}.
     *
     * @throws IllegalStateException when the JVM supports neither TLS 1.3 nor TLS 1.2
     */
    public IdentityTls(TrustMaterial trust) {
        this(trust, java.time.Clock.systemUTC());
    }

    /**
     * Handshakes with the SSLContext of {@code trust}; certificate validity in failure messages is judged by
     * {@code clock} (the configuration's, like every other time decision of the library).
     *
     * @throws IllegalStateException when the JVM supports neither TLS 1.3 nor TLS 1.2
     */
    public IdentityTls(TrustMaterial trust, java.time.Clock clock) {
        this.trust = Objects.requireNonNull(trust, "trust");
        this.explainer = new TlsFailureExplainer(trust, Objects.requireNonNull(clock, "clock"));
        this.factory = trust.sslContext().getSocketFactory();
        List<String> supported = Arrays.asList(trust.sslContext().getSupportedSSLParameters().getProtocols());
        this.protocols = PROTOCOLS.stream().filter(supported::contains).toArray(String[]::new);
        if (protocols.length == 0) {
            throw new IllegalStateException("this JVM supports neither TLSv1.3 nor TLSv1.2 (it supports "
                    + supported + ")");
        }
    }

    /** The trust this instance verifies servers with. */
    public TrustMaterial trust() {
        return trust;
    }

    /**
     * Runs a TLS handshake over {@code connectedPlainSocket} and verifies the server against {@code identityHost}.
     *
     * <p>The read timeout of the socket is {@code handshakeTimeout} while the handshake runs (each read waits at most
     * that long) and is restored afterwards. On failure the socket (TLS layer and plain socket) is closed.
     *
     * @param connectedPlainSocket a connected socket, e.g. from {@code Dialer.dial}; closed with the returned socket
     * @param identityHost the name the certificate must carry (the real endpoint; not the tunnel or NLB)
     * @param identityPort the endpoint's port (0 when unknown); it only keys the TLS session cache
     * @param handshakeTimeout positive
     * @return the TLS socket, handshake done
     * @throws TlsVerificationException when the handshake fails or the server is refused
     * @throws IOException when the socket is not connected
     * @throws IllegalArgumentException for a blank host, a port out of range or a non-positive timeout
     */
    public SSLSocket handshake(Socket connectedPlainSocket, String identityHost, int identityPort,
            Duration handshakeTimeout) throws IOException {
        return handshake(connectedPlainSocket, identityHost, identityPort, handshakeTimeout, true);
    }

    SSLSocket handshake(Socket plain, String identityHost, int identityPort, Duration handshakeTimeout,
            boolean autoClose) throws IOException {
        Objects.requireNonNull(plain, "connectedPlainSocket");
        String host = normalize(identityHost);
        if (identityPort < 0 || identityPort > 65535) {
            throw new IllegalArgumentException("identityPort " + identityPort + " is out of range 0-65535");
        }
        int timeoutMillis = positiveMillis(handshakeTimeout);
        if (plain.isClosed() || !plain.isConnected()) {
            throw new SocketException("cannot start TLS to " + host + ": the socket is "
                    + (plain.isClosed() ? "closed" : "not connected"));
        }
        String to = "TLS to " + host + via(plain);
        SSLSocket ssl = (SSLSocket) factory.createSocket(plain, host, identityPort, autoClose);
        boolean ok = false;
        try {
            SSLParameters params = ssl.getSSLParameters();
            params.setProtocols(protocols.clone());
            // the host name is checked inside the handshake by the trust manager (ChainCapturingTrustManager), not
            // by the JDK's HTTPS endpoint identification, and again below
            params.setEndpointIdentificationAlgorithm(null);
            params.setServerNames(serverNames(host));
            ssl.setSSLParameters(params);

            int previousTimeout = ssl.getSoTimeout();
            long start = System.nanoTime();
            ssl.setSoTimeout(timeoutMillis);
            try {
                ssl.startHandshake();
            } catch (IOException e) {
                throw explainer.explain(e, host, to, Elapsed.since(start));
            }
            ssl.setSoTimeout(previousTimeout);

            SSLSession session = ssl.getSession();
            verifySession(session, host, to);
            if (LOG.isDebugEnabled()) {
                LOG.debug("{}: {} {}, verified against {}", to, session.getProtocol(), session.getCipherSuite(),
                        trust.description());
            }
            ok = true;
            return ssl;
        } finally {
            if (!ok) {
                closeQuietly(ssl);
            }
        }
    }

    private void verifySession(SSLSession session, String host, String to) throws TlsVerificationException {
        if (!PROTOCOLS.contains(session.getProtocol())) {
            throw new TlsVerificationException(TlsVerificationException.Kind.PROTOCOL_VERSION, host,
                    to + ": the server negotiated " + session.getProtocol() + "; only TLS 1.3 and 1.2 are accepted",
                    null);
        }
        Certificate[] peer;
        try {
            peer = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            throw new TlsVerificationException(TlsVerificationException.Kind.OTHER, host,
                    to + ": the server presented no certificate", e);
        }
        if (peer.length == 0 || !(peer[0] instanceof X509Certificate)) {
            throw new TlsVerificationException(TlsVerificationException.Kind.OTHER, host,
                    to + ": the server presented no X.509 certificate", null);
        }
        X509Certificate leaf = (X509Certificate) peer[0];
        if (!HostnameMatcher.matches(host, leaf)) {
            throw TlsFailureExplainer.hostnameMismatch(host, to, leaf, null);
        }
    }

    private static List<SNIServerName> serverNames(String host) {
        if (HostnameMatcher.isIpLiteral(host)) {
            return List.of();
        }
        try {
            return List.of(new SNIHostName(host));
        } catch (IllegalArgumentException e) {
            LOG.debug("TLS to {}: no SNI sent, the name is not a valid SNI host name ({})", host, e.getMessage());
            return List.of();
        }
    }

    private static String via(Socket plain) {
        InetAddress a = plain.getInetAddress();
        if (a == null) {
            return "";
        }
        String ip = a.getHostAddress();
        return " (via " + (a instanceof Inet6Address ? "[" + ip + "]" : ip) + ":" + plain.getPort() + ")";
    }

    private static String normalize(String identityHost) {
        String h = identityHost == null ? "" : identityHost.trim();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.isEmpty()) {
            throw new IllegalArgumentException("identityHost is blank");
        }
        return h;
    }

    static int positiveMillis(Duration timeout) {
        Objects.requireNonNull(timeout, "handshakeTimeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("handshakeTimeout must be positive, got " + timeout);
        }
        try {
            return (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        } catch (ArithmeticException e) {
            return Integer.MAX_VALUE;
        }
    }

    private static void closeQuietly(SSLSocket ssl) {
        try {
            ssl.close();
        } catch (IOException | RuntimeException e) {
            LOG.trace("closing a failed TLS socket: {}", e.toString());
        }
    }
}
