package dev.rdsiam.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

@Tag("postgresql")
class PostgresGatewayTest {

    @RegisterExtension
    static final LocalRdsExtension RDS = LocalRdsExtension.postgres();

    @Test
    void pgjdbc_connectsWithSdkToken_andRunsQueriesOverVerifiedTls(LocalRds rds) throws Exception {
        try (Connection c = PgClients.connect(rds, SdkTokens.token(rds));
             Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("select current_user, current_database(), "
                    + "pg_has_role(current_user, 'rds_iam', 'member')")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("iam_user");
                assertThat(rs.getString(2)).isEqualTo("appdb");
                assertThat(rs.getBoolean(3)).isTrue();
            }
            s.execute("create table if not exists items(id int primary key, name text)");
            s.execute("truncate items");
            try (PreparedStatement ps = c.prepareStatement("insert into items values (?, ?)")) {
                for (int i = 1; i <= 6; i++) { // past prepareThreshold: named server-side statements too
                    ps.setInt(1, i);
                    ps.setString(2, "item-" + i);
                    assertThat(ps.executeUpdate()).isEqualTo(1);
                }
            }
            c.setAutoCommit(false);
            s.execute("delete from items");
            c.rollback();
            c.setAutoCommit(true);
            try (ResultSet rs = s.executeQuery("select count(*) from items")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(6);
            }
        }
        AuthAttempt attempt = rds.lastAuthAttempt();
        assertThat(attempt.accepted()).isTrue();
        assertThat(attempt.tls()).isTrue();
        assertThat(attempt.tlsProtocol()).isEqualTo("TLSv1.3");
        assertThat(attempt.sniHostName()).isEqualTo(rds.identityHost());
        assertThat(attempt.passwordReceived()).isTrue();
        assertThat(attempt.accessKeyId()).isEqualTo(rds.credentials().accessKeyId());
        assertThat(attempt.user()).isEqualTo("iam_user");
        assertThat(attempt.database()).isEqualTo("appdb");
        assertThat(attempt.toString()).doesNotContain("X-Amz-Signature");
    }

    @Test
    void pgjdbc_cancelsRunningStatement_throughTheGateway(LocalRds rds) throws Exception {
        try (Connection c = PgClients.connect(rds, SdkTokens.token(rds));
             Statement s = c.createStatement()) {
            long start = System.nanoTime();
            CompletableFuture<Void> canceller = CompletableFuture.runAsync(() -> {
                try {
                    TimeUnit.MILLISECONDS.sleep(700);
                    s.cancel();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThatThrownBy(() -> s.execute("select pg_sleep(30)"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("canceling statement due to user request");
            canceller.get(10, TimeUnit.SECONDS);
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(15);
            try (ResultSet rs = s.executeQuery("select 1")) {
                assertThat(rs.next()).isTrue();
            }
        }
    }

    @Test
    void token_isRejected_whenSignatureTampered(LocalRds rds) {
        String token = SdkTokens.token(rds);
        String tampered = token.substring(0, token.length() - 1) + (token.endsWith("0") ? "1" : "0");
        assertThatThrownBy(() -> PgClients.connect(rds, tampered))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("28000");
                    assertThat(e.getMessage()).contains("PAM authentication failed for user \"iam_user\"");
                });
        assertThat(rds.lastAuthAttempt().reason()).isEqualTo(RejectReason.BAD_SIGNATURE);
        assertThat(rds.lastAuthAttempt().passwordReceived()).isTrue();
    }

    @Test
    void validToken_forAUserTheKitDoesNotMap_isRejectedLikeAUserWithoutRdsIam(LocalRds rds) {
        String token = SdkTokens.token(rds.identityHost(), rds.identityPort(), "not_iam", rds.region(),
                SdkTokens.static_(rds));
        Properties p = PgClients.props(rds, rds.route(), token);
        p.setProperty("user", "not_iam");
        assertThatThrownBy(() -> DriverManager.getConnection(PgClients.url(rds), p))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("28000");
                    assertThat(e.getMessage()).contains("PAM authentication failed for user \"not_iam\"");
                });
        assertThat(rds.lastAuthAttempt().reason()).isEqualTo(RejectReason.NOT_AN_IAM_USER);
    }

    @Test
    void token_isRejected_whenSignedForTheGatewayPortInsteadOfTheIdentityPort(LocalRds rds) {
        String token = SdkTokens.token(rds.identityHost(), rds.route().port(), rds.dbUser(), rds.region(),
                SdkTokens.static_(rds));
        assertThatThrownBy(() -> PgClients.connect(rds, token)).isInstanceOf(SQLException.class);
        assertThat(rds.lastAuthAttempt().reason()).isEqualTo(RejectReason.WRONG_PORT);
    }

    @Test
    void plaintextLogin_isRefusedBeforeAnyPassword_likeForceSsl(LocalRds rds) {
        Properties p = PgClients.props(rds, rds.route(), SdkTokens.token(rds));
        p.setProperty("sslmode", "disable");
        assertThatThrownBy(() -> DriverManager.getConnection(PgClients.url(rds), p))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("28000");
                    assertThat(e.getMessage()).contains("no pg_hba.conf entry for host \"127.0.0.1\", "
                            + "user \"iam_user\", database \"appdb\", no encryption");
                });
        AuthAttempt attempt = rds.lastAuthAttempt();
        assertThat(attempt.reason()).isEqualTo(RejectReason.NO_TLS);
        assertThat(attempt.passwordReceived()).isFalse();
        assertThat(attempt.tls()).isFalse();
    }

    @Test
    void sessionCredentials_fromLocalSts_areAccepted(LocalRds rds) throws Exception {
        AwsSessionCredentials session = SdkTokens.assumeDefaultRole(rds);
        assertThat(session.accessKeyId()).startsWith("ASIA");
        String token = SdkTokens.token(rds.identityHost(), rds.identityPort(), rds.dbUser(), rds.region(), session);
        assertThat(token).contains("X-Amz-Security-Token=");
        try (Connection c = PgClients.connect(rds, token)) {
            assertThat(c.isValid(5)).isTrue();
        }
        assertThat(rds.lastAuthAttempt().accessKeyId()).isEqualTo(session.accessKeyId());
    }

    @Test
    void proxyHostToken_isAccepted(LocalRds rds) throws Exception {
        String token = SdkTokens.token(rds.proxyHost(), rds.identityPort(), rds.dbUser(), rds.region(),
                SdkTokens.static_(rds));
        Properties p = PgClients.props(rds, rds.route(), token);
        String url = "jdbc:postgresql://" + rds.proxyHost() + ":" + rds.identityPort() + "/" + rds.database();
        try (Connection c = DriverManager.getConnection(url, p)) {
            assertThat(c.isValid(5)).isTrue();
        }
        assertThat(rds.lastAuthAttempt().sniHostName()).isEqualTo(rds.proxyHost());
    }

    @Test
    void theServerSeesAnEncryptedSession_asOnRds(LocalRds rds) throws Exception {
        try (java.sql.Connection c = PgClients.connect(rds, SdkTokens.token(rds));
             java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("select ssl, version from pg_stat_ssl where pid = pg_backend_pid()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(1)).isTrue();
            assertThat(rs.getString(2)).startsWith("TLSv1.");
        }
    }
}
