package dev.rdsiam.testkit;

import dev.rdsiam.Engine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/** LocalAurora with the MySQL protocol: Connector/J with VERIFY_IDENTITY and an IAM token through every name. */
@Tag("mysql")
class LocalAuroraMySqlTest {

    @RegisterExtension
    static final LocalAuroraExtension AURORA = LocalAuroraExtension.of(LocalAurora.builder().engine(Engine.MYSQL));

    private static String token(LocalAurora aurora, String host) {
        return SdkTokens.token(host, aurora.identityPort(), aurora.dbUser(), aurora.region(),
                AwsBasicCredentials.create(aurora.credentials().accessKeyId(), aurora.credentials().secretAccessKey()));
    }

    private static Connection connect(LocalAurora aurora, String host, String token) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", aurora.dbUser());
        p.setProperty("password", token);
        p.setProperty("sslMode", "VERIFY_IDENTITY");
        p.setProperty("trustCertificateKeyStoreUrl", aurora.trustStoreFile().toUri().toString());
        p.setProperty("trustCertificateKeyStoreType", "PKCS12");
        p.setProperty("trustCertificateKeyStorePassword", aurora.trustStorePassword());
        p.setProperty("socketFactory", RoutingMysqlSocketFactory.class.getName());
        p.setProperty("connectTimeout", "5000");
        aurora.routes().forEach((name, route) -> RoutingMysqlSocketFactory.route(name, aurora.identityPort(), route));
        return DriverManager.getConnection("jdbc:mysql://" + host + ":" + aurora.identityPort() + "/"
                + aurora.database(), p);
    }

    private static Connection connect(LocalAurora aurora, String host) throws SQLException {
        return connect(aurora, host, token(aurora, host));
    }

    @Test
    void everyName_acceptsATokenForItself_overVerifiedTls(LocalAurora aurora) throws Exception {
        assertThat(aurora.identityPort()).isEqualTo(3306);
        for (String host : aurora.routes().keySet()) {
            try (Connection c = connect(aurora, host)) {
                assertThat(c.isValid(5)).as(host).isTrue();
            }
        }
        String second = aurora.instanceHosts().get(1);
        // the reader endpoint and instance-2 lead to the second instance
        assertThat(aurora.authAttempts(second)).hasSize(2).allMatch(AuthAttempt::accepted);
    }

    @Test
    void theReaderIsReadOnly_theWriterIsNot(LocalAurora aurora) throws Exception {
        try (Connection w = connect(aurora, aurora.clusterHost()); Statement s = w.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS aurora_mysql_t (id int)");
            s.execute("INSERT INTO aurora_mysql_t VALUES (1)");
        }
        try (Connection r = connect(aurora, aurora.readerHost()); Statement s = r.createStatement()) {
            java.sql.ResultSet rs = s.executeQuery("SELECT @@session.transaction_read_only");
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
            // Connector/J sees the read-only session and refuses itself; a plain client gets the server's 1792
            assertThatThrownBy(() -> s.execute("INSERT INTO aurora_mysql_t VALUES (2)"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("read-only");
            assertThat(s.executeQuery("SELECT count(*) FROM aurora_mysql_t").next()).isTrue();
        }
        try (Connection w = connect(aurora, aurora.clusterHost()); Statement s = w.createStatement()) {
            java.sql.ResultSet rs = s.executeQuery("SELECT @@session.transaction_read_only");
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }

    @Test
    void aTokenForAnotherInstance_isRefusedWith1045(LocalAurora aurora) {
        String first = aurora.instanceHosts().get(0);
        String second = aurora.instanceHosts().get(1);
        assertThatThrownBy(() -> connect(aurora, second, token(aurora, first)).close())
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1045));
        assertThat(aurora.authAttempts(second)).last().extracting(AuthAttempt::reason)
                .isEqualTo(RejectReason.WRONG_INSTANCE);
    }

    @Test
    void failover_cutsTheWriter_andTheClusterEndpointLeadsToTheOtherInstance(LocalAurora aurora) throws Exception {
        String first = aurora.instanceHosts().get(0);
        String second = aurora.instanceHosts().get(1);
        Connection old = connect(aurora, aurora.clusterHost());
        assertThat(aurora.failover()).isEqualTo(second);
        assertThatThrownBy(() -> old.createStatement().execute("SELECT 1")).isInstanceOf(SQLException.class);
        old.close();
        aurora.clearAuthAttempts();
        try (Connection c = connect(aurora, aurora.clusterHost()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS aurora_mysql_after (id int)");
        }
        assertThat(aurora.authAttempts(second)).hasSize(1).allMatch(AuthAttempt::accepted);
        assertThatThrownBy(() -> connect(aurora, first).close())
                .isInstanceOf(SQLException.class).hasRootCauseInstanceOf(ConnectException.class);
        aurora.reset();
        assertThat(aurora.writerHost()).isEqualTo(first);
        try (Connection c = connect(aurora, first)) {
            assertThat(c.isValid(5)).isTrue();
        }
    }

    @Test
    void theServerSeesAnEncryptedSession(LocalAurora aurora) throws Exception {
        try (Connection c = connect(aurora, aurora.readerHost()); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SHOW SESSION STATUS LIKE 'Ssl_cipher'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(2)).isNotBlank();
        }
    }
}
