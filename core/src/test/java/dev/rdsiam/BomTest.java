package dev.rdsiam;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The BOM pins exactly the published modules of the reactor (those that do not skip deploy), at its version. */
class BomTest {

    private static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8).replaceAll("(?s)<!--.*?-->", "");
    }

    private static String first(String xml, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.DOTALL).matcher(xml);
        return m.find() ? m.group(1).trim() : null;
    }

    @Test
    void bom_listsEveryPublishedModule_atTheReactorsVersion() throws IOException {
        Path root = Path.of("..");
        String parent = read(root.resolve("pom.xml"));
        String version = first(parent, "<artifactId>rdsiam-parent</artifactId>\\s*<version>([^<]+)</version>");
        Set<String> published = new TreeSet<>();
        Matcher modules = Pattern.compile("<module>([^<]+)</module>").matcher(parent);
        while (modules.find()) {
            if (modules.group(1).equals("bom")) {
                continue;
            }
            String pom = read(root.resolve(modules.group(1)).resolve("pom.xml"));
            String artifact = first(pom, "</parent>\\s*<artifactId>([^<]+)</artifactId>");
            if (!"true".equals(first(pom, "<maven.deploy.skip>([^<]+)</maven.deploy.skip>"))) {
                published.add(artifact);
            }
        }
        String bom = read(root.resolve("bom").resolve("pom.xml"));
        assertThat(first(bom, "<artifactId>rdsiam-bom</artifactId>\\s*<version>([^<]+)</version>")).isEqualTo(version);
        Set<String> pinned = new TreeSet<>();
        Matcher deps = Pattern.compile("<dependency>\\s*<groupId>dev.rdsiam</groupId>\\s*<artifactId>([^<]+)</artifactId>"
                + "\\s*<version>([^<]+)</version>").matcher(bom);
        while (deps.find()) {
            pinned.add(deps.group(1));
            assertThat(deps.group(2)).as(deps.group(1)).isEqualTo(version);
        }
        assertThat(published).contains("rdsiam-core", "rdsiam-postgresql", "rdsiam-mysql");
        assertThat(pinned).as("modules pinned by rdsiam-bom").isEqualTo(published);
    }
}
