package dev.rdsiam.samples.quarkus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rdsiam.jdbc.RdsIamDataSource;
import dev.rdsiam.jdbc.RdsIamDriver;
import dev.rdsiam.testkit.AuthAttempt;
import dev.rdsiam.testkit.LocalRds;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.agroal.api.configuration.AgroalConnectionFactoryConfiguration;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The application against LocalRds, configured only through {@code quarkus.datasource.*}. */
@QuarkusTest
@WithTestResource(LocalRdsResource.class)
class OrdersTest {

    private static final int HELD = 4;

    @Inject
    OrderRepository orders;

    @Inject
    AgroalDataSource dataSource;

    /** Injected by {@link LocalRdsResource}. */
    LocalRds rds;

    @Test
    void repository_storesAndSumsOrders_asTheIamUser() throws Exception {
        assertThat(orders.currentUser()).isEqualTo(rds.dbUser());
        long before = orders.count();

        long id = orders.add("initech", new BigDecimal("10.10"));
        orders.add("initech", new BigDecimal("0.90"));

        assertThat(id).isPositive();
        assertThat(orders.total("initech")).isEqualByComparingTo("11.00");
        assertThat(orders.count()).isEqualTo(before + 2);
    }

    @Test
    void everyNewPoolConnection_logsInWithAToken_andOneTokenServesThePool() throws Exception {
        AgroalConnectionFactoryConfiguration factory = dataSource.getConfiguration().connectionPoolConfiguration()
                .connectionFactoryConfiguration();
        assertThat(factory.jdbcUrl()).startsWith("jdbc:rdsiam:postgresql://" + rds.identityHost());
        assertThat(factory.credentials()).isEmpty();
        rds.clearAuthAttempts();

        holdConnections();
        dataSource.flush(AgroalDataSource.FlushMode.IDLE); // the next acquisitions need new physical connections
        holdConnections();

        List<AuthAttempt> logins = rds.awaitAuthAttempts(HELD, Duration.ofSeconds(10));
        assertThat(logins).allSatisfy(a -> {
            assertThat(a.accepted()).as(a.toString()).isTrue();
            assertThat(a.user()).isEqualTo(rds.dbUser());
            assertThat(a.tlsProtocol()).startsWith("TLSv1.");
        });
        // the URL and properties Agroal hands to the driver find the driver's DataSource for them
        Properties info = new Properties();
        info.putAll(factory.jdbcProperties());
        info.setProperty("user", factory.principal().getName());
        RdsIamDataSource iam = RdsIamDriver.dataSourceFor(factory.jdbcUrl(), info);
        assertThat(iam.config().name()).isEqualTo("orders-app");
        assertThat(iam.status().tokensMinted())
                .as("tokens minted for %d logins", rds.authAttempts().size()).isEqualTo(1);
    }

    @Test
    void theLibrarysMeters_reachMicrometersGlobalRegistry() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Metrics.addRegistry(registry); // as a bridge to the application's registry does
        try {
            dataSource.flush(AgroalDataSource.FlushMode.IDLE);
            holdConnections();
            var ok = registry.find("rdsiam.connections").tag("outcome", "ok").tag("name", "orders-app").counter();
            assertThat(ok).as("rdsiam.connections{outcome=ok}").isNotNull();
            assertThat(ok.count()).isGreaterThanOrEqualTo(1);
            assertThat(registry.find("rdsiam.connections.open").tag("engine", "postgresql").timer()).isNotNull();
            assertThat(registry.find("rdsiam.tokens.minted").tag("host", rds.identityHost()).counter()).isNotNull();
            for (Meter m : registry.getMeters()) {
                assertThat(m.getId().toString()).doesNotContain(rds.credentials().accessKeyId())
                        .doesNotContain("X-Amz");
            }
        } finally {
            Metrics.removeRegistry(registry);
        }
    }

    private void holdConnections() throws Exception {
        List<Connection> held = new ArrayList<>();
        try {
            for (int i = 0; i < HELD; i++) {
                Connection c = dataSource.getConnection();
                held.add(c);
                assertThat(c.isValid(5)).isTrue();
            }
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
    }
}
