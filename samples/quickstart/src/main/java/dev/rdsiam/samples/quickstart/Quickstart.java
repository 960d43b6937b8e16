package dev.rdsiam.samples.quickstart;

import com.zaxxer.hikari.HikariDataSource;
import dev.rdsiam.AuthToken;
import dev.rdsiam.Engine;
import dev.rdsiam.RdsEndpoint;
import dev.rdsiam.RdsIam;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.RdsIamProperty;
import dev.rdsiam.Trust;
import dev.rdsiam.jdbc.RdsIamDataSource;
import dev.rdsiam.testkit.LocalRds;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The quickstart: connects to an RDS/Aurora/RDS Proxy endpoint with an IAM token over verified TLS and shows each
 * step. With no settings it starts LocalRds (embedded PostgreSQL behind an offline RDS-like IAM gateway) and uses
 * that. Settings come from {@code --key=value} flags or {@code RDSIAM_*} environment variables (the keys of the
 * configuration table), plus the AWS SDK's own variables and profiles for credentials.
 *
 * <pre>
 * java -jar samples/quickstart/target/quickstart.jar                         # offline, LocalRds
 * RDSIAM_ENGINE=postgresql RDSIAM_HOST=mydb.c0ffee.eu-west-1.rds.amazonaws.com RDSIAM_USER=app \
 *   java -jar samples/quickstart/target/quickstart.jar                       # a real endpoint
 * </pre>
 *
 * <p>Exit codes: 0 success, 1 connection failure, 2 bad configuration.
 */
public final class Quickstart {

    private final PrintStream out;
    private int step;

    private Quickstart(PrintStream out) {
        this.out = out;
    }

