package dev.rdsiam.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rdsiam.Engine;
import dev.rdsiam.RdsIam;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.testing.MutableClock;
import dev.rdsiam.testing.ScriptedBinding;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The DataSource's token use and retry rules, over a scripted binding (real logins: engine modules). */
class RdsIamDataSourceTest {

    private static final String HOST = "shop.c0ffee000000.us-east-1.rds.amazonaws.com";
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

    @BeforeEach
    void reset() {
        ScriptedBinding.reset();
    }

    private RdsIamConfig config() {
        return RdsIamConfig.builder().engine(Engine.MYSQL).host(HOST).user("app").accessKeyId("AKIAIOSFODNN7EXAMPLE")
                .secretAccessKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").clock(clock).build();
    }

    @Test
    void connections_shareOneToken_withinReuseWindow_andGetANewOneAfter() throws SQLException {
        try (RdsIamDataSource ds = RdsIam.dataSource(config())) {
            ds.getConnection();
            ds.getConnection();
            clock.advance(Duration.ofMinutes(10));
            ds.getConnection();

            assertThat(ScriptedBinding.PRESENTED).hasSize(3);
            assertThat(ScriptedBinding.PRESENTED.get(1)).isSameAs(ScriptedBinding.PRESENTED.get(0));
            assertThat(ScriptedBinding.PRESENTED.get(2)).isNotSameAs(ScriptedBinding.PRESENTED.get(0));
            assertThat(ds.status().tokensMinted()).isEqualTo(2);
        }
    }

    @Test
    void rejectedCachedToken_isReplaced_andLoginRetriedOnce() throws SQLException {
        try (RdsIamDataSource ds = RdsIam.dataSource(config())) {
            ds.getConnection();
            clock.advance(Duration.ofSeconds(5));
            ScriptedBinding.SCRIPT.add(ScriptedBinding.REJECT);

            Connection c = ds.getConnection();

            assertThat(c).isNotNull();
            assertThat(ScriptedBinding.PRESENTED).hasSize(3);
            assertThat(ScriptedBinding.PRESENTED.get(1)).isSameAs(ScriptedBinding.PRESENTED.get(0));
            assertThat(ScriptedBinding.PRESENTED.get(2)).isNotSameAs(ScriptedBinding.PRESENTED.get(0));
            assertThat(ds.status().tokensMinted()).isEqualTo(2);
        }
    }

