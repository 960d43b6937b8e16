package dev.rdsiam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rdsiam.Engine;
import dev.rdsiam.testkit.LocalRds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shaded jar through the launcher script, as a separate process (after {@code package}). The endpoint is named
 * {@code localhost} here, so that the process's own DNS lookups stay on this machine.
 */
class LauncherIT {

    private static LocalRds rds;

    @BeforeAll
    static void start() {
        rds = LocalRds.builder().engine(Engine.POSTGRESQL).instanceHost("localhost").start();
    }

    @AfterAll
    static void stop() {
        rds.close();
    }

    private record Result(int exit, String out, String err) {
    }

    private static Result launch(String... args) throws IOException, InterruptedException {
        return launchWith(Map.of(), args);
    }

    private static Result launchWith(Map<String, String> extraEnv, String... args)
            throws IOException, InterruptedException {
        Path script = Path.of("rdsiam").toAbsolutePath();
        assertThat(Files.isRegularFile(Path.of("target", "rdsiam.jar"))).as("target/rdsiam.jar was built").isTrue();
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of("bash", script.toString())));
        pb.command().addAll(List.of(args));
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("RDSIAM_") || k.startsWith("AWS_"));
        env.put("RDSIAM_ENGINE", "postgresql");
        env.put("RDSIAM_HOST", rds.identityHost());
        env.put("RDSIAM_REGION", rds.region());
        env.put("RDSIAM_DATABASE", rds.database());
        env.put("RDSIAM_USER", rds.dbUser());
        env.put("RDSIAM_CONNECT_HOST", rds.route().host());
        env.put("RDSIAM_CONNECT_PORT", Integer.toString(rds.route().port()));
        env.put("RDSIAM_TRUST", "pem");
        env.put("RDSIAM_TRUST_PEM", rds.caPemFile().toString());
        env.put("RDSIAM_ACCESS_KEY_ID", rds.credentials().accessKeyId());
        env.put("RDSIAM_SECRET_ACCESS_KEY", rds.credentials().secretAccessKey());
        env.put("RDSIAM_STS_ENDPOINT", rds.stsEndpoint().toString());
        env.putAll(extraEnv);
        Path out = Files.createTempFile("rdsiam-out", ".txt");
        Path err = Files.createTempFile("rdsiam-err", ".txt");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("rdsiam did not finish within 60 s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @Test
    void doctor_passesEveryStage_throughTheShadedJar() throws Exception {
        Result r = launch("doctor", "--json");

        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        Object report = JsonReader.parse(r.out());
        assertThat(report).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("ok", true);
        assertThat(r.out()).contains("PostgreSQL").contains("select 1");
        assertThat(r.err()).doesNotContain(rds.credentials().secretAccessKey()).doesNotContain("X-Amz-Signature");
    }

    @Test
    void token_andUsageErrors_exitCodes() throws Exception {
        Result token = launch("token");
        Result usage = launch("doctor", "--no-such-flag");
        Result version = launch("--version");

        assertThat(token.exit()).as(token.err()).isZero();
        assertThat(token.out()).startsWith("localhost:5432/?Action=connect");
        assertThat(token.err()).isEmpty();
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.err()).contains("--no-such-flag");
        assertThat(version.out()).startsWith("rdsiam 0.1.0-SNAPSHOT (library 0.1.0-SNAPSHOT, Java ");
    }

    @Test
    void launcherVariablesAndStrayRdsiamVariables_breakNothing() throws Exception {
        Result r = launchWith(Map.of("RDSIAM_JAVA_OPTS", "-Xmx256m", "RDSIAM_HOTS", "typo"), "token");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("localhost:5432/?Action=connect");
        assertThat(r.err()).contains("RDSIAM_HOTS").contains("did you mean RDSIAM_HOST?")
                .doesNotContain("RDSIAM_JAVA_OPTS");
    }

    @Test
    void aSecretInTheWrongPlace_isNeverEchoed_onAnyFrontDoorOfTheCommand() throws Exception {
        String secret = rds.credentials().secretAccessKey();
        List<Result> results = List.of(
                launch("token", "--property", "accessKeyId=" + secret),
                launch("token", "--property", "rdsiam.profile=" + secret),
                launch("token", "--role-arn", secret),
                launch("token", "--hostname", secret),
                launchWith(Map.of("RDSIAM_ACCESS_KEY_ID", secret), "doctor", "--json"),
                launchWith(Map.of("RDSIAM_USER", secret), "doctor"),
                launch("env", "--property", "region=" + secret));
        for (Result r : results) {
            assertThat(r.exit()).as(r.err() + r.out()).isNotZero();
            assertThat(r.out() + r.err()).doesNotContain(secret).doesNotContain(secret.substring(0, 12));
        }
        assertThat(results.get(0).err()).contains("rdsiam.accessKeyId holds (40 characters that look like a secret "
                + "access key; not shown)");
    }
}