    /** Runs the quickstart and exits with its code. */
    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out));
    }

    /**
     * Runs the quickstart.
     *
     * @param args {@code --key=value} flags (keys of the configuration table), {@code --help}
     * @param env the environment ({@code RDSIAM_*} variables)
     * @param out where to print
     * @return the exit code
     */
    public static int run(String[] args, Map<String, String> env, PrintStream out) {
        return new Quickstart(out).go(args, env);
    }

    private int go(String[] args, Map<String, String> env) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                usage();
                return 0;
            }
            if (!a.startsWith("--") || a.indexOf('=') < 0) {
                out.println("error: unexpected argument '" + a + "': use --key=value (see --help)");
                return 2;
            }
            flags.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        }
        boolean configured = flags.containsKey("host") || env.containsKey(RdsIamProperty.HOST.environmentVariable());
        LocalRds local = null;
        try {
            RdsIamConfig.Builder b = RdsIamConfig.builder();
            if (!configured) {
                out.println("No endpoint configured (RDSIAM_HOST or --host): starting LocalRds, an offline RDS-like "
                        + "IAM endpoint with an embedded PostgreSQL, and connecting to it.");
                long t0 = System.nanoTime();
                local = LocalRds.builder().engine(dev.rdsiam.Engine.POSTGRESQL).start();
                out.printf("LocalRds is up in %.1f s.%n%n", (System.nanoTime() - t0) / 1e9);
                b.engine(Engine.POSTGRESQL).host(local.identityHost()).port(local.identityPort())
                        .database(local.database()).user(local.dbUser())
                        .connectHost(local.route().host()).connectPort(local.route().port())
                        .trust(Trust.PEM).trustPem(local.caPemFile())
                        .accessKeyId(local.credentials().accessKeyId())
                        .secretAccessKey(local.credentials().secretAccessKey());
            } else {
                b.environment(env);
            }
            for (Map.Entry<String, String> f : flags.entrySet()) {
                b.set(f.getKey(), f.getValue());
            }
            RdsIamConfig config;
            try {
                config = b.name("quickstart").build();
            } catch (IllegalArgumentException e) {
                out.println("error: " + e.getMessage());
                return 2;
            }
            return connect(config, local != null);
        } finally {
            if (local != null) {
                local.close();
            }
        }
    }

    private int connect(RdsIamConfig config, boolean offline) {
        RdsEndpoint ep = config.endpoint();
        step("Endpoint");
        out.printf("   %s:%d is %s%s, region %s%s%n", config.host(), config.port(), article(ep), ep.type(),
                config.region(), ep.region().isPresent() ? " (read from the host name)" : " (configured)");
        step("Route");
        if (config.hasRoute()) {
            out.printf("   dialing %s:%d; the token and the TLS host-name check use %s%n", config.routeHost(),
                    config.routePort(), config.host());
        } else {
            out.printf("   dialing the endpoint itself%n");
        }
        step("Credentials");
        out.printf("   %s%s%n", config.credentialsDescription(), offline ? " (issued by LocalRds)" : "");

        try (RdsIamDataSource ds = RdsIam.dataSource(config)) {
            AuthToken token;
            try {
                token = ds.tokenProvider().token();
            } catch (RuntimeException e) {
                out.println("   failed: " + e.getMessage());
                return 1;
            }
            step("Token");
            out.printf("   minted for %s@%s:%d in %s: %d characters, valid until %s (%s); the value is never printed%n",
                    token.user(), token.host(), token.port(), token.region(), token.length(), token.expiresAt(),
                    minutesLeft(token.expiresAt()));
            try (Connection c = ds.getConnection()) {
                ds.lastTlsHandshake().ifPresent(h -> {
                    step("TLS");
                    out.printf("   %s, %s%n", h.protocol(), h.cipherSuite());
                    out.printf("   server certificate %s%n   issued by %s%n", h.subject(), h.issuer());
                    out.printf("   verified against the name %s and the trust: %s%n", h.verifiedName(), h.trust());
                });
                step("Query");
                String sql = config.engine() == Engine.POSTGRESQL ? "select current_user, version()"
                        : "select current_user(), version()";
                try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
                    r.next();
                    out.printf("   %s -> %s | %s%n", sql, r.getString(1), r.getString(2));
                }
            } catch (SQLException e) {
                out.println("   connection failed: " + e.getMessage());
                return 1;
            }
        }
        return pooled(config);
    }

    private int pooled(RdsIamConfig config) {
        int threads = 8;
        int borrowsPerThread = 25;
        try (HikariDataSource pool = RdsIam.pooledDataSource(config, h -> {
            h.setMaximumPoolSize(4);
            h.setConnectionTimeout(10_000);
        })) {
            ExecutorService workers = Executors.newFixedThreadPool(threads);
            try {
                List<Future<Integer>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    results.add(workers.submit(() -> {
                        int ok = 0;
                        for (int i = 0; i < borrowsPerThread; i++) {
                            try (Connection c = pool.getConnection(); Statement s = c.createStatement();
                                    ResultSet r = s.executeQuery("select 1")) {
                                r.next();
                                ok += r.getInt(1);
                            }
                        }
                        return ok;
                    }));
                }
                int total = 0;
                for (Future<Integer> f : results) {
                    total += f.get(60, TimeUnit.SECONDS);
                }
                RdsIamDataSource iam = pool.getDataSource().unwrap(RdsIamDataSource.class);
                step("Pool");
                out.printf("   %d threads borrowed a connection %d times from a HikariCP pool of %d: %d physical "
                        + "connections, IAM tokens minted: %d%n", threads, total, 4,
                        pool.getHikariPoolMXBean().getTotalConnections(), iam.status().tokensMinted());
            } finally {
                workers.shutdownNow();
            }
        } catch (Exception e) {
            out.println("   pooled run failed: " + e.getMessage());
            return 1;
        }
        out.println();
        out.println("Done: passwordless login, verified TLS, one token for the whole pool.");
        return 0;
    }

    private void step(String name) {
        out.printf("%d. %s%n", ++step, name);
    }

    private static String article(RdsEndpoint ep) {
        return ep.isRds() ? "an RDS endpoint of type " : "not an RDS name: type ";
    }

    private static String minutesLeft(Instant expires) {
        long s = Duration.between(Instant.now(), expires).getSeconds();
        return s / 60 + " min " + s % 60 + " s from now";
    }

    private void usage() {
        out.println("usage: java -jar quickstart.jar [--key=value ...]");
        out.println("  With no host it starts LocalRds (offline) and connects to it.");
        out.println("  Keys (also as RDSIAM_* environment variables):");
        for (RdsIamProperty p : RdsIamProperty.values()) {
            out.printf("    --%-18s %s%n", p.key() + "=", p.environmentVariable());
        }
    }
}