    @Test
    void rejectedFreshToken_isNotRetried_andTheErrorIsDiagnosed() {
        try (RdsIamDataSource ds = RdsIam.dataSource(config())) {
            ScriptedBinding.SCRIPT.add(ScriptedBinding.REJECT);

            assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class)
                    .hasMessageContaining("Access denied for user 'app'")
                    .hasMessageContaining("check the IAM policy for app@" + HOST + ":3306")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28000"));
            assertThat(ScriptedBinding.PRESENTED).hasSize(1);
        }
    }

    @Test
    void retryThatFailsAgain_reportsTheSecondFailure_withTheFirstSuppressed() throws SQLException {
        try (RdsIamDataSource ds = RdsIam.dataSource(config())) {
            ds.getConnection();
            ScriptedBinding.SCRIPT.add(ScriptedBinding.REJECT);
            ScriptedBinding.SCRIPT.add(ScriptedBinding.REJECT);

            assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
            assertThat(ScriptedBinding.PRESENTED).hasSize(3);
        }
    }

    @Test
    void loginsRefusedWithFreshTokens_backOffWithJitter_andASuccessClearsIt() throws SQLException {
        try (RdsIamDataSource ds = RdsIam.dataSource(config())) {
            int refusals = 6;
            for (int i = 0; i < refusals; i++) {
                ScriptedBinding.SCRIPT.add(ScriptedBinding.REJECT);
            }
            long[] at = new long[refusals + 1];
            for (int i = 0; i < refusals; i++) {
                at[i] = System.nanoTime();
                assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class);
            }
            at[refusals] = System.nanoTime();
            assertThat(ds.getConnection()).isNotNull();
            // one login per attempt (no immediate retry once fresh tokens were refused), spaced out more and more:
            // 25-50, 50-100, 100-200, 200-400, 400-800 ms after failures 1..5
            assertThat(ScriptedBinding.PRESENTED).hasSize(refusals + 1);
            long spacedMs = (at[refusals] - at[1]) / 1_000_000;
            assertThat(spacedMs).as("waited between refused logins").isGreaterThanOrEqualTo(25 + 50 + 100 + 200 + 400);
            long clearedAt = System.nanoTime();
            assertThat(ds.getConnection()).isNotNull();
            assertThat((System.nanoTime() - clearedAt) / 1_000_000).as("no wait after a success").isLessThan(200);
        }
    }

    @Test
    void aBurstOfRefusedLogins_namesThrottlingAsAPossibleCause() {
        try (RdsIamDataSource ds = RdsIam.dataSource(config())) {
            ds.setLoginTimeout(1); // the wait between logins stays under half of it
            SQLException last = null;
            for (int i = 0; i < LoginBackoff.BURST; i++) {
                ScriptedBinding.SCRIPT.add(ScriptedBinding.REJECT);
                try {
                    ds.getConnection();
                } catch (SQLException e) {
                    last = e;
                }
            }
            assertThat((Throwable) last).isNotNull();
            assertThat(last.getMessage()).contains("RDS may be throttling new IAM logins")
                    .contains("were all refused within 2 s");
            assertThat(last.getSQLState()).isEqualTo("28000");
        }
    }

    @Test
    void aCachedTokenRefusedRightAfterFreshOnesWere_isNotRetried() throws SQLException {
        try (RdsIamDataSource ds = RdsIam.dataSource(config())) {
            ds.getConnection();                          // a token is cached
            ScriptedBinding.SCRIPT.add(ScriptedBinding.REJECT);
            ScriptedBinding.SCRIPT.add(ScriptedBinding.REJECT);
            assertThatThrownBy(ds::getConnection);      // cached refused, fresh refused: 2 logins
            ScriptedBinding.SCRIPT.add(ScriptedBinding.REJECT);
            assertThatThrownBy(ds::getConnection);      // the (fresh, now cached) token refused: 1 login, no retry
            assertThat(ScriptedBinding.PRESENTED).hasSize(4);
        }
    }

    @Test
    void networkFailure_isNotRetried() {
        try (RdsIamDataSource ds = RdsIam.dataSource(config())) {
            ScriptedBinding.SCRIPT.add(ScriptedBinding.NETWORK);
            assertThatThrownBy(ds::getConnection).hasMessageContaining("Communications link failure");
            assertThat(ScriptedBinding.PRESENTED).hasSize(1);
        }
    }

    @Test
    void otherUser_getsItsOwnToken_andPasswordsAreRefused() throws SQLException {
        try (RdsIamDataSource ds = RdsIam.dataSource(config())) {
            ds.getConnection("reporting", null);
            assertThat(ScriptedBinding.PRESENTED.get(0).user()).isEqualTo("reporting");
            assertThatThrownBy(() -> ds.getConnection("app", "secret"))
                    .hasMessageContaining("the IAM token is the password").hasMessageNotContaining("secret'");
        }
    }

    @Test
    void closedDataSource_refusesConnections() {
        RdsIamDataSource ds = RdsIam.dataSource(config());
        ds.close();
        ds.close();
        assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class).hasMessageContaining("is closed");
        assertThat(ds.isClosed()).isTrue();
    }

    @Test
    void missingBinding_namesTheArtifactToAdd() {
        RdsIamConfig pg = RdsIamConfig.builder().engine(Engine.POSTGRESQL).host(HOST).user("app").build();
        assertThatThrownBy(() -> RdsIam.dataSource(pg)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("add the dependency dev.rdsiam:rdsiam-postgresql");
    }

    @Test
    void bindingRefusals_happenWhenTheDataSourceIsCreated_notAtBuild() {
        RdsIamConfig weak = RdsIamConfig.builder().engine(Engine.MYSQL).host(HOST).user("app")
                .driverProperty("sslMode", "DISABLED").build(); // valid whatever the class path holds
        assertThatThrownBy(() -> RdsIam.dataSource(weak)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sslMode=DISABLED is refused");
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:rdsiam:mysql://" + HOST
                + "/shop?user=app&sslMode=DISABLED")).isInstanceOf(SQLException.class)
                .hasMessageContaining("sslMode=DISABLED is refused");
    }

    @Test
    void driver_servesJdbcRdsiamUrls_withOneTokenCachePerConfiguration() throws SQLException {
        String url = "jdbc:rdsiam:mysql://" + HOST + ":3306/shop?rdsiam.accessKeyId=AKIAIOSFODNN7EXAMPLE"
                + "&rdsiam.secretAccessKey=wJalrXUtnFEMI%2FK7MDENG%2FbPxRfiCYEXAMPLEKEY";
        Properties info = new Properties();
        info.setProperty("user", "app");

        DriverManager.getConnection(url, info);
        DriverManager.getConnection(url, info);

        assertThat(ScriptedBinding.PRESENTED).hasSize(2);
        assertThat(ScriptedBinding.PRESENTED.get(1)).isSameAs(ScriptedBinding.PRESENTED.get(0));
        assertThat(RdsIamDriver.dataSourceFor(url, info).status().tokensMinted()).isEqualTo(1);
    }

    @Test
    void driver_reportsBadConfigurationAsSqlException() {
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:rdsiam:mysql://" + HOST + "/shop?rdsiam.port=x"))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("rdsiam.port 'x' is not a number");
    }

    @Test
    void driver_ignoresOtherUrls() throws SQLException {
        assertThat(new RdsIamDriver().connect("jdbc:postgresql://h/db", new Properties())).isNull();
        assertThat(new RdsIamDriver().acceptsURL("jdbc:rdsiam:postgresql://h/db")).isTrue();
    }
}
