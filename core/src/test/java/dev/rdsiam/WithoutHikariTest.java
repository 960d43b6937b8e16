package dev.rdsiam;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * HikariCP is optional: on a class path without it (a Quarkus/Agroal application, a batch job with no pool), the
 * unpooled DataSource works and {@code RdsIam.pooledDataSource} says which dependency to add.
 */
class WithoutHikariTest {

    @Test
    void withoutHikari_dataSourceWorks_andPooledDataSourceNamesTheDependency() throws Exception {
        List<URL> urls = new ArrayList<>();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isEmpty() && !entry.contains("HikariCP")) {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        try (URLClassLoader loader = new URLClassLoader("no-hikari", urls.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader())) {
            assertThat(loader.getResource("com/zaxxer/hikari/HikariDataSource.class")).isNull();
            Class<?> probe = Class.forName(Probe.class.getName(), true, loader);
            String result = (String) probe.getMethod("run").invoke(null);
            assertThat(result).startsWith("unpooled ok; pooled: java.lang.IllegalStateException: "
                    + "RdsIam.pooledDataSource needs HikariCP, which is not on the class path: add the dependency "
                    + "com.zaxxer:HikariCP");
        }
    }

    /** Runs inside the loader without HikariCP. */
    public static final class Probe {
        private Probe() {
        }

        /** Opens an unpooled DataSource, then asks for a pool. */
        public static String run() {
            RdsIamConfig config = RdsIamConfig.builder().engine(Engine.MYSQL)
                    .host("shop.c0ffee000000.us-east-1.rds.amazonaws.com").user("app")
                    .accessKeyId("AKIAIOSFODNN7EXAMPLE").secretAccessKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
                    .build();
            RdsIam.dataSource(config).close();
            try {
                RdsIam.pooledDataSource(config);
                return "pooled without Hikari?";
            } catch (RuntimeException e) {
                return "unpooled ok; pooled: " + e;
            }
        }
    }
}
