package dev.rdsiam.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@Tag("postgresql")
class LocalAuroraTest {

    @RegisterExtension
    static final LocalAuroraExtension AURORA = LocalAuroraExtension.of(LocalAurora.builder().instanceCount(2)).shared("aurora-2");

    /** The AWS Advanced JDBC Wrapper's Aurora PostgreSQL topology query (4.3.0). */
    private static final String TOPOLOGY_QUERY = "SELECT SERVER_ID, CASE WHEN SESSION_ID OPERATOR(pg_catalog.=) "
            + "'MASTER_SESSION_ID' THEN TRUE ELSE FALSE END, CPU, COALESCE(REPLICA_LAG_IN_MSEC, 0), "
            + "LAST_UPDATE_TIMESTAMP FROM pg_catalog.aurora_replica_status() WHERE EXTRACT(EPOCH FROM("
            + "pg_catalog.NOW() OPERATOR(pg_catalog.-) LAST_UPDATE_TIMESTAMP)) OPERATOR(pg_catalog.<=) 300 OR "
            + "SESSION_ID OPERATOR(pg_catalog.=) 'MASTER_SESSION_ID' OR LAST_UPDATE_TIMESTAMP IS NULL";
    private static final String WRITER_ID_QUERY = "SELECT SERVER_ID FROM pg_catalog.aurora_replica_status() WHERE "
            + "SESSION_ID OPERATOR(pg_catalog.=) 'MASTER_SESSION_ID' AND SERVER_ID OPERATOR(pg_catalog.=) "
            + "pg_catalog.aurora_db_instance_identifier()";

    @Test
    void startupTime_isLogged(LocalAurora aurora) {
        System.out.printf("STARTUP LocalAurora postgresql, %d instances: %d ms%n", aurora.instanceHosts().size(),
                aurora.startupMillis());
        assertThat(aurora.startupMillis()).isPositive();
    }

    @Test
    void namesAreThoseRdsGives(LocalAurora aurora) {
        assertThat(aurora.clusterHost()).isEqualTo("localaurora.cluster-c0ffee000000.us-east-1.rds.amazonaws.com");
        assertThat(aurora.readerHost()).isEqualTo("localaurora.cluster-ro-c0ffee000000.us-east-1.rds.amazonaws.com");
        assertThat(aurora.instanceHosts()).containsExactly(
                "localaurora-instance-1.c0ffee000000.us-east-1.rds.amazonaws.com",
                "localaurora-instance-2.c0ffee000000.us-east-1.rds.amazonaws.com");
        assertThat(aurora.routes().keySet()).containsExactly(aurora.clusterHost(), aurora.readerHost(),
                aurora.instanceHosts().get(0), aurora.instanceHosts().get(1));
        assertThat(aurora.routes().values()).extracting(Route::host).containsOnly("127.0.0.1");
        assertThat(aurora.routes().values()).extracting(Route::port).doesNotHaveDuplicates();
        assertThat(aurora.certificateNames(aurora.instanceHosts().get(0)))
                .containsExactly(aurora.instanceHosts().get(0), aurora.clusterHost());
        assertThat(aurora.certificateNames(aurora.instanceHosts().get(1)))
                .containsExactly(aurora.instanceHosts().get(1), aurora.readerHost());
    }

    @Test
    void everyName_leadsToTheInstanceHoldingItsRole(LocalAurora aurora) throws Exception {
        String first = aurora.instanceHosts().get(0);
        String second = aurora.instanceHosts().get(1);
        assertThat(whoAndRecovery(aurora, aurora.clusterHost())).isEqualTo("localaurora-instance-1 false");
        assertThat(whoAndRecovery(aurora, aurora.readerHost())).isEqualTo("localaurora-instance-2 true");
        assertThat(whoAndRecovery(aurora, first)).isEqualTo("localaurora-instance-1 false");
        assertThat(whoAndRecovery(aurora, second)).isEqualTo("localaurora-instance-2 true");
        assertThat(aurora.authAttempts()).hasSize(4).allMatch(AuthAttempt::accepted);
        assertThat(aurora.authAttempts(second)).hasSize(2);
    }

