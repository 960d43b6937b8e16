package dev.rdsiam.testkit.contract;

import static dev.rdsiam.testkit.contract.BindingKit.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What every engine binding does, run by each binding module against its LocalRds through the real driver: tokens
 * as passwords over verified TLS through the route, pools sharing a token, renewal, assumed roles, profiles, proxy
 * names, {@code jdbc:rdsiam:} URLs; and refusals and diagnoses: a man in the middle, a server without TLS, a refused
 * token, a missing database, clock skew, RDS Proxy without credentials, dropped packets, nothing listening, a stalled
 * login. No token reaches a fake or plain server.
 *
 * <p>A binding module subclasses it once, naming its engine and answering the few questions whose answers differ
 * (SQL dialect, error codes, the engine's own advice text).
 */
public abstract class EngineContract {

    /** The kit of the subclass's engine. */
    protected final BindingKit kit;
    /** The kit's running LocalRds. */
    protected final LocalRds rds;

    /**
     * The contract for one engine.
     *
     * @param engine the binding's engine
     */
    protected EngineContract(Engine engine) {
        this.kit = BindingKit.of(engine);
        this.rds = kit.rds();
    }

    /** A driver property given in a {@code jdbc:rdsiam:} URL, and a query whose one value shows it arrived. */
    protected static final class PassThrough {
        final String property;
        final String query;
        final String expected;

        /**
         * A pass-through check.
         *
         * @param property {@code key=value} as it stands in the URL's query
         * @param query a query answering one row, one column
         * @param expected that column's value
         */
        public PassThrough(String property, String query, String expected) {
            this.property = property;
            this.query = query;
            this.expected = expected;
        }
    }

    /** The user of the session, without any {@code @host} part (asserting that the engine reports one). */
    protected abstract String sessionUser(Connection c) throws SQLException;

    /** What the driver's {@code DatabaseMetaData} calls the product. */
    protected abstract String productName();

    /** A query with one int parameter answering it plus one, e.g. {@code select ? + 1}. */
    protected abstract String plusOneQuery();

    /** A query that sleeps 2 seconds and answers one row: 0 (slept in full) and 42. */
    protected abstract String sleepTwoSecondsQuery();

    /** A driver property to give in a URL, and how to see it in the session. */
    protected abstract PassThrough passThrough();

    /** The engine's code for a database that does not exist or the user may not use. */
    protected abstract void assertMissingDatabaseCode(SQLException e);

    /** The engine's code, the server's text and the grant to check for a token the server refused. */
    protected abstract void assertRejectedTokenAdvice(SQLException e);

    @BeforeEach
    void resetKit() {
        kit.reset();
    }

    private static int occurrences(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    // connecting

    @Test
    void unpooled_connectsThroughTheRoute_overVerifiedTls_withTheTokenAsPassword() throws SQLException {
        try (RdsIamDataSource ds = RdsIam.dataSource(kit.config().build());
                Connection c = ds.getConnection()) {
            assertThat(c.getMetaData().getDatabaseProductName()).isEqualTo(productName());
            assertThat(sessionUser(c)).isEqualTo(rds.dbUser());
            try (PreparedStatement ps = c.prepareStatement(plusOneQuery())) {
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
        assertThat(a.accessKeyId()).isEqualTo(rds.credentials().accessKeyId());
    }

    @Test
    void pooled_manyConnections_shareOneToken() throws Exception {
        RdsIamConfig config = kit.config().name("contract-pool").build();
        try (HikariDataSource pool = RdsIam.pooledDataSource(config, h -> {
            h.setMaximumPoolSize(6);
            h.setMinimumIdle(0);
        })) {
            List<Connection> held = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                held.add(pool.getConnection());
            }
            for (Connection c : held) {
                assertThat(sessionUser(c)).isEqualTo(rds.dbUser());
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
    void newToken_afterTheReuseWindow_whileOldConnectionsStayOpen() throws SQLException {
        try (RdsIamDataSource ds = RdsIam.dataSource(kit.config().tokenReuseWindow(Duration.ofMinutes(10)).build())) {
            Connection first = ds.getConnection();
            ds.getConnection().close();
            assertThat(ds.status().tokensMinted()).isEqualTo(1);

            kit.clock().advance(Duration.ofMinutes(11)); // past the reuse window, by the client's and the gateway's clock
            try (Connection later = ds.getConnection()) {
                assertThat(sessionUser(later)).isEqualTo(rds.dbUser());
            }
            assertThat(ds.status().tokensMinted()).isEqualTo(2);

            kit.clock().advance(Duration.ofMinutes(20)); // the first token is long dead; its session is not
            assertThat(sessionUser(first)).isEqualTo(rds.dbUser());
            first.close();
        }
        assertThat(rds.authAttempts()).hasSize(3).allMatch(AuthAttempt::accepted);
    }

    @Test
    void assumeRole_throughTheKitsSts_signsWithSessionCredentials() throws SQLException {
        RdsIamConfig config = kit.config().roleArn(rds.defaultRoleArn()).stsEndpoint(rds.stsEndpoint())
                .stsRegion(rds.region()).build();
        try (RdsIamDataSource ds = RdsIam.dataSource(config); Connection c = ds.getConnection()) {
            assertThat(sessionUser(c)).isEqualTo(rds.dbUser());
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
                    .engine(rds.engine())
                    .host(rds.identityHost()).port(rds.identityPort()).database(rds.database()).user(rds.dbUser())
                    .connectHost(rds.route().host()).connectPort(rds.route().port())
                    .trust(Trust.PEM).trustPem(rds.caPemFile())
                    .profile("roles-anywhere")
                    .clock(kit.clock())
                    .build();
            try (RdsIamDataSource ds = RdsIam.dataSource(config); Connection c = ds.getConnection()) {
                assertThat(sessionUser(c)).isEqualTo(rds.dbUser());
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
        RdsIamConfig config = kit.config().host(rds.proxyHost()).trust(Trust.AUTO).build();
        try (RdsIamDataSource ds = RdsIam.dataSource(config); Connection c = ds.getConnection()) {
            assertThat(sessionUser(c)).isEqualTo(rds.dbUser());
        }
        assertThat(rds.lastAuthAttempt().sniHostName()).isEqualTo(rds.proxyHost());
    }

    @Test
    void jdbcRdsiamUrl_worksThroughDriverManagerAndHikari_passingDriverPropertiesOn() throws SQLException {
        PassThrough passThrough = passThrough();
        String url = "jdbc:rdsiam:" + rds.engine().key() + "://" + rds.identityHost() + ":" + rds.identityPort() + "/"
                + rds.database() + "?rdsiam.connectHost=127.0.0.1&rdsiam.connectPort=" + rds.route().port()
                + "&rdsiam.trust=pem&rdsiam.trustPem=" + rds.caPemFile()
                + "&rdsiam.accessKeyId=" + rds.credentials().accessKeyId() + "&" + passThrough.property;
        Properties info = new Properties();
        info.setProperty("user", rds.dbUser());
        info.setProperty("rdsiam.secretAccessKey", rds.credentials().secretAccessKey());
        try (Connection c = DriverManager.getConnection(url, info)) {
            assertThat(sessionUser(c)).isEqualTo(rds.dbUser());
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(passThrough.query)) {
                r.next();
                assertThat(r.getString(1)).isEqualTo(passThrough.expected);
            }
        }
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        hc.setUsername(rds.dbUser());
        hc.addDataSourceProperty("rdsiam.secretAccessKey", rds.credentials().secretAccessKey());
        hc.setMaximumPoolSize(2);
        try (HikariDataSource pool = new HikariDataSource(hc); Connection c = pool.getConnection()) {
            assertThat(sessionUser(c)).isEqualTo(rds.dbUser());
        }
    }

    @Test
    void queriesLongerThanTheConnectTimeout_areNotCutByTheLoginBound() throws SQLException {
        try (RdsIamDataSource ds = RdsIam.dataSource(kit.config().connectTimeout(Duration.ofSeconds(1)).build());
                Connection c = ds.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sleepTwoSecondsQuery())) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).as("slept in full").isZero();
            assertThat(rs.getInt(2)).isEqualTo(42);
            assertThat(c.getNetworkTimeout()).as("the driver's own socket timeout (none) after login").isZero();
        }
    }

    // refusals and diagnoses

    @ParameterizedTest
    @EnumSource(value = ServerCertificate.class, names = {"WRONG_HOST", "UNTRUSTED_CA", "EXPIRED"})
    void manInTheMiddle_isRefused_beforeAnyPasswordIsSent(ServerCertificate certificate) {
        rds.faults().certificate(certificate);

        SQLException e = failure(kit.config().build());

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
        assertThat(kit.attemptsAfterFailure()).isNotEmpty().noneMatch(AuthAttempt::passwordReceived);
        // said once, not "SSL error: X — X", and saying that the token stayed here
        assertThat(occurrences(e.getMessage(), "(the IAM token was not sent)")).isEqualTo(1);
        assertThat(occurrences(e.getMessage(), rds.route().host() + ":" + rds.route().port())).isEqualTo(1);
    }

    @Test
    void missingDatabase_isToldApartFromARejectedToken() {
        SQLException e = failure(kit.config().database("nosuchdb").build());

        assertMissingDatabaseCode(e);
        assertThat(e.getMessage()).contains("the IAM login itself succeeded (the token was accepted)")
                .contains("'nosuchdb' does not exist or user '" + rds.dbUser() + "' may not use it")
                .doesNotContain("rejected the IAM auth token");
        assertThat(rds.lastAuthAttempt().accepted()).isTrue();
    }

    @Test
    void serverWithoutTls_isRefused_beforeAnyPasswordIsSent() {
        rds.faults().noTls(true);

        SQLException e = failure(kit.config().build());

        assertThat(e.getMessage()).contains("does not offer TLS, so the token was not sent");
        assertThat(kit.attemptsAfterFailure()).isNotEmpty().noneMatch(AuthAttempt::passwordReceived);
    }

    @Test
    void proxyName_withRdsBundleTrust_isRefused_beforeAnyPasswordIsSent() {
        SQLException e = failure(kit.config().host(rds.proxyHost()).trust(Trust.RDS_BUNDLE).trustPem(null).build());

        assertThat(e.getMessage()).contains("not issued by any CA in Amazon RDS CA bundle");
        assertThat(kit.attemptsAfterFailure()).isNotEmpty().noneMatch(AuthAttempt::passwordReceived);
    }

    @Test
    void rejectedToken_isDiagnosed_withGrantPolicyClockAndHost() {
        rds.faults().rejectAllTokens(true);

        SQLException e = failure(kit.config().build());

        assertRejectedTokenAdvice(e);
        assertThat(e.getMessage())
                .contains("rds-db:connect on arn:aws:rds-db:" + rds.region() + ":<ACCOUNT_ID>:dbuser:")
                .contains("clock")
                .contains(rds.identityHost() + ":" + rds.identityPort())
                .doesNotContain("X-Amz-Signature");
        assertThat(rds.authAttempts()).hasSize(1);
        assertThat(rds.lastAuthAttempt().reason()).isEqualTo(RejectReason.FAULT_INJECTED);
    }

    @Test
    void cachedTokenRejected_isRetriedOnceWithAFreshToken() throws SQLException {
        try (RdsIamDataSource ds = RdsIam.dataSource(kit.config().tokenReuseWindow(Duration.ofMinutes(14)).build())) {
            ds.getConnection().close();
            kit.clock().advance(Duration.ofMinutes(13)); // the cached token is 13 minutes old: still reused
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

        SQLException e = failure(kit.config().build());

        assertThat(e.getMessage()).contains("this machine's clock is right");
        assertThat(rds.lastAuthAttempt().reason()).isEqualTo(RejectReason.EXPIRED);
    }

    @Test
    void proxyWithoutCredentialsForTheRole_isDiagnosed() {
        rds.faults().proxyNoCredentials(true);

        SQLException e = failure(kit.config().host(rds.proxyHost()).build());

        assertThat(e.getMessage()).contains("has no credentials for the role")
                .contains("Secrets Manager secret for this user");
        assertThat(rds.authAttempts()).hasSize(1);
    }

    @Test
    void droppedPackets_timeOutWithinTheConnectTimeout_andSaySecurityGroup() {
        Route dropping = rds.droppingRoute();
        long start = System.nanoTime();

        SQLException e = failure(kit.config().connectHost(dropping.host()).connectPort(dropping.port())
                .connectTimeout(Duration.ofSeconds(1)).build());

        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(e.getMessage()).contains("timed out").contains("security group");
        assertThat(ms).as("gave up within the connect timeout (plus slack)").isLessThan(5_000);
    }

    @Test
    void stalledLogin_isBoundedByTheConnectTimeout_andSaysTheServerStoppedAnswering() {
        rds.faults().authDelay(Duration.ofSeconds(4));
        long start = System.nanoTime();

        SQLException e = failure(kit.config().connectTimeout(Duration.ofSeconds(1)).build());

        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(ms).as("gave up about one connect timeout after the server stopped answering").isLessThan(3_500);
        assertThat(e.getSQLState()).startsWith("08");
        assertThat(e.getMessage()).contains("stopped answering during login");
        awaitDelayedLogin();
    }

    /** The gateway finishes a delayed login after the client gave up: wait for it, so that no later test sees it. */
    protected final void awaitDelayedLogin() {
        rds.awaitAuthAttempts(1, Duration.ofSeconds(8));
    }

    @Test
    void nothingListening_isReportedAsRefused() {
        Route refused = rds.refusedRoute();

        SQLException e = failure(kit.config().connectHost(refused.host()).connectPort(refused.port()).build());

        assertThat(e.getMessage()).contains("nothing is listening").contains(refused.host() + ":" + refused.port());
    }

    @Test
    void routeAddressAsHost_failsTlsVerification_beforeAnyPasswordIsSent() {
        // naming the tunnel instead of the endpoint: the certificate does not match, so nothing is sent
        RdsIamConfig wrong = RdsIamConfig.builder().engine(rds.engine()).host("127.0.0.1").region(rds.region())
                .port(rds.route().port()).database(rds.database()).user(rds.dbUser()).trust(Trust.PEM)
                .trustPem(rds.caPemFile()).accessKeyId(rds.credentials().accessKeyId())
                .secretAccessKey(rds.credentials().secretAccessKey()).clock(kit.clock()).build();

        SQLException e = failure(wrong);

        assertThat(e.getMessage()).contains("127.0.0.1");
        assertThat(kit.attemptsAfterFailure()).isNotEmpty().noneMatch(AuthAttempt::passwordReceived);
    }
}
