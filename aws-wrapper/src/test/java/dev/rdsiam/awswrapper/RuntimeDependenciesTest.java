package dev.rdsiam.awswrapper;

import dev.rdsiam.testing.RuntimeDependencies;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * What a user of {@code rdsiam-aws-wrapper} gets on the class path. The resolved runtime dependencies, written by the
 * build's {@code maven-dependency-plugin:list} execution to {@code target/runtime-dependencies.txt}, are exactly
 * the ones listed in {@code runtime-dependencies.txt} beside the pom; the README's dependency section summarises
 * them. A dependency that comes, goes or changes version fails here until the list and the README say so.
 */
class RuntimeDependenciesTest {

    @Test
    void runtimeDependencies_areExactlyTheCheckedInList() throws IOException {
        RuntimeDependencies.assertExactly("rdsiam-aws-wrapper", Path.of("runtime-dependencies.txt"));
    }
}
