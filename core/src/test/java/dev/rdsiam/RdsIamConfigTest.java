package dev.rdsiam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class RdsIamConfigTest {

    private static final String HOST = "orders.cluster-c9akciq32.eu-west-1.rds.amazonaws.com";

    @Test
    void builder_appliesDefaults_andReadsRegionFromHost() {
        RdsIamConfig c = RdsIamConfig.builder().engine(Engine.POSTGRESQL).host(HOST).user("app").build();

        assertThat(c.port()).isEqualTo(5432);
        assertThat(c.region()).isEqualTo("eu-west-1");
        assertThat(c.stsRegion()).isEqualTo("eu-west-1");
        assertThat(c.endpoint().type()).isEqualTo(EndpointType.CLUSTER_WRITER);
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.tokenReuseWindow()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.trust()).isEqualTo(Trust.AUTO);
        assertThat(c.routeHost()).isEqualTo(HOST);
        assertThat(c.routePort()).isEqualTo(5432);
        assertThat(c.hasRoute()).isFalse();
        assertThat(c.credentialsDescription()).isEqualTo("default credentials chain");
        assertThat(RdsIamConfig.builder().engine(Engine.MYSQL).host(HOST).user("app").build().port()).isEqualTo(3306);
    }

    @Test
    void route_isSeparateFromIdentity() {
        RdsIamConfig c = RdsIamConfig.builder().engine(Engine.POSTGRESQL).host(HOST).user("app")
                .connectHost("127.0.0.1").connectPort(8888).build();

        assertThat(c.host()).isEqualTo(HOST);
        assertThat(c.port()).isEqualTo(5432);
        assertThat(c.routeHost()).isEqualTo("127.0.0.1");
        assertThat(c.routePort()).isEqualTo(8888);
        assertThat(c.toString()).contains("route=127.0.0.1:8888");
    }

    @Test
    void fromProperties_readsEveryKindOfValue_andIgnoresOtherPrefixes() {
        Properties p = new Properties();
        p.setProperty("rdsiam.engine", "mysql");
        p.setProperty("rdsiam.host", "db.internal.example");
        p.setProperty("rdsiam.region", "eu-central-1");
        p.setProperty("rdsiam.port", "3307");
        p.setProperty("rdsiam.user", "app");
        p.setProperty("rdsiam.database", "shop");
        p.setProperty("rdsiam.connectTimeout", "PT3S");
        p.setProperty("rdsiam.tokenReuseWindow", "500s");
        p.setProperty("rdsiam.roleArn", "arn:aws:iam::123456789012:role/db-access");
        p.setProperty("rdsiam.externalId", "ext-42");
        p.setProperty("rdsiam.roleDuration", "2h");
        p.setProperty("rdsiam.stsEndpoint", "https://sts.eu-central-1.amazonaws.com");
        p.setProperty("rdsiam.trust", "rds-bundle");
        p.setProperty("spring.datasource.url", "ignored");

        RdsIamConfig c = RdsIamConfig.fromProperties(p, "rdsiam.");

        assertThat(c.engine()).isEqualTo(Engine.MYSQL);
        assertThat(c.endpoint().type()).isEqualTo(EndpointType.OTHER);
        assertThat(c.region()).isEqualTo("eu-central-1");
        assertThat(c.port()).isEqualTo(3307);
        assertThat(c.database()).contains("shop");
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.tokenReuseWindow()).isEqualTo(Duration.ofSeconds(500));
        assertThat(c.assumeRole().orElseThrow().duration()).isEqualTo(Duration.ofHours(2));
        assertThat(c.assumeRole().orElseThrow().roleArn()).isEqualTo("arn:aws:iam::123456789012:role/db-access");
        assertThat(c.assumeRole().orElseThrow().externalId()).isPresent();
        assertThat(c.stsEndpoint()).contains(URI.create("https://sts.eu-central-1.amazonaws.com"));
        assertThat(c.trust()).isEqualTo(Trust.RDS_BUNDLE);
        assertThat(c.credentialsDescription()).isEqualTo(
                "default credentials chain, then assume role arn:aws:iam::123456789012:role/db-access (external id set)");
    }

    @Test
    void environment_readsRdsiamVariables() {
        RdsIamConfig c = RdsIamConfig.builder().environment(Map.of(
                "RDSIAM_ENGINE", "postgresql",
                "RDSIAM_HOST", "localrds.c0ffee000000.us-east-1.rds.amazonaws.com",
                "RDSIAM_PORT", "5432",
                "RDSIAM_CONNECT_HOST", "127.0.0.1",
                "RDSIAM_CONNECT_PORT", "40123",
                "RDSIAM_USER", "iam_user",
                "RDSIAM_DATABASE", "appdb",
                "PATH", "/usr/bin")).build();

        assertThat(c.routePort()).isEqualTo(40123);
        assertThat(c.user()).isEqualTo("iam_user");
        assertThat(c.database()).contains("appdb");
    }

    @Test
    void toString_masksSecrets() {
        RdsIamConfig c = RdsIamConfig.builder().engine(Engine.POSTGRESQL).host(HOST).user("app")
                .accessKeyId("ASIAIOSFODNN7EXAMPLE").secretAccessKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
                .sessionToken("FwoGZXIvYXdzSESSION").build();

        assertThat(c.toString()).doesNotContain("wJalrXUtnFEMI").doesNotContain("FwoGZXIvYXdzSESSION")
                .doesNotContain("ASIAIOSFODNN7EXAMPLE").contains("static session credentials ASIA…MPLE");
    }

    @Test
    void toBuilder_roundTrips() {
        RdsIamConfig c = RdsIamConfig.builder().engine(Engine.POSTGRESQL).host(HOST).user("app").database("orders")
                .connectHost("127.0.0.1").connectPort(9000).driverProperty("ApplicationName", "x").build();

        assertThat(c.toBuilder().build().toString()).isEqualTo(c.toString());
        assertThat(c.toBuilder().user("other").build().user()).isEqualTo("other");
    }

    @Test
    void driverProperties_areImmutable() {
        RdsIamConfig c = RdsIamConfig.builder().engine(Engine.POSTGRESQL).host(HOST).user("app")
                .driverProperty("ApplicationName", "x").build();
        assertThatThrownBy(() -> c.driverProperties().put("a", "b")).isInstanceOf(UnsupportedOperationException.class);
    }
}
