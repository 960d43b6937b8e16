package dev.rdsiam.samples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.rdsiam.jdbc.RdsIamDataSource;
import dev.rdsiam.jdbc.RdsIamDriver;
import dev.rdsiam.testkit.AuthAttempt;
import dev.rdsiam.testkit.Engine;
import dev.rdsiam.testkit.LocalRds;
import java.math.BigDecimal;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The application against LocalRds, configured only through {@code spring.datasource.*}: the identity host in a
 * {@code jdbc:rdsiam:} URL with the route in its query, the user, the kit's CA and keys as Hikari data-source
 * properties, and no password.
 */
@SpringBootTest(properties = {"spring.datasource.hikari.maximum-pool-size=4",
    "spring.datasource.hikari.minimum-idle=1"})
class OrdersApplicationTest {

    private static final String PROPS = "spring.datasource.hikari.data-source-properties";
    static final LocalRds RDS = LocalRds.builder().engine(Engine.POSTGRESQL).database("orders").start();

    @DynamicPropertySource
    static void datasource(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> "jdbc:rdsiam:postgresql://" + RDS.identityHost() + ":"
                + RDS.identityPort() + "/" + RDS.database() + "?rdsiam.connectHost=" + RDS.route().host()
                + "&rdsiam.connectPort=" + RDS.route().port());
        registry.add("spring.datasource.username", RDS::dbUser);
        registry.add(PROPS + "[rdsiam.trust]", () -> "pem");
        registry.add(PROPS + "[rdsiam.trustPem]", () -> RDS.caPemFile().toString());
        registry.add(PROPS + "[rdsiam.accessKeyId]", () -> RDS.credentials().accessKeyId());
        registry.add(PROPS + "[rdsiam.secretAccessKey]", () -> RDS.credentials().secretAccessKey());
    }

    @AfterAll
    static void stop() {
        RDS.close();
    }

    @Autowired
    OrderRepository orders;

    @Autowired
    DataSource dataSource;

    @Test
    void repository_storesAndReadsOrders_asTheIamUser() {
        assertThat(orders.currentUser()).isEqualTo(RDS.dbUser());
        long before = orders.count();

        Order first = orders.add("acme", new BigDecimal("12.50"));
        orders.add("acme", new BigDecimal("7.25"));
        orders.add("globex", new BigDecimal("1.00"));

        assertThat(first.id()).isPositive();
        assertThat(first.orderedAt()).isNotNull();
        assertThat(orders.byCustomer("acme")).extracting(Order::amount)
                .containsExactly(new BigDecimal("12.50"), new BigDecimal("7.25"));
        assertThat(orders.count()).isEqualTo(before + 3);
    }

    @Test
    void everyNewPoolConnection_logsInWithAToken_andOneTokenServesThePool() throws Exception {
        HikariDataSource pool = (HikariDataSource) dataSource;
        assertThat(pool.getJdbcUrl()).startsWith("jdbc:rdsiam:postgresql://" + RDS.identityHost());
        assertThat(pool.getPassword()).isNull();
        RDS.clearAuthAttempts();

        holdAllConnectionsOnce(pool);
        pool.getHikariPoolMXBean().softEvictConnections(); // the next borrows need new physical connections
        holdAllConnectionsOnce(pool);

        List<AuthAttempt> logins = RDS.awaitAuthAttempts(4, Duration.ofSeconds(10));
        assertThat(logins).allSatisfy(a -> {
            assertThat(a.accepted()).as(a.toString()).isTrue();
            assertThat(a.user()).isEqualTo(RDS.dbUser());
            assertThat(a.tlsProtocol()).startsWith("TLSv1.");
        });
        // the same URL and properties Hikari hands to the driver find the driver's DataSource for them
        Properties info = new Properties();
        info.putAll(pool.getDataSourceProperties());
        info.setProperty("user", pool.getUsername());
        RdsIamDataSource iam = RdsIamDriver.dataSourceFor(pool.getJdbcUrl(), info);
        assertThat(iam.config().name()).isEqualTo("orders-app");
        assertThat(iam.status().tokensMinted())
                .as("tokens minted for %d logins", RDS.authAttempts().size()).isEqualTo(1);
    }

    private static void holdAllConnectionsOnce(HikariDataSource pool) throws Exception {
        List<Connection> held = new ArrayList<>();
        try {
            for (int i = 0; i < pool.getMaximumPoolSize(); i++) {
                Connection c = pool.getConnection();
                held.add(c);
                assertThat(c.isValid(5)).isTrue();
            }
            assertThat(pool.getHikariPoolMXBean().getActiveConnections()).isEqualTo(4);
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
    }
}
