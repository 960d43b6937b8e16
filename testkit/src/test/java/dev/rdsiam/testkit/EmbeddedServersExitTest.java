package dev.rdsiam.testkit;

import dev.rdsiam.Engine;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A program that uses a MariaDB kit and returns from {@code main} ends once it has called
 * {@link LocalRds#stopEmbeddedServers()} (the embedded MariaDB's process watcher is not a daemon thread). Runs in its
 * own JVM, so the servers the other tests share are not touched.
 */
@Tag("mysql")
class EmbeddedServersExitTest {

    @Test
    void programThatStopsTheEmbeddedServers_exitsOnItsOwn(@TempDir Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path out = dir.resolve("out.txt");
        Process p = new ProcessBuilder(List.of(java, "-cp", classPath, Program.class.getName()))
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        boolean ended = p.waitFor(180, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(ended).as("the program ended on its own; its output:%n%s", output).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("kit was up");
    }

    /** The program: start a MariaDB kit, close it, stop the shared servers, return. */
    public static final class Program {
        private Program() {
        }

        public static void main(String[] args) {
            try (LocalRds rds = LocalRds.builder().engine(Engine.MYSQL).start()) {
                System.out.println("kit was up at " + rds.route());
            }
            LocalRds.stopEmbeddedServers();
        }
    }
}
