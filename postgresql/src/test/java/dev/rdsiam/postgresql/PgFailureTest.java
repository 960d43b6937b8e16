package dev.rdsiam.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rdsiam.Engine;
import dev.rdsiam.RdsIam;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.Trust;
import dev.rdsiam.jdbc.RdsIamDataSource;
import dev.rdsiam.testkit.AuthAttempt;
import dev.rdsiam.testkit.LocalRds;
import dev.rdsiam.testkit.RejectReason;
import dev.rdsiam.testkit.Route;
import dev.rdsiam.testkit.ServerCertificate;
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
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Refusals and diagnoses: every failure says what is wrong and what to check; no token reaches a fake server. */
class PgFailureTest {

    private final LocalRds rds = PgKit.rds();

    @BeforeEach
    void clean() {
        PgKit.CLOCK.reset();
        rds.faults().reset();
        rds.clearAuthAttempts();
    }

    private SQLException failure(RdsIamConfig config) {
        try (RdsIamDataSource ds = RdsIam.dataSource(config); Connection c = ds.getConnection()) {
            throw new AssertionError("connected, but should not have: " + c);
        } catch (SQLException e) {
            return e;
        }
    }

    @ParameterizedTest
    @EnumSource(value = ServerCertificate.class, names = {"WRONG_HOST", "UNTRUSTED_CA", "EXPIRED"})
    void manInTheMiddle_isRefused_beforeAnyPasswordIsSent(ServerCertificate certificate) {
        rds.faults().certificate(certificate);

        SQLException e = failure(PgKit.config().build());

        assertThat(e.getSQLState()).startsWith("08");
        switch (certificate) {
            case WRONG_HOST:
                assertThat(e.getMessage()).contains(rds.identityHost()).contains("rdsiam.connectHost");
                break;
            case UNTRUSTED_CA:
                assertThat(e.getMessage()).contains("not issued by any CA in").contains("rdsiam.trustPem");
                break;
            default:
                assertThat(e.getMessage()).contains("expired");
                break;
        }
        assertThat(PgKit.attemptsAfterFailure(rds)).isNotEmpty().noneMatch(AuthAttempt::passwordReceived);
        // said once, not "SSL error: X — X", and saying that the token stayed here
        assertThat(occurrences(e.getMessage(), "(the IAM token was not sent)")).isEqualTo(1);
        assertThat(occurrences(e.getMessage(), rds.route().host() + ":" + rds.route().port())).isEqualTo(1);
    }

