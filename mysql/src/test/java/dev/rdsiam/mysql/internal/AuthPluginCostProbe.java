package dev.rdsiam.mysql.internal;

import dev.rdsiam.AuthToken;
import dev.rdsiam.Engine;
import dev.rdsiam.RdsIam;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.jdbc.RdsIamDataSource;
import dev.rdsiam.spi.ConnectorContext;
import dev.rdsiam.testkit.LocalRds;
import dev.rdsiam.testkit.contract.BindingKit;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

/**
 * Measures what starting the login with {@code mysql_clear_password} saves over letting the server switch the
 * client to it (Connector/J's default plugin first, then an AuthSwitchRequest): same gateway, same TLS, same token,
 * alternating, median of many. Run by hand; not a test.
 */
public final class AuthPluginCostProbe {

    private AuthPluginCostProbe() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        BindingKit kit = BindingKit.of(Engine.MYSQL);
        RdsIamConfig config = kit.config().build();
        LocalRds rds = kit.rds();
        ConnectorContext context = new ConnectorContext(config);
        com.mysql.cj.jdbc.NonRegisteringDriver driver = new com.mysql.cj.jdbc.NonRegisteringDriver();
        String url = "jdbc:mysql://" + config.host() + ":" + config.port() + "/" + rds.database();
        try (RdsIamDataSource ds = RdsIam.dataSource(config)) {
            AuthToken token = ds.tokenProvider().token();
            Properties base = new Properties();
            base.setProperty("user", rds.dbUser());
            base.setProperty("password", token.value());
            base.setProperty("sslMode", "VERIFY_IDENTITY");
            base.setProperty("socketFactory", RdsIamSocketFactory.class.getName());
            Properties clearFirst = new Properties();
            clearFirst.putAll(base);
            clearFirst.setProperty("defaultAuthenticationPlugin", "mysql_clear_password");
            List<Long> clear = new ArrayList<>();
            List<Long> switched = new ArrayList<>();
            for (int i = 0; i < n + 20; i++) {
                long t0 = System.nanoTime();
                open(driver, url, clearFirst, context);
                long t1 = System.nanoTime();
                open(driver, url, base, context);
                long t2 = System.nanoTime();
                if (i >= 20) {
                    clear.add(t1 - t0);
                    switched.add(t2 - t1);
                }
            }
            Collections.sort(clear);
            Collections.sort(switched);
            System.out.printf("n=%d  clear_password first: median %.2f ms (p10 %.2f, p90 %.2f)   default plugin + "
                    + "auth switch: median %.2f ms (p10 %.2f, p90 %.2f)   ratio %.2f%n", n, ms(clear, 50),
                    ms(clear, 10), ms(clear, 90), ms(switched, 50), ms(switched, 10), ms(switched, 90),
                    (double) clear.get(n / 2) / switched.get(n / 2));
        } finally {
            rds.close();
            LocalRds.stopEmbeddedServers();
        }
    }

    private static void open(com.mysql.cj.jdbc.NonRegisteringDriver driver, String url, Properties p,
            ConnectorContext context) throws Exception {
        try (Connection c = dev.rdsiam.spi.ConnectionScope.open(context, context.config().host(),
                context.config().port(), null, () -> driver.connect(url, p))) {
            c.isValid(1);
        }
    }

    private static double ms(List<Long> sorted, int percentile) {
        return sorted.get(Math.min(sorted.size() - 1, sorted.size() * percentile / 100)) / 1e6;
    }
}