    @Test
    void theReaderIsAHotStandby_writesFailThere_andWritesOnTheWriterReachIt(LocalAurora aurora) throws Exception {
        try (Connection w = AuroraClients.connect(aurora, aurora.clusterHost());
             Connection r = AuroraClients.connect(aurora, aurora.readerHost())) {
            try (Statement s = w.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS orders (id int PRIMARY KEY)");
                s.execute("INSERT INTO orders VALUES (42) ON CONFLICT DO NOTHING");
            }
            assertThatThrownBy(() -> {
                try (Statement s = r.createStatement()) {
                    s.execute("CREATE TABLE not_here (id int)");
                }
            }).isInstanceOfSatisfying(SQLException.class, e -> {
                assertThat(e.getSQLState()).isEqualTo("25006");
                assertThat(e.getMessage()).contains("read-only transaction");
            });
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            boolean seen = false;
            while (!seen && System.nanoTime() < deadline) {
                try (Statement s = r.createStatement();
                     ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_catalog.pg_class WHERE relname = 'orders'")) {
                    rs.next();
                    seen = rs.getInt(1) == 1;
                }
                if (!seen) {
                    Thread.sleep(50);
                }
            }
            assertThat(seen).as("the table created on the writer is replicated to the reader").isTrue();
            try (Statement s = r.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM orders")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(42);
            }
        }
    }

