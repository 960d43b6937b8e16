package dev.rdsiam.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
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

@Tag("mysql")
class MySqlGatewayTest {

    @RegisterExtension
    static final LocalRdsExtension RDS = LocalRdsExtension.mysql();

    @Test
    void connectorJ_connectsWithSdkToken_afterSwitchToClearPassword(LocalRds rds) throws Exception {
        try (Connection c = MySqlClients.connect(rds, SdkTokens.token(rds));
             Statement s = c.createStatement()) {
            assertThat(c.getMetaData().getDatabaseProductVersion()).isEqualTo("8.0.39-localrds");
            try (ResultSet rs = s.executeQuery("select current_user(), database()")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("iam_user@%");
                assertThat(rs.getString(2)).isEqualTo("appdb");
            }
            s.execute("create table if not exists items(id int primary key, name varchar(40))");
            s.execute("delete from items");
            try (PreparedStatement ps = c.prepareStatement("insert into items values (?, ?)")) {
                for (int i = 1; i <= 3; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, "item-" + i + " \u00e9\u00e8");
                    assertThat(ps.executeUpdate()).isEqualTo(1);
                }
            }
            c.setAutoCommit(false);
            s.execute("delete from items");
            c.rollback();
            c.setAutoCommit(true);
            try (PreparedStatement ps = c.prepareStatement("select name from items where id = ?")) {
                ps.setInt(1, 2);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("item-2 \u00e9\u00e8");
                }
            }
        }
        AuthAttempt attempt = rds.lastAuthAttempt();
        assertThat(attempt.accepted()).isTrue();
        assertThat(attempt.tlsProtocol()).isEqualTo("TLSv1.3");
        assertThat(attempt.sniHostName()).isEqualTo(rds.identityHost());
        assertThat(attempt.passwordReceived()).isTrue();
        assertThat(attempt.user()).isEqualTo("iam_user");
        assertThat(attempt.database()).isEqualTo("appdb");
    }

    @Test
    void connectorJ_withServerSidePreparedStatements_works(LocalRds rds) throws Exception {
        Properties p = MySqlClients.props(rds, SdkTokens.token(rds));
        p.setProperty("useServerPrepStmts", "true");
        p.setProperty("defaultAuthenticationPlugin", "mysql_clear_password");
        try (Connection c = MySqlClients.connect(rds, p);
             PreparedStatement ps = c.prepareStatement("select ? + 1")) {
            for (int i = 0; i < 3; i++) {
                ps.setInt(1, i);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(i + 1);
                }
            }
        }
        assertThat(rds.lastAuthAttempt().accepted()).isTrue();
    }

    @Test
    void connectorJ_cancelsRunningStatement_throughTheGateway(LocalRds rds) throws Exception {
        try (Connection c = MySqlClients.connect(rds, SdkTokens.token(rds));
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
            assertThatThrownBy(() -> s.executeQuery("select sleep(30)"))
                    .isInstanceOf(SQLException.class)
                    .hasMessageMatching("(?s).*(interrupted|cancel).*");
            canceller.get(10, TimeUnit.SECONDS);
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(15);
        }
    }

    @Test
    void token_isRejected_whenSignatureTampered(LocalRds rds) {
        String token = SdkTokens.token(rds);
        String tampered = token.substring(0, token.length() - 1) + (token.endsWith("0") ? "1" : "0");
        assertThatThrownBy(() -> MySqlClients.connect(rds, tampered))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getErrorCode()).isEqualTo(1045);
                    assertThat(e.getSQLState()).isEqualTo("28000");
                    assertThat(e.getMessage())
                            .contains("Access denied for user 'iam_user'@'127.0.0.1' (using password: YES)");
                });
        assertThat(rds.lastAuthAttempt().reason()).isEqualTo(RejectReason.BAD_SIGNATURE);
    }

    @Test
    void validToken_forAUserTheKitDoesNotMap_isDeniedLikeAUserWithoutTheAwsPlugin(LocalRds rds) {
        String token = SdkTokens.token(rds.identityHost(), rds.identityPort(), "not_iam", rds.region(),
                SdkTokens.static_(rds));
        Properties p = MySqlClients.props(rds, token);
        p.setProperty("user", "not_iam");
        assertThatThrownBy(() -> MySqlClients.connect(rds, p))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getErrorCode()).isEqualTo(1045);
                    assertThat(e.getMessage()).contains("Access denied for user 'not_iam'@'127.0.0.1'");
                });
        assertThat(rds.lastAuthAttempt().reason()).isEqualTo(RejectReason.NOT_AN_IAM_USER);
    }

    @Test
    void plaintextLogin_isRefusedWith3159_beforeTheTokenIsAskedFor(LocalRds rds) {
        Properties p = MySqlClients.props(rds, SdkTokens.token(rds));
        p.setProperty("sslMode", "DISABLED");
        assertThatThrownBy(() -> MySqlClients.connect(rds, p))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getErrorCode()).isEqualTo(3159);
                    assertThat(e.getMessage()).contains("Connections using insecure transport are prohibited "
                            + "while --require_secure_transport=ON.");
                });
        AuthAttempt attempt = rds.lastAuthAttempt();
        assertThat(attempt.reason()).isEqualTo(RejectReason.NO_TLS);
        assertThat(attempt.passwordReceived()).isFalse();
    }

    @Test
    void sessionCredentials_fromLocalSts_areAccepted(LocalRds rds) throws Exception {
        AwsSessionCredentials session = SdkTokens.assumeDefaultRole(rds);
        String token = SdkTokens.token(rds.identityHost(), rds.identityPort(), rds.dbUser(), rds.region(), session);
        try (Connection c = MySqlClients.connect(rds, token)) {
            assertThat(c.isValid(5)).isTrue();
        }
        assertThat(rds.lastAuthAttempt().accessKeyId()).isEqualTo(session.accessKeyId());
    }

    @Test
    void theServerSeesAnEncryptedSession_asOnRds(LocalRds rds) throws Exception {
        try (java.sql.Connection c = MySqlClients.connect(rds, SdkTokens.token(rds));
             java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SHOW SESSION STATUS LIKE 'Ssl_cipher'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(2)).isNotBlank();
        }
    }
}
