package dev.rdsiam.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rdsiam.Engine;
import dev.rdsiam.RdsIam;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.jdbc.DataSourceStatus;
import dev.rdsiam.jdbc.RdsIamDataSource;
import dev.rdsiam.testkit.LocalRds;
import dev.rdsiam.testkit.Route;
import dev.rdsiam.testkit.ServerCertificate;
import dev.rdsiam.testkit.contract.BindingKit;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Meters and status from real pgjdbc connections through LocalRds, failures included. */
class PgMetersTest {

    private final BindingKit kit = BindingKit.of(Engine.POSTGRESQL);
    private final LocalRds rds = kit.rds();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void clean() {
        kit.reset();
    }

    private double outcome(String outcome) {
        var c = registry.find("rdsiam.connections").tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void outcomes_countWhatTheDiagnosisFound() throws SQLException {
        RdsIamConfig.Builder base = kit.config().name("meters").meterRegistry(registry);
        try (RdsIamDataSource ds = RdsIam.dataSource(base.build()); Connection c = ds.getConnection()) {
            assertThat(c.isValid(2)).isTrue();
            assertThat(outcome("ok")).isEqualTo(1);
            assertThat(registry.find("rdsiam.tls.handshake").timer().count()).isEqualTo(1);
            double expiry = registry.find("rdsiam.tls.certificate.expiry").gauge().value();
            assertThat(expiry).as("seconds until the kit's server certificate expires").isPositive();
        }
        rds.faults().rejectAllTokens(true);
        try (RdsIamDataSource ds = RdsIam.dataSource(base.build())) {
            assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class);
            assertThat(outcome("auth_rejected")).isEqualTo(1);
        }
        rds.faults().reset();
        rds.faults().certificate(ServerCertificate.WRONG_HOST);
        try (RdsIamDataSource ds = RdsIam.dataSource(base.build())) {
            assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class);
            assertThat(outcome("tls_hostname")).isEqualTo(1);
        }
        rds.faults().reset();
        Route dropping = rds.droppingRoute();
        try (RdsIamDataSource ds = RdsIam.dataSource(base.connectHost(dropping.host()).connectPort(dropping.port())
                .connectTimeout(Duration.ofSeconds(1)).build())) {
            assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class);
            assertThat(outcome("timeout")).isEqualTo(1);
        }
        for (Meter m : registry.getMeters()) {
            assertThat(m.getId().toString()).doesNotContain(rds.credentials().accessKeyId())
                    .doesNotContain(rds.credentials().secretAccessKey()).doesNotContain("X-Amz");
        }
    }

    @Test
    void status_followsLocalRdsFaults_downAndUpAgain() throws SQLException {
        try (RdsIamDataSource ds = RdsIam.dataSource(kit.config().metrics("off").build())) {
            ds.getConnection().close();
            assertThat(ds.status().down()).isFalse();
            rds.faults().rejectAllTokens(true);
            for (int i = 0; i < DataSourceStatus.DOWN_AFTER; i++) {
                assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class);
            }
            DataSourceStatus down = ds.status();
            assertThat(down.down()).isTrue();
            assertThat(down.lastAttempt().orElseThrow().outcome()).isEqualTo("auth_rejected");
            assertThat(down.lastAttempt().orElseThrow().diagnosis()).hasValueSatisfying(d ->
                    assertThat(d).contains("PAM authentication failed").doesNotContain("X-Amz-Signature"));
            rds.faults().reset();
            ds.getConnection().close();
            assertThat(ds.status().down()).isFalse();
            assertThat(ds.status().serverCertificateNotAfter()).isPresent();
        }
    }
}
