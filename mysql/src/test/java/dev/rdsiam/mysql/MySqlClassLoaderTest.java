package dev.rdsiam.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rdsiam.Engine;
import dev.rdsiam.RdsIam;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.testkit.contract.BindingKit;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

/**
 * Connector/J in a parent class loader that cannot see this library: Connector/J loads socket factories from its own
 * loader only, so the DataSource must refuse to be built, saying where the jars have to go.
 */
class MySqlClassLoaderTest {

    @Test
    void connectorJInAParentLoader_failsAtBuild_namingTheFix() throws Exception {
        URL connectorJ = com.mysql.cj.jdbc.NonRegisteringDriver.class.getProtectionDomain().getCodeSource()
                .getLocation();
        try (URLClassLoader driverLoader = new URLClassLoader("connector-j-only", new URL[] {connectorJ},
                        ClassLoader.getPlatformClassLoader());
                URLClassLoader appLoader = new URLClassLoader("application", BindingKit.classPathWithout(connectorJ), driverLoader)) {
            Class<?> probe = Class.forName(Probe.class.getName(), true, appLoader);
            assertThat(Class.forName("com.mysql.cj.jdbc.NonRegisteringDriver", false, appLoader).getClassLoader())
                    .isSameAs(driverLoader);

            Throwable thrown = null;
            try {
                probe.getMethod("build").invoke(null);
            } catch (InvocationTargetException e) {
                thrown = e.getCause();
            }

            assertThat(thrown).isNotNull();
            assertThat(thrown.getClass().getName()).isEqualTo(IllegalStateException.class.getName());
            assertThat(thrown.getMessage())
                    .contains("connector-j-only")
                    .contains("cannot see rdsiam-mysql")
                    .contains("put rdsiam-core and rdsiam-mysql where mysql-connector-j is");
        }
        // in one loader, the same DataSource builds
        RdsIam.dataSource(Probe.config()).close();
    }

    /** Runs inside the application loader. */
    public static final class Probe {
        private Probe() {
        }

        static RdsIamConfig config() {
            return RdsIamConfig.builder()
                    .engine(Engine.MYSQL)
                    .host("orders.c0ffee000000.us-east-1.rds.amazonaws.com")
                    .port(3306)
                    .user("app")
                    .connectHost("127.0.0.1")
                    .connectPort(1)
                    .accessKeyId("AKIAIOSFODNN7EXAMPLE")
                    .secretAccessKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
                    .build();
        }

        /** Builds (and closes) a DataSource. */
        public static void build() {
            RdsIam.dataSource(config()).close();
        }
    }
}
