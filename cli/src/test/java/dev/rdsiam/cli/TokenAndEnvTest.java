package dev.rdsiam.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rdsiam.testkit.AuthAttempt;
import dev.rdsiam.testkit.LocalRds;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rdsiam token} and {@code rdsiam env}: the gateway (through psql) accepts what they print. */
class TokenAndEnvTest {

    private static final Pattern EXPORT = Pattern.compile("^export (PG[A-Z]+)='((?:[^']|'\\\\'')*)'$");

    private final LocalRds rds = CliKit.rds();

    @TempDir
    Path tmp;

    @BeforeEach
    void clean() {
        rds.faults().reset();
        rds.clearAuthAttempts();
    }

    private void assertNothingSecretOnStderr(CliKit.Run run) {
        assertThat(run.err()).doesNotContain("X-Amz-Signature").doesNotContain(rds.credentials().secretAccessKey());
    }

    @Test
    void token_isPrinted_alone_onStdout() {
        CliKit.Run run = CliKit.run(CliKit.env(), "token");

        assertThat(run.exit()).as(run.toString()).isZero();
        String token = run.out().strip();
        assertThat(run.out()).endsWith("\n").hasLineCount(1);
        assertThat(token).startsWith(rds.identityHost() + ":" + rds.identityPort() + "/?")
                .contains("Action=connect").contains("DBUser=" + rds.dbUser()).contains("X-Amz-Signature=");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void token_takesTheAwsCliFlags_overTheEnvironment() {
        Map<String, String> env = new TreeMap<>();
        env.put("RDSIAM_ACCESS_KEY_ID", rds.credentials().accessKeyId());
        env.put("RDSIAM_SECRET_ACCESS_KEY", rds.credentials().secretAccessKey());
        env.put("RDSIAM_HOST", "other.c0ffee000000.eu-west-1.rds.amazonaws.com");

        CliKit.Run run = CliKit.run(env, "token", "--hostname", rds.identityHost(), "--port", "5432",
                "--username", "someone", "--region", rds.region());

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith(rds.identityHost() + ":5432/?").contains("DBUser=someone")
                .contains("%2F" + rds.region() + "%2Frds-db%2Faws4_request");
    }

    @Test
    void token_withABadConfiguration_isAUsageError_namingTheFlag() {
        CliKit.Run run = CliKit.run(Map.of(), "token", "--username", "app");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("rdsiam.host is required").contains("--hostname or RDSIAM_HOST");
    }

    @Test
    void token_withoutCredentials_exitsOne_andSaysWhereItLooked() {
        CliKit.Run run = CliKit.run(Map.of(), "token", "--hostname", rds.identityHost(), "--username", "app",
                "--profile", "rdsiam-test-profile-that-does-not-exist");

        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("no AWS credentials").contains("profile 'rdsiam-test-profile-that-does-not-exist'");
    }

    @Test
    void token_secretFromAPropertiesFile_isNeverEchoed() throws IOException {
        Path props = tmp.resolve("rdsiam.properties");
        Files.writeString(props, "rdsiam.host=" + rds.identityHost() + "\nrdsiam.user=" + rds.dbUser()
                + "\nrdsiam.accessKeyId=" + rds.credentials().accessKeyId()
                + "\nrdsiam.secretAccessKey=" + rds.credentials().secretAccessKey()
                + "\nrdsiam.connectTimeout=0s\n");

        CliKit.Run bad = CliKit.run(Map.of(), "token", "--properties", props.toString());
        CliKit.Run badProperty = CliKit.run(Map.of(), "token", "--properties", props.toString(),
                "--property", "secretAccessKey:" + rds.credentials().secretAccessKey());
        CliKit.Run good = CliKit.run(Map.of(), "token", "--properties", props.toString(), "--property",
                "rdsiam.connectTimeout=3s");

        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("rdsiam.connectTimeout 0s must be positive")
                .contains("--connect-timeout or RDSIAM_CONNECT_TIMEOUT");
        assertThat(badProperty.exit()).isEqualTo(2);
        assertThat(badProperty.err()).contains("--property KEY=VALUE");
        assertThat(good.exit()).as(good.toString()).isZero();
        for (CliKit.Run run : new CliKit.Run[] {bad, badProperty, good}) {
            assertNothingSecretOnStderr(run);
        }
    }

    @Test
    void env_forPostgresql_printsExports_thatPsqlLogsInWith() throws Exception {
        Path ca = tmp.resolve("ca.pem");
        CliKit.Run run = CliKit.run(CliKit.env(), "env", "--ca-file", ca.toString());

        assertThat(run.exit()).as(run.toString()).isZero();
        assertNothingSecretOnStderr(run);
        Map<String, String> exports = exports(run.out());
        assertThat(exports).containsEntry("PGHOST", rds.identityHost())
                .containsEntry("PGHOSTADDR", "127.0.0.1")
                .containsEntry("PGPORT", Integer.toString(rds.route().port()))
                .containsEntry("PGUSER", rds.dbUser())
                .containsEntry("PGDATABASE", rds.database())
                .containsEntry("PGSSLMODE", "verify-full")
                .containsEntry("PGSSLROOTCERT", ca.toAbsolutePath().toString())
                .containsKey("PGPASSWORD");
        assertThat(exports.get("PGPASSWORD")).startsWith(rds.identityHost() + ":" + rds.identityPort() + "/?");
        assertThat(Files.readString(ca)).contains("-----BEGIN CERTIFICATE-----")
                .contains(Files.readString(rds.caPemFile()).lines().filter(l -> !l.startsWith("-----")).findFirst()
                        .orElseThrow());

        String psql = psql(exports, "select 1");

        assertThat(psql.strip()).isEqualTo("1");
        AuthAttempt last = rds.lastAuthAttempt();
        assertThat(last.accepted()).isTrue();
        assertThat(last.sniHostName()).isEqualTo(rds.identityHost());
    }

    @Test
    void token_isAcceptedByTheGateway_asPsqlsPassword() throws Exception {
        CliKit.Run env = CliKit.run(CliKit.env(), "env", "--ca-file", tmp.resolve("ca.pem").toString());
        CliKit.Run token = CliKit.run(CliKit.env(), "token");
        assertThat(token.exit()).isZero();
        Map<String, String> exports = exports(env.out());
        exports.put("PGPASSWORD", token.out().strip());

        assertThat(psql(exports, "select current_user").strip()).isEqualTo(rds.dbUser());
        assertThat(rds.lastAuthAttempt().accepted()).isTrue();
    }

    @Test
    void env_forMysql_printsACommandLine_andTheHostsHint() {
        Map<String, String> env = new TreeMap<>();
        env.put("RDSIAM_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
        env.put("RDSIAM_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        env.put("PATH", tmp.resolve("empty-bin").toString());
        Path ca = tmp.resolve("rds.pem");

        CliKit.Run run = CliKit.run(env, "env", "--engine", "mysql",
                "--hostname", "shop.c0ffee000000.eu-west-1.rds.amazonaws.com", "--username", "app",
                "--database", "shop", "--connect-host", "127.0.0.1", "--connect-port", "13306",
                "--ca-file", ca.toString());

        assertThat(run.exit()).as(run.toString()).isZero();
        String common = "--host='shop.c0ffee000000.eu-west-1.rds.amazonaws.com' --port=13306 --user='app' "
                + "--database='shop' --ssl-ca='" + Pattern.quote(ca.toAbsolutePath().toString()) + "'";
        assertThat(run.out())
                .contains("#   127.0.0.1 shop.c0ffee000000.eu-west-1.rds.amazonaws.com")
                .contains("No mysql or mariadb client on the PATH")
                // no client found: MariaDB's line is active, Oracle's is a comment; each only with its own options
                .containsPattern("(?m)^mariadb " + common + " --ssl-verify-server-cert "
                        + "--password='shop\\.c0ffee000000\\.eu-west-1\\.rds\\.amazonaws\\.com:3306/\\?[^']+'$")
                .containsPattern("(?m)^# MySQL 8\\.0\\+ client \\(Oracle's mysql\\), instead:\n#   mysql " + common
                        + " --ssl-mode=VERIFY_IDENTITY --enable-cleartext-plugin --password='<the token above>'$")
                .doesNotContainPattern("(?m)^mariadb .*--enable-cleartext-plugin");
        assertThat(run.err()).doesNotContain("X-Amz-Signature").doesNotContain("wJalrXUtnFEMI");
    }

    @Test
    void env_forMysql_makesTheLineOfTheClientOnThePath_active() throws IOException {
        Path oracle = Files.createDirectories(tmp.resolve("oracle-bin"));
        Files.writeString(oracle.resolve("mysql"), "#!/bin/sh\n");
        oracle.resolve("mysql").toFile().setExecutable(true);
        Path debian = Files.createDirectories(tmp.resolve("debian-bin"));
        Files.writeString(debian.resolve("mariadb"), "#!/bin/sh\n");
        debian.resolve("mariadb").toFile().setExecutable(true);
        Files.createSymbolicLink(debian.resolve("mysql"), debian.resolve("mariadb"));

        assertThat(EnvCommand.mysqlClients(oracle.toString()))
                .containsExactly(Map.entry(EnvCommand.MysqlClient.MYSQL, "mysql"));
        assertThat(EnvCommand.mysqlClients(debian.toString()))
                .containsExactly(Map.entry(EnvCommand.MysqlClient.MARIADB, "mariadb"));
        assertThat(EnvCommand.mysqlClients(tmp.resolve("nothing") + File.pathSeparator + debian))
                .containsOnlyKeys(EnvCommand.MysqlClient.MARIADB);

        Map<String, String> env = new TreeMap<>();
        env.put("RDSIAM_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
        env.put("RDSIAM_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        env.put("PATH", oracle.toString());
        CliKit.Run run = CliKit.run(env, "env", "--engine", "mysql", "--no-sts",
                "--hostname", "shop.c0ffee000000.eu-west-1.rds.amazonaws.com", "--username", "app",
                "--ca-file", tmp.resolve("rds.pem").toString());

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("# MySQL 8.0+ client (Oracle's mysql), found on the PATH as mysql:")
                .containsPattern("(?m)^mysql --host=.* --ssl-mode=VERIFY_IDENTITY --enable-cleartext-plugin "
                        + "--password='shop[^']+'$")
                .containsPattern("(?m)^#   mariadb --host=.* --ssl-verify-server-cert --password='<the token above>'$");
    }

    @Test
    void env_withTheDefaultTrust_writesTheRdsBundle_underTheCacheDirectory() throws IOException {
        Map<String, String> env = new TreeMap<>();
        env.put("RDSIAM_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
        env.put("RDSIAM_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        env.put("HOME", tmp.toString());

        CliKit.Run run = CliKit.run(env, "env", "--engine", "postgresql",
                "--hostname", "orders.c0ffee000000.eu-west-1.rds.amazonaws.com", "--username", "app");

        assertThat(run.exit()).as(run.toString()).isZero();
        String file = exports(run.out()).get("PGSSLROOTCERT");
        assertThat(file).startsWith(tmp.resolve(".cache").resolve("rdsiam").toString()).endsWith(".pem");
        String pem = Files.readString(Path.of(file));
        assertThat(pem.split("-----BEGIN CERTIFICATE-----")).hasSizeGreaterThan(20);
        assertThat(pem).contains("Amazon RDS");
        assertThat(run.out()).contains("unset PGHOSTADDR").contains("unset PGDATABASE");
    }

    @Test
    void shellQuoting_survivesQuotes() {
        assertThat(EnvCommand.quote("it's")).isEqualTo("'it'\\''s'");
    }

    private static Map<String, String> exports(String out) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            Matcher x = EXPORT.matcher(line);
            if (x.matches()) {
                m.put(x.group(1), x.group(2).replace("'\\''", "'"));
            }
        }
        return m;
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** Runs psql with exactly these PG* variables; skipped when psql is missing, except on CI. */
    private static String psql(Map<String, String> exports, String sql) throws IOException, InterruptedException {
        boolean ci = "true".equals(System.getenv("CI"));
        if (!ci) {
            assumeTrue(onPath("psql"), "psql is not installed");
        }
        ProcessBuilder pb = new ProcessBuilder("psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql)
                .redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
        pb.environment().putAll(exports);
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("psql did not finish in 30 s");
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("psql: " + output).isZero();
        return output;
    }
}
