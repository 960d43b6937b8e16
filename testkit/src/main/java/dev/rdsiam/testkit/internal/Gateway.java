package dev.rdsiam.testkit.internal;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The accept loop, thread pool, TLS upgrade and byte relay shared by both protocol gateways. */
public abstract class Gateway implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    private static final AtomicInteger POOLS = new AtomicInteger();

    /** How long a client may take for the login conversation. */
    static final int HANDSHAKE_TIMEOUT_MILLIS = 30_000;

    /** Shared state. */
    protected final GatewayContext ctx;
    private final ServerSocket server;
    private final ExecutorService pool;
    /** Per connection: the sockets to close when it ends (client, its TLS layer, backend). */
    private final Set<Set<Closeable>> connections = ConcurrentHashMap.newKeySet();
    private static final ThreadLocal<Set<Closeable>> CURRENT = new ThreadLocal<>();
    private volatile boolean closed;

    /**
     * Binds to 127.0.0.1 and starts accepting.
     *
     * @param ctx  the shared state
     * @param port the port, 0 for an ephemeral one
     * @throws IOException if the port cannot be bound
     */
    protected Gateway(GatewayContext ctx, int port) throws IOException {
        this.ctx = ctx;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        int poolId = POOLS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "localrds-" + ctx.engine().name().toLowerCase(java.util.Locale.ROOT) + "-"
                    + poolId + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.pool = Executors.newCachedThreadPool(factory);
        pool.execute(this::acceptLoop);
    }

    /** @return the bound port */
    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                Set<Closeable> connection = ConcurrentHashMap.newKeySet();
                connection.add(socket);
                connections.add(connection);
                pool.execute(() -> {
                    CURRENT.set(connection);
                    try {
                        handle(socket);
                    } catch (IOException | RuntimeException e) {
                        if (!closed) {
                            LOG.debug("connection from {} ended: {}", socket.getRemoteSocketAddress(), e.toString());
                        }
                    } finally {
                        CURRENT.remove();
                        connection.forEach(Gateway::closeQuietly);
                        connections.remove(connection);
                    }
                });
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("accept failed on port {}: {}", port(), e.toString());
                }
            }
        }
    }

    /**
     * Serves one client connection; the socket is closed afterwards.
     *
     * @param socket the client
     * @throws IOException on I/O errors
     */
    protected abstract void handle(Socket socket) throws IOException;

    /**
     * Upgrades an accepted socket to TLS (server mode) with the certificate chosen by the faults and completes
     * the handshake.
     *
     * @param socket  the plain socket
     * @param attempt the attempt to note the TLS facts on
     * @return the TLS socket
     * @throws IOException if the handshake fails
     */
    SSLSocket startTls(Socket socket, Attempt attempt) throws IOException {
        SSLContext context = ctx.certificates().serverContext(
                Certificates.Variant.valueOf(ctx.faults().certificate().name()));
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, null, true);
        tls.setUseClientMode(false);
        track(tls);
        tls.startHandshake();
        attempt.tlsEstablished(tls);
        return tls;
    }

    /**
     * Applies the slow-authentication fault.
     *
     * @throws IOException if interrupted
     */
    void authDelay() throws IOException {
        Duration delay = ctx.faults().authDelay();
        if (!delay.isZero()) {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
    }

    /**
     * Registers a socket of the current connection so that it is closed with the connection and on
     * {@link #close()}.
     *
     * @param socket the socket
     */
    void track(Socket socket) {
        Set<Closeable> connection = CURRENT.get();
        if (connection != null) {
            connection.add(socket);
        }
    }

    /**
     * Copies bytes both ways until either side closes, then closes both.
     *
     * @param client     the client socket
     * @param clientIn   the client input (possibly buffered)
     * @param clientOut  the client output
     * @param backend    the backend socket
     * @param backendIn  the backend input (possibly buffered)
     * @param backendOut the backend output
     */
    void relay(Socket client, InputStream clientIn, OutputStream clientOut, Socket backend, InputStream backendIn,
               OutputStream backendOut) {
        track(backend);
        try {
            client.setSoTimeout(0);
            backend.setSoTimeout(0);
        } catch (SocketException e) {
            closeQuietly(client);
            closeQuietly(backend);
            return;
        }
        pool.execute(() -> pump(backendIn, clientOut, backend, client));
        pump(clientIn, backendOut, client, backend);
    }

    private static void pump(InputStream in, OutputStream out, Socket a, Socket b) {
        byte[] buffer = new byte[16384];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // one side went away
        } finally {
            closeQuietly(a);
            closeQuietly(b);
        }
    }

    static void closeQuietly(Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        for (Set<Closeable> connection : connections) {
            connection.forEach(Gateway::closeQuietly);
        }
        pool.shutdownNow();
    }
}
