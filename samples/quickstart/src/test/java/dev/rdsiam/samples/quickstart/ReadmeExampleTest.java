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

/**
 * Every Java snippet in the README shows its imports and compiles with exactly those, against the library as built:
 * a snippet's leading {@code import} lines go to the top of a file of its own; a snippet that declares a class stays
 * at the top level, any other becomes the body of a method.
 */
class ReadmeExampleTest {

    @Test
    void readmeJavaSnippets_compile(@TempDir Path out) throws IOException {
        String readme = Files.readString(Path.of("..", "..", "README.md"), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(readme);
        List<JavaFileObject> sources = new ArrayList<>();
        int n = 0;
        while (m.find()) {
            String name = "ReadmeSnippet" + n++;
            StringBuilder imports = new StringBuilder();
            StringBuilder body = new StringBuilder();
            for (String line : m.group(1).split("\n", -1)) {
                if (body.length() == 0 && (line.startsWith("import ") || line.isBlank())) {
                    imports.append(line).append('\n');
                } else {
                    body.append(line).append('\n');
                }
            }
            assertThat(imports.toString()).as("README snippet %d shows its imports:%n%s", n, m.group(1))
                    .contains("import ");
            String code = body.toString().startsWith("class ")
                    ? imports + body.toString()
                    : imports + "class " + name + " {\n  void run() throws Exception {\n" + body + "\n  }\n}\n";
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
