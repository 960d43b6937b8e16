package dev.rdsiam.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/** pgjdbc connections to a LocalAurora name: the URL and token use the name, the socket dials its route. */
final class AuroraClients {

    private AuroraClients() {
    }

    static String token(LocalAurora aurora, String signedHost) {
        return SdkTokens.token(signedHost, aurora.identityPort(), aurora.dbUser(), aurora.region(),
                AwsBasicCredentials.create(aurora.credentials().accessKeyId(),
                        aurora.credentials().secretAccessKey()));
    }

    static Properties props(LocalAurora aurora, String host, String password) {
        Properties p = new Properties();
        p.setProperty("user", aurora.dbUser());
        p.setProperty("password", password);
        p.setProperty("sslmode", "verify-full");
        p.setProperty("sslrootcert", aurora.caPemFile().toString());
        p.setProperty("socketFactory", RoutingPgSocketFactory.class.getName());
        p.setProperty("socketFactoryArg", aurora.route(host).toString());
        p.setProperty("connectTimeout", "5");
        p.setProperty("loginTimeout", "20");
        return p;
    }

    static String url(LocalAurora aurora, String host) {
        return "jdbc:postgresql://" + host + ":" + aurora.identityPort() + "/" + aurora.database();
    }

    /** Dials {@code host}'s route, verifies TLS for {@code host}, with a token signed for {@code host}. */
    static Connection connect(LocalAurora aurora, String host) throws SQLException {
        return DriverManager.getConnection(url(aurora, host), props(aurora, host, token(aurora, host)));
    }
}
