package dev.rdsiam.awswrapper;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rdsiam.Engine;
import dev.rdsiam.RdsIam;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.jdbc.RdsIamDataSource;
import dev.rdsiam.testkit.AuthAttempt;
import dev.rdsiam.testkit.LocalAurora;
import dev.rdsiam.testkit.LocalAuroraExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** MySQL Connector/J through the AWS Advanced JDBC Wrapper: IAM tokens and verified TLS for the names it uses. */
@Tag("mysql")
class AuroraWrapperMySqlTest {

    @RegisterExtension
    static final LocalAuroraExtension AURORA = LocalAuroraExtension.of(LocalAurora.builder().engine(Engine.MYSQL));

    @AfterAll
    static void releaseWrapper() {
        software.amazon.jdbc.Driver.releaseResources();
    }

    @Test
    void wrapperConnections_logInWithATokenOverVerifiedTls(LocalAurora aurora) throws Exception {
        RdsIamConfig config = Clusters.config(aurora, "efm2").name("mysql-wrapper").build();
        aurora.clearAuthAttempts();
        try (RdsIamDataSource ds = RdsIam.dataSource(config); Connection c = ds.getConnection();
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(c).isInstanceOf(software.amazon.jdbc.wrapper.ConnectionWrapper.class);
            assertThat(ds.lastTlsHandshake()).hasValueSatisfying(h -> assertThat(h.verifiedName())
                    .isEqualToIgnoringCase(aurora.clusterHost()));
        }
        assertThat(aurora.authAttempts()).isNotEmpty().allMatch(AuthAttempt::accepted)
                .allMatch(a -> a.tls() && a.passwordReceived())
                .anyMatch(a -> aurora.clusterHost().equalsIgnoreCase(a.sniHostName()));
    }
}
