package dev.rdsiam.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rdsiam.Engine;
import dev.rdsiam.RdsIam;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.Trust;
import dev.rdsiam.jdbc.RdsIamDataSource;
import dev.rdsiam.postgresql.internal.PgSslSocketFactory;
import dev.rdsiam.testkit.AuthAttempt;
import dev.rdsiam.testkit.LocalRds;
import dev.rdsiam.testkit.contract.BindingKit;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * pgjdbc in a parent class loader that cannot see this library (as in application servers and Quarkus dev/test
 * mode): pgjdbc instantiates the library's factories by class name, and must still find them.
 */
class PgClassLoaderTest {

    @Test
    void pgjdbcInAParentLoader_stillFindsTheLibrarysFactories() throws Exception {
        LocalRds rds = BindingKit.of(Engine.POSTGRESQL).rds();
        URL pgjdbc = org.postgresql.Driver.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader driverLoader = new URLClassLoader("pgjdbc-only", new URL[] {pgjdbc},
                        ClassLoader.getPlatformClassLoader());
                URLClassLoader appLoader = new URLClassLoader("application", BindingKit.classPathWithout(pgjdbc), driverLoader)) {
            // the split is real: pgjdbc's loader cannot see the library's factories
            assertThatThrownBy(() -> Class.forName(PgSslSocketFactory.class.getName(), false, driverLoader))
                    .isInstanceOf(ClassNotFoundException.class);
            Class<?> probe = Class.forName(Probe.class.getName(), true, appLoader);
            assertThat(Class.forName("org.postgresql.Driver", false, appLoader).getClassLoader())
                    .isSameAs(driverLoader);
            assertThat(probe.getClassLoader()).isSameAs(appLoader);

            Object user = probe.getMethod("currentUser", String.class, int.class, String.class, String.class,
                    String.class, int.class, String.class, String.class, String.class)
                    .invoke(null, rds.identityHost(), rds.identityPort(), rds.database(), rds.dbUser(),
                            rds.route().host(), rds.route().port(), rds.caPemFile().toString(),
                            rds.credentials().accessKeyId(), rds.credentials().secretAccessKey());

            assertThat(user).isEqualTo(rds.dbUser());
            AuthAttempt a = rds.lastAuthAttempt();
            assertThat(a.accepted()).isTrue();
            assertThat(a.tls()).isTrue();
            assertThat(a.sniHostName()).isEqualTo(rds.identityHost());
        }
    }

    /** Runs inside the application loader; only JDK types cross the boundary. */
    public static final class Probe {
        private Probe() {
        }

        /** Connects through the library and returns {@code current_user}. */
        public static String currentUser(String host, int port, String database, String user, String routeHost,
                int routePort, String caPem, String accessKeyId, String secretAccessKey) throws Exception {
            RdsIamConfig config = RdsIamConfig.builder()
                    .engine(Engine.POSTGRESQL)
                    .host(host)
                    .port(port)
                    .database(database)
                    .user(user)
                    .connectHost(routeHost)
                    .connectPort(routePort)
                    .trust(Trust.PEM)
                    .trustPem(Path.of(caPem))
                    .accessKeyId(accessKeyId)
                    .secretAccessKey(secretAccessKey)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            try (RdsIamDataSource ds = RdsIam.dataSource(config);
                    Connection c = ds.getConnection();
                    Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("select current_user")) {
                r.next();
                return r.getString(1);
            }
        }
    }
}
