package dev.rdsiam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rdsiam.diagnostics.ProbeResult;
import dev.rdsiam.diagnostics.Stage;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The DNS stage's reading of addresses, with a resolver that answers from a table: no query leaves the machine and
 * nothing is dialled (only the configuration and DNS stages run).
 */
class DnsStageTest {

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal); // an IP literal: no lookup
    }

    @Test
    void privateRanges_areRecognised() throws UnknownHostException {
        assertThat(Doctor.privateOnes(new InetAddress[] {ip("10.0.3.7"), ip("172.16.0.1"), ip("172.31.255.1"),
            ip("192.168.1.1"), ip("100.64.0.1"), ip("100.127.0.1"), ip("fd00::1")}))
                .containsExactly("10.0.3.7", "172.16.0.1", "172.31.255.1", "192.168.1.1", "100.64.0.1",
                        "100.127.0.1", "fd00:0:0:0:0:0:0:1");
        assertThat(Doctor.privateOnes(new InetAddress[] {ip("172.32.0.1"), ip("100.128.0.1"), ip("8.8.8.8"),
            ip("127.0.0.1"), ip("2001:db8::1")})).isEmpty();
    }

    @Test
    void ipLiterals_areRecognised() {
        assertThat(Doctor.isIpLiteral("127.0.0.1")).isTrue();
        assertThat(Doctor.isIpLiteral("::1")).isTrue();
        assertThat(Doctor.isIpLiteral("[fd00::1]")).isTrue();
        assertThat(Doctor.isIpLiteral("db.c0ffee.us-east-1.rds.amazonaws.com")).isFalse();
        assertThat(Doctor.isIpLiteral("localhost")).isFalse();
    }

    /** A resolver that answers from a table; nothing is dialled (only stages 1 and 2 run). */
    private static List<ProbeResult> upToDns(Map<String, String> env, Map<String, byte[]> table) {
        HostResolver resolver = host -> {
            byte[] a = table.get(host);
            if (a == null) {
                throw new UnknownHostException(host);
            }
            return new InetAddress[] {InetAddress.getByAddress(host, a)};
        };
        Invocation io = new Invocation(env, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                resolver);
        ConfigOptions options = new ConfigOptions();
        new CommandLine(options).parseArgs();
        return new Doctor(io, options, false).run(Stage.DNS);
    }

    private static Map<String, String> env(String... overrides) {
        Map<String, String> env = new TreeMap<>();
        env.put("RDSIAM_ENGINE", "postgresql");
        env.put("RDSIAM_HOST", "orders.c0ffee000000.eu-west-1.rds.amazonaws.com");
        env.put("RDSIAM_USER", "app");
        for (int i = 0; i < overrides.length; i += 2) {
            env.put(overrides[i], overrides[i + 1]);
        }
        return env;
    }

    @Test
    void endpointResolvingToAPrivateAddress_callsOutTheVpc() {
        List<ProbeResult> r = upToDns(env(), Map.of("orders.c0ffee000000.eu-west-1.rds.amazonaws.com",
                new byte[] {10, 0, 3, 7}));

        assertThat(r.get(1).status()).isEqualTo(ProbeResult.Status.OK);
        assertThat(String.join("\n", r.get(1).detail()))
                .contains("resolves to 10.0.3.7")
                .contains("private address 10.0.3.7: reachable only from inside the VPC")
                .contains("SSM port forwarding").contains("NLB").contains("VPN");
    }

    @Test
    void endpointThatDoesNotResolve_withoutRoute_failsDns_withTheTunnelAdvice() {
        List<ProbeResult> r = upToDns(env(), Map.of());

        assertThat(r.get(1).status()).isEqualTo(ProbeResult.Status.FAILED);
        assertThat(String.join("\n", r.get(1).detail()))
                .contains("orders.c0ffee000000.eu-west-1.rds.amazonaws.com does not resolve from here")
                .contains("--connect-host 127.0.0.1 --connect-port LOCAL_PORT");
    }

    @Test
    void routeName_isResolved_andAnUnresolvableEndpointIsFine() {
        List<ProbeResult> r = upToDns(env("RDSIAM_CONNECT_HOST", "nlb.internal.example", "RDSIAM_CONNECT_PORT", "5432"),
                Map.of("nlb.internal.example", new byte[] {(byte) 192, (byte) 168, 0, 9}));

        assertThat(r.get(1).status()).isEqualTo(ProbeResult.Status.OK);
        assertThat(String.join("\n", r.get(1).detail()))
                .contains("route host nlb.internal.example resolves to 192.168.0.9")
                .contains("private address 192.168.0.9")
                .contains("endpoint orders.c0ffee000000.eu-west-1.rds.amazonaws.com does not resolve from here: "
                        + "fine");
    }

    @Test
    void routeNameThatDoesNotResolve_failsDns_namingTheFlag() {
        List<ProbeResult> r = upToDns(env("RDSIAM_CONNECT_HOST", "nlb.internal.example", "RDSIAM_CONNECT_PORT", "5432"),
                Map.of());

        assertThat(r.get(1).status()).isEqualTo(ProbeResult.Status.FAILED);
        assertThat(String.join("\n", r.get(1).detail())).contains("the route host nlb.internal.example does not "
                + "resolve").contains("--connect-host");
    }

    @Test
    void fullRun_stopsAtDns_withExitCode12() {
        Map<String, String> env = env();
        CliKit.Run run = CliKit.run(env, "doctor", "--json");

        assertThat(run.exit()).as(run.toString()).isEqualTo(12);
        assertThat(run.out()).contains("\"name\":\"dns\",\"status\":\"failed\"");
    }
}
