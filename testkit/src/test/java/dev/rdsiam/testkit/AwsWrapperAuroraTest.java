package dev.rdsiam.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.jdbc.authentication.AwsCredentialsManager;

/**
 * The AWS Advanced JDBC Wrapper (4.3.0) against LocalAurora with its normal settings: the Aurora dialect from the
 * cluster-shaped URL, topology from {@code aurora_replica_status()}, IAM tokens it signs per instance, failover2
 * to the promoted reader.
 */
@Tag("postgresql")
class AwsWrapperAuroraTest {

    @RegisterExtension
    static final LocalAuroraExtension AURORA = LocalAuroraExtension.postgres().shared("aurora-2");

    @BeforeAll
    static void loadWrapper() throws Exception {
        Class.forName("software.amazon.jdbc.Driver");
    }

    @AfterAll
    static void releaseWrapper() {
        AwsCredentialsManager.resetCustomHandler();
        software.amazon.jdbc.Driver.releaseResources();
    }

    private static Properties props(LocalAurora aurora, String plugins) {
        AwsCredentialsManager.setCustomHandler((host, p) -> StaticCredentialsProvider.create(AwsBasicCredentials
                .create(aurora.credentials().accessKeyId(), aurora.credentials().secretAccessKey())));
        Properties p = new Properties();
        p.setProperty("user", aurora.dbUser());
        p.setProperty("wrapperPlugins", plugins);
        p.setProperty("sslmode", "verify-full");
        p.setProperty("sslrootcert", aurora.caPemFile().toString());
        p.setProperty("socketFactory", RoutesPgSocketFactory.class.getName());
        p.setProperty("socketFactoryArg", Main.facts(aurora).get("RDSIAM_ROUTES"));
        p.setProperty("clusterId", "localaurora-" + System.nanoTime());
        p.setProperty("failoverTimeoutMs", "30000");
        p.setProperty("connectTimeout", "5");
        return p;
    }

    private static String whoAmI(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT pg_catalog.aurora_db_instance_identifier() || ' ' || pg_catalog.pg_is_in_recovery()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void failover2_movesTheSessionToThePromotedReader(LocalAurora aurora) throws Exception {
        String url = "jdbc:aws-wrapper:postgresql://" + aurora.clusterHost() + ":5432/" + aurora.database();
        try (Connection c = DriverManager.getConnection(url, props(aurora, "iam,failover2,efm2"))) {
            assertThat(whoAmI(c)).isEqualTo("localaurora-instance-1 false");
            aurora.failover();
            assertThatThrownBy(() -> whoAmI(c)).isInstanceOfSatisfying(SQLException.class,
                    e -> assertThat(e.getSQLState()).isEqualTo("08S02"));
            assertThat(whoAmI(c)).isEqualTo("localaurora-instance-2 false");
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS after_wrapper_failover (id int)");
            }
        }
        assertThat(aurora.authAttempts(aurora.instanceHosts().get(1))).anyMatch(AuthAttempt::accepted);
        assertThat(aurora.authAttempts()).noneMatch(a -> a.reason() == RejectReason.WRONG_INSTANCE);
    }

    @Test
    void readWriteSplitting_readsOnTheReader(LocalAurora aurora) throws Exception {
        String url = "jdbc:aws-wrapper:postgresql://" + aurora.clusterHost() + ":5432/" + aurora.database();
        try (Connection c = DriverManager.getConnection(url, props(aurora, "iam,readWriteSplitting,failover2"))) {
            assertThat(whoAmI(c)).isEqualTo("localaurora-instance-1 false");
            c.setReadOnly(true);
            assertThat(whoAmI(c)).isEqualTo("localaurora-instance-2 true");
            c.setReadOnly(false);
            assertThat(whoAmI(c)).isEqualTo("localaurora-instance-1 false");
        }
    }
}
