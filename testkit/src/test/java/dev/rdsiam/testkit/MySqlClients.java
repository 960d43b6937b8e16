package dev.rdsiam.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Connector/J connections through a kit's gateway, VERIFY_IDENTITY against the identity name. */
final class MySqlClients {

    private MySqlClients() {
    }

    static Properties props(LocalRds rds, String password) {
        Properties p = new Properties();
        p.setProperty("user", rds.dbUser());
        p.setProperty("password", password);
        p.setProperty("sslMode", "VERIFY_IDENTITY");
        p.setProperty("trustCertificateKeyStoreUrl", rds.trustStoreFile().toUri().toString());
        p.setProperty("trustCertificateKeyStoreType", "PKCS12");
        p.setProperty("trustCertificateKeyStorePassword", rds.trustStorePassword());
        p.setProperty("socketFactory", RoutingMysqlSocketFactory.class.getName());
        p.setProperty("connectTimeout", "5000");
        return p;
    }

    static String url(LocalRds rds, String host) {
        return "jdbc:mysql://" + host + ":" + rds.identityPort() + "/" + rds.database();
    }

    static Connection connect(LocalRds rds, String password) throws SQLException {
        return connect(rds, props(rds, password));
    }

    static Connection connect(LocalRds rds, Properties props) throws SQLException {
        return connect(rds, rds.route(), props);
    }

    static Connection connect(LocalRds rds, Route route, Properties props) throws SQLException {
        RoutingMysqlSocketFactory.route(rds.identityHost(), rds.identityPort(), route);
        RoutingMysqlSocketFactory.route(rds.proxyHost(), rds.identityPort(), route);
        return DriverManager.getConnection(url(rds, rds.identityHost()), props);
    }
}
