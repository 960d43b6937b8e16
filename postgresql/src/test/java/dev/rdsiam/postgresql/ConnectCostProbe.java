package dev.rdsiam.postgresql;

import dev.rdsiam.AuthToken;
import dev.rdsiam.RdsIam;
import dev.rdsiam.jdbc.RdsIamDataSource;
import dev.rdsiam.testkit.LocalRds;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import javax.net.SocketFactory;

/**
 * Rough side-by-side timing of opening a new verified-TLS connection through the gateway: our binding (cached
 * SSLContext) against pgjdbc's own {@code sslrootcert} path (bundle + local CA re-read per connection), same server,
 * same route, same token. Run by hand; the benchmarks module measures this properly. Not a test.
 */
public final class ConnectCostProbe {

    private ConnectCostProbe() {
    }

    /** Dials the gateway whatever host pgjdbc asks for (pgjdbc instantiates it by class name). */
    public static final class GatewayOnly extends SocketFactory {
        static volatile int port;

        @Override
        public Socket createSocket() {
            return new Socket() {
                @Override
                public void connect(SocketAddress endpoint, int timeout) throws IOException {
                    super.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeout);
                }
            };
        }

        @Override
        public Socket createSocket(String host, int p) throws IOException {
            return new Socket(InetAddress.getLoopbackAddress(), port);
        }

        @Override
        public Socket createSocket(String host, int p, InetAddress local, int localPort) throws IOException {
            return new Socket(InetAddress.getLoopbackAddress(), port, local, localPort);
        }

        @Override
        public Socket createSocket(InetAddress host, int p) throws IOException {
            return new Socket(InetAddress.getLoopbackAddress(), port);
        }

        @Override
        public Socket createSocket(InetAddress host, int p, InetAddress local, int localPort) throws IOException {
            return new Socket(InetAddress.getLoopbackAddress(), port, local, localPort);
        }
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        LocalRds rds = PgKit.rds();
        GatewayOnly.port = rds.route().port();
        Path bundle = Files.createTempFile("bundle-plus-local", ".pem");
        try (InputStream in = RdsIamDataSource.class.getResourceAsStream("/dev/rdsiam/trust/rds-global-bundle.pem")) {
            Files.write(bundle, in.readAllBytes());
        }
        Files.write(bundle, Files.readAllBytes(rds.caPemFile()), java.nio.file.StandardOpenOption.APPEND);

        try (RdsIamDataSource ours = RdsIam.dataSource(PgKit.config().build())) {
            AuthToken token = ours.tokenProvider().token();
            org.postgresql.Driver pg = new org.postgresql.Driver();
            String url = "jdbc:postgresql://" + rds.identityHost() + ":" + rds.identityPort() + "/" + rds.database();
            Properties p = new Properties();
            p.setProperty("user", rds.dbUser());
            p.setProperty("password", token.value());
            p.setProperty("sslmode", "verify-full");
            p.setProperty("sslrootcert", bundle.toString());
            p.setProperty("socketFactory", GatewayOnly.class.getName());
            p.setProperty("gssEncMode", "disable");
            p.setProperty("assumeMinServerVersion", "9.0");

            List<Long> oursNs = new ArrayList<>();
            List<Long> fileNs = new ArrayList<>();
            for (int i = 0; i < n + 20; i++) {
                long t0 = System.nanoTime();
                try (Connection c = ours.getConnection()) {
                    c.isValid(1);
                }
                long t1 = System.nanoTime();
                try (Connection c = pg.connect(url, p)) {
                    c.isValid(1);
                }
                long t2 = System.nanoTime();
                if (i >= 20) { // warm-up
                    oursNs.add(t1 - t0);
                    fileNs.add(t2 - t1);
                }
            }
            Collections.sort(oursNs);
            Collections.sort(fileNs);
            System.out.printf("n=%d  ours median %.2f ms (p10 %.2f, p90 %.2f)  pgjdbc sslrootcert median %.2f ms "
                    + "(p10 %.2f, p90 %.2f)  ratio ours/file %.2f%n", n, ms(oursNs, 50), ms(oursNs, 10),
                    ms(oursNs, 90), ms(fileNs, 50), ms(fileNs, 10), ms(fileNs, 90),
                    (double) oursNs.get(n / 2) / fileNs.get(n / 2));
        } finally {
            Files.deleteIfExists(bundle);
            rds.close();
        }
    }

    private static double ms(List<Long> sorted, int percentile) {
        return sorted.get(Math.min(sorted.size() - 1, sorted.size() * percentile / 100)) / 1e6;
    }
}