    @Test
    void theCatalogue_answersTheWrappersQueries_fromTheLiveRoles(LocalAurora aurora) throws Exception {
        for (String host : List.of(aurora.clusterHost(), aurora.readerHost())) {
            try (Connection c = AuroraClients.connect(aurora, host)) {
                assertThat(topology(c)).containsExactly("localaurora-instance-1 writer",
                        "localaurora-instance-2 reader");
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT 1 FROM pg_catalog.aurora_replica_status() LIMIT 1")) {
                    assertThat(rs.next()).isTrue();
                }
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                        "SELECT pg_catalog.aurora_db_instance_identifier(), "
                                + "pg_catalog.aurora_db_instance_identifier()")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo(host.equals(aurora.clusterHost())
                            ? "localaurora-instance-1" : "localaurora-instance-2");
                }
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(WRITER_ID_QUERY)) {
                    assertThat(rs.next()).isEqualTo(host.equals(aurora.clusterHost()));
                }
            }
        }
    }

    @Test
    void aTokenForAnotherInstance_isRefusedWithItsReason(LocalAurora aurora) {
        String first = aurora.instanceHosts().get(0);
        String second = aurora.instanceHosts().get(1);
        // TLS is verified for the second instance, the token is signed for the first
        assertThatThrownBy(() -> DriverManager.getConnection(AuroraClients.url(aurora, second),
                AuroraClients.props(aurora, second, AuroraClients.token(aurora, first))).close())
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("28000");
                    assertThat(e.getMessage()).contains("PAM authentication failed for user \"iam_user\"");
                });
        assertThat(aurora.authAttempts(second)).last().extracting(AuthAttempt::reason)
                .isEqualTo(RejectReason.WRONG_INSTANCE);
        // a token for the cluster endpoint is no good on the reader either
        assertThatThrownBy(() -> DriverManager.getConnection(AuroraClients.url(aurora, second),
                AuroraClients.props(aurora, second, AuroraClients.token(aurora, aurora.clusterHost()))).close())
                .isInstanceOf(SQLException.class);
        assertThat(aurora.authAttempts(second)).last().extracting(AuthAttempt::reason)
                .isEqualTo(RejectReason.WRONG_INSTANCE);
        // a name from elsewhere stays a wrong host
        assertThatThrownBy(() -> DriverManager.getConnection(AuroraClients.url(aurora, second),
                AuroraClients.props(aurora, second, AuroraClients.token(aurora,
                        "other.c0ffee000000.us-east-1.rds.amazonaws.com"))).close())
                .isInstanceOf(SQLException.class);
        assertThat(aurora.authAttempts(second)).last().extracting(AuthAttempt::reason)
                .isEqualTo(RejectReason.WRONG_HOST);
    }

    @Test
    void failover_cutsTheWritersSessions_andTheClusterEndpointReachesTheNewWriter(LocalAurora aurora)
            throws Exception {
        String first = aurora.instanceHosts().get(0);
        String second = aurora.instanceHosts().get(1);
        Connection old = AuroraClients.connect(aurora, aurora.clusterHost());
        try (Statement s = old.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS before_failover (id int)");
        }
        long start = System.nanoTime();
        assertThat(aurora.failover()).isEqualTo(second);
        System.out.printf("FAILOVER LocalAurora: %d ms%n", (System.nanoTime() - start) / 1_000_000);

        assertThatThrownBy(() -> {
            try (Statement s = old.createStatement()) {
                s.execute("SELECT 1");
            }
        }).isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).startsWith("08"));
        old.close();
        assertThat(aurora.roles()).containsEntry(second, LocalAurora.Role.WRITER)
                .containsEntry(first, LocalAurora.Role.DOWN);
        assertThat(aurora.writerHost()).isEqualTo(second);
        assertThat(aurora.certificateNames(second)).contains(aurora.clusterHost(), aurora.readerHost());

        try (Connection c = AuroraClients.connect(aurora, aurora.clusterHost()); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT pg_catalog.aurora_db_instance_identifier(), "
                    + "pg_catalog.pg_is_in_recovery()")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("localaurora-instance-2");
                assertThat(rs.getBoolean(2)).isFalse();
            }
            s.execute("INSERT INTO before_failover VALUES (1)");
            assertThat(topology(c)).containsExactly("localaurora-instance-2 writer");
        }
        // the old writer's port refuses
        assertThatThrownBy(() -> AuroraClients.connect(aurora, first).close())
                .isInstanceOf(SQLException.class).hasRootCauseInstanceOf(ConnectException.class);

        start = System.nanoTime();
        aurora.reset();
        System.out.printf("RESET LocalAurora after failover: %d ms%n", (System.nanoTime() - start) / 1_000_000);
        assertThat(aurora.writerHost()).isEqualTo(first);
        assertThat(whoAndRecovery(aurora, aurora.clusterHost())).isEqualTo("localaurora-instance-1 false");
        assertThat(whoAndRecovery(aurora, aurora.readerHost())).isEqualTo("localaurora-instance-2 true");
    }

    @Test
    void restart_cutsSessions_refusesForAWhile_thenAccepts(LocalAurora aurora) throws Exception {
        String second = aurora.instanceHosts().get(1);
        Connection before = AuroraClients.connect(aurora, second);
        CompletableFuture<Void> restart = CompletableFuture.runAsync(
                () -> aurora.restart(second, Duration.ofMillis(1500)));
        Thread.sleep(300);
        assertThatThrownBy(() -> {
            try (Statement s = before.createStatement()) {
                s.execute("SELECT 1");
            }
        }).isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).startsWith("08"));
        before.close();
        assertThatThrownBy(() -> AuroraClients.connect(aurora, second).close())
                .isInstanceOf(SQLException.class).hasRootCauseInstanceOf(ConnectException.class);
        assertThatThrownBy(() -> AuroraClients.connect(aurora, aurora.readerHost()).close())
                .isInstanceOf(SQLException.class).hasRootCauseInstanceOf(ConnectException.class);
        restart.get();
        assertThat(whoAndRecovery(aurora, second)).isEqualTo("localaurora-instance-2 true");
    }

    @Test
    void killSessions_endsOpenSessions_newOnesAreAccepted(LocalAurora aurora) throws Exception {
        Connection w = AuroraClients.connect(aurora, aurora.clusterHost());
        Connection r = AuroraClients.connect(aurora, aurora.readerHost());
        aurora.killSessions();
        for (Connection c : List.of(w, r)) {
            assertThatThrownBy(() -> {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT 1");
                }
            }).isInstanceOf(SQLException.class);
            c.close();
        }
        assertThat(whoAndRecovery(aurora, aurora.clusterHost())).isEqualTo("localaurora-instance-1 false");
    }

    @Test
    void iamRateLimit_failsLoginsAboveTheCeiling_asRdsDoes(LocalAurora aurora) throws Exception {
        aurora.faults().iamLoginsPerSecond(2);
        List<SQLException> failures = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            try (Connection c = AuroraClients.connect(aurora, aurora.clusterHost())) {
                assertThat(c.isValid(5)).isTrue();
            } catch (SQLException e) {
                failures.add(e);
            }
        }
        assertThat(failures).isNotEmpty().allSatisfy(e -> {
            assertThat(e.getSQLState()).isEqualTo("28000");
            assertThat(e.getMessage()).contains("PAM authentication failed for user \"iam_user\"");
        });
        assertThat(aurora.authAttempts()).extracting(AuthAttempt::reason).contains(RejectReason.RATE_LIMITED);
        Thread.sleep(1100);
        try (Connection c = AuroraClients.connect(aurora, aurora.clusterHost())) {
            assertThat(c.isValid(5)).isTrue();
        }
    }

    @Test
    void theReaderEndpointsCertificate_isNotTheWritersOwn(LocalAurora aurora) {
        // dial the writer's port but expect the reader endpoint's name: verify-full refuses
        java.util.Properties p = AuroraClients.props(aurora, aurora.readerHost(),
                AuroraClients.token(aurora, aurora.readerHost()));
        p.setProperty("socketFactoryArg", aurora.route(aurora.instanceHosts().get(0)).toString());
        assertThatThrownBy(() -> DriverManager.getConnection(AuroraClients.url(aurora, aurora.readerHost()), p)
                .close()).isInstanceOf(SQLException.class).hasMessageContaining("hostname");
    }

    @Test
    void badInput_isNamed(LocalAurora aurora) {
        assertThatThrownBy(() -> LocalAurora.builder().instanceCount(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("instances");
        assertThatThrownBy(() -> LocalAurora.builder().instances())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one instance");
        assertThatThrownBy(() -> LocalAurora.builder().instances("db-1", "db-1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate instance name 'db-1'");
        assertThatThrownBy(() -> LocalAurora.builder().instances("Db_1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'Db_1'");
        assertThatThrownBy(() -> aurora.restart("nope.c0ffee000000.us-east-1.rds.amazonaws.com"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown instance 'nope.c0ffee000000.us-east-1.rds.amazonaws.com'");
        assertThatThrownBy(() -> aurora.route("elsewhere.example.com"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown host 'elsewhere.example.com'");
    }

    @Test
    void standaloneFacts_nameEveryEndpointAndRoute(LocalAurora aurora) {
        java.util.Map<String, String> facts = Main.facts(aurora);
        assertThat(facts).containsEntry("RDSIAM_HOST", aurora.clusterHost())
                .containsEntry("RDSIAM_PORT", "5432")
                .containsEntry("RDSIAM_CONNECT_PORT", String.valueOf(aurora.route(aurora.clusterHost()).port()))
                .containsEntry("RDSIAM_CLUSTER_HOST", aurora.clusterHost())
                .containsEntry("RDSIAM_READER_HOST", aurora.readerHost())
                .containsEntry("RDSIAM_INSTANCE_HOSTS", String.join(",", aurora.instanceHosts()))
                .containsKeys("RDSIAM_TRUST_PEM", "RDSIAM_STS_ENDPOINT", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
        assertThat(facts.get("RDSIAM_ROUTES")).isEqualTo(
                aurora.clusterHost() + "=" + aurora.route(aurora.clusterHost()) + ","
                        + aurora.readerHost() + "=" + aurora.route(aurora.readerHost()) + ","
                        + aurora.instanceHosts().get(0) + "=" + aurora.route(aurora.instanceHosts().get(0)) + ","
                        + aurora.instanceHosts().get(1) + "=" + aurora.route(aurora.instanceHosts().get(1)));
    }

    @Test
    void standaloneCommands_answerOneLineEach_andABadOneKeepsTheKitRunning(LocalAurora aurora) throws Exception {
        String first = aurora.instanceHosts().get(0);
        String second = aurora.instanceHosts().get(1);
        assertThat(Main.command(aurora, "status")).isEqualTo("ok status " + first + "=writer," + second + "=reader");
        assertThat(Main.command(aurora, "frobnicate")).isEqualTo("error unknown command 'frobnicate': commands are "
                + "failover, restart INSTANCE_HOST, kill-sessions, status, reset");
        assertThat(Main.command(aurora, "restart nope.example.com"))
                .startsWith("error restart: unknown instance 'nope.example.com'");
        assertThat(Main.command(aurora, "restart")).isEqualTo("error restart: restart takes 1 argument(s)");
        assertThat(Main.command(aurora, "kill-sessions")).isEqualTo("ok kill-sessions");
        assertThat(Main.command(aurora, "restart " + second)).isEqualTo("ok restart " + second);
        assertThat(Main.command(aurora, "failover")).isEqualTo("ok failover writer=" + second);
        assertThat(Main.command(aurora, "status")).isEqualTo("ok status " + second + "=writer," + first + "=down");
        assertThat(Main.command(aurora, "failover")).startsWith("error failover: failover needs a writer and a "
                + "running reader");
        assertThat(Main.command(aurora, "reset")).isEqualTo("ok reset " + first + "=writer," + second + "=reader");
        assertThat(whoAndRecovery(aurora, aurora.clusterHost())).isEqualTo("localaurora-instance-1 false");
    }

    @Test
    void everyInstanceSeesAnEncryptedSession(LocalAurora aurora) throws Exception {
        for (String host : aurora.routes().keySet()) {
            try (Connection c = AuroraClients.connect(aurora, host); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("select ssl from pg_stat_ssl where pid = pg_backend_pid()")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean(1)).as(host).isTrue();
            }
        }
    }

    @Test
    void psql_reachesTheWriterAndTheReader_withVerifyFull(LocalAurora aurora) throws Exception {
        java.nio.file.Path psql = PsqlTest.psql();
        for (String host : List.of(aurora.clusterHost(), aurora.readerHost())) {
            Route route = aurora.route(host);
            String conninfo = "host=" + host + " hostaddr=" + route.host() + " port=" + route.port() + " dbname="
                    + aurora.database() + " user=" + aurora.dbUser() + " sslmode=verify-full sslrootcert="
                    + aurora.caPemFile() + " connect_timeout=10";
            ProcessBuilder pb = new ProcessBuilder(psql.toString(), conninfo, "-X", "-A", "-t", "-c",
                    "select pg_catalog.aurora_db_instance_identifier() || ' ' || pg_catalog.pg_is_in_recovery()");
            pb.environment().put("PGPASSWORD", AuroraClients.token(aurora, host));
            pb.redirectErrorStream(true);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(out.trim()).isEqualTo(host.equals(aurora.clusterHost()) ? "localaurora-instance-1 false"
                    : "localaurora-instance-2 true");
        }
    }

    private static String whoAndRecovery(LocalAurora aurora, String host) throws SQLException {
        try (Connection c = AuroraClients.connect(aurora, host); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_catalog.aurora_db_instance_identifier(), "
                     + "pg_catalog.pg_is_in_recovery()")) {
            rs.next();
            return rs.getString(1) + " " + rs.getBoolean(2);
        }
    }

    private static List<String> topology(Connection c) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(TOPOLOGY_QUERY)) {
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + (rs.getBoolean(2) ? "writer" : "reader"));
                assertThat(rs.getTimestamp(5)).isNotNull();
            }
        }
        return rows;
    }
}
