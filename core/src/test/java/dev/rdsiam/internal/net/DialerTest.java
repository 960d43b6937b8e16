package dev.rdsiam.internal.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DialerTest {

    static final InetAddress LOOPBACK = loopback();

    static InetAddress loopback() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A port on 127.0.0.1 that nothing listens on (bound, then released). */
    static int freePort() throws IOException {
        try (ServerSocket ss = new ServerSocket(0, 1, LOOPBACK)) {
            return ss.getLocalPort();
        }
    }

    /**
     * A listening socket on 127.0.0.1 whose accept queue is full, so that the kernel drops further SYNs, as a security
     * group does. Linux queues backlog + 1 connections and then drops SYNs (tcp_abort_on_overflow=0), so connections
     * are added until one of them times out.
     */
    static final class BlackHole implements AutoCloseable {
        final ServerSocket server;
        final List<Socket> fillers = new ArrayList<>();

        BlackHole() throws IOException {
            server = new ServerSocket(0, 1, LOOPBACK);
            for (int i = 0; i < 16; i++) {
                Socket filler = new Socket();
                fillers.add(filler);
                try {
                    filler.connect(new InetSocketAddress(LOOPBACK, server.getLocalPort()), 200);
                } catch (SocketTimeoutException e) {
                    return; // the queue is full: SYNs are being dropped
                }
            }
            close();
            fail("the accept queue of a backlog-1 listener never filled up: this kernel does not drop SYNs");
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            for (Socket s : fillers) {
                s.close();
            }
            server.close();
        }
    }

    @Test
    void dial_connects_withNoDelayAndKeepAlive() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, LOOPBACK);
                Socket s = Dialer.dial("127.0.0.1", server.getLocalPort(), Duration.ofSeconds(2));
                Socket accepted = server.accept()) {
            assertThat(s.isConnected()).isTrue();
            assertThat(s.getTcpNoDelay()).isTrue();
            assertThat(s.getKeepAlive()).isTrue();
            assertThat(s.getSoTimeout()).isZero();
            assertThat(accepted.getPort()).isEqualTo(s.getLocalPort());
        }
    }

    @Test
    void dial_isRefused_whenNothingListens() throws Exception {
        int port = freePort();
        assertThatThrownBy(() -> Dialer.dial("127.0.0.1", port, Duration.ofSeconds(2)))
                .isInstanceOfSatisfying(ConnectFailure.class, e -> {
                    assertThat(e.kind()).isEqualTo(ConnectFailure.Kind.REFUSED);
                    assertThat(e.host()).isEqualTo("127.0.0.1");
                    assertThat(e.port()).isEqualTo(port);
                    assertThat(e.getCause()).isInstanceOf(java.net.ConnectException.class);
                })
                .hasMessageMatching("nothing is listening at 127\\.0\\.0\\.1:" + port
                        + " \\(connection refused after \\d+ ms\\): check the port, that the instance is available, or"
                        + " that the SSM port-forwarding session / tunnel is running");
    }

    @Test
    void dial_timesOut_whenPacketsAreDropped() throws Exception {
        try (BlackHole hole = new BlackHole()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> Dialer.dial("127.0.0.1", hole.port(), Duration.ofMillis(700)))
                    .isInstanceOfSatisfying(ConnectFailure.class, e -> {
                        assertThat(e.kind()).isEqualTo(ConnectFailure.Kind.TIMEOUT);
                        assertThat(e.getCause()).isInstanceOf(SocketTimeoutException.class);
                        assertThat(e.elapsed()).isBetween(Duration.ofMillis(650), Duration.ofMillis(2500));
                    })
                    .hasMessageMatching("connect to 127\\.0\\.0\\.1:" + hole.port() + " timed out after [0-9.]+ m?s: "
                            + "packets are dropped on the way — check that the database's security group \\(and "
                            + "NACLs\\) allow inbound TCP " + hole.port() + " from this client, or that "
                            + "rdsiam.connectHost/connectPort point at a live tunnel");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
        }
    }

    @Test
    void dial_reportsAnUnknownHost_forAnInvalidName() {
        assertThatThrownBy(() -> Dialer.dial("nonexistent.invalid", 5432, Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(ConnectFailure.class, e -> {
                    assertThat(e.kind()).isEqualTo(ConnectFailure.Kind.UNKNOWN_HOST);
                    assertThat(e.getCause()).isInstanceOf(UnknownHostException.class);
                })
                .hasMessageStartingWith("nonexistent.invalid does not resolve from here (")
                .hasMessageContaining("check the spelling; if it is a private hosted zone or a VPC-only endpoint "
                        + "seen from outside, set rdsiam.connectHost/connectPort to a tunnel (SSM port forwarding");
    }

    @Test
    void dial_rejectsBadArguments() {
        assertThatThrownBy(() -> Dialer.dial(" ", 5432, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host");
        assertThatThrownBy(() -> Dialer.dial("127.0.0.1", 0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port 0");
        assertThatThrownBy(() -> Dialer.dial("127.0.0.1", 5432, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectTimeout");
    }

    @Test
    void elapsed_isFormattedForPeople() {
        assertThat(Elapsed.format(Duration.ofMillis(3))).isEqualTo("3 ms");
        assertThat(Elapsed.format(Duration.ofMillis(999))).isEqualTo("999 ms");
        assertThat(Elapsed.format(Duration.ofMillis(1049))).isEqualTo("1.0 s");
        assertThat(Elapsed.format(Duration.ofMillis(1520))).isEqualTo("1.5 s");
        assertThat(Elapsed.format(Duration.ofMillis(10_003))).isEqualTo("10 s");
        assertThat(Elapsed.format(Duration.ofSeconds(75))).isEqualTo("75 s");
    }
}
