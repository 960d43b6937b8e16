package dev.rdsiam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rdsiam.jdbc.RdsIamDriver;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverPropertyInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Keeps the property catalogue honest: sorted, lowerCamelCase, unique, in step with the builder, the driver and the README. */
class RdsIamPropertyTest {

    @Test
    void keys_areSortedUniqueAndLowerCamelCase() {
        List<String> keys = Arrays.stream(RdsIamProperty.values()).map(RdsIamProperty::key).collect(Collectors.toList());
        List<String> sorted = new ArrayList<>(keys);
        sorted.sort(String::compareTo);

        assertThat(keys).isEqualTo(sorted);
        assertThat(new HashSet<>(keys)).hasSameSizeAs(keys);
        assertThat(keys).allMatch(k -> k.matches("^[a-z]+([A-Z][a-z0-9]*)*$"), "lowerCamelCase");
    }

    @Test
    void enumConstantNames_matchKeys() {
        for (RdsIamProperty p : RdsIamProperty.values()) {
            assertThat(p.environmentVariable()).isEqualTo("RDSIAM_" + p.name());
            assertThat(p.kebabCaseKey()).isEqualTo(p.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        }
        assertThat(RdsIamProperty.TOKEN_REUSE_WINDOW.kebabCaseKey()).isEqualTo("token-reuse-window");
    }

    @Test
    void everyKey_hasABuilderMethodOfTheSameName() {
        Set<String> builderMethods = Arrays.stream(RdsIamConfig.Builder.class.getMethods())
                .filter(m -> m.getReturnType() == RdsIamConfig.Builder.class && m.getParameterCount() == 1)
                .map(Method::getName).collect(Collectors.toSet());
        for (RdsIamProperty p : RdsIamProperty.values()) {
            assertThat(builderMethods).as("builder method for %s", p.key()).contains(p.key());
        }
    }

    @Test
    void everyKey_isSettableFromText_withItsDefault_andTheBuilderDefaultIsTheCatalogues() {
        RdsIamConfig defaults = RdsIamConfig.builder().engine(Engine.POSTGRESQL)
                .host("mydb.c0ffee000000.us-east-1.rds.amazonaws.com").user("u")
                .roleArn("arn:aws:iam::123456789012:role/r").build();
        int checked = 0;
        for (RdsIamProperty p : RdsIamProperty.values()) {
            if (p.defaultValue().isEmpty()) {
                continue;
            }
            RdsIamConfig.Builder b = defaults.toBuilder();
            RdsIamConfig fromText = b.set(p.key(), p.defaultValue().get()).build();
            assertThat(fromText.toString()).as("%s set to its default text", p.key()).isEqualTo(defaults.toString());
            checked++;
        }
        assertThat(defaults.connectTimeout()).isEqualTo(RdsIamProperty.CONNECT_TIMEOUT.parse("10s"));
        assertThat(defaults.tokenReuseWindow()).isEqualTo(RdsIamProperty.TOKEN_REUSE_WINDOW.parse("10m"));
        assertThat(defaults.trust()).isEqualTo(RdsIamProperty.TRUST.parse("auto"));
        assertThat(defaults.name()).isEqualTo(RdsIamProperty.NAME.defaultValue().orElseThrow());
        assertThat(defaults.assumeRole().orElseThrow().duration()).isEqualTo(RdsIamProperty.ROLE_DURATION.parse("1h"));
        assertThat(defaults.assumeRole().orElseThrow().sessionName())
                .isEqualTo(RdsIamProperty.ROLE_SESSION_NAME.defaultValue().orElseThrow());
        assertThat(defaults.metricsOff()).isFalse();
        assertThat(checked).as("keys with a default").isEqualTo(7);
    }

    @Test
    void everyKind_parsesItsTextForm_andNamesThePrefixedKeyWhenItCannot() {
        for (RdsIamProperty p : RdsIamProperty.values()) {
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> p.parse("")))
                    .hasMessageStartingWith(p.prefixedKey() + " is empty");
            if (p.kind() != RdsIamProperty.Kind.STRING && p.kind() != RdsIamProperty.Kind.PATH) {
                assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> p.parse("%not valid%")))
                        .as(p.key()).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining(p.prefixedKey());
            }
        }
    }

    @Test
    void choices_areListedForChoiceKeysOnly() {
        for (RdsIamProperty p : RdsIamProperty.values()) {
            assertThat(p.allowedValues().isEmpty()).as(p.key()).isEqualTo(p.kind() != RdsIamProperty.Kind.CHOICE
                    && p.kind() != RdsIamProperty.Kind.LIST);
        }
        assertThat(RdsIamProperty.TRUST.allowedValues())
                .containsExactlyElementsOf(Arrays.stream(Trust.values()).map(Trust::key).collect(Collectors.toList()));
        assertThat(RdsIamProperty.ENGINE.allowedValues())
                .containsExactlyElementsOf(Arrays.stream(Engine.values()).map(Engine::key).collect(Collectors.toList()));
    }

    @Test
    void secrets_areMasked() {
        assertThat(RdsIamProperty.SECRET_ACCESS_KEY.isSecret()).isTrue();
        assertThat(RdsIamProperty.SESSION_TOKEN.isSecret()).isTrue();
        assertThat(RdsIamProperty.SECRET_ACCESS_KEY.display("abc")).isEqualTo("****");
        assertThat(RdsIamProperty.HOST.display("abc")).isEqualTo("abc");
    }

    @Test
    void driverPropertyInfo_listsEveryKey() {
        DriverPropertyInfo[] info = new RdsIamDriver().getPropertyInfo("jdbc:rdsiam:postgresql://h/db", null);
        Set<String> names = Arrays.stream(info).map(i -> i.name).collect(Collectors.toSet());
        for (RdsIamProperty p : RdsIamProperty.values()) {
            assertThat(names).contains(p.prefixedKey());
        }
    }

    /** The README's configuration table is generated from the catalogue; this fails when they drift. */
    @Test
    void readmeTable_matchesCatalogue() throws IOException {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        String begin = "<!-- properties:begin -->\n";
        String end = "<!-- properties:end -->";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        assertThat(from).as("README has the properties markers").isGreaterThanOrEqualTo(0);
        String actual = text.substring(from + begin.length(), to);
        String expected = PropertyTable.markdown();
        if (!actual.equals(expected) && "true".equals(System.getProperty("rdsiam.updateReadme"))) {
            Files.writeString(readme, text.substring(0, from + begin.length()) + expected + text.substring(to),
                    StandardCharsets.UTF_8);
            return;
        }
        assertThat(actual).as("README table (regenerate: mvn -pl core test -Dtest=RdsIamPropertyTest "
                + "-Drdsiam.updateReadme=true)").isEqualTo(expected);
    }
}
