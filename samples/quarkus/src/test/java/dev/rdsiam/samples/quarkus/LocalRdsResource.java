package dev.rdsiam.samples.quarkus;

import dev.rdsiam.Engine;
import dev.rdsiam.testkit.LocalRds;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Starts LocalRds for a {@code @QuarkusTest} and configures the datasource for it the way a real endpoint is
 * configured: the identity host in a {@code jdbc:rdsiam:} URL with the route in its query, the user, and the kit's
 * CA and keys as additional JDBC properties. Injects the kit into test fields of type {@link LocalRds}.
 */
public class LocalRdsResource implements QuarkusTestResourceLifecycleManager {

    private static final String PROPS = "quarkus.datasource.jdbc.additional-jdbc-properties";

    private LocalRds rds;

    @Override
    public Map<String, String> start() {
        rds = LocalRds.builder().engine(Engine.POSTGRESQL).database("orders").start();
        return Map.of(
                "quarkus.datasource.jdbc.url", "jdbc:rdsiam:postgresql://" + rds.identityHost() + ":"
                        + rds.identityPort() + "/" + rds.database() + "?rdsiam.connectHost=" + rds.route().host()
                        + "&rdsiam.connectPort=" + rds.route().port(),
                "quarkus.datasource.username", rds.dbUser(),
                PROPS + ".\"rdsiam.trust\"", "pem",
                PROPS + ".\"rdsiam.trustPem\"", rds.caPemFile().toString(),
                PROPS + ".\"rdsiam.accessKeyId\"", rds.credentials().accessKeyId(),
                PROPS + ".\"rdsiam.secretAccessKey\"", rds.credentials().secretAccessKey());
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(rds, new TestInjector.MatchesType(LocalRds.class));
    }

    @Override
    public void stop() {
        if (rds != null) {
            rds.close();
        }
    }
}
