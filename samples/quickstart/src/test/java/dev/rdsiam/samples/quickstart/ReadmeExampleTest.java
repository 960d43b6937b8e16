package dev.rdsiam.samples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every Java snippet in the README compiles against the library as built. */
class ReadmeExampleTest {

    private static final String IMPORTS = "import dev.rdsiam.*;\nimport dev.rdsiam.jdbc.*;\n"
            + "import com.zaxxer.hikari.*;\nimport java.sql.*;\nimport java.nio.file.*;\nimport java.time.*;\n"
            + "import javax.sql.DataSource;\nimport dev.rdsiam.Engine;\nimport dev.rdsiam.testkit.*;\nimport org.junit.jupiter.api.*;\nimport org.junit.jupiter.api.extension.*;\n";

    @Test
    void readmeJavaSnippets_compile(@TempDir Path out) throws IOException {
        String readme = Files.readString(Path.of("..", "..", "README.md"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(readme);
        List<JavaFileObject> sources = new ArrayList<>();
        int n = 0;
        while (m.find()) {
            String name = "ReadmeSnippet" + n++;
            String code = IMPORTS + "class " + name + " {\n  void run() throws Exception {\n" + m.group(1) + "\n  }\n}\n";
            sources.add(new SimpleJavaFileObject(URI.create("string:///" + name + ".java"), JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return code;
                }
            });
        }
        assertThat(sources).as("README has Java snippets").isNotEmpty();

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            boolean ok = javac.getTask(diagnostics, files, null,
                    List.of("-classpath", System.getProperty("java.class.path"), "-d", out.toString(), "-proc:none"),
                    null, sources).call();
            assertThat(ok).as("README snippets compile:\n%s", diagnostics).isTrue();
        }
    }
}
