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
import java.util.ArrayDeque;
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
    private volatile ServerSocket server;
    private final int port;
    private final ExecutorService pool;
    private final ArrayDeque<Long> recentLogins = new ArrayDeque<>();
    /** The open connections, each with the sockets to close when it ends (client, its TLS layer, backend). */
    private final Set<Session> connections = ConcurrentHashMap.newKeySet();
    private static final ThreadLocal<Session> CURRENT = new ThreadLocal<>();
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
        this.server = bind(port);
        this.port = server.getLocalPort();
        int poolId = POOLS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "localrds-" + ctx.engine().name().toLowerCase(java.util.Locale.ROOT) + "-"
                    + poolId + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.pool = Executors.newCachedThreadPool(factory);
        ServerSocket first = server;
        pool.execute(() -> acceptLoop(first));
    }

    /** A listening socket on the loopback address (port 0: any free port), with SO_REUSEADDR. */
    static ServerSocket bind(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        return socket;
    }

    /**
     * Binds the port again after {@link #suspend()}. While it was closed, the kernel may have given the same
     * (ephemeral) number to the local end of an outgoing connection on this machine; such a connection is
     * short-lived here, so the bind is retried for a few seconds before it fails.
     */
    private static ServerSocket rebind(int port) throws IOException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            try {
                return bind(port);
            } catch (java.net.BindException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** @return the bound port (kept while {@link #suspend() suspended}) */
    public int port() {
        return port;
    }

    /** @return whether the gateway is listening (not suspended, not closed) */
    public boolean listening() {
        return server != null && !closed;
    }

    /**
     * Stops listening (connects are refused) and cuts every open session, as a crashed or restarting server does.
     * {@link #resume()} listens again on the same port.
     */
    public synchronized void suspend() {
        ServerSocket current = server;
        server = null;
        closeQuietly(current);
        cutSessions();
    }

    /**
     * Listens again on the same port after {@link #suspend()}.
     *
     * @throws IOException if the port cannot be bound again
     */
    public synchronized void resume() throws IOException {
        if (closed || server != null) {
            return;
        }
        ServerSocket next = rebind(port);
        server = next;
        pool.execute(() -> acceptLoop(next));
    }

    /** Closes every open session (client and backend sockets); the listener stays. */
    public void cutSessions() {
        for (Session connection : connections) {
            connection.close();
        }
    }

    /** @return how many sessions are open now */
    public int openSessions() {
        return connections.size();
    }

    /**
     * Counts a login against the IAM authentication rate limit of {@link dev.rdsiam.testkit.Faults}.
     *
     * @return whether the login is above the ceiling and must fail
     */
    boolean overIamRateLimit() {
        int ceiling = ctx.faults().iamLoginsPerSecond();
        if (ceiling <= 0) {
            return false;
        }
        long now = System.nanoTime();
        synchronized (recentLogins) {
            while (!recentLogins.isEmpty() && now - recentLogins.peekFirst() >= 1_000_000_000L) {
                recentLogins.removeFirst();
            }
            if (recentLogins.size() >= ceiling) {
                return true;
            }
            recentLogins.addLast(now);
            return false;
        }
    }

    private void acceptLoop(ServerSocket listener) {
        while (!closed && !listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                socket.setTcpNoDelay(true);
                Session connection = new Session(socket);
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
                        connection.close();
                        connections.remove(connection);
                    }
                });
            } catch (IOException e) {
                if (!closed && !listener.isClosed()) {
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
        Session connection = CURRENT.get();
        if (connection != null) {
            connection.sockets.add(socket);
        }
    }

    /**
     * One accepted connection and the sockets it has opened so far. Identity is the connection's, not its sockets':
     * the set of sockets grows while the connection is held in {@link #connections}, so it must not be the element
     * of that hash set itself (a set's hash code is the sum of its elements', and a changed hash code leaves the
     * element behind in its old bucket, where {@code remove} does not find it).
     */
    private static final class Session {
        final Set<Closeable> sockets = ConcurrentHashMap.newKeySet();

        Session(Socket client) {
            sockets.add(client);
        }

        void close() {
            sockets.forEach(Gateway::closeQuietly);
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
        cutSessions();
        pool.shutdownNow();
    }
}
