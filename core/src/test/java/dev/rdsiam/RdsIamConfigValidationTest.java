package dev.rdsiam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Bad input fails at build time with a message that names the key and the fix. */
class RdsIamConfigValidationTest {

    private static final String HOST = "mydb.c0ffee000000.us-east-1.rds.amazonaws.com";

    private static Properties valid() {
        Properties p = new Properties();
        p.setProperty("rdsiam.engine", "postgresql");
        p.setProperty("rdsiam.host", HOST);
        p.setProperty("rdsiam.user", "iam_user");
        return p;
    }

    private static Arguments bad(String name, Consumer<Properties> change, String... fragments) {
        return Arguments.of(name, change, fragments);
    }

    static Stream<Arguments> badProperties() {
        return Stream.of(
            bad("missing host", p -> p.remove("rdsiam.host"), "rdsiam.host is required", "mydb.c0ffee000000"),
            bad("blank host", p -> p.setProperty("rdsiam.host", " "), "rdsiam.host is empty"),
            bad("host with scheme", p -> p.setProperty("rdsiam.host", "https://" + HOST), "rdsiam.host", "drop the scheme"),
            bad("host with port", p -> p.setProperty("rdsiam.host", HOST + ":5432"), "rdsiam.host", "put the port in rdsiam.port"),
            bad("host with path", p -> p.setProperty("rdsiam.host", HOST + "/db"), "rdsiam.host", "drop the path"),
            bad("host with space", p -> p.setProperty("rdsiam.host", "my db.example"), "rdsiam.host", "contains a space"),
            bad("host with bad chars", p -> p.setProperty("rdsiam.host", "db!.example"), "rdsiam.host 'db!.example'", "not a valid host name"),
            bad("port 0", p -> p.setProperty("rdsiam.port", "0"), "rdsiam.port 0 is out of range", "1 to 65535"),
            bad("port 70000", p -> p.setProperty("rdsiam.port", "70000"), "rdsiam.port 70000 is out of range"),
            bad("port abc", p -> p.setProperty("rdsiam.port", "abc"), "rdsiam.port 'abc' is not a number"),
            bad("port negative", p -> p.setProperty("rdsiam.port", "-1"), "rdsiam.port -1 is out of range"),
            bad("missing engine", p -> p.remove("rdsiam.engine"), "rdsiam.engine is required", "postgresql or mysql"),
            bad("unknown engine", p -> p.setProperty("rdsiam.engine", "oracle"), "rdsiam.engine 'oracle' is not supported"),
            bad("region missing for non-RDS host", p -> p.setProperty("rdsiam.host", "db.internal.example"),
                    "rdsiam.region is required", "'db.internal.example' is not an RDS host name", "set rdsiam.region"),
            bad("region missing for global writer", p -> p.setProperty("rdsiam.host", "g.global-abc.global.rds.amazonaws.com"),
                    "rdsiam.region is required", "Aurora Global writer"),
            bad("region malformed", p -> p.setProperty("rdsiam.region", "US East"), "rdsiam.region 'US East' is not a region name"),
            bad("region contradicts host", p -> p.setProperty("rdsiam.region", "us-west-2"),
                    "rdsiam.region 'us-west-2' contradicts the host's region 'us-east-1'"),
            bad("user missing", p -> p.remove("rdsiam.user"), "rdsiam.user is required"),
            bad("user empty", p -> p.setProperty("rdsiam.user", ""), "rdsiam.user is empty"),
            bad("database empty", p -> p.setProperty("rdsiam.database", ""), "rdsiam.database is empty"),
            bad("reuse window 15m", p -> p.setProperty("rdsiam.tokenReuseWindow", "15m"),
                    "rdsiam.tokenReuseWindow 15m must be less than 15m"),
            bad("reuse window 1h", p -> p.setProperty("rdsiam.tokenReuseWindow", "1h"), "rdsiam.tokenReuseWindow 1h must be less than 15m"),
            bad("reuse window 0s", p -> p.setProperty("rdsiam.tokenReuseWindow", "0s"), "rdsiam.tokenReuseWindow 0s is too short"),
            bad("reuse window without unit", p -> p.setProperty("rdsiam.tokenReuseWindow", "600"),
                    "rdsiam.tokenReuseWindow '600' is not a duration", "600s or 600ms?"),
            bad("connect timeout zero", p -> p.setProperty("rdsiam.connectTimeout", "0s"),
                    "rdsiam.connectTimeout 0s must be positive", "wait forever"),
            bad("connect timeout huge", p -> p.setProperty("rdsiam.connectTimeout", "1h"), "rdsiam.connectTimeout 1h is longer than 5m"),
            bad("connect timeout garbage", p -> p.setProperty("rdsiam.connectTimeout", "soon"),
                    "rdsiam.connectTimeout 'soon' is not a duration"),
            bad("role ARN malformed", p -> p.setProperty("rdsiam.roleArn", "arn:aws:iam::12345:role/db"),
                    "rdsiam.roleArn 'arn:aws:iam::12345:role/db' is not an IAM role ARN", "arn:aws:iam::ACCOUNT_ID:role/ROLE_NAME"),
            bad("role ARN is a user", p -> p.setProperty("rdsiam.roleArn", "arn:aws:iam::123456789012:user/bob"),
                    "is not an IAM role ARN"),
            bad("external id without role", p -> p.setProperty("rdsiam.externalId", "xyz-123"),
                    "rdsiam.externalId is set without rdsiam.roleArn"),
            bad("session name without role", p -> p.setProperty("rdsiam.roleSessionName", "batch"),
                    "rdsiam.roleSessionName is set without rdsiam.roleArn"),
            bad("role duration without role", p -> p.setProperty("rdsiam.roleDuration", "2h"),
                    "rdsiam.roleDuration is set without rdsiam.roleArn"),
            bad("role duration too long", p -> {
                p.setProperty("rdsiam.roleArn", "arn:aws:iam::123456789012:role/db");
                p.setProperty("rdsiam.roleDuration", "13h");
            }, "rdsiam.roleDuration 13h is out of range", "15m to 12h"),
            bad("session name with spaces", p -> {
                p.setProperty("rdsiam.roleArn", "arn:aws:iam::123456789012:role/db");
                p.setProperty("rdsiam.roleSessionName", "my session");
            }, "rdsiam.roleSessionName 'my session' must be 2 to 64 characters"),
            bad("profile and static keys", p -> {
                p.setProperty("rdsiam.profile", "ops");
                p.setProperty("rdsiam.accessKeyId", "AKIAIOSFODNN7EXAMPLE");
                p.setProperty("rdsiam.secretAccessKey", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
            }, "rdsiam.profile 'ops' and static keys", "choose one"),
            bad("access key without secret", p -> p.setProperty("rdsiam.accessKeyId", "AKIAIOSFODNN7EXAMPLE"),
                    "rdsiam.accessKeyId is set without rdsiam.secretAccessKey"),
            bad("secret without access key", p -> p.setProperty("rdsiam.secretAccessKey", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                    "rdsiam.secretAccessKey is set without rdsiam.accessKeyId"),
            bad("session token alone", p -> p.setProperty("rdsiam.sessionToken", "FwoGZXIvYXdz"),
                    "rdsiam.sessionToken is set without rdsiam.accessKeyId"),
            bad("access key malformed", p -> {
                p.setProperty("rdsiam.accessKeyId", "not a key");
                p.setProperty("rdsiam.secretAccessKey", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
            }, "rdsiam.accessKeyId 'not a key' does not look like an access key id"),
            bad("connectHost without port", p -> p.setProperty("rdsiam.connectHost", "127.0.0.1"),
                    "rdsiam.connectHost '127.0.0.1' needs rdsiam.connectPort", "8888"),
            bad("connectPort without host", p -> p.setProperty("rdsiam.connectPort", "8888"),
                    "rdsiam.connectPort 8888 needs rdsiam.connectHost"),
            bad("connectPort out of range", p -> {
                p.setProperty("rdsiam.connectHost", "127.0.0.1");
                p.setProperty("rdsiam.connectPort", "99999");
            }, "rdsiam.connectPort 99999 is out of range"),
            bad("connectHost with scheme", p -> {
                p.setProperty("rdsiam.connectHost", "tcp://127.0.0.1");
                p.setProperty("rdsiam.connectPort", "8888");
            }, "rdsiam.connectHost 'tcp://127.0.0.1'", "drop the scheme"),
            bad("unknown key", p -> p.setProperty("rdsiam.regoin", "us-east-1"),
                    "unknown property 'rdsiam.regoin'", "did you mean 'rdsiam.region'?"),
            bad("unknown key with wrong case", p -> p.setProperty("rdsiam.connecthost", "127.0.0.1"),
                    "unknown property 'rdsiam.connecthost'", "did you mean 'rdsiam.connectHost'?"),
            bad("unknown key far from any", p -> p.setProperty("rdsiam.xyzzy", "1"),
                    "unknown property 'rdsiam.xyzzy'", "see the configuration table"),
            bad("trust unknown", p -> p.setProperty("rdsiam.trust", "none"), "rdsiam.trust 'none' is not valid",
                    "auto, rds-bundle, system, pem"),
            bad("trust pem without file", p -> p.setProperty("rdsiam.trust", "pem"),
                    "rdsiam.trust=pem needs rdsiam.trustPem"),
            bad("trust pem missing file", p -> p.setProperty("rdsiam.trustPem", "/nonexistent/ca.pem"),
                    "rdsiam.trustPem '/nonexistent/ca.pem' is not a readable file"),
            bad("sts endpoint not a URL", p -> p.setProperty("rdsiam.stsEndpoint", "sts.local"),
                    "rdsiam.stsEndpoint 'sts.local' must be an absolute http(s) URL"),
            bad("sts endpoint bad syntax", p -> p.setProperty("rdsiam.stsEndpoint", "http://[bad"),
                    "rdsiam.stsEndpoint 'http://[bad' is not a URI"),
            bad("sts region malformed", p -> p.setProperty("rdsiam.stsRegion", "global"),
                    "rdsiam.stsRegion 'global' is not a region name"),
            bad("name blank", p -> p.setProperty("rdsiam.name", "  "), "rdsiam.name is empty"),
            bad("empty profile", p -> p.setProperty("rdsiam.profile", ""), "rdsiam.profile is empty"),
            bad("several problems at once", p -> {
                p.remove("rdsiam.user");
                p.setProperty("rdsiam.port", "0");
            }, "2 configuration problems", "rdsiam.user is required", "rdsiam.port 0 is out of range"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badProperties")
    void badInput_failsAtBuild_withKeyAndFix(String name, Consumer<Properties> change, String[] fragments) {
        Properties p = valid();
        change.accept(p);
        Properties before = new Properties();
        before.putAll(p);

        assertThatThrownBy(() -> RdsIamConfig.fromProperties(p, "rdsiam."))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> {
                    for (String f : fragments) {
                        assertThat(e.getMessage()).contains(f);
                    }
                    assertThat(e.getMessage()).doesNotContain("wJalrXUtnFEMI").doesNotContain("FwoGZXIvYXdz");
                });
        assertThat(p).isEqualTo(before);
    }

    @Test
    void badInputTable_hasAtLeastFortyCases() {
        assertThat(badProperties().count()).isGreaterThanOrEqualTo(40);
    }

    @Test
    void builder_refusesPasswordDriverProperty() {
        assertThatThrownBy(() -> RdsIamConfig.builder().engine(Engine.MYSQL).host(HOST).user("u")
                .driverProperty("password", "hunter2").build())
                .hasMessageContaining("driver property 'password' is not used: the IAM token is the password")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void builder_refusesLibraryKeyAsDriverProperty() {
        assertThatThrownBy(() -> RdsIamConfig.builder().engine(Engine.MYSQL).host(HOST).user("u")
                .driverProperty("rdsiam.region", "us-east-1").build())
                .hasMessageContaining("driver property 'rdsiam.region' looks like a library key");
    }

    @Test
    void builder_unknownKey_failsAtOnceWithSuggestion() {
        assertThatThrownBy(() -> RdsIamConfig.builder().set("tokenReuse", "5m"))
                .hasMessageContaining("unknown property 'rdsiam.tokenReuse'")
                .hasMessageContaining("did you mean 'rdsiam.tokenReuseWindow'?");
    }


    @Test
    void secretValues_areNeverInMessages() {
        Properties p = valid();
        p.setProperty("rdsiam.secretAccessKey", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        p.setProperty("rdsiam.sessionToken", "FwoGZXIvYXdzSECRET");
        assertThatThrownBy(() -> RdsIamConfig.fromProperties(p, "rdsiam."))
                .hasMessageNotContaining("wJalrXUtnFEMI")
                .hasMessageNotContaining("FwoGZXIvYXdzSECRET");
    }
}
