package dev.rdsiam.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rdsiam.Engine;
import dev.rdsiam.RdsIamConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The public probes without a database: the runner's order and skipping, the exit codes, DNS from a table, TCP and
 * TLS against loopback sockets. Logins through real drivers are the CLI's and the bindings' tests.
 */
class ProbesTest {

    private static final String HOST = "orders.c0ffee000000.eu-west-1.rds.amazonaws.com";

    /** Answers IP literals only: no query leaves the machine. */
    private static final HostResolver OFFLINE = host -> {
        if (Probes.isIpLiteral(host)) {
            return InetAddress.getAllByName(host);
        }
        throw new UnknownHostException(host + ": not looked up in tests");
    };

    private static RdsIamConfig.Builder mysql() {
        return RdsIamConfig.builder().engine(Engine.MYSQL).host(HOST).user("app")
                .connectTimeout(Duration.ofSeconds(2));
    }

    @Test
    void exitCodes_areFixedValuesPerStage() {
        assertThat(Stage.CONFIGURATION.exitCode()).isEqualTo(11);
        assertThat(Stage.DNS.exitCode()).isEqualTo(12);
        assertThat(Stage.TCP.exitCode()).isEqualTo(13);
        assertThat(Stage.TLS.exitCode()).isEqualTo(14);
        assertThat(Stage.CREDENTIALS.exitCode()).isEqualTo(15);
        assertThat(Stage.TOKEN.exitCode()).isEqualTo(16);
        assertThat(Stage.LOGIN.exitCode()).isEqualTo(17);
        assertThat(Stage.ofExitCode(14)).contains(Stage.TLS);
        assertThat(Stage.ofExitCode(0)).isEmpty();
    }

    @Test
    void configurationThatDoesNotBuild_failsStage1_andSkipsTheRest() {
        List<ProbeResult> r = Doctor.builder(() -> {
            throw new IllegalArgumentException("rdsiam.host is missing: set it");
        }).build().run();

        assertThat(r).hasSize(7);
        assertThat(r.get(0).status()).isEqualTo(ProbeResult.Status.FAILED);
        assertThat(r.get(0).diagnosis()).contains("rdsiam.host is missing: set it");
        assertThat(r.subList(1, 7)).allSatisfy(s -> {
            assertThat(s.status()).isEqualTo(ProbeResult.Status.SKIPPED);
            assertThat(s.detail()).containsExactly("not run: stage 1 (configuration) failed");
        });
    }

    @Test
    void engineWithoutBinding_failsTheConfiguration_namingTheArtifact() {
        RdsIamConfig config = RdsIamConfig.builder().engine(Engine.POSTGRESQL).host(HOST).user("app").build();
        ProbeResult r = Doctor.builder(() -> config).resolver(OFFLINE).build().run(Stage.CONFIGURATION).get(0);

        assertThat(r.status()).isEqualTo(ProbeResult.Status.FAILED);
        assertThat(r.diagnosis()).hasValueSatisfying(d -> assertThat(d).contains("add dev.rdsiam:rdsiam-postgresql"));
        assertThat(r.detail()).contains("region       eu-west-1 (from the host name)");
        assertThat(r.details()).extracting(ProbeResult.Detail::label).contains("endpoint", "region", "trust");
    }

    @Test
    void refusedPort_failsTcp_withExitCode13_afterDnsSawAnIpLiteral() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        RdsIamConfig config = mysql().connectHost("127.0.0.1").connectPort(port).build();
        List<ProbeResult> r = Doctor.builder(() -> config).resolver(OFFLINE).callerIdentity(false).build().run();

        assertThat(r).extracting(ProbeResult::status).containsExactly(ProbeResult.Status.OK, ProbeResult.Status.OK,
                ProbeResult.Status.FAILED, ProbeResult.Status.SKIPPED, ProbeResult.Status.SKIPPED,
                ProbeResult.Status.SKIPPED, ProbeResult.Status.SKIPPED);
        assertThat(r.get(1).detail()).contains("route host 127.0.0.1 is an IP address: no lookup");
        assertThat(r.get(2).diagnosis()).hasValueSatisfying(d -> assertThat(d).contains("127.0.0.1:" + port));
        assertThat(r.stream().filter(x -> x.status() == ProbeResult.Status.FAILED).findFirst().get().stage()
                .exitCode()).isEqualTo(13);
    }

    @Test
    void tlsProbe_onItsOwn_dialsItself_andSaysWhenTheBindingHasNoPreamble() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            RdsIamConfig config = mysql().connectHost("127.0.0.1").connectPort(server.getLocalPort()).build();
            try (Probes probes = Probes.of(config).withResolver(OFFLINE)) {
                ProbeResult tls = probes.tls();
                assertThat(tls.status()).isEqualTo(ProbeResult.Status.FAILED);
                assertThat(tls.diagnosis()).hasValueSatisfying(d -> assertThat(d).contains("has no TLS preamble"));
                assertThat(tls.tlsHandshake()).isEmpty();
            }
        }
    }

    @Test
    void tcpProbe_connectsToAListeningPort() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            RdsIamConfig config = mysql().connectHost("127.0.0.1").connectPort(server.getLocalPort()).build();
            try (Probes probes = Probes.of(config)) {
                ProbeResult tcp = probes.tcp();
                assertThat(tcp.status()).as(tcp.toString()).isEqualTo(ProbeResult.Status.OK);
                assertThat(tcp.detail().get(0)).startsWith("connected to 127.0.0.1:" + server.getLocalPort());
                assertThat(tcp.diagnosis()).isEmpty();
            }
        }
    }

    @Test
    void detailLines_padTheLabel_likeTheDoctorPrintsThem() {
        assertThat(new ProbeResult.Detail("clock", "fine").line()).isEqualTo("clock        fine");
        assertThat(new ProbeResult.Detail("", "a sentence").line()).isEqualTo("a sentence");
    }

    @Test
    void privateAddresses_areTheVpcOnes() throws UnknownHostException {
        assertThat(Probes.privateAddresses(new InetAddress[] {InetAddress.getByName("10.1.2.3"),
            InetAddress.getByName("8.8.8.8")})).containsExactly("10.1.2.3");
    }
}
