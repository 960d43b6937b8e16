package dev.rdsiam.postgresql;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP relay that holds back the server's first answer on each connection for a while: a server (or a
 * path to it) that is slow to answer the first message of the login.
 */
final class DelayingRelay implements AutoCloseable {

    private final ServerSocket listener;
    private final String targetHost;
    private final int targetPort;
    private final Duration firstAnswerDelay;
    private final AtomicInteger delayed = new AtomicInteger();

    DelayingRelay(String targetHost, int targetPort, Duration firstAnswerDelay) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.firstAnswerDelay = firstAnswerDelay;
        this.listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread acceptor = new Thread(this::accept, "delaying-relay");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Connections whose first answer was held back. */
    int delayedConnections() {
        return delayed.get();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(targetHost, targetPort);
                pump(client, server, Duration.ZERO);
                pump(server, client, firstAnswerDelay);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, Duration firstDelay) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            boolean first = true;
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    if (first && !firstDelay.isZero()) {
                        Thread.sleep(firstDelay.toMillis());
                        delayed.incrementAndGet();
                    }
                    first = false;
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // one side closed: close both
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "delaying-relay-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
