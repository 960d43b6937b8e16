package dev.rdsiam.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.rdsiam.RdsIam;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.Trust;
import dev.rdsiam.jdbc.RdsIamDataSource;
import dev.rdsiam.testkit.AuthAttempt;
import dev.rdsiam.testkit.LocalRds;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.junit.jupiter.api.io.TempDir;

/** Real pgjdbc, real PostgreSQL, through the IAM gateway: tokens, TLS, routes, pools, URLs. */
class PgConnectTest {

    private final LocalRds rds = PgKit.rds();

    @BeforeEach
    void clean() {
        PgKit.CLOCK.reset();
        rds.faults().reset();
        rds.clearAuthAttempts();
    }

    private static String currentUser(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("select current_user")) {
            r.next();
            return r.getString(1);
        }
    }

    @Test
    void unpooled_connectsThroughTheRoute_overVerifiedTls_withTheTokenAsPassword() throws SQLException {
        try (RdsIamDataSource ds = RdsIam.dataSource(PgKit.config().build());
                Connection c = ds.getConnection()) {
            assertThat(c.getMetaData().getDatabaseProductName()).isEqualTo("PostgreSQL");
            try (PreparedStatement ps = c.prepareStatement("select ?::int + 1")) {
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
        assertThat(a.tlsProtocol()).isIn("TLSv1.3", "TLSv1.2");
        assertThat(a.sniHostName()).isEqualTo(rds.identityHost());
        assertThat(a.user()).isEqualTo(rds.dbUser());
        assertThat(a.accessKeyId()).isEqualTo(rds.credentials().accessKeyId());
    }

    @Test
    void pooled_manyConnections_shareOneToken() throws Exception {
        RdsIamConfig config = PgKit.config().name("pg-pool").build();
        try (HikariDataSource pool = RdsIam.pooledDataSource(config, h -> {
            h.setMaximumPoolSize(6);
            h.setMinimumIdle(0);
        })) {
            List<Connection> held = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                held.add(pool.getConnection());
            }
            for (Connection c : held) {
                assertThat(currentUser(c)).isEqualTo(rds.dbUser());
                c.close();
            }
            RdsIamDataSource iam = pool.unwrap(HikariDataSource.class).getDataSource().unwrap(RdsIamDataSource.class);
            assertThat(iam.status().tokensMinted()).isEqualTo(1);
        }
        // six held connections, plus the one Hikari opens to check the database at start
        assertThat(rds.authAttempts()).hasSizeGreaterThanOrEqualTo(6).allMatch(AuthAttempt::accepted)
                .allMatch(AuthAttempt::tls);
    }

    @Test
    void pooled_handsOutTheDriversOwnConnection_behindOnlyHikarisProxy() throws Exception {
        // nothing of ours on the pooled hot path: the pool's proxy wraps the driver's connection itself
        try (HikariDataSource pool = RdsIam.pooledDataSource(PgKit.config().name("po-unwrap").build(), h -> {
            h.setMaximumPoolSize(1);
            h.setMinimumIdle(0);
        });
                Connection c = pool.getConnection()) {
            assertThat(c.getClass().getName()).startsWith("com.zaxxer.hikari.pool.HikariProxyConnection");
            Connection driverOwn = c.unwrap(Connection.class);
            assertThat(driverOwn.getClass()).isSameAs(org.postgresql.jdbc.PgConnection.class);
            assertThat(c.unwrap(org.postgresql.PGConnection.class)).isSameAs(driverOwn);
            try (PreparedStatement ps = c.prepareStatement("select 1")) {
                assertThat(ps.unwrap(PreparedStatement.class).getClass().getName()).isEqualTo("org.postgresql.jdbc.PgPreparedStatement");
                assertThat(ps.getConnection()).isSameAs(c);
            }
            assertThat(driverOwn.isValid(5)).isTrue();
        }
    }

    @Test
    void newToken_afterTheReuseWindow_whileOldConnectionsStayOpen() throws SQLException {
        try (RdsIamDataSource ds = RdsIam.dataSource(PgKit.config().tokenReuseWindow(Duration.ofMinutes(10)).build())) {
            Connection first = ds.getConnection();
            ds.getConnection().close();
            assertThat(ds.status().tokensMinted()).isEqualTo(1);

            PgKit.CLOCK.advance(Duration.ofMinutes(11)); // past the reuse window, by the client's and the gateway's clock
            try (Connection later = ds.getConnection()) {
                assertThat(currentUser(later)).isEqualTo(rds.dbUser());
            }
            assertThat(ds.status().tokensMinted()).isEqualTo(2);

            PgKit.CLOCK.advance(Duration.ofMinutes(20)); // the first token is long dead; its session is not
            assertThat(currentUser(first)).isEqualTo(rds.dbUser());
            first.close();
        }
        assertThat(rds.authAttempts()).hasSize(3).allMatch(AuthAttempt::accepted);
    }

    @Test
    void assumeRole_throughTheKitsSts_signsWithSessionCredentials() throws SQLException {
        RdsIamConfig config = PgKit.config().roleArn(rds.defaultRoleArn()).stsEndpoint(rds.stsEndpoint())
                .stsRegion(rds.region()).build();
        try (RdsIamDataSource ds = RdsIam.dataSource(config); Connection c = ds.getConnection()) {
            assertThat(currentUser(c)).isEqualTo(rds.dbUser());
        }
        assertThat(rds.lastAuthAttempt().accepted()).isTrue();
        assertThat(rds.lastAuthAttempt().accessKeyId()).startsWith("ASIA");
    }

    /**
     * IAM Roles Anywhere is used through a profile whose credential_process runs aws_signing_helper; here the
     * process is a script printing the kit's keys in the same JSON format.
     */
    @Test
    void profileWithCredentialProcess_asForRolesAnywhere_signsWithTheProcessCredentials(@TempDir Path dir)
            throws Exception {
        Path helper = dir.resolve("signing-helper.sh");
        Files.writeString(helper, "#!/bin/sh\nprintf '%s' '{\"Version\": 1, \"AccessKeyId\": \""
                + rds.credentials().accessKeyId() + "\", \"SecretAccessKey\": \""
                + rds.credentials().secretAccessKey() + "\"}'\n");
        assertThat(helper.toFile().setExecutable(true)).isTrue();
        Path awsConfig = Files.writeString(dir.resolve("config"),
                "[profile roles-anywhere]\ncredential_process = " + helper + "\n");
        String previous = System.getProperty("aws.configFile");
        System.setProperty("aws.configFile", awsConfig.toString());
        try {
            RdsIamConfig config = RdsIamConfig.builder()
                    .engine(dev.rdsiam.Engine.POSTGRESQL)
                    .host(rds.identityHost()).port(rds.identityPort()).database(rds.database()).user(rds.dbUser())
                    .connectHost(rds.route().host()).connectPort(rds.route().port())
                    .trust(Trust.PEM).trustPem(rds.caPemFile())
                    .profile("roles-anywhere")
                    .clock(PgKit.CLOCK)
                    .build();
            try (RdsIamDataSource ds = RdsIam.dataSource(config); Connection c = ds.getConnection()) {
                assertThat(currentUser(c)).isEqualTo(rds.dbUser());
                assertThat(ds.credentialsDescription()).contains("roles-anywhere");
            }
        } finally {
            if (previous == null) {
                System.clearProperty("aws.configFile");
            } else {
                System.setProperty("aws.configFile", previous);
            }
        }
        assertThat(rds.lastAuthAttempt().accepted()).isTrue();
        assertThat(rds.lastAuthAttempt().accessKeyId()).isEqualTo(rds.credentials().accessKeyId());
    }

    @Test
    void proxyStyleName_withAutoTrustPlusPem_connects() throws SQLException {
        RdsIamConfig config = PgKit.config().host(rds.proxyHost()).trust(Trust.AUTO).build();
        try (RdsIamDataSource ds = RdsIam.dataSource(config); Connection c = ds.getConnection()) {
            assertThat(currentUser(c)).isEqualTo(rds.dbUser());
        }
        assertThat(rds.lastAuthAttempt().sniHostName()).isEqualTo(rds.proxyHost());
    }

    @Test
    void jdbcRdsiamUrl_worksThroughDriverManagerAndHikari() throws SQLException {
        String url = "jdbc:rdsiam:postgresql://" + rds.identityHost() + ":" + rds.identityPort() + "/" + rds.database()
                + "?rdsiam.connectHost=127.0.0.1&rdsiam.connectPort=" + rds.route().port()
                + "&rdsiam.trust=pem&rdsiam.trustPem=" + rds.caPemFile()
                + "&rdsiam.accessKeyId=" + rds.credentials().accessKeyId() + "&ApplicationName=pg-url-test";
        Properties info = new Properties();
        info.setProperty("user", rds.dbUser());
        info.setProperty("rdsiam.secretAccessKey", rds.credentials().secretAccessKey());
        try (Connection c = DriverManager.getConnection(url, info)) {
            assertThat(currentUser(c)).isEqualTo(rds.dbUser());
            try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("select current_setting('application_name')")) {
                r.next();
                assertThat(r.getString(1)).isEqualTo("pg-url-test");
            }
        }
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        hc.setUsername(rds.dbUser());
        hc.addDataSourceProperty("rdsiam.secretAccessKey", rds.credentials().secretAccessKey());
        hc.setMaximumPoolSize(2);
        try (HikariDataSource pool = new HikariDataSource(hc); Connection c = pool.getConnection()) {
            assertThat(currentUser(c)).isEqualTo(rds.dbUser());
        }
    }
}
