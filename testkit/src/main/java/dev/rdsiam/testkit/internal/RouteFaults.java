package dev.rdsiam.testkit.internal;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Ports that fail like the network does: one that drops SYNs and one that refuses. */
public final class RouteFaults {

    private static final Logger LOG = LoggerFactory.getLogger(RouteFaults.class);

    private RouteFaults() {
    }

    /**
     * A listening socket with a backlog of 1 that never accepts, pre-filled until the kernel drops further SYNs.
     * A client's connect then times out, as with a security group that drops packets.
     */
    public static final class DroppingPort implements Closeable {
        private final ServerSocket server;
        private final List<Socket> fillers = new ArrayList<>();

        /**
         * Creates and fills the port.
         *
         * @throws IOException if no port can be bound
         */
        public DroppingPort() throws IOException {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
            boolean dropping = false;
            for (int i = 0; i < 32 && !dropping; i++) {
                Socket s = new Socket();
                try {
                    s.connect(address, 250);
                    fillers.add(s);
                } catch (SocketTimeoutException e) {
                    s.close();
                    dropping = true;
                }
            }
            if (!dropping) {
                LOG.warn("the dropping port {} still completes handshakes; connects may not time out", port());
            }
        }

        /** @return the port */
        public int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() {
            for (Socket s : fillers) {
                Gateway.closeQuietly(s);
            }
            Gateway.closeQuietly(server);
        }
    }

    /**
     * A port nothing listens on (bound, then closed).
     *
     * @return the port
     * @throws IOException if no port can be bound
     */
    public static int refusedPort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            return s.getLocalPort();
        }
    }
}
