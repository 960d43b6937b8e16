package dev.rdsiam.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.rdsiam.Engine;
import dev.rdsiam.RdsIam;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.jdbc.RdsIamDataSource;
import dev.rdsiam.testkit.AuthAttempt;
import dev.rdsiam.testkit.LocalRds;
import dev.rdsiam.testkit.RejectReason;
import dev.rdsiam.testkit.StsOutage;
import dev.rdsiam.testkit.contract.BindingKit;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The failure modes of the README's table that need more than one connection to show: STS unavailable, an instance
 * restart under a pool, and RDS throttling new IAM logins. Through pgjdbc against LocalRds.
 */
class PgFailureModesTest {

    private final BindingKit kit = BindingKit.of(Engine.POSTGRESQL);
    private final LocalRds rds = kit.rds();

    @BeforeEach
    @AfterEach
    void clean() {
        kit.reset();
    }

    private static int selectOne(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("select 1")) {
            r.next();
            return r.getInt(1);
        }
    }

    private RdsIamConfig.Builder viaRole() {
        return kit.config().roleArn(rds.defaultRoleArn()).stsEndpoint(rds.stsEndpoint()).stsRegion(rds.region())
                .connectTimeout(Duration.ofSeconds(1));
    }

    @Test
    void stsUnavailable_theCachedTokenKeepsServing_thenTheErrorNamesStsAndTheRole() throws SQLException {
        try (RdsIamDataSource warm = RdsIam.dataSource(viaRole().build())) {
            try (Connection c = warm.getConnection()) {
                assertThat(selectOne(c)).isEqualTo(1);
            }
            rds.faults().stsOutage(StsOutage.REFUSING);
            try (Connection c = warm.getConnection()) { // the cached token needs no STS
                assertThat(selectOne(c)).isEqualTo(1);
            }
            assertThat(warm.status().tokensMinted()).isEqualTo(1);

            for (StsOutage outage : List.of(StsOutage.REFUSING, StsOutage.HANGING)) {
                rds.faults().stsOutage(outage);
                long start = System.nanoTime();
                try (RdsIamDataSource cold = RdsIam.dataSource(viaRole().build())) {
                    SQLException e = org.assertj.core.api.Assertions.catchThrowableOfType(SQLException.class,
                            cold::getConnection);
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    assertThat((Throwable) e).as(outage.name()).isNotNull();
                    assertThat(e.getMessage()).contains("STS at " + rds.stsEndpoint())
                            .contains("AssumeRole of " + rds.defaultRoleArn())
                            .contains("tokens already minted keep serving");
                    assertThat(ms).as("%s: bounded by the connect timeout and the SDK's retries", outage)
                            .isLessThan(20_000);
                    assertThat(cold.status().lastAttempt().orElseThrow().outcome())
                            .isEqualTo("credentials_unavailable");
                }
            }
        }
    }

    @Test
    void instanceRestart_underAPool_recoversWithoutARefusedLogin() throws Exception {
        try (HikariDataSource pool = RdsIam.pooledDataSource(kit.config().build(), h -> {
            h.setMaximumPoolSize(4);
            h.setConnectionTimeout(15_000);
        })) {
            try (Connection c = pool.getConnection()) {
                assertThat(selectOne(c)).isEqualTo(1);
            }
            rds.clearAuthAttempts();
            rds.restart(Duration.ofSeconds(1));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            int failures = 0;
            boolean recovered = false;
            while (System.nanoTime() < deadline && !recovered) {
                try (Connection c = pool.getConnection()) {
                    recovered = selectOne(c) == 1;
                } catch (SQLException e) {
                    failures++; // a pooled session cut by the restart: the pool evicts it and opens a new one
                }
            }
            assertThat(recovered).as("queries resume after the restart").isTrue();
            assertThat(failures).as("work lost to sessions cut by the restart").isLessThanOrEqualTo(4);
            assertThat(rds.authAttempts()).as("logins after the restart").isNotEmpty()
                    .allMatch(AuthAttempt::accepted);
        }
    }

    @Test
    void throttledIamLogins_areNotHammered_andTheDiagnosisNamesThrottling() throws Exception {
        rds.faults().iamLoginsPerSecond(2);
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<String> throttleHint = new java.util.concurrent.atomic.AtomicReference<>();
        long seconds = 4;
        try (RdsIamDataSource ds = RdsIam.dataSource(kit.config().build())) {
            ds.setLoginTimeout(10);
            ExecutorService threads = Executors.newFixedThreadPool(8);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            for (int t = 0; t < 8; t++) {
                threads.submit(() -> {
                    while (System.nanoTime() < end) {
                        try (Connection c = ds.getConnection()) {
                            if (c.isValid(1)) {
                                ok.incrementAndGet();
                            }
                        } catch (SQLException e) {
                            refused.incrementAndGet();
                            if (e.getMessage().contains("RDS may be throttling new IAM logins")) {
                                throttleHint.set(e.getMessage());
                            }
                        }
                    }
                    return null;
                });
            }
            threads.shutdown();
            assertThat(threads.awaitTermination(seconds + 20, TimeUnit.SECONDS)).isTrue();
        }
        List<AuthAttempt> attempts = rds.authAttempts();
        long rateLimited = attempts.stream().filter(a -> a.reason() == RejectReason.RATE_LIMITED).count();
        double loginsPerSecond = attempts.size() / (double) seconds;
        System.out.printf("throttled at 2 IAM logins/s: 8 threads sent %d logins in %d s (%.1f/s), %d rate-limited, "
                + "%d connections opened, %d refused%n", attempts.size(), seconds, loginsPerSecond, rateLimited,
                ok.get(), refused.get());
        assertThat(rateLimited).as("the kit throttled some logins").isPositive();
        assertThat(ok.get()).as("logins under the ceiling still work").isPositive();
        assertThat(throttleHint.get()).as("a burst of refusals names throttling").isNotNull();
        // without the backoff the 8 threads retry at once: hundreds of logins per second against the ceiling
        assertThat(loginsPerSecond).as("logins per second sent while throttled").isLessThan(40);
    }
}
