package dev.rdsiam.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@Tag("mysql")
class MySqlFaultsTest {

    @RegisterExtension
    static final LocalRdsExtension RDS = LocalRdsExtension.mysql();

    @Test
    void rejectAllTokens_failsValidTokenWith1045(LocalRds rds) {
        rds.faults().rejectAllTokens(true);
        assertThatThrownBy(() -> MySqlClients.connect(rds, SdkTokens.token(rds)))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getErrorCode()).isEqualTo(1045);
                    assertThat(e.getSQLState()).isEqualTo("28000");
                });
        assertThat(rds.awaitLastAuthAttempt(Duration.ofSeconds(5)).reason()).isEqualTo(RejectReason.FAULT_INJECTED);
        assertThat(rds.awaitLastAuthAttempt(Duration.ofSeconds(5)).passwordReceived()).isTrue();
    }

    @Test
    void proxyWithoutCredentials_failsWithRdsProxyText(LocalRds rds) {
        rds.faults().proxyNoCredentials(true);
        assertThatThrownBy(() -> MySqlClients.connect(rds, SdkTokens.token(rds)))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getErrorCode()).isEqualTo(1045);
                    assertThat(e.getMessage()).contains("This RDS proxy has no credentials for the role iam_user.");
                });
        assertThat(rds.awaitLastAuthAttempt(Duration.ofSeconds(5)).reason()).isEqualTo(RejectReason.PROXY_NO_CREDENTIALS);
    }

    @Test
    void hostIsBlockedWith1129_afterMaxConnectErrorsAbortedHandshakes_untilFlushHosts(LocalRds rds)
            throws Exception {
        rds.faults().maxConnectErrors(3);
        for (int i = 0; i < 3; i++) {
            Route route = rds.route();
            try (Socket s = new Socket(route.host(), route.port())) {
                s.setSoTimeout(5000);
                InputStream in = s.getInputStream();
                assertThat(in.read(new byte[4])).isPositive(); // the greeting arrives; then hang up
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (rds.authAttempts().size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(rds.authAttempts()).extracting(AuthAttempt::reason).containsOnly(RejectReason.ABORTED);
        assertThatThrownBy(() -> MySqlClients.connect(rds, SdkTokens.token(rds)))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getErrorCode()).isEqualTo(1129);
                    assertThat(e.getMessage()).contains("Host '127.0.0.1' is blocked because of many connection "
                            + "errors; unblock with 'mysqladmin flush-hosts'");
                });
        assertThat(rds.awaitLastAuthAttempt(Duration.ofSeconds(5)).reason()).isEqualTo(RejectReason.HOST_BLOCKED);
        rds.faults().flushHosts();
        try (Connection c = MySqlClients.connect(rds, SdkTokens.token(rds))) {
            assertThat(c.isValid(5)).isTrue();
        }
    }

    @Test
    void refusedTokens_doNotCountTowardsTheHostBlock(LocalRds rds) throws Exception {
        rds.faults().maxConnectErrors(1);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> MySqlClients.connect(rds, "not-a-token")).isInstanceOf(SQLException.class);
        }
        try (Connection c = MySqlClients.connect(rds, SdkTokens.token(rds))) {
            assertThat(c.isValid(5)).isTrue();
        }
        assertThat(rds.authAttempts()).extracting(AuthAttempt::reason)
                .containsExactly(RejectReason.MALFORMED, RejectReason.MALFORMED, null);
    }

    @Test
    void certificateFromUntrustedCa_failsTheHandshake_beforeTheTokenIsSent(LocalRds rds) {
        rds.faults().certificate(ServerCertificate.UNTRUSTED_CA);
        assertThatThrownBy(() -> MySqlClients.connect(rds, SdkTokens.token(rds))).isInstanceOf(SQLException.class);
        assertThat(rds.awaitLastAuthAttempt(Duration.ofSeconds(5)).reason()).isEqualTo(RejectReason.TLS_FAILED);
        assertThat(rds.awaitLastAuthAttempt(Duration.ofSeconds(5)).passwordReceived()).isFalse();
    }

    @Test
    void certificateForAnotherHost_isRefusedByVerifyIdentity_beforeTheTokenIsSent(LocalRds rds) {
        rds.faults().certificate(ServerCertificate.WRONG_HOST);
        assertThatThrownBy(() -> MySqlClients.connect(rds, SdkTokens.token(rds))).isInstanceOf(SQLException.class);
        assertThat(rds.awaitLastAuthAttempt(Duration.ofSeconds(5)).accepted()).isFalse();
        assertThat(rds.awaitLastAuthAttempt(Duration.ofSeconds(5)).passwordReceived()).isFalse();
    }

    @Test
    void serverWithoutTls_isRefusedByTheClient_withoutSendingTheToken(LocalRds rds) {
        rds.faults().noTls(true);
        assertThatThrownBy(() -> MySqlClients.connect(rds, SdkTokens.token(rds))).isInstanceOf(SQLException.class);
        AuthAttempt attempt = rds.awaitLastAuthAttempt(Duration.ofSeconds(5));
        assertThat(attempt.tls()).isFalse();
        assertThat(attempt.passwordReceived()).isFalse();
    }

    @Test
    void slowAuthentication_delaysTheLogin(LocalRds rds) throws Exception {
        rds.faults().authDelay(Duration.ofMillis(1500));
        long start = System.nanoTime();
        try (Connection c = MySqlClients.connect(rds, SdkTokens.token(rds))) {
            assertThat(c.isValid(5)).isTrue();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void droppingRoute_timesOutWithinTheConnectTimeout(LocalRds rds) {
        Properties p = MySqlClients.props(rds, SdkTokens.token(rds));
        p.setProperty("connectTimeout", "2000");
        long start = System.nanoTime();
        assertThatThrownBy(() -> MySqlClients.connect(rds, rds.droppingRoute(), p).close())
                .isInstanceOf(SQLException.class).hasRootCauseInstanceOf(SocketTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(1900),
                Duration.ofSeconds(6));
    }

    @Test
    void iamRateLimit_failsLoginsAboveTheCeiling_with1045(LocalRds rds) throws Exception {
        rds.faults().iamLoginsPerSecond(1);
        String token = SdkTokens.token(rds);
        try (Connection c = MySqlClients.connect(rds, token)) {
            assertThat(c.isValid(5)).isTrue();
        }
        assertThatThrownBy(() -> MySqlClients.connect(rds, token).close())
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getErrorCode()).isEqualTo(1045);
                    assertThat(e.getMessage()).contains("Access denied for user 'iam_user'");
                });
        assertThat(rds.awaitLastAuthAttempt(Duration.ofSeconds(5)).reason()).isEqualTo(RejectReason.RATE_LIMITED);
    }

    @Test
    void restart_andKillSessions_endOpenSessions_thenLoginsWorkAgain(LocalRds rds) throws Exception {
        Connection first = MySqlClients.connect(rds, SdkTokens.token(rds));
        rds.killSessions();
        assertThatThrownBy(() -> first.createStatement().execute("SELECT 1")).isInstanceOf(SQLException.class);
        first.close();
        Connection second = MySqlClients.connect(rds, SdkTokens.token(rds));
        java.util.concurrent.CompletableFuture<Void> restart = java.util.concurrent.CompletableFuture.runAsync(
                () -> rds.restart(Duration.ofMillis(1000)));
        Thread.sleep(300);
        assertThatThrownBy(() -> second.createStatement().execute("SELECT 1")).isInstanceOf(SQLException.class);
        second.close();
        assertThatThrownBy(() -> MySqlClients.connect(rds, SdkTokens.token(rds)).close())
                .isInstanceOf(SQLException.class).hasRootCauseInstanceOf(java.net.ConnectException.class);
        restart.get();
        try (Connection c = MySqlClients.connect(rds, SdkTokens.token(rds))) {
            assertThat(c.isValid(5)).isTrue();
        }
    }

    @Test
    void endedSessions_closedKilledOrCutByARestart_leaveNoneOpenAtTheGateway(LocalRds rds) throws Exception {
        GatewaySessions.endedSessionsLeaveNoneOpen(rds, MySqlClients::connect);
    }
}
