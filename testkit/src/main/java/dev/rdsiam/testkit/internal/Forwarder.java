package dev.rdsiam.testkit.internal;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loopback port that stands for a DNS name leading to whichever instance holds a role now (an Aurora cluster or
 * reader endpoint): each new connection is relayed byte for byte to the port the target supplier names at that
 * moment. While the supplier names no port (no instance holds the role) the port refuses connections.
 */
public final class Forwarder implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final String name;
    private final IntSupplier target;
    private final int port;
    private final ExecutorService pool;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket server;
    private volatile boolean closed;

    /**
     * Binds an ephemeral port on 127.0.0.1 and starts relaying.
     *
     * @param name   the DNS name it stands for (for logs)
     * @param target the gateway port to relay a new connection to, or a value {@code <= 0} for none
     * @throws IOException if no port can be bound
     */
    public Forwarder(String name, IntSupplier target) throws IOException {
        this.name = name;
        this.target = target;
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "localaurora-route-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.server = Gateway.bind(0);
        this.port = server.getLocalPort();
        ServerSocket first = server;
        pool.execute(() -> acceptLoop(first));
    }

    /** @return the loopback port */
    public int port() {
        return port;
    }

    /**
     * Re-reads the target: listens while there is one, refuses while there is none. Existing relays stay (they end
     * when the instance behind them cuts them).
     */
    public synchronized void refresh() {
        if (closed) {
            return;
        }
        boolean wanted = target.getAsInt() > 0;
        if (!wanted && server != null) {
            Gateway.closeQuietly(server);
            server = null;
        } else if (wanted && server == null) {
            try {
                ServerSocket next = Gateway.bind(port);
                server = next;
                pool.execute(() -> acceptLoop(next));
            } catch (IOException e) {
                LOG.warn("cannot listen again on {} ({}): {}", port, name, e.toString());
            }
        }
    }

    private void acceptLoop(ServerSocket listener) {
        while (!closed && !listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                continue;
            }
            pool.execute(() -> relay(client));
        }
    }

    private void relay(Socket client) {
        int to = target.getAsInt();
        Socket backend = new Socket();
        sockets.add(client);
        sockets.add(backend);
        try {
            if (to <= 0) {
                throw new IOException("no instance holds the role of " + name);
            }
            client.setTcpNoDelay(true);
            backend.setTcpNoDelay(true);
            backend.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), to), 5000);
        } catch (IOException e) {
            LOG.debug("{}: cannot reach port {}: {}", name, to, e.toString());
            close(client, backend);
            return;
        }
        pool.execute(() -> pump(backend, client));
        pump(client, backend);
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16384];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // one side went away
        } finally {
            close(from, to);
        }
    }

    private void close(Socket a, Socket b) {
        Gateway.closeQuietly(a);
        Gateway.closeQuietly(b);
        sockets.remove(a);
        sockets.remove(b);
    }

    @Override
    public synchronized void close() {
        closed = true;
        Gateway.closeQuietly(server);
        sockets.forEach(Gateway::closeQuietly);
        pool.shutdownNow();
    }

    @Override
    public String toString() {
        return "Forwarder[" + name + " on 127.0.0.1:" + port + "]";
    }
}
