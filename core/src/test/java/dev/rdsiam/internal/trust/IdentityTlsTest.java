package dev.rdsiam.internal.trust;

import static dev.rdsiam.internal.trust.TestPki.DB_HOST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rdsiam.Trust;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityTlsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String OTHER_HOST = "db2.c0ffee000000.us-east-1.rds.amazonaws.com";

    @TempDir
    static Path dir;

    static TestPki.Ca ca;
    static TestPki.Ca strangerCa;
    static Path caPem;
    static IdentityTls tls;

    @BeforeAll
    static void pki() {
        ca = TestPki.ca("Test RDS CA");
        strangerCa = TestPki.ca("Stranger CA");
        caPem = ca.writePem(dir.resolve("ca.pem"));
        tls = new IdentityTls(TrustMaterial.forChoice(Trust.PEM, caPem, false));
    }

    static Socket dial(TlsTestServer server) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), server.port()), 2000);
        return s;
    }

    static String firstLine(SSLSocket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }

    @Test
    void handshake_succeeds_andSendsTheIdentityHostAsSni_whileDialing127001() throws Exception {
        try (TlsTestServer server = TlsTestServer.start(TlsTestServer.tls(ca.server(DB_HOST)));
                SSLSocket s = tls.handshake(dial(server), DB_HOST, 5432, TIMEOUT)) {
            assertThat(firstLine(s) + "\n").isEqualTo(TlsTestServer.GREETING);
            assertThat(server.sniReceived()).isEqualTo(DB_HOST);
            assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
            // the host name is checked by our trust manager inside the handshake, not by the JDK's HTTPS check
            assertThat(s.getSSLParameters().getEndpointIdentificationAlgorithm()).isNull();
            assertThat(s.getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
        }
    }

    @Test
    void handshake_succeeds_overTls12() throws Exception {
        try (TlsTestServer server = TlsTestServer.start(TlsTestServer.tls(ca.server(DB_HOST), "TLSv1.2"));
                SSLSocket s = tls.handshake(dial(server), DB_HOST, 5432, TIMEOUT)) {
            assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.2");
            assertThat(firstLine(s) + "\n").isEqualTo(TlsTestServer.GREETING);
        }
    }

    @Test
    void handshake_restoresTheSocketsReadTimeout() throws Exception {
        try (TlsTestServer server = TlsTestServer.start(TlsTestServer.tls(ca.server(DB_HOST)))) {
            Socket plain = dial(server);
            plain.setSoTimeout(1234);
            try (SSLSocket s = tls.handshake(plain, DB_HOST, 5432, Duration.ofMillis(3000))) {
                assertThat(s.getSoTimeout()).isEqualTo(1234);
                assertThat(plain.getSoTimeout()).isEqualTo(1234);
            }
        }
    }

    @Test
    void handshake_acceptsAWildcardCertificate_forOneLabel() throws Exception {
        TestPki.Issued wildcard = ca.issue("*.c0ffee000000.us-east-1.rds.amazonaws.com",
                List.of("*.c0ffee000000.us-east-1.rds.amazonaws.com"), List.of());
        try (TlsTestServer server = TlsTestServer.start(TlsTestServer.tls(wildcard));
                SSLSocket s = tls.handshake(dial(server), DB_HOST, 5432, TIMEOUT)) {
            assertThat(firstLine(s) + "\n").isEqualTo(TlsTestServer.GREETING);
        }
    }

    @Test
    void handshake_isRefused_whenAWildcardWouldCoverTwoLabels() throws Exception {
        TestPki.Issued wildcard = ca.issue("*.us-east-1.rds.amazonaws.com",
                List.of("*.us-east-1.rds.amazonaws.com"), List.of());
        try (TlsTestServer server = TlsTestServer.start(TlsTestServer.tls(wildcard))) {
            assertThatThrownBy(() -> tls.handshake(dial(server), DB_HOST, 5432, TIMEOUT))
                    .isInstanceOfSatisfying(TlsVerificationException.class,
                            e -> assertThat(e.kind()).isEqualTo(TlsVerificationException.Kind.HOSTNAME_MISMATCH));
        }
    }

    @Test
    void handshake_acceptsACommonNameOnlyCertificate() throws Exception {
        TestPki.Issued cnOnly = ca.issue(DB_HOST, List.of(), List.of());
        try (TlsTestServer server = TlsTestServer.start(TlsTestServer.tls(cnOnly));
                SSLSocket s = tls.handshake(dial(server), DB_HOST, 5432, TIMEOUT)) {
            assertThat(firstLine(s) + "\n").isEqualTo(TlsTestServer.GREETING);
        }
    }

    @Test
    void handshake_ignoresATrailingDot_inTheIdentityHost() throws Exception {
        try (TlsTestServer server = TlsTestServer.start(TlsTestServer.tls(ca.server(DB_HOST)));
                SSLSocket s = tls.handshake(dial(server), DB_HOST + ".", 5432, TIMEOUT)) {
            assertThat(server.sniReceived()).isEqualTo(DB_HOST);
            assertThat(firstLine(s) + "\n").isEqualTo(TlsTestServer.GREETING);
        }
    }

    @Test
    void handshake_sendsSni_evenForASingleLabelIdentityHost() throws Exception {
        // the JDK on its own sends SNI only for names with a dot
        try (TlsTestServer server = TlsTestServer.start(TlsTestServer.tls(ca.server("mydb")));
                SSLSocket s = tls.handshake(dial(server), "mydb", 5432, TIMEOUT)) {
            assertThat(server.sniReceived()).isEqualTo("mydb");
            assertThat(firstLine(s) + "\n").isEqualTo(TlsTestServer.GREETING);
        }
    }

    @Test
    void handshake_sendsNoSni_andChecksTheIpSan_forAnIpLiteralIdentity() throws Exception {
        TestPki.Issued ipCert = ca.issue("127.0.0.1", List.of(), List.of("127.0.0.1"));
        try (TlsTestServer server = TlsTestServer.start(TlsTestServer.tls(ipCert));
                SSLSocket s = tls.handshake(dial(server), "127.0.0.1", 5432, TIMEOUT)) {
            assertThat(firstLine(s) + "\n").isEqualTo(TlsTestServer.GREETING);
            assertThat(server.sniReceived()).isNull();
        }
    }

    @Test
    void handshake_isRefused_whenCertificateNamesAnotherHost() throws Exception {
        try (TlsTestServer server = TlsTestServer.start(TlsTestServer.tls(ca.server(OTHER_HOST)))) {
            Socket plain = dial(server);
            assertThatThrownBy(() -> tls.handshake(plain, DB_HOST, 5432, TIMEOUT))
                    .isInstanceOfSatisfying(TlsVerificationException.class, e -> {
                        assertThat(e.kind()).isEqualTo(TlsVerificationException.Kind.HOSTNAME_MISMATCH);
                        assertThat(e.identityHost()).isEqualTo(DB_HOST);
                        assertThat(e.getCause()).isNotNull();
                    })
                    .hasMessageStartingWith("TLS to " + DB_HOST + " (via 127.0.0.1:" + server.port() + "): ")
                    .hasMessageContaining("the server's certificate does not name " + DB_HOST)
                    .hasMessageContaining("its DNS names: [" + OTHER_HOST + "]")
                    .hasMessageContaining("put the tunnel, NLB or IP address in rdsiam.connectHost");
            assertThat(plain.isClosed()).isTrue();
            assertThat(server.sniReceived()).isEqualTo(DB_HOST);
        }
    }

    @Test
    void handshake_isRefused_byOurOwnCheck_whenOnlyAPartialWildcardNamesTheHost() throws Exception {
        // the JDK would accept "db*.example.com" for db1.example.com; RFC 6125 as applied here does not, and the
        // check runs inside the handshake
        TestPki.Issued partial = ca.issue("db*.c0ffee000000.us-east-1.rds.amazonaws.com",
                List.of("db*.c0ffee000000.us-east-1.rds.amazonaws.com"), List.of());
        try (TlsTestServer server = TlsTestServer.start(TlsTestServer.tls(partial))) {
            assertThatThrownBy(() -> tls.handshake(dial(server), DB_HOST, 5432, TIMEOUT))
                    .isInstanceOfSatisfying(TlsVerificationException.class, e -> {
                        assertThat(e.kind()).isEqualTo(TlsVerificationException.Kind.HOSTNAME_MISMATCH);
                        assertThat(e.getCause()).as("refused during the handshake")
                                .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
                    })
                    .hasMessageContaining("[db*.c0ffee000000.us-east-1.rds.amazonaws.com]");
        }
    }

    @Test
    void handshake_isRefused_whenTheCertificateComesFromAnUntrustedCa() throws Exception {
        try (TlsTestServer server = TlsTestServer.start(TlsTestServer.tls(strangerCa.server(DB_HOST)))) {
            assertThatThrownBy(() -> tls.handshake(dial(server), DB_HOST, 5432, TIMEOUT))
                    .isInstanceOfSatisfying(TlsVerificationException.class, e -> {
                        assertThat(e.kind()).isEqualTo(TlsVerificationException.Kind.UNTRUSTED_CHAIN);
                        assertThat(e.getCause()).isNotNull();
                    })
                    .hasMessageContaining("the server's certificate chain is not issued by any CA in " + caPem
                            + " (1 certificate)")
                    .hasMessageContaining("[0] CN=" + DB_HOST + ", issued by CN=Stranger CA,O=rds-iam-jdbc tests")
                    .hasMessageContaining("add the issuing CA certificate to rdsiam.trustPem (" + caPem + ")");
        }
    }

    @Test
    void handshake_isRefused_withTheProxyHint_whenTrustingOnlyTheRdsBundle() throws Exception {
        IdentityTls bundleOnly = new IdentityTls(TrustMaterial.forChoice(Trust.AUTO, null, false));
        try (TlsTestServer server = TlsTestServer.start(TlsTestServer.tls(ca.server(DB_HOST)))) {
            assertThatThrownBy(() -> bundleOnly.handshake(dial(server), DB_HOST, 5432, TIMEOUT))
                    .isInstanceOfSatisfying(TlsVerificationException.class,
                            e -> assertThat(e.kind()).isEqualTo(TlsVerificationException.Kind.UNTRUSTED_CHAIN))
                    .hasMessageContaining("not issued by any CA in Amazon RDS CA bundle (108 certificates)")
                    .hasMessageContaining("set rdsiam.trust=system for an RDS Proxy endpoint")
                    .hasMessageContaining("add the CA with rdsiam.trustPem");
        }
    }

    @Test
    void handshake_isRefused_withTheDbHint_whenTrustingTheJdkStore() throws Exception {
        IdentityTls system = new IdentityTls(TrustMaterial.forChoice(Trust.SYSTEM, null, false));
        try (TlsTestServer server = TlsTestServer.start(TlsTestServer.tls(ca.server(DB_HOST)))) {
            assertThatThrownBy(() -> system.handshake(dial(server), DB_HOST, 5432, TIMEOUT))
                    .isInstanceOfSatisfying(TlsVerificationException.class,
                            e -> assertThat(e.kind()).isEqualTo(TlsVerificationException.Kind.UNTRUSTED_CHAIN))
                    .hasMessageContaining("not issued by any CA in JDK default trust store (")
                    .hasMessageContaining("set rdsiam.trust=rds-bundle for an RDS/Aurora DB endpoint");
        }
    }

    @Test
    void handshake_isRefused_whenTheServerCertificateHasExpired() throws Exception {
        Instant now = Instant.now();
        Instant notAfter = now.minus(Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        TestPki.Issued expired = ca.issue(DB_HOST, List.of(DB_HOST), List.of(), now.minus(Duration.ofDays(30)),
                notAfter);
        try (TlsTestServer server = TlsTestServer.start(TlsTestServer.tls(expired))) {
            assertThatThrownBy(() -> tls.handshake(dial(server), DB_HOST, 5432, TIMEOUT))
                    .isInstanceOfSatisfying(TlsVerificationException.class,
                            e -> assertThat(e.kind()).isEqualTo(TlsVerificationException.Kind.CERTIFICATE_EXPIRED))
                    .hasMessageContaining("the server's certificate (CN=" + DB_HOST + ") expired on " + notAfter)
                    .hasMessageNotContaining("not issued by any CA")
                    .hasMessageContaining("the server must renew its certificate");
        }
    }

    @Test
    void handshake_isRefused_whenTheServerCertificateIsNotYetValid() throws Exception {
        Instant now = Instant.now();
        TestPki.Issued future = ca.issue(DB_HOST, List.of(DB_HOST), List.of(), now.plus(Duration.ofDays(2)),
                now.plus(Duration.ofDays(30)));
        try (TlsTestServer server = TlsTestServer.start(TlsTestServer.tls(future))) {
            assertThatThrownBy(() -> tls.handshake(dial(server), DB_HOST, 5432, TIMEOUT))
                    .isInstanceOfSatisfying(TlsVerificationException.class, e -> assertThat(e.kind())
                            .isEqualTo(TlsVerificationException.Kind.CERTIFICATE_NOT_YET_VALID))
                    .hasMessageContaining("is not valid before")
                    .hasMessageContaining("check this machine's clock");
        }
    }

    @Test
    void handshake_isRefused_whenTheServerOnlySpeaksTls11() throws Exception {
        try (TlsTestServer server = TlsTestServer.start(TlsTestServer.tls11Only())) {
            assertThatThrownBy(() -> tls.handshake(dial(server), DB_HOST, 5432, TIMEOUT))
                    .isInstanceOfSatisfying(TlsVerificationException.class,
                            e -> assertThat(e.kind()).isEqualTo(TlsVerificationException.Kind.PROTOCOL_VERSION))
                    .hasMessageContaining("the server supports neither TLS 1.3 nor TLS 1.2")
                    .hasMessageContaining("TLS11");
        }
    }

    @Test
    void handshake_timesOut_withinTheConfiguredTime_whenTheServerNeverAnswers() throws Exception {
        try (TlsTestServer server = TlsTestServer.start(TlsTestServer.silent())) {
            Socket plain = dial(server);
            long start = System.nanoTime();
            assertThatThrownBy(() -> tls.handshake(plain, DB_HOST, 5432, Duration.ofMillis(500)))
                    .isInstanceOfSatisfying(TlsVerificationException.class,
                            e -> assertThat(e.kind()).isEqualTo(TlsVerificationException.Kind.TIMEOUT))
                    .isNotInstanceOf(java.net.SocketTimeoutException.class)
                    .hasMessageContaining("the TLS handshake timed out after ")
                    .hasMessageContaining("rdsiam.connectTimeout");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).isBetween(Duration.ofMillis(450), Duration.ofMillis(3000));
            assertThat(plain.isClosed()).isTrue();
        }
    }

    @Test
    void handshake_says_theServerDidNotSpeakTls_whenItAnswersWithPlaintext() throws Exception {
        try (TlsTestServer server = TlsTestServer.start(TlsTestServer.plaintext())) {
            assertThatThrownBy(() -> tls.handshake(dial(server), DB_HOST, 5432, TIMEOUT))
                    .isInstanceOfSatisfying(TlsVerificationException.class,
                            e -> assertThat(e.kind()).isEqualTo(TlsVerificationException.Kind.NOT_TLS))
                    .hasMessageContaining("the server did not speak TLS");
        }
    }

    @Test
    void handshake_says_theServerClosedTheConnection_whenItHangsUp() throws Exception {
        try (TlsTestServer server = TlsTestServer.start(TlsTestServer.closeAtOnce())) {
            assertThatThrownBy(() -> tls.handshake(dial(server), DB_HOST, 5432, TIMEOUT))
                    .isInstanceOfSatisfying(TlsVerificationException.class, e -> assertThat(e.kind())
                            .isEqualTo(TlsVerificationException.Kind.CLOSED_DURING_HANDSHAKE))
                    .hasMessageContaining("the server closed the connection during the TLS handshake");
        }
    }

    @Test
    void handshake_isRefused_forAnUnconnectedSocket() {
        assertThatThrownBy(() -> tls.handshake(new Socket(), DB_HOST, 5432, TIMEOUT))
                .isInstanceOf(SocketException.class)
                .hasMessageContaining("not connected");
    }

    @Test
    void handshake_rejectsBadArguments() throws Exception {
        try (TlsTestServer server = TlsTestServer.start(TlsTestServer.silent()); Socket plain = dial(server)) {
            assertThatThrownBy(() -> tls.handshake(plain, " ", 5432, TIMEOUT))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("identityHost");
            assertThatThrownBy(() -> tls.handshake(plain, DB_HOST, 70000, TIMEOUT))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("identityPort");
            assertThatThrownBy(() -> tls.handshake(plain, DB_HOST, 5432, Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("handshakeTimeout");
        }
    }

    @Test
    void sslSocketFactory_verifiesTheIdentityHost_whateverHostTheDriverPasses() throws Exception {
        IdentitySslSocketFactory factory = new IdentitySslSocketFactory(TrustMaterial.forChoice(Trust.PEM, caPem,
                false), DB_HOST, TIMEOUT);
        try (TlsTestServer server = TlsTestServer.start(TlsTestServer.tls(ca.server(DB_HOST)));
                SSLSocket s = (SSLSocket) factory.createSocket(dial(server), "127.0.0.1", server.port(), true)) {
            assertThat(firstLine(s) + "\n").isEqualTo(TlsTestServer.GREETING);
            assertThat(server.sniReceived()).isEqualTo(DB_HOST);
        }
    }

    @Test
    void sslSocketFactory_refusesAServer_thatOnlyMatchesTheHostTheDriverPasses() throws Exception {
        IdentitySslSocketFactory factory = new IdentitySslSocketFactory(TrustMaterial.forChoice(Trust.PEM, caPem,
                false), DB_HOST, TIMEOUT);
        try (TlsTestServer server = TlsTestServer.start(TlsTestServer.tls(ca.server(OTHER_HOST)))) {
            assertThatThrownBy(() -> factory.createSocket(dial(server), OTHER_HOST, server.port(), true))
                    .isInstanceOfSatisfying(TlsVerificationException.class,
                            e -> assertThat(e.kind()).isEqualTo(TlsVerificationException.Kind.HOSTNAME_MISMATCH));
        }
    }

    @Test
    void sslSocketFactory_doesNotDial() {
        IdentitySslSocketFactory factory = new IdentitySslSocketFactory(TrustMaterial.forChoice(Trust.PEM, caPem,
                false), DB_HOST, TIMEOUT);
        assertThatThrownBy(() -> factory.createSocket("127.0.0.1", 1)).isInstanceOf(SocketException.class)
                .hasMessageContaining("only layers TLS");
        assertThatThrownBy(factory::createSocket).isInstanceOf(SocketException.class);
        assertThat(factory.getDefaultCipherSuites()).isNotEmpty();
        assertThat(factory.getSupportedCipherSuites()).contains(factory.getDefaultCipherSuites());
    }
}
