package dev.rdsiam.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rdsiam.testkit.AuthAttempt;
import dev.rdsiam.Engine;
import dev.rdsiam.testkit.LocalRds;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rdsiam env --engine mysql} run by the MariaDB client on this machine against LocalRds with MariaDB: the
 * printed line logs in over verified TLS, and the client has nothing to warn about. The kit also answers to the name
 * {@code localhost}, which resolves to the gateway here without a line in /etc/hosts.
 */
class MysqlEnvTest {

    private static LocalRds rds;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        rds = LocalRds.builder().engine(Engine.MYSQL).addHostName("localhost").start();
    }

    @AfterAll
    static void stop() {
        rds.close();
    }

    @Test
    void theMariadbClient_logsInWithThePrintedLine_withoutWarnings() throws Exception {
        boolean ci = "true".equals(System.getenv("CI"));
        String path = System.getenv("PATH");
        if (!ci) {
            assumeTrue(EnvCommand.mysqlClients(path).containsKey(EnvCommand.MysqlClient.MARIADB),
                    "no MariaDB client is installed");
        }
        Map<String, String> env = CliKit.env(rds);
        env.put("RDSIAM_ENGINE", "mysql");
        env.put("RDSIAM_HOST", "localhost");
        env.put("RDSIAM_REGION", rds.region());
        env.put("RDSIAM_PORT", Integer.toString(rds.identityPort()));
        env.put("PATH", path);

        CliKit.Run run = CliKit.run(env, "env", "--ca-file", tmp.resolve("ca.pem").toString());

        assertThat(run.exit()).as(run.toString()).isZero();
        String line = run.out().lines().filter(l -> l.startsWith("mariadb ") || l.startsWith("mysql "))
                .reduce((a, b) -> {
                    throw new AssertionError("more than one active command line:\n" + run.out());
                }).orElseThrow(() -> new AssertionError("no command line:\n" + run.out()));
        assertThat(line).contains("--ssl-verify-server-cert").doesNotContain("--enable-cleartext-plugin");

        // "localhost" would mean the Unix socket to this client: --protocol=TCP makes it dial the port it was given
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", line + " --protocol=TCP --batch --skip-column-names "
                + "-e 'select current_user()'").redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("MYSQL") || k.startsWith("MARIADB"));
        pb.environment().put("HOME", tmp.toString()); // no ~/.my.cnf of this machine
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the mariadb client did not finish in 30 s");
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).startsWith(rds.dbUser() + "@").doesNotContainIgnoringCase("warning")
                .doesNotContain("obsolete");
        AuthAttempt last = rds.lastAuthAttempt();
        assertThat(last.accepted()).isTrue();
        assertThat(last.tls()).isTrue();
        assertThat(last.passwordReceived()).isTrue();
        assertThat(Files.readString(tmp.resolve("ca.pem"))).contains("-----BEGIN CERTIFICATE-----");
        assertThat(run.err()).doesNotContain("X-Amz-Signature").doesNotContain(rds.credentials().secretAccessKey());
    }
}
