package dev.rdsiam.samples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import com.zaxxer.hikari.HikariDataSource;
import dev.rdsiam.jdbc.RdsIamDataSource;
import dev.rdsiam.testkit.AuthAttempt;
import dev.rdsiam.Engine;
import dev.rdsiam.testkit.LocalRds;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The running application (web server on a random port) against LocalRds, configured through
 * {@code spring.datasource.url}/{@code username} and {@code rdsiam.*} keys alone: no driver class, no password.
 * Health and meters are read over HTTP from Actuator, as an operator reads them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "spring.datasource.hikari.maximum-pool-size=4", "spring.datasource.hikari.minimum-idle=1",
    "spring.datasource.hikari.connection-timeout=3000"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OrdersApplicationTest {

    static final LocalRds RDS = LocalRds.builder().engine(Engine.POSTGRESQL).database("orders").start();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void datasource(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> "jdbc:rdsiam:postgresql://" + RDS.identityHost() + ":"
                + RDS.identityPort() + "/" + RDS.database() + "?rdsiam.connectHost=" + RDS.route().host()
                + "&rdsiam.connectPort=" + RDS.route().port());
        registry.add("spring.datasource.username", RDS::dbUser);
        registry.add("rdsiam.trust", () -> "pem");
        registry.add("rdsiam.trust-pem", () -> RDS.caPemFile().toString());
        registry.add("rdsiam.access-key-id", () -> RDS.credentials().accessKeyId());
        registry.add("rdsiam.secret-access-key", () -> RDS.credentials().secretAccessKey());
    }

    @AfterAll
    static void stop() {
        RDS.close();
    }

    @Autowired
    OrderRepository orders;

    @Autowired
    DataSource dataSource;

    @Value("${local.server.port}")
    int port;

    @Test
    @org.junit.jupiter.api.Order(1)
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
    @org.junit.jupiter.api.Order(2)
    void everyNewPoolConnection_logsInWithAToken_andOneTokenServesThePool() throws Exception {
        HikariDataSource pool = (HikariDataSource) dataSource;
        assertThat(pool.getPoolName()).isEqualTo("orders");
        assertThat(pool.getJdbcUrl()).as("connections come from the IAM DataSource, not a driver").isNull();
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
        RdsIamDataSource iam = pool.unwrap(RdsIamDataSource.class);
        assertThat(iam.config().name()).isEqualTo("orders-app");
        assertThat(iam.config().connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(iam.status().tokensMinted())
                .as("tokens minted for %d logins", RDS.authAttempts().size()).isEqualTo(1);
    }

    @Test
    @org.junit.jupiter.api.Order(3)
    void actuatorHealth_showsRdsiamUp_withTheLastLogin_tokenAndCertificate() throws Exception {
        orders.count();
        HttpResponse<String> health = get("/actuator/health");

        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        String body = health.body();
        assertThat(JsonPath.<String>read(body, "$.status")).isEqualTo("UP");
        assertThat(JsonPath.<String>read(body, "$.components.rdsiam.status")).isEqualTo("UP");
        Map<String, Object> d = JsonPath.read(body, "$.components.rdsiam.details.dataSource");
        assertThat(d).containsEntry("lastLogin", "ok").containsEntry("name", "orders-app")
                .containsEntry("engine", "postgresql").containsEntry("credentials", "static keys")
                .containsKeys("tokenAge", "tokenExpiresAt", "tokenExpiresIn", "serverCertificateExpiresAt",
                        "trustEarliestExpiry", "lastLoginAt");
        assertThat((Integer) d.get("tokensMinted")).isPositive();
        assertThat(JsonPath.<String>read(body, "$.components.db.status")).isEqualTo("UP");
    }

    @Test
    @org.junit.jupiter.api.Order(4)
    void actuatorMetrics_showTheLibrarysMeters_andHikarisPoolMeters() throws Exception {
        HttpResponse<String> minted = get("/actuator/metrics/rdsiam.tokens.minted");
        assertThat(minted.statusCode()).as(minted.body()).isEqualTo(200);
        assertThat(JsonPath.<Double>read(minted.body(), "$.measurements[0].value")).isGreaterThanOrEqualTo(1.0);
        assertThat(JsonPath.<List<String>>read(minted.body(), "$.availableTags[?(@.tag == 'name')].values[0]"))
                .containsExactly("orders-app");
        assertThat(JsonPath.<List<String>>read(minted.body(), "$.availableTags[*].tag"))
                .containsExactlyInAnyOrder("name", "engine", "host");

        HttpResponse<String> ok = get("/actuator/metrics/rdsiam.connections?tag=outcome:ok");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(JsonPath.<Double>read(ok.body(), "$.measurements[0].value")).isGreaterThanOrEqualTo(4.0);

        HttpResponse<String> expiry = get("/actuator/metrics/rdsiam.tls.certificate.expiry");
        assertThat(JsonPath.<Double>read(expiry.body(), "$.measurements[0].value")).isPositive();

        HttpResponse<String> pool = get("/actuator/metrics/hikaricp.connections.max?tag=pool:orders");
        assertThat(pool.statusCode()).as("Boot's Hikari pool meters apply: " + pool.body()).isEqualTo(200);
        assertThat(JsonPath.<Double>read(pool.body(), "$.measurements[0].value")).isEqualTo(4.0);
    }

    @Test
    @org.junit.jupiter.api.Order(5)
    void noSecret_tokenOrKeyId_inHealthDetails_meterNamesOrTags() throws Exception {
        orders.count();
        List<String> bodies = new ArrayList<>();
        bodies.add(get("/actuator/health").body());
        String names = get("/actuator/metrics").body();
        bodies.add(names);
        List<String> ours = JsonPath.read(names, "$.names[?(@ =~ /rdsiam\\..*/)]");
        assertThat(ours).contains("rdsiam.tokens.minted", "rdsiam.tokens.mint", "rdsiam.tokens.reused",
                "rdsiam.credentials.resolve", "rdsiam.connections", "rdsiam.connections.open", "rdsiam.tls.handshake",
                "rdsiam.tls.certificate.expiry", "rdsiam.tls.trust.expiry");
        for (String meter : ours) {
            bodies.add(get("/actuator/metrics/" + meter).body());
        }
        String keyId = RDS.credentials().accessKeyId();
        for (String body : bodies) {
            assertThat(body).doesNotContain(keyId, RDS.credentials().secretAccessKey(), keyId.substring(0, 4) + "…",
                    keyId.substring(keyId.length() - 4), "X-Amz-Signature", "X-Amz-Credential", "Amz-Security-Token");
        }
    }

    @Test
    @org.junit.jupiter.api.Order(6)
    void health_goesDown_whenLoginsAreRefused_andUpAgain_whenOneWorks() throws Exception {
        HikariDataSource pool = (HikariDataSource) dataSource;
        RDS.faults().rejectAllTokens(true);
        try {
            pool.getHikariPoolMXBean().softEvictConnections();
            borrowQuietly(pool); // the pool now needs a new physical connection, and its logins are refused

            String down = awaitHealth(b -> "DOWN".equals(JsonPath.read(b, "$.status")));
            assertThat(JsonPath.<String>read(down, "$.details.dataSource.lastLogin")).isEqualTo("auth_rejected");
            assertThat(JsonPath.<String>read(down, "$.details.dataSource.diagnosis")).isNotBlank();
            assertThat(get("/actuator/metrics/rdsiam.connections?tag=outcome:auth_rejected").statusCode())
                    .isEqualTo(200);
        } finally {
            RDS.faults().rejectAllTokens(false);
        }
        try (Connection c = pool.getConnection()) {
            assertThat(c.isValid(5)).isTrue();
        }
        String up = awaitHealth(b -> "UP".equals(JsonPath.read(b, "$.status")));
        assertThat(JsonPath.<String>read(up, "$.details.dataSource.lastLogin")).isEqualTo("ok");
    }

    private String awaitHealth(Predicate<String> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String body;
        do {
            body = get("/actuator/health/rdsiam").body();
            if (condition.test(body)) {
                return body;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("health never got there: " + body);
    }

    private static void borrowQuietly(HikariDataSource pool) {
        try (Connection c = pool.getConnection()) {
            c.isValid(1);
        } catch (SQLException expected) {
            // refused: what the health must show
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
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
