package dev.rdsiam.awswrapper;

import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.Trust;
import dev.rdsiam.testkit.LocalAurora;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/** Configurations for a LocalAurora cluster: its cluster endpoint as identity, a route per name, its CA. */
final class Clusters {

    private Clusters() {
    }

    static Map<String, RdsIamConfig.Route> routes(LocalAurora aurora) {
        Map<String, RdsIamConfig.Route> routes = new LinkedHashMap<>();
        aurora.routes().forEach((name, r) -> routes.put(name, new RdsIamConfig.Route(r.host(), r.port())));
        return routes;
    }

    /** The cluster endpoint through the wrapper with {@code plugins}; short failover and topology timings. */
    static RdsIamConfig.Builder config(LocalAurora aurora, String... plugins) {
        return RdsIamConfig.builder().engine(aurora.engine()).host(aurora.clusterHost()).port(aurora.identityPort())
                .database(aurora.database()).user(aurora.dbUser()).region(aurora.region())
                .accessKeyId(aurora.credentials().accessKeyId())
                .secretAccessKey(aurora.credentials().secretAccessKey())
                .trust(Trust.PEM).trustPem(aurora.caPemFile())
                .routes(routes(aurora))
                .wrapperPlugins(plugins)
                .driverProperty("clusterId", "localaurora-" + System.nanoTime())
                .driverProperty("failoverTimeoutMs", "30000")
                .driverProperty("clusterTopologyRefreshRateMs", "1000");
    }

    /** {@code instance-id in-recovery} of the PostgreSQL instance the connection is on. */
    static String whoAmI(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT pg_catalog.aurora_db_instance_identifier() || ' ' || pg_catalog.pg_is_in_recovery()")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
