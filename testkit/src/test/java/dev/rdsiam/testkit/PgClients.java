package dev.rdsiam.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** pgjdbc connections through a kit's gateway, verify-full against the identity name. */
final class PgClients {

    private PgClients() {
    }

    static Properties props(LocalRds rds, Route route, String password) {
        Properties p = new Properties();
        p.setProperty("user", rds.dbUser());
        p.setProperty("password", password);
        p.setProperty("sslmode", "verify-full");
        p.setProperty("sslrootcert", rds.caPemFile().toString());
        p.setProperty("socketFactory", RoutingPgSocketFactory.class.getName());
        p.setProperty("socketFactoryArg", route.toString());
        p.setProperty("connectTimeout", "5");
        p.setProperty("loginTimeout", "20");
        return p;
    }

    static String url(LocalRds rds) {
        return "jdbc:postgresql://" + rds.identityHost() + ":" + rds.identityPort() + "/" + rds.database();
    }

    static Connection connect(LocalRds rds, String password) throws SQLException {
        return DriverManager.getConnection(url(rds), props(rds, rds.route(), password));
    }
}
