package dev.rdsiam.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.rdsiam.RdsIam;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.Trust;
import dev.rdsiam.jdbc.RdsIamDataSource;
import dev.rdsiam.testkit.AuthAttempt;
import dev.rdsiam.testkit.LocalRds;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real Connector/J, real MariaDB, through the IAM gateway: tokens, TLS, routes, pools, URLs. */
class MyConnectTest {

    private final LocalRds rds = MyKit.rds();

    @BeforeEach
    void clean() {
        MyKit.CLOCK.reset();
        rds.faults().reset();
        rds.faults().flushHosts();
        rds.clearAuthAttempts();
    }

    private static String currentUser(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("select current_user()")) {
            r.next();
            return r.getString(1);
        }
    }

    @Test
    void unpooled_connectsThroughTheRoute_overVerifiedTls_withTheTokenAsClearPassword() throws SQLException {
        try (RdsIamDataSource ds = RdsIam.dataSource(MyKit.config().build());
                Connection c = ds.getConnection()) {
            assertThat(currentUser(c)).startsWith(rds.dbUser() + "@");
            try (PreparedStatement ps = c.prepareStatement("select ? + 1")) {
                ps.setInt(1, 41);
                try (ResultSet r = ps.executeQuery()) {
                    r.next();
                    assertThat(r.getInt(1)).isEqualTo(42);
                }
            }
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("create temporary table t(x int)");
                s.execute("insert into t values (1)");
                c.rollback();
            }
            c.setAutoCommit(true);
        }
        AuthAttempt a = rds.lastAuthAttempt();
        assertThat(a.accepted()).isTrue();
        assertThat(a.tls()).isTrue();
        assertThat(a.passwordReceived()).isTrue();
        assertThat(a.tlsProtocol()).isIn("TLSv1.3", "TLSv1.2");
        assertThat(a.sniHostName()).isEqualTo(rds.identityHost());
        assertThat(a.user()).isEqualTo(rds.dbUser());
    }

    @Test
    void pooled_manyConnections_shareOneToken() throws Exception {
        RdsIamConfig config = MyKit.config().name("my-pool").build();
        try (HikariDataSource pool = RdsIam.pooledDataSource(config, h -> {
            h.setMaximumPoolSize(5);
            h.setMinimumIdle(0);
        })) {
            List<Connection> held = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                held.add(pool.getConnection());
            }
            for (Connection c : held) {
                assertThat(currentUser(c)).startsWith(rds.dbUser() + "@");
                c.close();
            }
            RdsIamDataSource iam = pool.getDataSource().unwrap(RdsIamDataSource.class);
            assertThat(iam.status().tokensMinted()).isEqualTo(1);
        }
        assertThat(rds.authAttempts()).hasSizeGreaterThanOrEqualTo(5).allMatch(AuthAttempt::accepted)
                .allMatch(AuthAttempt::tls);
    }

    @Test
    void pooled_handsOutTheDriversOwnConnection_behindOnlyHikarisProxy() throws Exception {
        // nothing of ours on the pooled hot path: the pool's proxy wraps the driver's connection itself
        try (HikariDataSource pool = RdsIam.pooledDataSource(MyKit.config().name("my-unwrap").build(), h -> {
            h.setMaximumPoolSize(1);
            h.setMinimumIdle(0);
        });
                Connection c = pool.getConnection()) {
            assertThat(c.getClass().getName()).startsWith("com.zaxxer.hikari.pool.HikariProxyConnection");
            Connection driverOwn = c.unwrap(Connection.class);
            assertThat(driverOwn.getClass()).isSameAs(com.mysql.cj.jdbc.ConnectionImpl.class);
            assertThat(c.unwrap(com.mysql.cj.jdbc.JdbcConnection.class)).isSameAs(driverOwn);
            try (PreparedStatement ps = c.prepareStatement("select 1")) {
                assertThat(ps.unwrap(PreparedStatement.class).getClass()).isSameAs(com.mysql.cj.jdbc.ClientPreparedStatement.class);
                assertThat(ps.getConnection()).isSameAs(c);
            }
            assertThat(driverOwn.isValid(5)).isTrue();
        }
    }

    @Test
    void newToken_afterTheReuseWindow_whileOldConnectionsStayOpen() throws SQLException {
        try (RdsIamDataSource ds = RdsIam.dataSource(MyKit.config().build())) {
            Connection first = ds.getConnection();
            ds.getConnection().close();
            assertThat(ds.status().tokensMinted()).isEqualTo(1);

            MyKit.CLOCK.advance(Duration.ofMinutes(11));
            try (Connection later = ds.getConnection()) {
                assertThat(currentUser(later)).startsWith(rds.dbUser() + "@");
            }
            assertThat(ds.status().tokensMinted()).isEqualTo(2);

            MyKit.CLOCK.advance(Duration.ofMinutes(20));
            assertThat(currentUser(first)).startsWith(rds.dbUser() + "@");
            first.close();
        }
        assertThat(rds.authAttempts()).hasSize(3).allMatch(AuthAttempt::accepted);
    }

    @Test
    void assumeRole_throughTheKitsSts_signsWithSessionCredentials() throws SQLException {
        RdsIamConfig config = MyKit.config().roleArn(rds.defaultRoleArn()).stsEndpoint(rds.stsEndpoint())
                .stsRegion(rds.region()).build();
        try (RdsIamDataSource ds = RdsIam.dataSource(config); Connection c = ds.getConnection()) {
            assertThat(currentUser(c)).startsWith(rds.dbUser() + "@");
        }
        assertThat(rds.lastAuthAttempt().accessKeyId()).startsWith("ASIA");
    }

    @Test
    void proxyStyleName_withAutoTrustPlusPem_connects() throws SQLException {
        RdsIamConfig config = MyKit.config().host(rds.proxyHost()).trust(Trust.AUTO).build();
        try (RdsIamDataSource ds = RdsIam.dataSource(config); Connection c = ds.getConnection()) {
            assertThat(currentUser(c)).startsWith(rds.dbUser() + "@");
        }
        assertThat(rds.lastAuthAttempt().sniHostName()).isEqualTo(rds.proxyHost());
    }

    @Test
    void jdbcRdsiamUrl_worksThroughDriverManager() throws SQLException {
        String url = "jdbc:rdsiam:mysql://" + rds.identityHost() + ":" + rds.identityPort() + "/" + rds.database()
                + "?rdsiam.connectHost=127.0.0.1&rdsiam.connectPort=" + rds.route().port()
                + "&rdsiam.trust=pem&rdsiam.trustPem=" + rds.caPemFile()
                + "&rdsiam.accessKeyId=" + rds.credentials().accessKeyId();
        Properties info = new Properties();
        info.setProperty("user", rds.dbUser());
        info.setProperty("rdsiam.secretAccessKey", rds.credentials().secretAccessKey());
        try (Connection c = DriverManager.getConnection(url, info)) {
            assertThat(currentUser(c)).startsWith(rds.dbUser() + "@");
        }
    }

    @Test
    void queriesLongerThanTheConnectTimeout_areNotCutOff() throws SQLException {
        try (RdsIamDataSource ds = RdsIam.dataSource(MyKit.config().connectTimeout(Duration.ofSeconds(1)).build());
                Connection c = ds.getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select sleep(2)")) {
            r.next();
            assertThat(r.getInt(1)).isZero();
        }
    }
}
