package dev.rdsiam.internal.net;

import static dev.rdsiam.internal.net.DialerTest.LOOPBACK;
import static dev.rdsiam.internal.trust.TestPki.DB_HOST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rdsiam.Trust;
import dev.rdsiam.internal.trust.IdentitySslSocketFactory;
import dev.rdsiam.internal.trust.TestPki;
import dev.rdsiam.internal.trust.TlsTestServer;
import dev.rdsiam.internal.trust.TrustMaterial;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteSocketFactoryTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    /** Echo server on 127.0.0.1: greets with "route\n", then echoes lines. */
    static ServerSocket echoServer() throws IOException {
        ServerSocket server = new ServerSocket(0, 5, LOOPBACK);
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    OutputStream out = s.getOutputStream();
                    out.write("route\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    s.getInputStream().transferTo(out);
                } catch (IOException e) {
                    // next connection, or closed
                }
            }
        }, "echo-server");
        t.setDaemon(true);
        t.start();
        return server;
    }

    static String readLine(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }

    @Test
    void unconnectedSocket_dialsTheRoute_whenTheAskedHostIsUnresolvable() throws Exception {
        try (ServerSocket server = echoServer()) {
            SocketFactory factory = new RouteSocketFactory("127.0.0.1", server.getLocalPort(), TIMEOUT);
            try (Socket s = factory.createSocket()) {
                assertThat(s.isConnected()).isFalse();
                s.setSoTimeout(2500);
                s.setTcpNoDelay(false);
                InetSocketAddress asked = InetSocketAddress.createUnresolved("nonexistent.invalid", 5432);
                s.connect(asked, 1000);
                assertThat(asked.isUnresolved()).isTrue();
                assertThat(s.isConnected()).isTrue();
                assertThat(s.getInetAddress()).isEqualTo(LOOPBACK);
                assertThat(s.getPort()).isEqualTo(server.getLocalPort());
                assertThat(s.getSoTimeout()).as("set before connect").isEqualTo(2500);
                assertThat(s.getTcpNoDelay()).as("set before connect").isFalse();
                assertThat(s.getKeepAlive()).isTrue();
                assertThat(readLine(s)).isEqualTo("route");
            }
        }
    }

    @Test
    void unconnectedSocket_dialsTheRoute_forTheAddressPgjdbcBuilds() throws Exception {
        // pgjdbc: new InetSocketAddress(urlHost, urlPort), which is left unresolved when the name does not resolve
        InetSocketAddress asked = new InetSocketAddress("nonexistent.invalid", 5432);
        assertThat(asked.isUnresolved()).isTrue();
        try (ServerSocket server = echoServer();
                Socket s = new RouteSocketFactory("127.0.0.1", server.getLocalPort(), TIMEOUT).createSocket()) {
            s.connect(asked, 0);
            s.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(in.readLine()).isEqualTo("route");
            assertThat(in.readLine()).isEqualTo("ping");
        }
    }

    @Test
    void unconnectedSocket_isBound_beforeConnect_whenAsked() throws Exception {
        try (ServerSocket server = echoServer();
                Socket s = new RouteSocketFactory("127.0.0.1", server.getLocalPort(), TIMEOUT).createSocket()) {
            s.bind(new InetSocketAddress(LOOPBACK, 0));
            assertThat(s.isBound()).isTrue();
            s.connect(InetSocketAddress.createUnresolved(DB_HOST, 5432));
            assertThat(s.getLocalAddress()).isEqualTo(LOOPBACK);
            assertThat(s.getLocalPort()).isPositive();
        }
    }

    @Test
    void unconnectedSocket_reportsTheRouteAndTheAskedEndpoint_whenNothingListens() throws Exception {
        int port = DialerTest.freePort();
        try (Socket s = new RouteSocketFactory("127.0.0.1", port, TIMEOUT).createSocket()) {
            assertThatThrownBy(() -> s.connect(InetSocketAddress.createUnresolved("nonexistent.invalid", 5432), 1000))
                    .isInstanceOfSatisfying(ConnectFailure.class,
                            e -> assertThat(e.kind()).isEqualTo(ConnectFailure.Kind.REFUSED))
                    .hasMessageStartingWith("nothing is listening at 127.0.0.1:" + port
                            + " (route for nonexistent.invalid:5432, connection refused after ");
            assertThat(s.isConnected()).isFalse();
        }
    }

    @Test
    void unconnectedSocket_usesTheDriversTimeout_whenShorter() throws Exception {
        try (DialerTest.BlackHole hole = new DialerTest.BlackHole();
                Socket s = new RouteSocketFactory("127.0.0.1", hole.port(), Duration.ofSeconds(30)).createSocket()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> s.connect(InetSocketAddress.createUnresolved(DB_HOST, 5432), 500))
                    .isInstanceOfSatisfying(ConnectFailure.class,
                            e -> assertThat(e.kind()).isEqualTo(ConnectFailure.Kind.TIMEOUT))
                    .hasMessageContaining("(route for " + DB_HOST + ":5432) timed out after");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void unconnectedSocket_behavesLikeASocket_aroundConnectAndClose() throws Exception {
        try (ServerSocket server = echoServer()) {
            RouteSocketFactory factory = new RouteSocketFactory("127.0.0.1", server.getLocalPort(), TIMEOUT);
            Socket closedFirst = factory.createSocket();
            closedFirst.close();
            assertThat(closedFirst.isClosed()).isTrue();
            assertThatThrownBy(() -> closedFirst.connect(InetSocketAddress.createUnresolved(DB_HOST, 5432)))
                    .isInstanceOf(SocketException.class).hasMessageContaining("closed");

            Socket s = factory.createSocket();
            assertThatThrownBy(s::getInputStream).isInstanceOf(SocketException.class)
                    .hasMessageContaining("not connected");
            s.connect(InetSocketAddress.createUnresolved(DB_HOST, 5432));
            assertThatThrownBy(() -> s.connect(InetSocketAddress.createUnresolved(DB_HOST, 5432)))
                    .isInstanceOf(SocketException.class).hasMessageContaining("already connected");
            s.close();
            assertThat(s.isClosed()).isTrue();
            assertThatThrownBy(s::getOutputStream).isInstanceOf(SocketException.class);
        }
    }

    @Test
    void connectedSockets_goToTheRoute_whateverHostIsAsked() throws Exception {
        try (ServerSocket server = echoServer()) {
            RouteSocketFactory factory = new RouteSocketFactory("127.0.0.1", server.getLocalPort(), TIMEOUT);
            try (Socket s = factory.createSocket("nonexistent.invalid", 5432)) {
                assertThat(s.getPort()).isEqualTo(server.getLocalPort());
                assertThat(readLine(s)).isEqualTo("route");
            }
            try (Socket s = factory.createSocket("nonexistent.invalid", 5432, LOOPBACK, 0)) {
                assertThat(s.getLocalAddress()).isEqualTo(LOOPBACK);
                assertThat(readLine(s)).isEqualTo("route");
            }
        }
    }

    @Test
    void factory_rejectsBadArguments() {
        assertThatThrownBy(() -> new RouteSocketFactory("", 1, TIMEOUT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RouteSocketFactory("127.0.0.1", 65536, TIMEOUT))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RouteSocketFactory("127.0.0.1", 1, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void routeAndIdentity_together_likePgjdbc_verifyTheIdentityOverATunnel() throws Exception {
        TestPki.Ca ca = TestPki.ca("Route Test CA");
        Path caPem = ca.writePem(dir.resolve("ca.pem"));
        IdentitySslSocketFactory tlsFactory = new IdentitySslSocketFactory(
                TrustMaterial.forChoice(Trust.PEM, caPem, false), DB_HOST, TIMEOUT);
        try (TlsTestServer server = TlsTestServer.start(TlsTestServer.tls(ca.server(DB_HOST)))) {
            RouteSocketFactory route = new RouteSocketFactory("127.0.0.1", server.port(), TIMEOUT);
            Socket plain = route.createSocket();
            plain.connect(new InetSocketAddress("nonexistent.invalid", 5432), 2000);
            try (SSLSocket tls = (SSLSocket) tlsFactory.createSocket(plain, "nonexistent.invalid", 5432, true)) {
                assertThat(server.sniReceived()).isEqualTo(DB_HOST);
                assertThat(new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.US_ASCII))
                        .readLine() + "\n").isEqualTo(TlsTestServer.GREETING);
            }
            assertThat(plain.isClosed()).as("autoClose").isTrue();
        }
    }
}
