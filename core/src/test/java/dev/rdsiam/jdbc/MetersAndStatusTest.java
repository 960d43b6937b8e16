package dev.rdsiam.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rdsiam.Engine;
import dev.rdsiam.RdsIam;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.testing.MutableClock;
import dev.rdsiam.testing.ScriptedBinding;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Meters and the status snapshot over the scripted binding (the outcomes of real failures: engine modules). */
class MetersAndStatusTest {

    private static final String HOST = "shop.c0ffee000000.us-east-1.rds.amazonaws.com";
    private static final String KEY_ID = "AKIAIOSFODNN7EXAMPLE";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

    @BeforeEach
    void reset() {
        ScriptedBinding.reset();
    }

    private RdsIamConfig.Builder config() {
        return RdsIamConfig.builder().engine(Engine.MYSQL).host(HOST).user("app").name("orders")
                .accessKeyId(KEY_ID).secretAccessKey(SECRET).clock(clock);
    }

    private static double count(MeterRegistry r, String name, String... tags) {
        var search = r.find(name).tags(tags);
        return search.counter() == null ? 0 : search.counter().count();
    }

    @Test
    void tokensConnectionsAndCredentials_areCountedAndTimed() throws SQLException {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (RdsIamDataSource ds = RdsIam.dataSource(config().meterRegistry(registry).build())) {
            ds.getConnection();
            ds.getConnection();
            ScriptedBinding.SCRIPT.add(ScriptedBinding.NETWORK);
            assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class);
            ScriptedBinding.SCRIPT.add(ScriptedBinding.REJECT);
            ScriptedBinding.SCRIPT.add(ScriptedBinding.REJECT);
            assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class);

            String[] tags = {"name", "orders", "engine", "mysql", "host", HOST};
            assertThat(count(registry, "rdsiam.tokens.minted", tags)).isEqualTo(2); // the first, then after a refusal
            assertThat(count(registry, "rdsiam.tokens.reused", tags)).isEqualTo(3);
            assertThat(registry.find("rdsiam.tokens.mint").tags(tags).timer().count()).isEqualTo(2);
            assertThat(registry.find("rdsiam.credentials.resolve").tags(tags).timer().count()).isEqualTo(2);
            assertThat(count(registry, "rdsiam.connections", "outcome", "ok")).isEqualTo(2);
            assertThat(count(registry, "rdsiam.connections", "outcome", "auth_rejected")).isEqualTo(2);
            assertThat(count(registry, "rdsiam.connections", "outcome", "other")).isEqualTo(1);
            assertThat(registry.find("rdsiam.connections.open").timer().count()).isEqualTo(5);
            assertThat(registry.find("rdsiam.tls.trust.expiry").gauge().value()).isPositive();
        }
        assertThat(registry.find("rdsiam.tokens.minted").counter()).as("close() removes the meters").isNull();
    }

    @Test
    void credentialFailures_areCountedByCause() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RdsIamConfig c = RdsIamConfig.builder().engine(Engine.MYSQL).host(HOST).user("app")
                .profile("no-such-profile-for-meters").meterRegistry(registry).build();
        try (RdsIamDataSource ds = RdsIam.dataSource(c)) {
            assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class);
            assertThat(count(registry, "rdsiam.credentials.failures", "cause", "no_credentials")).isEqualTo(1);
            assertThat(count(registry, "rdsiam.connections", "outcome", "credentials_unavailable")).isEqualTo(1);
            assertThat(ds.status().lastAttempt().orElseThrow().outcome()).isEqualTo("credentials_unavailable");
        }
    }

    @Test
    void withoutARegistry_metersGoToTheGlobalRegistry_andOffMeansNone() throws SQLException {
        SimpleMeterRegistry global = new SimpleMeterRegistry();
        Metrics.addRegistry(global);
        try {
            try (RdsIamDataSource ds = RdsIam.dataSource(config().name("global").build())) {
                ds.getConnection();
                assertThat(count(global, "rdsiam.tokens.minted", "name", "global")).isEqualTo(1);
            }
            try (RdsIamDataSource ds = RdsIam.dataSource(config().name("silent").metrics("off").build())) {
                ds.getConnection();
                assertThat(global.getMeters()).noneMatch(m -> m.getId().getTag("name") != null
                        && m.getId().getTag("name").equals("silent"));
            }
        } finally {
            Metrics.removeRegistry(global);
        }
    }

    @Test
    void meterNamesAndTags_carryNoSecretTokenOrKeyId() throws SQLException {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (RdsIamDataSource ds = RdsIam.dataSource(config().meterRegistry(registry).build())) {
            ds.getConnection();
            ScriptedBinding.SCRIPT.add(ScriptedBinding.REJECT);
            ScriptedBinding.SCRIPT.add(ScriptedBinding.REJECT);
            assertThatThrownBy(ds::getConnection);
            for (Meter m : registry.getMeters()) {
                String id = m.getId().toString();
                assertThat(id).doesNotContain(KEY_ID).doesNotContain(SECRET.substring(0, 10))
                        .doesNotContain("X-Amz").doesNotContain(ScriptedBinding.PRESENTED.get(0).value());
            }
        }
    }

    @Test
    void aMeterRegistryThatIsNot_isRefusedAtBuild() {
        assertThatThrownBy(() -> config().meterRegistry("registry").build())
                .hasMessageContaining("meterRegistry is a java.lang.String: pass an "
                        + "io.micrometer.core.instrument.MeterRegistry");
        assertThatThrownBy(() -> RdsIamConfig.fromUrl("jdbc:rdsiam:mysql://" + HOST + "/db?user=app&rdsiam.metrics=on",
                null)).hasMessageContaining("rdsiam.metrics 'on' is not valid: use auto or off");
    }

    @Test
    void status_goesDownWhenTheRecentAttemptsAllFail_andUpWhenOneWorks() throws SQLException {
        try (RdsIamDataSource ds = RdsIam.dataSource(config().metrics("off").build())) {
            assertThat(ds.status().down()).isFalse();
            assertThat(ds.status().lastAttempt()).isEmpty();
            ds.getConnection();
            DataSourceStatus up = ds.status();
            assertThat(up.down()).isFalse();
            assertThat(up.tokenIssuedAt()).contains(clock.instant());
            assertThat(up.tokenExpiresAt()).contains(clock.instant().plus(Duration.ofMinutes(15)));
            assertThat(up.credentials()).contains("static keys").doesNotContain(KEY_ID);
            assertThat(up.tokensMinted()).isEqualTo(1);
            for (int i = 0; i < DataSourceStatus.DOWN_AFTER; i++) {
                ScriptedBinding.SCRIPT.add(ScriptedBinding.NETWORK);
                assertThatThrownBy(ds::getConnection);
                assertThat(ds.status().down()).isEqualTo(i == DataSourceStatus.DOWN_AFTER - 1);
            }
            DataSourceStatus down = ds.status();
            assertThat(down.lastAttempt().orElseThrow().diagnosis()).hasValueSatisfying(d ->
                    assertThat(d).contains("Communications link failure"));
            assertThat(down.recentAttempts()).hasSize(DataSourceStatus.DOWN_AFTER + 1);
            ds.getConnection();
            assertThat(ds.status().down()).isFalse();
            assertThat(ds.status().toString()).doesNotContain(SECRET).doesNotContain(KEY_ID)
                    .doesNotContain(ScriptedBinding.PRESENTED.get(0).value());
        }
    }
}
