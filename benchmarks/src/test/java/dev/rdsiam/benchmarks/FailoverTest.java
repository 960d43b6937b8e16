package dev.rdsiam.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** B7's report from a probe's properties, and the route table of the wrapper's own contender. */
class FailoverTest {

    private static Properties probe() {
        Properties p = new Properties();
        p.setProperty("ours.samples_ns", "400000000,500000000,600000000");
        p.setProperty("ours.promoted_ns", "390000000,400000000,410000000");
        p.setProperty("ours.after_promotion_ns", "30000000,40000000,50000000");
        p.setProperty("ours.logins_accepted", "2,2,3");
        p.setProperty("ours.logins_refused", "0,0,0");
        p.setProperty("ours.mints", "2,2,2");
        p.setProperty("ours.reopened", "0,0,0");
        p.setProperty("ours.sql_states", "{08S02=1} | {08S02=1} | {08S02=1}");
        p.setProperty("wrapper_iam.samples_ns", "500000000,1000000000,800000000");
        p.setProperty("wrapper_iam.promoted_ns", "390000000,400000000,410000000");
        p.setProperty("wrapper_iam.after_promotion_ns", "20000000,80000000,40000000");
        p.setProperty("wrapper_iam.logins_accepted", "2,2,2");
        p.setProperty("wrapper_iam.logins_refused", "0,1,0");
        p.setProperty("wrapper_iam.mints", "2,3,2");
        p.setProperty("wrapper_iam.reopened", "0,0,1");
        p.setProperty("wrapper_iam.sql_states", "{08S02=1} | {08S02=1} | {08001=2, 08S02=1}");
        p.setProperty("reset_ns", "2000000000,3000000000");
        p.setProperty("round_ns", "5000000000,6000000000");
        p.setProperty("warmups", "1");
        return p;
    }

    private static Results results() {
        return new Results("test", "2026-01-02T03:04:05Z", "quick", "benchmarks/run --quick");
    }

    @Test
    void report_ratioOfMedians_withBothSidesSpreadsLoginsAndMints() {
        Results r = results();
        Failover.report(probe(), r, 3);
        assertThat(r.ratios().get(Failover.KEY)).isEqualTo(500.0 / 800.0);
        assertThat(r.ratios().get(Failover.AFTER_PROMOTION_KEY)).isEqualTo(40.0 / 40.0);
        assertThat(r.values()).containsEntry("B7.postgresql.ours_ms", 500.0)
                .containsEntry("B7.postgresql.wrapper_iam_ms", 800.0)
                .containsEntry("B7.postgresql.wrapper_iam_ms_min_max", List.of(500.0, 1000.0))
                .containsEntry("B7.postgresql.ours_logins_accepted_per_round", List.of(2.0, 2.0, 3.0))
                .containsEntry("B7.postgresql.wrapper_iam_logins_refused", 1.0)
                .containsEntry("B7.postgresql.wrapper_iam_tokens_minted_per_round", List.of(2.0, 3.0, 2.0))
                .containsEntry("B7.postgresql.kit_reset_ms", 2500.0)
                .containsEntry("B7.postgresql.ours_n", 3)
                .containsEntry("B7.postgresql.wrapper_iam_after_promotion_ms_per_round", List.of(20.0, 80.0, 40.0));
        r.target(Failover.KEY, Results.Op.AT_MOST, 1.0);
        assertThat(r.verdicts()).singleElement().satisfies(v -> assertThat(v.met()).isTrue());
        assertThat(r.toJson()).contains("\"" + Failover.KEY + "\": 0.625");
    }

    @Test
    void report_aContenderWithoutRounds_isNotAvailable_withItsError() {
        Properties p = probe();
        p.remove("wrapper_iam.samples_ns");
        p.setProperty("wrapper_iam.error", "round 1: IllegalStateException: no query reached the new writer");
        Results r = results();
        Failover.report(p, r, 3);
        assertThat(r.ratios()).containsEntry(Failover.KEY, null);
        assertThat(r.toJson()).contains("no query reached the new writer");
    }

    @Test
    void routeTable_dialsTheRouteOfTheName_andRefusesOthers() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            RouteTableSocketFactory f = new RouteTableSocketFactory(
                    "writer.example.rds.amazonaws.com=127.0.0.1:" + server.getLocalPort());
            try (Socket s = f.createSocket()) {
                s.connect(InetSocketAddress.createUnresolved("WRITER.example.rds.amazonaws.com", 5432), 1000);
                assertThat(s.getPort()).isEqualTo(server.getLocalPort());
            }
            try (Socket s = f.createSocket()) {
                assertThatThrownBy(() -> s.connect(InetSocketAddress.createUnresolved("other.example", 5432), 1000))
                        .isInstanceOf(UnknownHostException.class).hasMessageContaining("other.example");
            }
        }
        assertThatThrownBy(() -> new RouteTableSocketFactory("no-port"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("socketFactoryArg");
    }
}
