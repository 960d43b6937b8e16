package dev.rdsiam;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The API boundary, enforced by the build: no public or protected signature of an API package names a type of
 * {@code dev.rdsiam.internal}, and no module outside core uses that package.
 */
class ApiBoundaryTest {

    private static final String INTERNAL = "dev.rdsiam.internal.";
    private static final List<String> API = List.of("dev.rdsiam", "dev.rdsiam.jdbc", "dev.rdsiam.spi",
            "dev.rdsiam.diagnostics");

    private static List<Class<?>> apiClasses() throws IOException, ClassNotFoundException {
        Path classes = Path.of("target", "classes");
        List<Class<?>> found = new ArrayList<>();
        for (String pkg : API) {
            Path dir = classes.resolve(pkg.replace('.', '/'));
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    String name = f.getFileName().toString();
                    if (name.endsWith(".class") && !name.equals("package-info.class")) {
                        found.add(Class.forName(pkg + "." + name.substring(0, name.length() - 6), false,
                                ApiBoundaryTest.class.getClassLoader()));
                    }
                }
            }
        }
        return found;
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static boolean exposed(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
            if (!visible(k.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    @Test
    void apiSignatures_nameNoInternalType() throws Exception {
        List<String> leaks = new ArrayList<>();
        List<Class<?>> classes = apiClasses();
        assertThat(classes).as("API classes found").hasSizeGreaterThan(20);
        for (Class<?> c : classes) {
            if (!exposed(c)) {
                continue;
            }
            if (c.getGenericSuperclass() != null && c.getGenericSuperclass().getTypeName().contains(INTERNAL)) {
                leaks.add(c.getName() + " extends " + c.getGenericSuperclass().getTypeName());
            }
            for (java.lang.reflect.Type i : c.getGenericInterfaces()) {
                if (i.getTypeName().contains(INTERNAL)) {
                    leaks.add(c.getName() + " implements " + i.getTypeName());
                }
            }
            for (Method m : c.getDeclaredMethods()) {
                if (visible(m.getModifiers()) && !m.isSynthetic() && m.toGenericString().contains(INTERNAL)) {
                    leaks.add(m.toGenericString());
                }
            }
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (visible(k.getModifiers()) && k.toGenericString().contains(INTERNAL)) {
                    leaks.add(k.toGenericString());
                }
            }
            for (Field f : c.getDeclaredFields()) {
                if (visible(f.getModifiers()) && f.toGenericString().contains(INTERNAL)) {
                    leaks.add(f.toGenericString());
                }
            }
        }
        assertThat(leaks).as("public or protected signatures of API packages that name internal types").isEmpty();
    }

    @Test
    void noModuleOutsideCore_usesTheInternalPackages() throws IOException {
        Path root = Path.of("..");
        List<String> uses = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path module : (Iterable<Path>) modules::iterator) {
                scan(module, root, uses);
            }
        }
        try (Stream<Path> samples = Files.list(root.resolve("samples"))) {
            for (Path module : (Iterable<Path>) samples::iterator) {
                scan(module, root, uses);
            }
        }
        assertThat(uses).as("sources outside core that use dev.rdsiam.internal (use the API or the SPI)").isEmpty();
    }

    private static void scan(Path module, Path root, List<String> uses) throws IOException {
        if (module.getFileName().toString().equals("core")) {
            return;
        }
        Path main = module.resolve("src").resolve("main").resolve("java");
        if (!Files.isDirectory(main)) {
            return;
        }
        try (Stream<Path> files = Files.walk(main)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.toString().endsWith(".java")) {
                    List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                    for (int i = 0; i < lines.size(); i++) {
                        if (lines.get(i).contains(INTERNAL)) {
                            uses.add(root.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).trim());
                        }
                    }
                }
            }
        }
    }
}
