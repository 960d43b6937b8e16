package dev.rdsiam.samples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rdsiam.testkit.AuthAttempt;
import dev.rdsiam.testkit.LocalAurora;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The application with the {@code aurora} profile against a LocalAurora cluster: the pool's connections go
 * through the AWS Advanced JDBC Wrapper (failover2, efm2), each logged in with a token for the instance it
 * reaches, over TLS verified for that name; the routes come from the cluster's {@code RDSIAM_ROUTES} line.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
    "spring.datasource.hikari.maximum-pool-size=2", "spring.datasource.hikari.minimum-idle=1"})
@ActiveProfiles("aurora")
class AuroraProfileTest {

    static final LocalAurora AURORA = LocalAurora.builder().database("orders").start();

    @DynamicPropertySource
    static void datasource(DynamicPropertyRegistry registry) {
        registry.add("RDSIAM_HOST", AURORA::clusterHost);
        registry.add("RDSIAM_DATABASE", AURORA::database);
        registry.add("spring.datasource.username", AURORA::dbUser);
        registry.add("rdsiam.trust", () -> "pem");
        registry.add("rdsiam.trust-pem", () -> AURORA.caPemFile().toString());
        registry.add("rdsiam.access-key-id", () -> AURORA.credentials().accessKeyId());
        registry.add("rdsiam.secret-access-key", () -> AURORA.credentials().secretAccessKey());
        StringBuilder routes = new StringBuilder();
        AURORA.routes().forEach((n, r) -> routes.append(routes.length() == 0 ? "" : ",").append(n).append('=')
                .append(r.host()).append(':').append(r.port()));
        registry.add("rdsiam.routes", routes::toString);
    }

    @AfterAll
    static void stop() {
        software.amazon.jdbc.Driver.releaseResources();
        AURORA.close();
    }

    @Autowired
    OrderRepository orders;

    @Autowired
    DataSource dataSource;

    @Test
    void ordersGoToTheWriter_throughTheWrapper_withTokensForTheInstance() throws Exception {
        assertThat(orders.currentUser()).isEqualTo(AURORA.dbUser());
        orders.add("aurora", new BigDecimal("3.00"));
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_catalog.aurora_db_instance_identifier(), "
                        + "pg_catalog.pg_is_in_recovery()")) {
            assertThat(c.unwrap(software.amazon.jdbc.wrapper.ConnectionWrapper.class)).isNotNull();
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("localaurora-instance-1");
            assertThat(rs.getBoolean(2)).isFalse();
        }
        assertThat(AURORA.authAttempts()).isNotEmpty().allMatch(AuthAttempt::accepted).allMatch(AuthAttempt::tls);
    }
}
