package dev.rdsiam.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The gateway's bookkeeping of sessions, checked the same way for both protocols. */
final class GatewaySessions {

    /** Opens one client connection with a token. */
    @FunctionalInterface
    interface Client {
        Connection connect(LocalRds rds, String token) throws SQLException;
    }

    private GatewaySessions() {
    }

    /** Sessions closed by the client, killed by the kit and cut by a restart all leave the gateway's set. */
    static void endedSessionsLeaveNoneOpen(LocalRds rds, Client client) throws Exception {
        String token = SdkTokens.token(rds);
        for (int i = 0; i < 3; i++) {
            try (Connection c = client.connect(rds, token)) {
                assertThat(c.isValid(5)).isTrue();
            }
        }
        awaitOpenSessions(rds, 0);
        List<Connection> killed = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            killed.add(client.connect(rds, token));
        }
        awaitOpenSessions(rds, 3);
        rds.killSessions();
        for (Connection c : killed) {
            assertThatThrownBy(() -> c.createStatement().execute("SELECT 1")).isInstanceOf(SQLException.class);
            c.close();
        }
        awaitOpenSessions(rds, 0);
        List<Connection> cut = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            cut.add(client.connect(rds, token));
        }
        rds.restart(Duration.ofMillis(100));
        for (Connection c : cut) {
            c.close();
        }
        awaitOpenSessions(rds, 0);
    }

    /** Waits for the gateway to notice that sessions ended (its relay sees the close a moment after the client). */
    private static void awaitOpenSessions(LocalRds rds, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (rds.openSessions() != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(rds.openSessions()).as("sessions the gateway holds open").isEqualTo(expected);
    }
}
