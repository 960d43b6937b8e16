package dev.rdsiam.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rdsiam.Engine;
import dev.rdsiam.RdsIamConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class JdbcUrlTest {

    @Test
    void postgresUrl_withLibraryAndDriverParameters() {
        Properties info = new Properties();
        info.setProperty("user", "app");
        RdsIamConfig c = RdsIamConfig.fromUrl("jdbc:rdsiam:postgresql://orders.cluster-c9.eu-west-1.rds.amazonaws.com:5432/"
                + "orders?rdsiam.connectHost=127.0.0.1&rdsiam.connectPort=8888&ApplicationName=billing%20job"
                + "&rdsiam.tokenReuseWindow=5m", info);

        assertThat(c.engine()).isEqualTo(Engine.POSTGRESQL);
        assertThat(c.host()).isEqualTo("orders.cluster-c9.eu-west-1.rds.amazonaws.com");
        assertThat(c.port()).isEqualTo(5432);
        assertThat(c.database()).contains("orders");
        assertThat(c.user()).isEqualTo("app");
        assertThat(c.routeHost()).isEqualTo("127.0.0.1");
        assertThat(c.routePort()).isEqualTo(8888);
        assertThat(c.tokenReuseWindow()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.driverProperties()).isEqualTo(Map.of("ApplicationName", "billing job"));
    }

    @Test
    void mysqlUrl_defaultsPort_andTakesUserFromQuery() {
        RdsIamConfig c = RdsIamConfig.fromUrl("jdbc:rdsiam:mysql://shop.c0ffee.us-east-2.rds.amazonaws.com/shop?user=app",
                null);
        assertThat(c.engine()).isEqualTo(Engine.MYSQL);
        assertThat(c.port()).isEqualTo(3306);
        assertThat(c.user()).isEqualTo("app");
        assertThat(c.region()).isEqualTo("us-east-2");
    }

    @Test
    void ipv6Host_inBrackets() {
        RdsIamConfig c = RdsIamConfig.fromUrl("jdbc:rdsiam:postgresql://[::1]:15432/db?user=u&rdsiam.region=us-east-1",
                null);
        assertThat(c.host()).isEqualTo("::1");
        assertThat(c.port()).isEqualTo(15432);
    }

    @Test
    void infoProperties_doNotOverrideTheUrl_andSpringStyleKeysWork() {
        Properties info = new Properties();
        info.setProperty("user", "from-info");
        info.setProperty("rdsiam.connectTimeout", "3s");
        info.setProperty("password", "");
        RdsIamConfig c = RdsIamConfig.fromUrl("jdbc:rdsiam:postgresql://db.c0ffee.us-east-1.rds.amazonaws.com/db?user=from-url",
                info);
        assertThat(c.user()).isEqualTo("from-url");
        assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.driverProperties()).doesNotContainKey("password");
    }

    @Test
    void urlWithoutEngine_isRefused() {
        assertThatThrownBy(() -> RdsIamConfig.fromUrl("jdbc:rdsiam://db.example:5432/x", null))
                .hasMessageContaining("names no engine")
                .hasMessageContaining("jdbc:rdsiam:postgresql://HOST:5432/DB");
    }

    @Test
    void urlWithUnknownEngine_isRefused() {
        assertThatThrownBy(() -> RdsIamConfig.fromUrl("jdbc:rdsiam:oracle://db.example:1521/x", null))
                .hasMessageContaining("names engine 'oracle'");
    }

    @Test
    void urlWithPassword_isRefused_withoutEchoingIt() {
        assertThatThrownBy(() -> RdsIamConfig.fromUrl(
                "jdbc:rdsiam:postgresql://db.c0ffee.us-east-1.rds.amazonaws.com/db?user=u&password=hunter2", null))
                .hasMessageContaining("the IAM token is the password")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void urlWithUserInfo_orSeveralHosts_isRefused() {
        assertThatThrownBy(() -> RdsIamConfig.fromUrl("jdbc:rdsiam:postgresql://u:pw@db.example/x", null))
                .hasMessageContaining("carries user information").hasMessageNotContaining("pw@");
        assertThatThrownBy(() -> RdsIamConfig.fromUrl("jdbc:rdsiam:postgresql://a.example,b.example/x", null))
                .hasMessageContaining("lists several hosts");
    }

    @Test
    void urlWithoutHost_isRefused() {
        assertThatThrownBy(() -> RdsIamConfig.fromUrl("jdbc:rdsiam:mysql:///db", null))
                .hasMessageContaining("has no host");
    }

    @Test
    void hostInQuery_isRefused() {
        assertThatThrownBy(() -> RdsIamConfig.fromUrl(
                "jdbc:rdsiam:postgresql://db.c0ffee.us-east-1.rds.amazonaws.com/db?user=u&rdsiam.host=other", null))
                .hasMessageContaining("rdsiam.host cannot be set in a jdbc:rdsiam: URL");
    }

    @Test
    void unknownRdsiamKeyInUrl_suggestsClosest() {
        assertThatThrownBy(() -> RdsIamConfig.fromUrl(
                "jdbc:rdsiam:postgresql://db.c0ffee.us-east-1.rds.amazonaws.com/db?user=u&rdsiam.conectHost=x", null))
                .hasMessageContaining("did you mean 'rdsiam.connectHost'?");
    }
}
