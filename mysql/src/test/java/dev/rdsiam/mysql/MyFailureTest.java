package dev.rdsiam.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Refusals and diagnoses through Connector/J: each says what to check; no token reaches a fake or plain server. */
class MyFailureTest {

    private final LocalRds rds = MyKit.rds();

    @BeforeEach
    void clean() {
        MyKit.CLOCK.reset();
        rds.faults().reset();
        rds.faults().flushHosts();
        rds.clearAuthAttempts();
    }

    private SQLException failure(RdsIamConfig config) {
        try (RdsIamDataSource ds = RdsIam.dataSource(config); Connection c = ds.getConnection()) {
            throw new AssertionError("connected, but should not have: " + c);
        } catch (SQLException e) {
            return e;
        }
    }

    private List<AuthAttempt> attempts() {
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (rds.authAttempts().isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return rds.authAttempts();
    }

    @ParameterizedTest
    @EnumSource(value = ServerCertificate.class, names = {"WRONG_HOST", "UNTRUSTED_CA", "EXPIRED"})
    void manInTheMiddle_isRefused_beforeAnyPasswordIsSent(ServerCertificate certificate) {
        rds.faults().certificate(certificate);

        SQLException e = failure(MyKit.config().build());

        assertThat(e.getMessage()).contains(certificate == ServerCertificate.WRONG_HOST ? rds.identityHost()
                : certificate == ServerCertificate.UNTRUSTED_CA ? "not issued by any CA in" : "expired");
        assertThat(attempts()).isNotEmpty().noneMatch(AuthAttempt::passwordReceived);
        assertThat(e.getMessage()).contains("(the IAM token was not sent)");
    }

    @Test
    void missingDatabase_isToldApartFromARejectedToken() {
        SQLException e = failure(MyKit.config().database("nosuchdb").build());

        assertThat(e.getErrorCode()).isIn(1044, 1049);
        assertThat(e.getMessage()).contains("the IAM login itself succeeded (the token was accepted)")
                .contains("'nosuchdb' does not exist or user '" + rds.dbUser() + "' may not use it")
                .doesNotContain("rejected the IAM auth token");
        assertThat(rds.lastAuthAttempt().accepted()).isTrue();
    }

    @Test
    void serverWithoutTls_neverReceivesTheToken() {
        rds.faults().noTls(true);

        SQLException e = failure(MyKit.config().build());

        assertThat(e.getMessage()).contains("the token was not sent");
        assertThat(attempts()).isNotEmpty().noneMatch(AuthAttempt::passwordReceived);
    }

    @ParameterizedTest
    @ValueSource(strings = {"DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA", "verify_ca"})
    void weakSslMode_isRefusedWhenTheDataSourceIsCreated(String mode) {
        assertThatThrownBy(() -> RdsIam.dataSource(MyKit.config().driverProperty("sslMode", mode).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sslMode=" + mode + " is refused")
                .hasMessageContaining("VERIFY_IDENTITY");
    }

    @ParameterizedTest
    @CsvSource({
        "useSSL, false, useSSL=false is refused",
        "requireSSL, false, requireSSL=false is refused",
        "verifyServerCertificate, false, verifyServerCertificate=false is refused",
        "socketFactory, com.mysql.cj.protocol.StandardSocketFactory, socketFactory is refused",
        "trustCertificateKeyStoreUrl, file:/tmp/t.p12, trustCertificateKeyStoreUrl is refused",
        "clientCertificateKeyStoreUrl, file:/tmp/c.p12, clientCertificateKeyStoreUrl is refused",
        "defaultAuthenticationPlugin, caching_sha2_password, defaultAuthenticationPlugin=caching_sha2_password is refused",
        "disabledAuthenticationPlugins, mysql_clear_password, disabledAuthenticationPlugins=mysql_clear_password is refused",
    })
    void driverPropertiesThatWeakenTlsOrTheLogin_areRefusedWhenTheDataSourceIsCreated(String key, String value, String message) {
        assertThatThrownBy(() -> RdsIam.dataSource(MyKit.config().driverProperty(key, value).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void rejectedToken_isDiagnosed_withAwsAuthenticationPluginPolicyClockAndHost() {
        rds.faults().rejectAllTokens(true);

        SQLException e = failure(MyKit.config().build());

        assertThat(e.getErrorCode()).isEqualTo(1045);
        assertThat(e.getMessage()).contains("Access denied for user '" + rds.dbUser() + "'")
                .contains("IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'")
                .contains("rds-db:connect")
                .contains("clock")
                .contains(rds.identityHost() + ":" + rds.identityPort());
        assertThat(rds.authAttempts()).hasSize(1);
    }

    @Test
    void hostBlocked_afterTooManyFailedHandshakes_isDiagnosed_andFlushHostsUnblocks() throws Exception {
        rds.faults().maxConnectErrors(2);
        for (int i = 0; i < 2; i++) { // what an NLB TCP health check does: open, then close without a login
            try (java.net.Socket probe = new java.net.Socket(rds.route().host(), rds.route().port())) {
                probe.getInputStream().read(new byte[64]);
            }
            Thread.sleep(100);
        }

        SQLException e = failure(MyKit.config().build());

        assertThat(e.getErrorCode()).isEqualTo(1129);
        assertThat(e.getMessage()).contains("is blocked because of many connection errors")
                .contains("max_connect_errors").contains("FLUSH HOSTS").contains("health check");
        rds.faults().flushHosts();
        try (RdsIamDataSource ds = RdsIam.dataSource(MyKit.config().build()); Connection c = ds.getConnection()) {
            assertThat(c.isValid(2)).isTrue();
        }
    }

    @Test
    void proxyWithoutCredentialsForTheRole_isDiagnosed() {
        rds.faults().proxyNoCredentials(true);

        SQLException e = failure(MyKit.config().host(rds.proxyHost()).build());

        assertThat(e.getMessage()).contains("no credentials for the role").contains("Secrets Manager secret");
        assertThat(rds.authAttempts()).hasSize(1);
    }

    @Test
    void droppedPackets_timeOutWithinTheConnectTimeout_insteadOfHanging() {
        Route dropping = rds.droppingRoute();
        long start = System.nanoTime();

        SQLException e = failure(MyKit.config().connectHost(dropping.host()).connectPort(dropping.port())
                .connectTimeout(Duration.ofSeconds(1)).build());

        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(e.getMessage()).contains("timed out").contains("security group");
        assertThat(ms).isLessThan(5_000);
    }

    @Test
    void nothingListening_isReportedAsRefused() {
        Route refused = rds.refusedRoute();

        SQLException e = failure(MyKit.config().connectHost(refused.host()).connectPort(refused.port()).build());

        assertThat(e.getMessage()).contains("nothing is listening");
    }

    @Test
    void slowAuthentication_isBoundedByTheConnectTimeout() {
        rds.faults().authDelay(Duration.ofSeconds(4));
        long start = System.nanoTime();

        SQLException e = failure(MyKit.config().connectTimeout(Duration.ofSeconds(1)).build());

        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(ms).isLessThan(3_500);
        assertThat(e.getSQLState()).startsWith("08");
        // the gateway finishes the delayed login after the client gave up: wait, so that no later test sees it
        rds.awaitAuthAttempts(1, Duration.ofSeconds(8));
    }

    @Test
    void proxyName_withRdsBundleTrust_isRefused() {
        SQLException e = failure(MyKit.config().host(rds.proxyHost()).trust(Trust.RDS_BUNDLE).trustPem(null).build());
        assertThat(e.getMessage()).contains("not issued by any CA in Amazon RDS CA bundle");
        assertThat(attempts()).noneMatch(AuthAttempt::passwordReceived);
    }

    @Test
    void serverClockSkew_isRejectedAndDiagnosed() {
        rds.faults().clockSkew(Duration.ofMinutes(20));
        SQLException e = failure(MyKit.config().build());
        assertThat(e.getMessage()).contains("this machine's clock is right");
        assertThat(rds.lastAuthAttempt().reason()).isEqualTo(RejectReason.EXPIRED);
    }
}
