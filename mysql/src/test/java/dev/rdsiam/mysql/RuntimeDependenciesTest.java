package dev.rdsiam.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a user of {@code rdsiam-mysql} gets on the class path. The resolved runtime dependencies, written by the
 * build's {@code maven-dependency-plugin:list} execution to {@code target/runtime-dependencies.txt}, are exactly
 * the ones listed in {@code runtime-dependencies-connector-VERSION.txt} beside the pom, one file
 * per supported Connector/J line ({@code -Dmysql.connector.version}); the README's dependency section summarises
 * them. A dependency that comes, goes or changes version fails here until the list and the README say so.
 */
class RuntimeDependenciesTest {

    @Test
    void runtimeDependencies_areExactlyTheCheckedInList() throws IOException {
        Path expectedFile = Path.of("runtime-dependencies-connector-"
                + System.getProperty("mysql.connector.version", "9.7.0") + ".txt");
        Path resolvedFile = Path.of("target", "runtime-dependencies.txt");
        assertThat(resolvedFile).as("written by maven-dependency-plugin:list (list-runtime-dependencies)").exists();
        List<String> resolved = normalized(Files.readAllLines(resolvedFile, StandardCharsets.UTF_8));
        Files.write(Path.of("target", "runtime-dependencies.actual.txt"), resolved, StandardCharsets.UTF_8);
        List<String> expected = new ArrayList<>();
        for (String line : Files.readAllLines(expectedFile, StandardCharsets.UTF_8)) {
            if (!line.isBlank() && !line.startsWith("#")) {
                expected.add(line.trim());
            }
        }
        List<String> added = new ArrayList<>(resolved);
        added.removeAll(expected);
        List<String> gone = new ArrayList<>(expected);
        gone.removeAll(resolved);
        assertThat(resolved)
                .as("runtime dependencies of rdsiam-mysql: new or changed %s, no longer there %s; if "
                        + "intended, copy target/runtime-dependencies.actual.txt over %s and update the README",
                        added, gone, expectedFile)
                .containsExactlyElementsOf(expected);
    }

    /**
     * Lines {@code group:artifact:jar[:classifier]:version:scope[ (optional)][ -- module m]} of the listing as
     * {@code group:artifact[:classifier]:version:scope[ (optional)]}, sorted.
     */
    static List<String> normalized(List<String> listed) {
        List<String> out = new ArrayList<>();
        for (String raw : listed) {
            String line = raw.trim();
            int module = line.indexOf(" -- module");
            if (module >= 0) {
                line = line.substring(0, module).trim();
            }
            if (!raw.startsWith("   ") || line.isEmpty() || line.equals("none")) {
                continue;
            }
            boolean optional = line.endsWith("(optional)");
            String[] p = line.replace("(optional)", "").trim().split(":");
            String rest = p.length == 6 ? p[3] + ":" + p[4] + ":" + p[5] : p[3] + ":" + p[4];
            out.add(p[0] + ":" + p[1] + ":" + rest + (optional ? " (optional)" : ""));
        }
        out.sort(null);
        return out;
    }
}
