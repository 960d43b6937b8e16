package dev.rdsiam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rdsiam.jdbc.RdsIamDataSource;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** {@code rdsiam.routes} and {@code rdsiam.wrapperPlugins}: parsing, the rules between them, the front doors. */
class ClusterConfigTest {

    private static final String CLUSTER = "orders.cluster-c0ffee000000.us-east-1.rds.amazonaws.com";
    private static final String I1 = "orders-1.c0ffee000000.us-east-1.rds.amazonaws.com";
    private static final String I2 = "orders-2.c0ffee000000.us-east-1.rds.amazonaws.com";

    private static RdsIamConfig.Builder base() {
        return RdsIamConfig.builder().engine(Engine.MYSQL).host(CLUSTER).user("app")
                .accessKeyId("AKIAIOSFODNN7EXAMPLE").secretAccessKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    }

    @Test
    void routes_parseToLowerCaseNames_andRouteForFallsBackToConnectHostThenNothing() {
        RdsIamConfig c = base().set("routes", " " + I1.toUpperCase() + "=127.0.0.1:15432 , " + I2
                + "=[::1]:15433").connectHost("127.0.0.1").connectPort(15431).build();
        assertThat(c.routes()).containsOnlyKeys(I1, I2);
        assertThat(c.routeFor(I1)).contains(new RdsIamConfig.Route("127.0.0.1", 15432));
        assertThat(c.routeFor(I2.toUpperCase())).contains(new RdsIamConfig.Route("::1", 15433));
        assertThat(c.routeFor(CLUSTER)).contains(new RdsIamConfig.Route("127.0.0.1", 15431));
        assertThat(c.routeFor("orders-3.c0ffee000000.us-east-1.rds.amazonaws.com")).isEmpty();
        assertThat(c.toString()).contains("routes=" + I1 + "=127.0.0.1:15432");
        // the builder's typed form reads back the same
        assertThat(base().routes(c.routes()).build().routes()).isEqualTo(c.routes());
    }

    @Test
    void routes_badEntries_nameTheKeyAndTheForm() {
        for (String bad : new String[] {"nohost", I1 + "=127.0.0.1", I1 + "=:5432", "=127.0.0.1:5432",
                I1 + "=127.0.0.1:0", I1 + "=127.0.0.1:x", I1 + "=a b:5432", ","}) {
            assertThatThrownBy(() -> base().set("routes", bad).build()).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rdsiam.routes");
        }
        assertThatThrownBy(() -> base().set("routes", I1 + "=127.0.0.1:1," + I1.toUpperCase() + "=127.0.0.1:2")
                .build()).hasMessageContaining("names '" + I1 + "' twice");
    }

    @Test
    void routes_andConnectHost_mustAgreeOnTheConfiguredHost() {
        assertThatThrownBy(() -> base().set("routes", CLUSTER + "=127.0.0.1:1").connectHost("127.0.0.1")
                .connectPort(2).build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("give the route of the configured host once");
        assertThat(base().set("routes", CLUSTER + "=127.0.0.1:1").connectHost("127.0.0.1").connectPort(1).build()
                .routeFor(CLUSTER)).contains(new RdsIamConfig.Route("127.0.0.1", 1));
    }

    @Test
    void wrapperPlugins_knownCodesInOrder_refusedAndUnknownOnesNamed() {
        assertThat(base().wrapperPlugins("failover2", "efm2", "failover2").build().wrapperPlugins())
                .containsExactly("failover2", "efm2");
        assertThat(base().build().wrapperPlugins()).isEmpty();
        for (String own : new String[] {"iam", "awsSecretsManager", "awsSecretsManager2", "federatedAuth", "okta"}) {
            assertThatThrownBy(() -> base().set("wrapperPlugins", "failover2," + own).build()).as(own)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("rdsiam.wrapperPlugins lists '" + own + "'")
                    .hasMessageContaining("this library's plugin");
        }
        assertThatThrownBy(() -> base().set("wrapperPlugins", "efm3").build())
                .hasMessageContaining("rdsiam.wrapperPlugins lists 'efm3'").hasMessageContaining("efm2, efm");
        assertThatThrownBy(() -> base().set("wrapperPlugins", " , ").build())
                .hasMessageContaining("rdsiam.wrapperPlugins lists no plugin");
    }

    @Test
    void wrapperPlugins_thatSwitchInstances_refuseOneTunnel_andProxyEndpoints() {
        assertThatThrownBy(() -> base().wrapperPlugins("failover2").connectHost("127.0.0.1").connectPort(15432)
                .build()).hasMessageContaining("one tunnel cannot reach them all");
        // monitoring alone stays on the connection's own host: one tunnel is fine
        assertThat(base().wrapperPlugins("efm2").connectHost("127.0.0.1").connectPort(15432).build()
                .wrapperPlugins()).containsExactly("efm2");
        assertThat(base().wrapperPlugins("failover2").set("routes", CLUSTER + "=127.0.0.1:1," + I1
                + "=127.0.0.1:2").connectHost("127.0.0.1").connectPort(1).build().routes()).hasSize(2);
        assertThatThrownBy(() -> base().host("orders.proxy-c0ffee000000.us-east-1.rds.amazonaws.com")
                .wrapperPlugins("readWriteSplitting").build())
                .hasMessageContaining("RDS Proxy endpoint").hasMessageContaining("remove readWriteSplitting");
    }

    @Test
    void frontDoors_urlPropertiesAndEnvironment_readBothKeys() {
        Properties info = new Properties();
        info.setProperty("user", "app");
        info.setProperty("rdsiam.accessKeyId", "AKIAIOSFODNN7EXAMPLE");
        info.setProperty("rdsiam.secretAccessKey", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        info.setProperty("rdsiam.routes", I1 + "=127.0.0.1:15432");
        RdsIamConfig c = RdsIamConfig.fromUrl("jdbc:rdsiam:postgresql://" + CLUSTER
                + ":5432/db?rdsiam.wrapperPlugins=failover2,efm2&clusterId=orders&failoverTimeoutMs=60000", info);
        assertThat(c.wrapperPlugins()).containsExactly("failover2", "efm2");
        assertThat(c.routes()).containsOnlyKeys(I1);
        assertThat(c.driverProperties()).containsEntry("clusterId", "orders").containsEntry("failoverTimeoutMs",
                "60000");
        RdsIamConfig env = base().environment(Map.of("RDSIAM_ROUTES", I2 + "=127.0.0.1:1",
                "RDSIAM_WRAPPER_PLUGINS", "readWriteSplitting,failover2")).build();
        assertThat(env.routes()).containsOnlyKeys(I2);
        assertThat(env.wrapperPlugins()).containsExactly("readWriteSplitting", "failover2");
    }

    @Test
    void wrapperPlugins_withoutTheWrapperBinding_nameTheArtifact() {
        RdsIamConfig c = base().wrapperPlugins("failover2", "efm2").set("routes", I1 + "=127.0.0.1:1").build();
        assertThatThrownBy(() -> new RdsIamDataSource(c, new dev.rdsiam.testing.ScriptedBinding()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dev.rdsiam:rdsiam-aws-wrapper").hasMessageContaining("rdsiam.wrapperPlugins");
    }
}
