package dev.rdsiam.mysql;

import static dev.rdsiam.testkit.contract.BindingKit.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rdsiam.Engine;
import dev.rdsiam.RdsIam;
import dev.rdsiam.jdbc.RdsIamDataSource;
import dev.rdsiam.testkit.LocalRds;
import dev.rdsiam.testkit.contract.BindingKit;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What only the Connector/J binding does: the sslMode and driver properties it refuses, and the diagnosis of a host
 * blocked after too many failed handshakes (1129). What every binding does is in {@link MySqlContractTest}.
 */
class MySqlFailureTest {

    private final BindingKit kit = BindingKit.of(Engine.MYSQL);
    private final LocalRds rds = kit.rds();

    @BeforeEach
    void clean() {
        kit.reset();
    }

    @ParameterizedTest
    @ValueSource(strings = {"DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA", "verify_ca"})
    void weakSslMode_isRefusedWhenTheDataSourceIsCreated(String mode) {
        assertThatThrownBy(() -> RdsIam.dataSource(kit.config().driverProperty("sslMode", mode).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sslMode=" + mode + " is refused")
                .hasMessageContaining("VERIFY_IDENTITY");
    }

    @ParameterizedTest
    @CsvSource({
        "useSSL, false, useSSL=false is refused",
        "requireSSL, false, requireSSL=false is refused",
        "verifyServerCertificate, false, verifyServerCertificate=false is refused",
        "socketFactory, com.mysql.cj.protocol.StandardSocketFactory, socketFactory is refused",
        "trustCertificateKeyStoreUrl, file:/tmp/t.p12, trustCertificateKeyStoreUrl is refused",
        "clientCertificateKeyStoreUrl, file:/tmp/c.p12, clientCertificateKeyStoreUrl is refused",
        "defaultAuthenticationPlugin, caching_sha2_password, defaultAuthenticationPlugin=caching_sha2_password is refused",
        "disabledAuthenticationPlugins, mysql_clear_password, disabledAuthenticationPlugins=mysql_clear_password is refused",
    })
    void driverPropertiesThatWeakenTlsOrTheLogin_areRefusedWhenTheDataSourceIsCreated(String key, String value, String message) {
        assertThatThrownBy(() -> RdsIam.dataSource(kit.config().driverProperty(key, value).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void hostBlocked_afterTooManyFailedHandshakes_isDiagnosed_andFlushHostsUnblocks() throws Exception {
        rds.faults().maxConnectErrors(2);
        for (int i = 0; i < 2; i++) { // what an NLB TCP health check does: open, then close without a login
            try (java.net.Socket probe = new java.net.Socket(rds.route().host(), rds.route().port())) {
                probe.getInputStream().read(new byte[64]);
            }
            Thread.sleep(100);
        }

        SQLException e = failure(kit.config().build());

        assertThat(e.getErrorCode()).isEqualTo(1129);
        assertThat(e.getMessage()).contains("is blocked because of many connection errors")
                .contains("max_connect_errors").contains("FLUSH HOSTS").contains("health check");
        rds.faults().flushHosts();
        try (RdsIamDataSource ds = RdsIam.dataSource(kit.config().build()); Connection c = ds.getConnection()) {
            assertThat(c.isValid(2)).isTrue();
        }
    }
}
