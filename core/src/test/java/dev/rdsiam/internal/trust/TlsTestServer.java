package dev.rdsiam.internal.trust;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;

/**
 * A small server on 127.0.0.1 (never any other address) for handshake tests: each accepted connection is served by a
 * {@link Behaviour} on a daemon thread. Records the SNI host name a TLS client sent.
 *
 * <pre>{@code
 * try (TlsTestServer server = TlsTestServer.start(TlsTestServer.tls(ca.server(DB_HOST)))) {
 *     Socket plain = new Socket("127.0.0.1", server.port());
 *     ...
 *     assertThat(server.sniReceived()).isEqualTo(DB_HOST);
 * }
 * }</pre>
 */
public final class TlsTestServer implements AutoCloseable {

    /** Serves one accepted connection. */
    @FunctionalInterface
    public interface Behaviour {
        void serve(Socket accepted, TlsTestServer server) throws Exception;
    }

    /** The line a TLS behaviour writes after a completed handshake. */
    public static final String GREETING = "hello over tls\n";

    private final ServerSocket serverSocket;
    private final Behaviour behaviour;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final AtomicReference<String> sni = new AtomicReference<>();
    private volatile boolean closed;

    private TlsTestServer(ServerSocket serverSocket, Behaviour behaviour) {
        this.serverSocket = serverSocket;
        this.behaviour = behaviour;
    }

    /** Listens on 127.0.0.1 on a free port. */
    public static TlsTestServer start(Behaviour behaviour) throws IOException {
        ServerSocket ss = new ServerSocket(0, 50, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}));
        TlsTestServer server = new TlsTestServer(ss, behaviour);
        Thread t = new Thread(server::acceptLoop, "tls-test-server-" + ss.getLocalPort());
        t.setDaemon(true);
        t.start();
        return server;
    }

    public int port() {
        return serverSocket.getLocalPort();
    }

    /** The SNI host name of the last TLS ClientHello, or null when none was sent. */
    public String sniReceived() {
        return sni.get();
    }

    /** What went wrong on the server side (for diagnosis of a failing test). */
    public List<Throwable> errors() {
        return Collections.unmodifiableList(new ArrayList<>(errors));
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = serverSocket.accept();
            } catch (IOException e) {
                return;
            }
            sockets.add(s);
            Thread t = new Thread(() -> {
                try {
                    behaviour.serve(s, this);
                } catch (Exception e) {
                    errors.add(e);
                }
            }, "tls-test-conn-" + s.getPort());
            t.setDaemon(true);
            t.start();
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        serverSocket.close();
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // test cleanup
            }
        }
    }

    /** A TLS server presenting {@code cert}, with the given protocols (default TLSv1.3 and TLSv1.2). */
    public static Behaviour tls(TestPki.Issued cert, String... protocols) {
        SSLContext ctx = cert.serverContext();
        return (accepted, server) -> {
            SSLSocket ssl = (SSLSocket) ctx.getSocketFactory().createSocket(accepted, null, accepted.getPort(),
                    true);
            ssl.setUseClientMode(false);
            SSLParameters p = ssl.getSSLParameters();
            p.setProtocols(protocols.length == 0 ? new String[] {"TLSv1.3", "TLSv1.2"} : protocols);
            p.setSNIMatchers(List.of(new SNIMatcher(StandardConstants.SNI_HOST_NAME) {
                @Override
                public boolean matches(SNIServerName name) {
                    server.sni.set(name instanceof SNIHostName ? ((SNIHostName) name).getAsciiName()
                            : new String(name.getEncoded(), StandardCharsets.US_ASCII));
                    return true;
                }
            }));
            ssl.setSSLParameters(p);
            server.sockets.add(ssl);
            ssl.startHandshake();
            OutputStream out = ssl.getOutputStream();
            out.write(GREETING.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = ssl.getInputStream();
            try {
                while (in.read() >= 0) {
                    // until the client closes
                }
            } catch (SocketException ignored) {
                // closed
            }
        };
    }

    /** Accepts and never says anything. */
    public static Behaviour silent() {
        return (accepted, server) -> {
            InputStream in = accepted.getInputStream();
            try {
                while (in.read() >= 0) {
                    // swallow the ClientHello
                }
            } catch (SocketException ignored) {
                // closed
            }
        };
    }

    /** Answers with plaintext (an HTTP error), as a web server or a non-TLS port would. */
    public static Behaviour plaintext() {
        return (accepted, server) -> {
            OutputStream out = accepted.getOutputStream();
            out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            silent().serve(accepted, server);
        };
    }

    /** Closes the connection as soon as it is accepted. */
    public static Behaviour closeAtOnce() {
        return (accepted, server) -> accepted.close();
    }

    /**
     * Answers the ClientHello as a TLS 1.1-only server does: a ServerHello selecting TLS 1.1
     * (TLS_RSA_WITH_AES_128_CBC_SHA). Written by hand, since the JDK refuses to run TLS 1.1 at all
     * ({@code jdk.tls.disabledAlgorithms}).
     */
    public static Behaviour tls11Only() {
        return (accepted, server) -> {
            DataInputStream in = new DataInputStream(accepted.getInputStream());
            byte[] header = new byte[5];
            in.readFully(header);
            int length = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
            in.readFully(new byte[length]);
            byte[] hello = new byte[5 + 4 + 38];
            int i = 0;
            hello[i++] = 0x16; // handshake record
            hello[i++] = 0x03;
            hello[i++] = 0x02; // TLS 1.1
            hello[i++] = 0x00;
            hello[i++] = 42; // 4 + 38
            hello[i++] = 0x02; // ServerHello
            hello[i++] = 0x00;
            hello[i++] = 0x00;
            hello[i++] = 38;
            hello[i++] = 0x03;
            hello[i++] = 0x02; // server_version TLS 1.1
            for (int r = 0; r < 32; r++) {
                hello[i++] = (byte) (r + 1); // server random (not the TLS 1.3 downgrade sentinel)
            }
            hello[i++] = 0x00; // empty session id
            hello[i++] = 0x00;
            hello[i++] = 0x2f; // TLS_RSA_WITH_AES_128_CBC_SHA
            hello[i] = 0x00; // no compression
            OutputStream out = accepted.getOutputStream();
            out.write(hello);
            out.flush();
            silent().serve(accepted, server);
        };
    }
}
