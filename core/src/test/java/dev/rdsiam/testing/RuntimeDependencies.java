package dev.rdsiam.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The check behind each published module's {@code RuntimeDependenciesTest} (shipped to the other modules in core's
 * test jar): the runtime dependencies the build's {@code maven-dependency-plugin:list} execution resolved into
 * {@code target/runtime-dependencies.txt} are exactly the ones checked in beside the pom. A dependency that comes,
 * goes or changes version fails until the list and the README say so.
 */
public final class RuntimeDependencies {

    private RuntimeDependencies() {
    }

    /**
     * Compares the resolved list with the checked-in one.
     *
     * @param artifact the module's artifact id, for the message
     * @param expectedFile the checked-in list, relative to the module
     */
    public static void assertExactly(String artifact, Path expectedFile) throws IOException {
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
                .as("runtime dependencies of %s: new or changed %s, no longer there %s; if "
                        + "intended, copy target/runtime-dependencies.actual.txt over %s and update the README",
                        artifact, added, gone, expectedFile)
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
