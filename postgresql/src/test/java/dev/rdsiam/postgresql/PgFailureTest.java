package dev.rdsiam.postgresql;

import static dev.rdsiam.testkit.contract.BindingKit.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rdsiam.Engine;
import dev.rdsiam.RdsIam;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.jdbc.RdsIamDataSource;
import dev.rdsiam.testkit.LocalRds;
import dev.rdsiam.testkit.contract.BindingKit;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What only the pgjdbc binding does: the sslmode and driver properties it refuses, pgjdbc's SSLRequest wait and
 * login thread, a user's {@code loginTimeout}. What every binding does is in {@link PgContractTest}.
 */
class PgFailureTest {

    private final BindingKit kit = BindingKit.of(Engine.POSTGRESQL);
    private final LocalRds rds = kit.rds();

    @BeforeEach
    void clean() {
        kit.reset();
    }

    @Test
    void sslResponse_isBoundedByTheConnectTimeout_notByPgjdbcsFiveSecondDefault() throws Exception {
        // a server that takes 6 s to answer the SSLRequest (well within a 9 s connect timeout)
        try (DelayingRelay relay = new DelayingRelay(rds.route().host(), rds.route().port(), Duration.ofSeconds(6))) {
            RdsIamConfig config = kit.config().connectHost("127.0.0.1").connectPort(relay.port())
                    .connectTimeout(Duration.ofSeconds(9)).build();
            try (RdsIamDataSource ds = RdsIam.dataSource(config); Connection c = ds.getConnection();
                    Statement s = c.createStatement(); ResultSet r = s.executeQuery("select 1")) {
                assertThat(r.next()).isTrue();
            }
            assertThat(relay.delayedConnections()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"disable", "allow", "prefer", "require", "verify-ca", "VERIFY-CA"})
    void weakSslmode_isRefusedWhenTheDataSourceIsCreated(String mode) {
        assertThatThrownBy(() -> RdsIam.dataSource(kit.config().driverProperty("sslmode", mode).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sslmode=" + mode + " is refused")
                .hasMessageContaining("verify-full");
    }

    @Test
    void preferMode_messageExplainsThePlaintextRetry() {
        assertThatThrownBy(() -> RdsIam.dataSource(kit.config().driverProperty("sslmode", "prefer").build()))
                .hasMessageContaining("retries without TLS after SQLSTATE 28000");
    }

    @ParameterizedTest
    @CsvSource({
        "ssl, false, ssl=false is refused",
        "sslfactory, org.postgresql.ssl.NonValidatingFactory, sslfactory is refused",
        "socketFactory, javax.net.DefaultSocketFactory, socketFactory is refused",
        "sslhostnameverifier, x.AllowAll, sslhostnameverifier is refused",
        "sslrootcert, /tmp/ca.pem, sslrootcert is refused",
        "sslcert, /tmp/client.pem, sslcert is refused",
        "authenticationPluginClassName, x.Plugin, authenticationPluginClassName is refused",
        "gssEncMode, require, gssEncMode=require is refused",
        "classLoaderStrategy, driver, classLoaderStrategy=driver is refused",
        "PGHOST, other.example, PGHOST is refused",
    })
    void driverPropertiesThatTakeOverTlsOrIdentity_areRefusedWhenTheDataSourceIsCreated(String key, String value, String message) {
        assertThatThrownBy(() -> RdsIam.dataSource(kit.config().driverProperty(key, value).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void verifyFull_isAccepted_andOtherDriverPropertiesPassThrough() throws SQLException {
        RdsIamConfig config = kit.config().driverProperty("sslmode", "verify-full")
                .driverProperty("ApplicationName", "pass-through").build();
        try (RdsIamDataSource ds = RdsIam.dataSource(config); Connection c = ds.getConnection()) {
            assertThat(c.getClientInfo("ApplicationName")).isEqualTo("pass-through");
        }
    }

    /** The gateway finishes a delayed login after the client gave up: wait for it, so that no later test sees it. */
    private void awaitDelayedLogin() {
        rds.awaitAuthAttempts(1, Duration.ofSeconds(8));
    }

    @Test
    void slowLogin_runsOnTheCallersThread_withoutPgjdbcsConnectThread() throws Exception {
        rds.faults().authDelay(Duration.ofMillis(1500));
        AtomicBoolean helperSeen = new AtomicBoolean();
        AtomicBoolean done = new AtomicBoolean();
        // a connect thread left by another test (pgjdbc abandons it after its loginTimeout) does not count
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        Thread watcher = new Thread(() -> {
            while (!done.get()) {
                for (Thread t : Thread.getAllStackTraces().keySet()) {
                    if (t.getName().startsWith("PostgreSQL JDBC driver connection thread") && !before.contains(t)) {
                        helperSeen.set(true);
                    }
                }
                LockSupport.parkNanos(20_000_000L);
            }
        }, "connect-thread-watcher");
        watcher.start();
        try (RdsIamDataSource ds = RdsIam.dataSource(kit.config().connectTimeout(Duration.ofSeconds(5)).build());
             Connection c = ds.getConnection()) {
            assertThat(c.isValid(5)).isTrue();
        } finally {
            done.set(true);
            watcher.join();
        }

        assertThat(helperSeen).as("pgjdbc ran the login on a thread of its own").isFalse();
    }

    @Test
    void aUsersLoginTimeout_isPgjdbcsToEnforce() {
        rds.faults().authDelay(Duration.ofSeconds(4));
        long start = System.nanoTime();

        SQLException e = failure(kit.config().connectTimeout(Duration.ofSeconds(5))
                .driverProperty("loginTimeout", "1").build());

        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(ms).isLessThan(3_500);
        assertThat(e.getSQLState()).startsWith("08");
        awaitDelayedLogin(); // pgjdbc's abandoned connect thread still logs in after its loginTimeout
    }
}
