package dev.rdsiam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.RdsIamProperty;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The configuration flags come from the catalogue: every key that is not a secret has one, named after the key,
 * with the catalogue's description, allowed values, default and variable as its help, in every command; each sets
 * its key; secrets have none.
 */
class CatalogueFlagsTest {

    private static String help(String command) {
        CliKit.Run run = CliKit.run(Map.of(), command, "--help");
        assertThat(run.exit()).as(run.toString()).isZero();
        // picocli wraps long descriptions: compare with the white space folded
        return run.out().replaceAll("\\s+", " ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"token", "doctor", "policy", "env"})
    void everyCommand_hasAFlagForEveryKeyButTheSecrets_withTheCataloguesHelp(String command) {
        String help = help(command);
        for (RdsIamProperty p : RdsIamProperty.values()) {
            if (p.isSecret()) {
                assertThat(ConfigOptions.hasFlag(p)).isFalse();
                assertThat(help).as(p.key()).doesNotContain("--" + p.key().replaceAll("([A-Z])", "-$1")
                        .toLowerCase(java.util.Locale.ROOT) + "=");
                continue;
            }
            for (String name : ConfigOptions.flagNames(p)) {
                assertThat(help).as(p.key()).contains(name + "=");
            }
            // picocli may break a long line after a colon or slash too: the description compares without spaces
            assertThat(help.replace(" ", "")).as(p.key()).contains(p.description().replaceAll("\\s+", ""));
            assertThat(help).as(p.key()).contains(p.environmentVariable());
            p.defaultValue().ifPresent(d -> assertThat(help).as(p.key()).contains("Default: " + d + "."));
            if (!p.allowedValues().isEmpty()) {
                assertThat(help).as(p.key()).contains("One of: " + String.join(", ", p.allowedValues()) + ".");
            }
        }
    }

    @Test
    void flagNames_areTheKeysInKebabCase_orThoseOfTheAwsCli() {
        assertThat(ConfigOptions.flagNames(RdsIamProperty.CONNECT_HOST)).containsExactly("--connect-host");
        assertThat(ConfigOptions.flagNames(RdsIamProperty.TOKEN_REUSE_WINDOW)).containsExactly("--token-reuse-window");
        assertThat(ConfigOptions.flagNames(RdsIamProperty.HOST)).containsExactly("--hostname", "--host");
        assertThat(ConfigOptions.flagNames(RdsIamProperty.USER)).containsExactly("--username", "--user");
        assertThat(ConfigOptions.flagNames(RdsIamProperty.DATABASE)).containsExactly("--database", "--dbname");
        assertThat(ConfigOptions.flagFor(RdsIamProperty.SECRET_ACCESS_KEY)).isEqualTo("--property secretAccessKey=...");
    }

    @Test
    void eachFlag_setsItsKey_underEveryName() {
        for (RdsIamProperty p : RdsIamProperty.values()) {
            if (!ConfigOptions.hasFlag(p)) {
                continue;
            }
            for (String name : ConfigOptions.flagNames(p)) {
                ConfigOptions options = new ConfigOptions();
                new CommandLine(options).parseArgs(name, "some-value");
                assertThat(options.flagValues()).as(name).containsExactly(Map.entry(p, "some-value"));
            }
        }
        ConfigOptions none = new ConfigOptions();
        new CommandLine(none).parseArgs();
        assertThat(none.flagValues()).isEmpty();
    }

    @Test
    void flagsForTheCataloguesLaterKeys_reachTheConfiguration() {
        Map<String, String> env = new TreeMap<>();
        env.put("RDSIAM_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
        env.put("RDSIAM_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        ConfigOptions options = new ConfigOptions();
        new CommandLine(options).parseArgs("--hostname", "orders.c0ffee000000.eu-west-1.rds.amazonaws.com",
                "--user", "app", "--engine", "mysql", "--token-reuse-window", "5m", "--role-arn", "arn:aws:iam::123456789012:role/db",
                "--role-session-name", "ops",
                "--name", "from-flags", "--connect-timeout", "3s");
        RdsIamConfig config = options.build(env, null);
        assertThat(config.tokenReuseWindow()).hasMinutes(5);
        assertThat(config.connectTimeout()).hasSeconds(3);
        assertThat(config.name()).isEqualTo("from-flags");
        assertThat(config.toString()).contains("ops");
    }

    @Test
    void everyGeneratedOption_isOneOfTheCatalogues() {
        ConfigOptions options = new ConfigOptions();
        List<String> generated = new ArrayList<>();
        for (OptionSpec o : new CommandLine(options).getCommandSpec().options()) {
            if (!o.longestName().equals("--property") && !o.longestName().equals("--properties")) {
                generated.addAll(List.of(o.names()));
            }
        }
        List<String> expected = new ArrayList<>();
        for (RdsIamProperty p : RdsIamProperty.values()) {
            if (ConfigOptions.hasFlag(p)) {
                expected.addAll(ConfigOptions.flagNames(p));
            }
        }
        assertThat(generated).containsExactlyInAnyOrderElementsOf(expected);
    }
}