    private static int occurrences(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void missingDatabase_isToldApartFromARejectedToken() {
        SQLException e = failure(PgKit.config().database("nosuchdb").build());

        assertThat(e.getSQLState()).isEqualTo("3D000");
        assertThat(e.getMessage()).contains("the IAM login itself succeeded (the token was accepted)")
                .contains("'nosuchdb' does not exist or user '" + rds.dbUser() + "' may not use it")
                .doesNotContain("rejected the IAM auth token");
        assertThat(rds.lastAuthAttempt().accepted()).isTrue();
    }

    @Test
    void sslResponse_isBoundedByTheConnectTimeout_notByPgjdbcsFiveSecondDefault() throws Exception {
        // a server that takes 6 s to answer the SSLRequest (well within a 9 s connect timeout)
        try (DelayingRelay relay = new DelayingRelay(rds.route().host(), rds.route().port(), Duration.ofSeconds(6))) {
            RdsIamConfig config = PgKit.config().connectHost("127.0.0.1").connectPort(relay.port())
                    .connectTimeout(Duration.ofSeconds(9)).build();
            try (RdsIamDataSource ds = RdsIam.dataSource(config); Connection c = ds.getConnection();
                    Statement s = c.createStatement(); ResultSet r = s.executeQuery("select 1")) {
                assertThat(r.next()).isTrue();
            }
            assertThat(relay.delayedConnections()).isEqualTo(1);
        }
    }

    @Test
    void serverWithoutTls_isRefused_beforeAnyPasswordIsSent() {
        rds.faults().noTls(true);

        SQLException e = failure(PgKit.config().build());

        assertThat(e.getMessage()).contains("does not offer TLS, so the token was not sent");
        assertThat(PgKit.attemptsAfterFailure(rds)).isNotEmpty().noneMatch(AuthAttempt::passwordReceived);
    }

    @Test
    void proxyName_withRdsBundleTrust_isRefused_beforeAnyPasswordIsSent() {
        SQLException e = failure(PgKit.config().host(rds.proxyHost()).trust(Trust.RDS_BUNDLE).trustPem(null).build());

        assertThat(e.getMessage()).contains("not issued by any CA in Amazon RDS CA bundle");
        assertThat(PgKit.attemptsAfterFailure(rds)).isNotEmpty().noneMatch(AuthAttempt::passwordReceived);
    }

    @ParameterizedTest
    @ValueSource(strings = {"disable", "allow", "prefer", "require", "verify-ca", "VERIFY-CA"})
    void weakSslmode_isRefusedWhenTheDataSourceIsCreated(String mode) {
        assertThatThrownBy(() -> RdsIam.dataSource(PgKit.config().driverProperty("sslmode", mode).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sslmode=" + mode + " is refused")
                .hasMessageContaining("verify-full");
    }

    @Test
    void preferMode_messageExplainsThePlaintextRetry() {
        assertThatThrownBy(() -> RdsIam.dataSource(PgKit.config().driverProperty("sslmode", "prefer").build()))
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
        assertThatThrownBy(() -> RdsIam.dataSource(PgKit.config().driverProperty(key, value).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void verifyFull_isAccepted_andOtherDriverPropertiesPassThrough() throws SQLException {
        RdsIamConfig config = PgKit.config().driverProperty("sslmode", "verify-full")
                .driverProperty("ApplicationName", "pass-through").build();
        try (RdsIamDataSource ds = RdsIam.dataSource(config); Connection c = ds.getConnection()) {
            assertThat(c.getClientInfo("ApplicationName")).isEqualTo("pass-through");
        }
    }

    @Test
    void rejectedToken_isDiagnosed_withGrantPolicyClockAndHost() {
        rds.faults().rejectAllTokens(true);

        SQLException e = failure(PgKit.config().build());

        assertThat(e.getSQLState()).isEqualTo("28000");
        assertThat(e.getMessage()).contains("PAM authentication failed for user \"" + rds.dbUser() + "\"")
                .contains("GRANT rds_iam TO \"" + rds.dbUser() + "\"")
                .contains("rds-db:connect on arn:aws:rds-db:" + rds.region() + ":<ACCOUNT_ID>:dbuser:")
                .contains("clock")
                .contains(rds.identityHost() + ":" + rds.identityPort())
                .doesNotContain("X-Amz-Signature");
        assertThat(rds.authAttempts()).hasSize(1);
        assertThat(rds.lastAuthAttempt().reason()).isEqualTo(RejectReason.FAULT_INJECTED);
    }

    @Test
    void cachedTokenRejected_isRetriedOnceWithAFreshToken() throws SQLException {
        try (RdsIamDataSource ds = RdsIam.dataSource(PgKit.config().tokenReuseWindow(Duration.ofMinutes(14)).build())) {
            ds.getConnection().close();
            PgKit.CLOCK.advance(Duration.ofMinutes(13)); // the cached token is 13 minutes old: still reused
            rds.faults().clockSkew(Duration.ofMinutes(3)); // the gateway's clock runs ahead: it has expired there
            rds.clearAuthAttempts();

            try (Connection c = ds.getConnection()) {
                assertThat(c.isValid(2)).isTrue();
            }

            assertThat(ds.status().tokensMinted()).isEqualTo(2);
            assertThat(rds.authAttempts()).hasSize(2);
            assertThat(rds.authAttempts().get(0).reason()).isEqualTo(RejectReason.EXPIRED);
            assertThat(rds.authAttempts().get(1).accepted()).isTrue();
        }
    }

    @Test
    void serverClockSkew_isDiagnosedAsARejectedToken() {
        rds.faults().clockSkew(Duration.ofMinutes(20));

        SQLException e = failure(PgKit.config().build());

        assertThat(e.getMessage()).contains("this machine's clock is right");
        assertThat(rds.lastAuthAttempt().reason()).isEqualTo(RejectReason.EXPIRED);
    }

    @Test
    void proxyWithoutCredentialsForTheRole_isDiagnosed() {
        rds.faults().proxyNoCredentials(true);

        SQLException e = failure(PgKit.config().host(rds.proxyHost()).build());

        assertThat(e.getMessage()).contains("has no credentials for the role")
                .contains("Secrets Manager secret for this user");
        assertThat(rds.authAttempts()).hasSize(1);
    }

    @Test
    void droppedPackets_timeOutWithinTheConnectTimeout_andSaySecurityGroup() {
        Route dropping = rds.droppingRoute();
        long start = System.nanoTime();

        SQLException e = failure(PgKit.config().connectHost(dropping.host()).connectPort(dropping.port())
                .connectTimeout(Duration.ofSeconds(1)).build());

        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(e.getMessage()).contains("timed out").contains("security group");
        assertThat(ms).as("gave up within the connect timeout (plus slack)").isLessThan(5_000);
    }

    @Test
    void stalledLogin_isBoundedByTheConnectTimeout_andSaysTheServerStoppedAnswering() {
        rds.faults().authDelay(Duration.ofSeconds(4));
        long start = System.nanoTime();

        SQLException e = failure(PgKit.config().connectTimeout(Duration.ofSeconds(1)).build());

        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(ms).as("gave up about one connect timeout after the server stopped answering").isLessThan(3_500);
        assertThat(e.getSQLState()).startsWith("08");
        assertThat(e.getMessage()).contains("stopped answering during login");
        awaitDelayedLogin();
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
        try (RdsIamDataSource ds = RdsIam.dataSource(PgKit.config().connectTimeout(Duration.ofSeconds(5)).build());
             Connection c = ds.getConnection()) {
            assertThat(c.isValid(5)).isTrue();
        } finally {
            done.set(true);
            watcher.join();
        }

        assertThat(helperSeen).as("pgjdbc ran the login on a thread of its own").isFalse();
    }

    @Test
    void queriesAfterLogin_areNotCutByTheLoginBound() throws SQLException {
        try (RdsIamDataSource ds = RdsIam.dataSource(PgKit.config().connectTimeout(Duration.ofSeconds(1)).build());
             Connection c = ds.getConnection();
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("select pg_sleep(2), 42")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(2)).isEqualTo(42);
            assertThat(c.getNetworkTimeout()).as("the driver's own socketTimeout (none) after login").isZero();
        }
    }

    @Test
    void aUsersLoginTimeout_isPgjdbcsToEnforce() {
        rds.faults().authDelay(Duration.ofSeconds(4));
        long start = System.nanoTime();

        SQLException e = failure(PgKit.config().connectTimeout(Duration.ofSeconds(5))
                .driverProperty("loginTimeout", "1").build());

        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(ms).isLessThan(3_500);
        assertThat(e.getSQLState()).startsWith("08");
        awaitDelayedLogin(); // pgjdbc's abandoned connect thread still logs in after its loginTimeout
    }

    @Test
    void nothingListening_isReportedAsRefused() {
        Route refused = rds.refusedRoute();

        SQLException e = failure(PgKit.config().connectHost(refused.host()).connectPort(refused.port()).build());

        assertThat(e.getMessage()).contains("nothing is listening").contains(refused.host() + ":" + refused.port());
    }

    @Test
    void routeAddressAsHost_failsTlsVerification_beforeAnyPasswordIsSent() {
        // naming the tunnel instead of the endpoint: the certificate does not match, so nothing is sent
        RdsIamConfig wrong = RdsIamConfig.builder().engine(Engine.POSTGRESQL).host("127.0.0.1").region(rds.region())
                .port(rds.route().port()).database(rds.database()).user(rds.dbUser()).trust(Trust.PEM)
                .trustPem(rds.caPemFile()).accessKeyId(rds.credentials().accessKeyId())
                .secretAccessKey(rds.credentials().secretAccessKey()).clock(PgKit.CLOCK).build();

        SQLException e = failure(wrong);

        assertThat(e.getMessage()).contains("127.0.0.1");
        assertThat(PgKit.attemptsAfterFailure(rds)).isNotEmpty().noneMatch(AuthAttempt::passwordReceived);
    }
}
