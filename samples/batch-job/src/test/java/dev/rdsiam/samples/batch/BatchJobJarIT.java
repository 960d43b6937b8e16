package dev.rdsiam.samples.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the shaded jar from {@code package} as its own JVM, the way a scheduler would, and checks that it ends by
 * itself with the right exit code. The job's {@code main} returns on success without {@code System.exit}, so a
 * lingering non-daemon thread would keep the process alive past the bound and fail the test.
 */
class BatchJobJarIT {

    private static final long BOUND_SECONDS = 120;

    private record Exit(int code, String stderr) {
    }

    private static Exit runJar(Path dir, String... args) throws IOException, InterruptedException {
        String jar = System.getProperty("batchJob.jar");
        assertThat(jar).as("system property batchJob.jar (set by failsafe)").isNotNull();
        assertThat(new File(jar)).exists();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-jar", jar));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(dir.resolve("stdout.txt").toFile())
                .redirectError(dir.resolve("stderr.txt").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("RDSIAM_"));
        Process p = pb.start();
        boolean ended = p.waitFor(BOUND_SECONDS, TimeUnit.SECONDS);
        String stderr = Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8);
        if (!ended) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(ended).as("the job ended by itself within %d s; stderr:%n%s", BOUND_SECONDS, stderr).isTrue();
        return new Exit(p.exitValue(), stderr);
    }

    @Test
    void offlineExport_endsByItself_withExitCode0(@TempDir Path dir) throws Exception {
        Exit exit = runJar(dir, "export");

        assertThat(exit.code).as(exit.stderr).isZero();
        assertThat(exit.stderr).contains("starting LocalRds").contains("export: " + DemoData.ROWS + " rows in ");
        int records = 0;
        try (Reader r = Files.newBufferedReader(dir.resolve("orders.csv"), StandardCharsets.UTF_8);
                CsvReader csv = new CsvReader(r)) {
            while (csv.next() != null) {
                records++;
            }
        }
        assertThat(records).isEqualTo(DemoData.ROWS + 1);
    }

    @Test
    void unreachableEndpoint_exitsWith1_andSaysNothingIsListening(@TempDir Path dir) throws Exception {
        Exit exit = runJar(dir, "export", "--host=db.c0ffee.us-east-1.rds.amazonaws.com", "--engine=postgresql",
                "--user=app", "--connectHost=127.0.0.1", "--connectPort=1", "--connectTimeout=2s",
                "--accessKeyId=AKIAIOSFODNN7EXAMPLE", "--secretAccessKey=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                "--sql=select 1", "--out=x.csv");

        assertThat(exit.code).as(exit.stderr).isEqualTo(1);
        assertThat(exit.stderr).contains("nothing is listening");
    }

    @Test
    void usageError_exitsWith2(@TempDir Path dir) throws Exception {
        Exit exit = runJar(dir, "export", "--host=db.example.internal", "--engine=postgresql", "--user=app",
                "--sql=select 1", "--out=x.csv");

        assertThat(exit.code).as(exit.stderr).isEqualTo(2);
        assertThat(exit.stderr).contains("rdsiam.region is required");
    }
}
