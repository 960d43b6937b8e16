package dev.rdsiam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rdsiam.jdbc.RdsIamDriver;
import dev.rdsiam.testing.CapturingAppender;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The mistakes a new user makes at each front door (builder, properties, URL, environment): each fails with a
 * message that names the key as written and the fix, and no message carries a secret that was given, in whatever
 * key it was given.
 */
class FrontDoorMistakesTest {

    static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    static final String SESSION = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJGMEQCIFakeSessionTokenValue0123456789"
            + "abcdefABCDEF+/xyzXYZ0123456789abcdefghijklmnopqrstuvwxyz";
    static final String KEY_ID = "AKIAIOSFODNN7EXAMPLE";
    static final String HOST = "orders.c0ffee000000.eu-west-1.rds.amazonaws.com";

    private static void assertNoSecret(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            assertThat(String.valueOf(c.getMessage()))
                    .doesNotContain(SECRET).doesNotContain("wJalrXUtnFEMI").doesNotContain("EXAMPLEKEY")
                    .doesNotContain(SESSION).doesNotContain(SESSION.substring(0, 24));
        }
    }

    // --- a URL typo must not echo the secrets in its query (issue: the whole URL was quoted) ---

    static Stream<String> malformedUrls() {
        String q = "?rdsiam.accessKeyId=" + KEY_ID + "&rdsiam.secretAccessKey=" + SECRET
                + "&rdsiam.sessionToken=" + SESSION.replace("+", "%2B").replace("/", "%2F");
        return Stream.of(
                "jdbc:rdsiam:postgres://" + HOST + ":5432/db" + q,
                "jdbc:rdsiam:mariadb://" + HOST + ":3306/db" + q,
                "jdbc:rdsiam:postgresql://:5432/db" + q,
                "jdbc:rdsiam:postgresql://[zz/db" + q,
                "jdbc:rdsiam:postgresql//" + HOST + q,
                "jdbc:rdsiam:postgresql://a," + HOST + "/db" + q,
                "jdbc:rdsiam:postgresql://u:pw@" + HOST + "/db" + q,
                "jdbc:rdsiam:postgresql://" + HOST + "/db" + q + "&bad=%zz",
                "jdbc:rdsiam:postgresql://" + HOST + ":port/db" + q);
    }

    @ParameterizedTest
    @MethodSource("malformedUrls")
    void malformedUrl_failsWithoutEchoingSecrets(String url) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> RdsIamConfig.fromUrl(url, null));
        assertThat(t).isInstanceOf(IllegalArgumentException.class);
        assertNoSecret(t);
    }

    @ParameterizedTest
    @MethodSource("malformedUrls")
    void malformedUrl_throughTheDriver_failsWithoutEchoingSecrets(String url) {
        RdsIamDriver.class.getName();
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> DriverManager.getConnection(url, "app", null));
        assertThat(t).isInstanceOf(SQLException.class);
        assertNoSecret(t);
    }

    @Test
    void redactedUrl_keepsWhatHelps() {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> RdsIamConfig.fromUrl(
                "jdbc:rdsiam:postgres://" + HOST + "/db?rdsiam.secretAccessKey=" + SECRET + "&rdsiam.region=eu-west-1",
                null));
        assertThat(t).hasMessageContaining("names engine 'postgres'")
                .hasMessageContaining(HOST)
                .hasMessageContaining("rdsiam.secretAccessKey=****")
                .hasMessageContaining("rdsiam.region=eu-west-1")
                .hasMessageContaining("jdbc:rdsiam:postgresql://");
    }

    // --- a secret in the wrong key: refused, said where it belongs, never echoed ---

    @Test
    void swappedKeys_inTheBuilder_sayTheyAreSwappedWithoutEchoingTheSecret() {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> RdsIamConfig.builder()
                .engine(Engine.POSTGRESQL).host(HOST).user("app")
                .accessKeyId(SECRET).secretAccessKey(KEY_ID).build());
        assertThat(t).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rdsiam.accessKeyId holds (40 characters that look like a secret access key; "
                        + "not shown)")
                .hasMessageContaining("rdsiam.secretAccessKey")
                .hasMessageContaining("look swapped");
        assertNoSecret(t);
    }

    @ParameterizedTest
    @ValueSource(strings = {"host", "connectHost", "user", "database", "profile", "region", "stsRegion", "roleArn",
            "roleSessionName", "name", "externalId", "accessKeyId"})
    void secretPastedIntoAnotherKey_isRefusedNamingTheKey(String key) {
        Properties p = new Properties();
        p.setProperty("rdsiam.engine", "postgresql");
        p.setProperty("rdsiam.host", HOST);
        p.setProperty("rdsiam.user", "app");
        p.setProperty("rdsiam.connectPort", "8888");
        p.setProperty("rdsiam." + key, SECRET);
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> RdsIamConfig.fromProperties(p, "rdsiam."));
        assertThat(t).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rdsiam." + key + " holds (40 characters that look like a secret access key")
                .hasMessageContaining("it belongs in rdsiam.secretAccessKey");
        assertNoSecret(t);
    }

    @Test
    void sessionTokenPastedIntoTheProfile_isRefusedSayingWhereItBelongs() {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> RdsIamConfig.builder()
                .engine(Engine.MYSQL).host(HOST).user("app").profile(SESSION).build());
        assertThat(t).hasMessageContaining("rdsiam.profile holds (" + SESSION.length() + " characters")
                .hasMessageContaining("rdsiam.sessionToken");
        assertNoSecret(t);
    }

    @Test
    void secretInTheUrlHostOrADriverProperty_isNotEchoed() {
        Throwable viaHost = org.assertj.core.api.Assertions.catchThrowable(() -> RdsIamConfig.fromUrl(
                "jdbc:rdsiam:postgresql://" + SECRET.replace("/", "%2F") + "/db", null));
        assertThat(viaHost).isInstanceOf(IllegalArgumentException.class);
        assertNoSecret(viaHost);
        Properties info = new Properties();
        info.setProperty("awsSecret", SECRET);
        Throwable viaDriverProperty = org.assertj.core.api.Assertions.catchThrowable(() -> RdsIamConfig.fromUrl(
                "jdbc:rdsiam:postgresql://" + HOST + "/db?user=app", info));
        assertThat(viaDriverProperty).hasMessageContaining("driver property 'awsSecret' holds (40 characters");
        assertNoSecret(viaDriverProperty);
    }

    @Test
    void environment_secretInTheWrongVariable_isNotEchoed() {
        Map<String, String> env = Map.of("RDSIAM_ENGINE", "postgresql", "RDSIAM_HOST", HOST, "RDSIAM_USER", "app",
                "RDSIAM_ACCESS_KEY_ID", SECRET, "RDSIAM_SECRET_ACCESS_KEY", SECRET);
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> RdsIamConfig.builder().environment(env)
                .build());
        assertThat(t).hasMessageContaining("rdsiam.accessKeyId holds");
        assertNoSecret(t);
    }

    @Test
    void aValueThatIsNotSecret_isStillQuotedInFull() {
        assertThatThrownBy(() -> RdsIamConfig.builder().engine(Engine.POSTGRESQL).host(HOST).user("app")
                .region("eu-west-9x").build()).hasMessageContaining("rdsiam.region 'eu-west-9x' is not a region name");
        assertThatThrownBy(() -> RdsIamConfig.builder().engine(Engine.POSTGRESQL).host(HOST).user("app")
                .accessKeyId("akia-lower").secretAccessKey(SECRET).build())
                .hasMessageContaining("rdsiam.accessKeyId 'akia-lower' does not look like an access key id");
    }

    // --- a stray RDSIAM_* variable warns once and breaks nothing ---

    @Test
    void environment_unknownVariable_warnsOnceWithTheNearestAndKeepsWorking() {
        CapturingAppender.clear();
        Map<String, String> env = new HashMap<>(Map.of("RDSIAM_ENGINE", "postgresql", "RDSIAM_HOST", HOST,
                "RDSIAM_USER", "app", "RDSIAM_HOTS", "x", "RDSIAM_JAVA_OPTS", "-Xmx64m"));
        RdsIamConfig config = RdsIamConfig.builder().environment(env).build();
        RdsIamConfig.builder().environment(env).build();
        assertThat(config.host()).isEqualTo(HOST);
        List<String> warnings = CapturingAppender.lines().stream().filter(l -> l.contains("RDSIAM_HOTS")).toList();
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).contains("ignoring environment variable RDSIAM_HOTS")
                .contains("did you mean RDSIAM_HOST?");
        assertThat(CapturingAppender.lines()).noneMatch(l -> l.contains("RDSIAM_JAVA_OPTS"));
    }

    @Test
    void environment_badValueOfAKnownVariable_stillFails() {
        assertThatThrownBy(() -> RdsIamConfig.builder().environment(Map.of("RDSIAM_ENGINE", "postgresql",
                "RDSIAM_HOST", HOST, "RDSIAM_USER", "app", "RDSIAM_CONNECT_TIMEOUT", "soon")).build())
                .hasMessageContaining("rdsiam.connectTimeout 'soon' is not a duration");
    }

    // --- our keys without the prefix in a URL or the connection properties ---

    @ParameterizedTest
    @ValueSource(strings = {"connectHost=127.0.0.1&connectPort=8888", "connecthost=127.0.0.1", "trust=system",
            "region=eu-west-1", "profile=prod", "roleArn=arn:aws:iam::123456789012:role/x"})
    void unprefixedLibraryKeyInUrl_isRefusedWithTheFix(String query) {
        String key = query.substring(0, query.indexOf('='));
        String expected = RdsIamProperty.closest(key).orElseThrow().prefixedKey();
        assertThatThrownBy(() -> RdsIamConfig.fromUrl("jdbc:rdsiam:postgresql://" + HOST + "/db?" + query, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + key + "' in the jdbc:rdsiam: URL's query is a key of this library")
                .hasMessageContaining("did you mean '" + expected + "'?");
    }

    @Test
    void unprefixedLibraryKeyInConnectionProperties_isRefused() {
        Properties info = new Properties();
        info.setProperty("connectPort", "8888");
        assertThatThrownBy(() -> RdsIamConfig.fromUrl("jdbc:rdsiam:mysql://" + HOST + "/db?user=app", info))
                .hasMessageContaining("'connectPort' in the connection properties")
                .hasMessageContaining("did you mean 'rdsiam.connectPort'?");
    }

    @Test
    void driverKeysThatShareOurNames_stillPassThrough() {
        assertThatCode(() -> RdsIamConfig.fromUrl("jdbc:rdsiam:postgresql://" + HOST
                + "/db?user=app&connectTimeout=5&ApplicationName=orders", null)).doesNotThrowAnyException();
        assertThat(RdsIamConfig.fromUrl("jdbc:rdsiam:postgresql://" + HOST + "/db?user=app&ApplicationName=x", null)
                .driverProperties()).containsEntry("ApplicationName", "x");
    }
}
