package dev.rdsiam.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

@Tag("postgresql")
class PostgresFaultsTest {

    @RegisterExtension
    static final LocalRdsExtension RDS = LocalRdsExtension.postgres();

    @Test
    void rejectAllTokens_failsValidTokenWithPamError(LocalRds rds) {
        rds.faults().rejectAllTokens(true);
        assertThatThrownBy(() -> PgClients.connect(rds, SdkTokens.token(rds)))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("28000");
                    assertThat(e.getMessage()).contains("PAM authentication failed for user \"iam_user\"");
                });
        assertThat(rds.awaitLastAuthAttempt(Duration.ofSeconds(5)).reason()).isEqualTo(RejectReason.FAULT_INJECTED);
    }

    @Test
    void proxyWithoutCredentials_failsWithRdsProxyText(LocalRds rds) {
        rds.faults().proxyNoCredentials(true);
        assertThatThrownBy(() -> PgClients.connect(rds, SdkTokens.token(rds)))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("28000");
                    assertThat(e.getMessage()).contains("This RDS proxy has no credentials for the role iam_user. "
                            + "Check the credentials for this role and try again.");
                });
        assertThat(rds.awaitLastAuthAttempt(Duration.ofSeconds(5)).reason()).isEqualTo(RejectReason.PROXY_NO_CREDENTIALS);
    }

    @Test
    void slowAuthentication_delaysTheLogin(LocalRds rds) throws Exception {
        rds.faults().authDelay(Duration.ofMillis(1500));
        long start = System.nanoTime();
        try (Connection c = PgClients.connect(rds, SdkTokens.token(rds))) {
            assertThat(c.isValid(5)).isTrue();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void serverClockAhead_rejectsFreshTokenAsExpired(LocalRds rds) {
        rds.faults().clockSkew(Duration.ofMinutes(20));
        assertThatThrownBy(() -> PgClients.connect(rds, SdkTokens.token(rds))).isInstanceOf(SQLException.class);
        assertThat(rds.awaitLastAuthAttempt(Duration.ofSeconds(5)).reason()).isEqualTo(RejectReason.EXPIRED);
    }

    @Test
    void serverClockBehind_rejectsFreshTokenAsNotYetValid(LocalRds rds) {
        rds.faults().clockSkew(Duration.ofMinutes(-10));
        assertThatThrownBy(() -> PgClients.connect(rds, SdkTokens.token(rds))).isInstanceOf(SQLException.class);
        assertThat(rds.awaitLastAuthAttempt(Duration.ofSeconds(5)).reason()).isEqualTo(RejectReason.NOT_YET_VALID);
    }

    @Test
    void certificateForAnotherHost_isRefusedByVerifyFull_beforeThePasswordIsSent(LocalRds rds) {
        rds.faults().certificate(ServerCertificate.WRONG_HOST);
        assertThatThrownBy(() -> PgClients.connect(rds, SdkTokens.token(rds)))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("hostname");
        assertThat(rds.awaitLastAuthAttempt(Duration.ofSeconds(5)).passwordReceived()).isFalse();
        assertThat(rds.awaitLastAuthAttempt(Duration.ofSeconds(5)).accepted()).isFalse();
    }

    @Test
    void certificateFromUntrustedCa_failsTheHandshake_beforeThePasswordIsSent(LocalRds rds) {
        rds.faults().certificate(ServerCertificate.UNTRUSTED_CA);
        assertThatThrownBy(() -> PgClients.connect(rds, SdkTokens.token(rds))).isInstanceOf(SQLException.class);
        assertThat(rds.awaitLastAuthAttempt(Duration.ofSeconds(5)).reason()).isEqualTo(RejectReason.TLS_FAILED);
        assertThat(rds.awaitLastAuthAttempt(Duration.ofSeconds(5)).passwordReceived()).isFalse();
    }

    @Test
    void expiredCertificate_failsTheHandshake(LocalRds rds) {
        rds.faults().certificate(ServerCertificate.EXPIRED);
        assertThatThrownBy(() -> PgClients.connect(rds, SdkTokens.token(rds))).isInstanceOf(SQLException.class);
        assertThat(rds.awaitLastAuthAttempt(Duration.ofSeconds(5)).reason()).isEqualTo(RejectReason.TLS_FAILED);
    }

    @Test
    void serverWithoutTls_isRefusedByVerifyFull_withoutSendingThePassword(LocalRds rds) {
        rds.faults().noTls(true);
        assertThatThrownBy(() -> PgClients.connect(rds, SdkTokens.token(rds)))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("does not support SSL");
        AuthAttempt attempt = rds.awaitLastAuthAttempt(Duration.ofSeconds(5));
        assertThat(attempt.tls()).isFalse();
        assertThat(attempt.passwordReceived()).isFalse();
    }

    @Test
    void serverWithoutTls_letsAPlaintextClientIn_andRecordsTheLeak(LocalRds rds) throws Exception {
        rds.faults().noTls(true);
        Properties p = PgClients.props(rds, rds.route(), SdkTokens.token(rds));
        p.setProperty("sslmode", "disable");
        try (Connection c = DriverManager.getConnection(PgClients.url(rds), p)) {
            assertThat(c.isValid(5)).isTrue();
        }
        AuthAttempt attempt = rds.awaitLastAuthAttempt(Duration.ofSeconds(5));
        assertThat(attempt.accepted()).isTrue();
        assertThat(attempt.tls()).isFalse();
        assertThat(attempt.passwordReceived()).isTrue();
    }

    @Test
    void droppingRoute_timesOutWithinTheConnectTimeout(LocalRds rds) {
        Properties p = PgClients.props(rds, rds.droppingRoute(), SdkTokens.token(rds));
        p.setProperty("connectTimeout", "2");
        long start = System.nanoTime();
        ThrowingCallable connect = () -> DriverManager.getConnection(PgClients.url(rds), p).close();
        assertThatThrownBy(connect).isInstanceOf(SQLException.class).hasRootCauseInstanceOf(SocketTimeoutException.class);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).isBetween(Duration.ofMillis(1900), Duration.ofSeconds(6));
        assertThat(rds.authAttempts()).isEmpty();
    }

    @Test
    void refusedRoute_failsFast(LocalRds rds) {
        Properties p = PgClients.props(rds, rds.refusedRoute(), SdkTokens.token(rds));
        long start = System.nanoTime();
        assertThatThrownBy(() -> DriverManager.getConnection(PgClients.url(rds), p).close())
                .isInstanceOf(SQLException.class).hasRootCauseInstanceOf(ConnectException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void expiredSessionCredentials_areRejected_whileTheTokenIsStillFresh(LocalRds rds) throws Exception {
        rds.forceSessionDuration(Duration.ofSeconds(2));
        AwsSessionCredentials session = SdkTokens.assumeDefaultRole(rds);
        String token = SdkTokens.token(rds.identityHost(), rds.identityPort(), rds.dbUser(), rds.region(), session);
        Thread.sleep(2200);
        assertThatThrownBy(() -> PgClients.connect(rds, token)).isInstanceOf(SQLException.class);
        assertThat(rds.awaitLastAuthAttempt(Duration.ofSeconds(5)).reason()).isEqualTo(RejectReason.SESSION_EXPIRED);
    }

    @Test
    void restart_cutsSessions_refusesForAWhile_thenAccepts(LocalRds rds) throws Exception {
        Connection before = PgClients.connect(rds, SdkTokens.token(rds));
        java.util.concurrent.CompletableFuture<Void> restart = java.util.concurrent.CompletableFuture.runAsync(
                () -> rds.restart(Duration.ofMillis(1500)));
        Thread.sleep(300);
        assertThatThrownBy(() -> before.createStatement().execute("SELECT 1"))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).startsWith("08"));
        before.close();
        assertThatThrownBy(() -> PgClients.connect(rds, SdkTokens.token(rds)).close())
                .isInstanceOf(SQLException.class).hasRootCauseInstanceOf(ConnectException.class);
        restart.get();
        try (Connection c = PgClients.connect(rds, SdkTokens.token(rds))) {
            assertThat(c.isValid(5)).isTrue();
        }
    }

    @Test
    void killSessions_endsOpenSessions_newOnesAreAccepted(LocalRds rds) throws Exception {
        Connection open = PgClients.connect(rds, SdkTokens.token(rds));
        assertThat(rds.openSessions()).isPositive();
        rds.killSessions();
        assertThatThrownBy(() -> open.createStatement().execute("SELECT 1")).isInstanceOf(SQLException.class);
        open.close();
        try (Connection c = PgClients.connect(rds, SdkTokens.token(rds))) {
            assertThat(c.isValid(5)).isTrue();
        }
    }

    @Test
    void iamRateLimit_failsLoginsAboveTheCeiling_withThePamError(LocalRds rds) throws Exception {
        rds.faults().iamLoginsPerSecond(1);
        String token = SdkTokens.token(rds);
        try (Connection c = PgClients.connect(rds, token)) {
            assertThat(c.isValid(5)).isTrue();
        }
        assertThatThrownBy(() -> PgClients.connect(rds, token).close())
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("28000");
                    assertThat(e.getMessage()).contains("PAM authentication failed for user \"iam_user\"");
                });
        assertThat(rds.lastAuthAttempt().reason()).isEqualTo(RejectReason.RATE_LIMITED);
        Thread.sleep(1100);
        try (Connection c = PgClients.connect(rds, token)) {
            assertThat(c.isValid(5)).isTrue();
        }
    }

    @Test
    void endedSessions_closedKilledOrCutByARestart_leaveNoneOpenAtTheGateway(LocalRds rds) throws Exception {
        GatewaySessions.endedSessionsLeaveNoneOpen(rds, PgClients::connect);
    }
}
