package dev.rdsiam.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Named instances and a third one: after failover the remaining reader follows the new writer. */
@Tag("postgresql")
class ThreeInstanceAuroraTest {

    @RegisterExtension
    static final LocalAuroraExtension AURORA = LocalAuroraExtension.of(LocalAurora.builder()
            .clusterName("orders").clusterId("abc123def456").region("eu-west-1")
            .instances("orders-a", "orders-b", "orders-c"));

    @Test
    void failover_promotesTheFirstReader_andTheOtherReaderFollowsIt(LocalAurora aurora) throws Exception {
        System.out.printf("STARTUP LocalAurora postgresql, 3 instances: %d ms%n", aurora.startupMillis());
        assertThat(aurora.clusterHost()).isEqualTo("orders.cluster-abc123def456.eu-west-1.rds.amazonaws.com");
        assertThat(aurora.instanceHosts()).containsExactly("orders-a.abc123def456.eu-west-1.rds.amazonaws.com",
                "orders-b.abc123def456.eu-west-1.rds.amazonaws.com",
                "orders-c.abc123def456.eu-west-1.rds.amazonaws.com");
        String b = aurora.instanceHosts().get(1);
        String c = aurora.instanceHosts().get(2);

        assertThat(aurora.failover()).isEqualTo(b);
        assertThat(aurora.readerHosts()).containsExactly(c);
        try (Connection w = AuroraClients.connect(aurora, aurora.clusterHost()); Statement s = w.createStatement()) {
            s.execute("CREATE TABLE written_on_b (id int)");
            s.execute("INSERT INTO written_on_b VALUES (7)");
        }
        try (Connection r = AuroraClients.connect(aurora, aurora.readerHost()); Statement s = r.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT pg_catalog.aurora_db_instance_identifier(), "
                    + "pg_catalog.pg_is_in_recovery()")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("orders-c");
                assertThat(rs.getBoolean(2)).isTrue();
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            int seen = 0;
            while (seen == 0 && System.nanoTime() < deadline) {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_catalog.pg_class "
                        + "WHERE relname = 'written_on_b'")) {
                    rs.next();
                    seen = rs.getInt(1);
                }
                if (seen == 0) {
                    Thread.sleep(100);
                }
            }
            assertThat(seen).as("what the new writer commits reaches the remaining reader").isEqualTo(1);
        }
        aurora.reset();
        assertThat(aurora.roles()).containsExactly(
                java.util.Map.entry(aurora.instanceHosts().get(0), LocalAurora.Role.WRITER),
                java.util.Map.entry(b, LocalAurora.Role.READER),
                java.util.Map.entry(c, LocalAurora.Role.READER));
    }
}
