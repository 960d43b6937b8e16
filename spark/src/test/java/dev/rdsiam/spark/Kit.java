package dev.rdsiam.spark;

import dev.rdsiam.Engine;
import dev.rdsiam.testkit.LocalRds;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** A LocalRds as a Spark job sees it: a {@code jdbc:rdsiam:} URL and the connection properties, no password. */
record Kit(LocalRds rds, String url, Properties props) {

    static Kit of(LocalRds rds) {
        String engine = rds.engine() == Engine.POSTGRESQL ? "postgresql" : "mysql";
        String url = "jdbc:rdsiam:" + engine + "://" + rds.identityHost() + ":" + rds.identityPort() + "/"
                + rds.database() + "?rdsiam.connectHost=" + rds.route().host() + "&rdsiam.connectPort="
                + rds.route().port();
        Properties p = new Properties();
        p.setProperty("user", rds.dbUser());
        p.setProperty("driver", "dev.rdsiam.jdbc.RdsIamDriver");
        p.setProperty("rdsiam.trust", "pem");
        p.setProperty("rdsiam.trustPem", rds.caPemFile().toString());
        p.setProperty("rdsiam.accessKeyId", rds.credentials().accessKeyId());
        p.setProperty("rdsiam.secretAccessKey", rds.credentials().secretAccessKey());
        return new Kit(rds, url, p);
    }

    boolean postgres() {
        return rds.engine() == Engine.POSTGRESQL;
    }

    /** The properties as Spark hands them to the driver ({@code driver} is Spark's own option). */
    Properties connectionProps() {
        Properties p = new Properties();
        p.putAll(props);
        p.remove("driver");
        return p;
    }

    /** A connection through our driver, as Spark's would be. */
    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, connectionProps());
    }

    /** The secret the job passes, which must never be printed. */
    String secret() {
        return rds.credentials().secretAccessKey();
    }
}
