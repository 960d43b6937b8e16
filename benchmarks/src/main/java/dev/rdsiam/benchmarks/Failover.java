package dev.rdsiam.benchmarks;

import dev.rdsiam.Engine;
import dev.rdsiam.RdsIam;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.Trust;
import dev.rdsiam.jdbc.RdsIamDataSource;
import dev.rdsiam.testkit.AuthAttempt;
import dev.rdsiam.testkit.LocalAurora;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import software.amazon.jdbc.authentication.AwsCredentialsManager;

/**
 * B7: Aurora failover, from the writer's death to the first successful query on the new writer, through the AWS
 * Advanced JDBC Wrapper with {@code failover2} and {@code efm2} in both contenders:
 *
 * <ul>
 *   <li><b>ours</b>: {@link RdsIam#dataSource} with {@code rdsiam.wrapperPlugins=failover2,efm2} (this library's
 *       plugin logs every connection in: a token per instance name, TLS verified against it, its route);</li>
 *   <li><b>wrapper_iam</b>: {@code jdbc:aws-wrapper:postgresql://} with {@code wrapperPlugins=iam,failover2,efm2},
 *       its best TLS ({@code sslmode=verify-full}, {@code sslrootcert} = the kit's CA), the kit's keys through its
 *       credentials hook, the same routes through a pgjdbc {@code socketFactory}
 *       ({@link RouteTableSocketFactory}).</li>
 * </ul>
 *
 * <p>Both run against one two-instance {@link LocalAurora} (a PostgreSQL primary and a hot standby) with the same
 * failover, topology and monitoring settings ({@link #SETTINGS}) and the same timeouts (the wrapper reads them in
 * milliseconds). A round of one contender: a fresh DataSource (or wrapper URL) with its own {@code clusterId}, one
 * connection, {@link #WARM_MS} of queries (the topology monitor learns the cluster), then a client thread keeps
 * querying {@code aurora_db_instance_identifier() || pg_is_in_recovery()} every {@link #PAUSE_MS} ms on that
 * connection (opening a new one only when the wrapper closed it) while the kit kills the writer
 * ({@link LocalAurora#failover()}: its sessions cut, its port closed, the standby promoted). The time runs from the
 * kill to the end of the first query that answers from the new writer out of recovery. Then the wrapper's resources
 * are released (its monitors, topology and token caches, for both contenders alike) and the kit restores the starting
 * roles ({@link LocalAurora#reset()}). Contenders alternate, the first one of a round alternating too; warm-up rounds
 * are not counted.
 *
 * <p>A watcher on the standby's own server (no gateway) notes when it leaves recovery: the time from then to that
 * first query ({@link #AFTER_PROMOTION_KEY}) leaves out the promotion itself, which both wait for alike (it still
 * holds the kit's own topology and certificate update that follows the promotion, about 150 ms here).
 *
 * <p>Counted per round, from the kill to that first query: the kit's logins (accepted, refused), the tokens minted
 * (ours: {@code status().tokensMinted()}; the wrapper: credential resolutions, one per token it signs) and the
 * SQLStates the client saw.
 *
 * <p>Usage: {@code Failover <rounds> <warmupRounds> <resultsFile>} (a probe of the harness), or
 * {@code Failover --standalone <rounds> <warmupRounds> <resultsDir>} to run B7 alone and write {@code b7.json} and
 * {@code b7.md} there.
 */
public final class Failover {

    /** The ratio key in the results. */
    static final String KEY = "B7.postgresql.ours_vs_wrapper_iam";
    static final String DESCRIPTION = "B7 PostgreSQL Aurora failover, writer death to first query on the new "
            + "writer: ours in the AWS wrapper / AWS wrapper iam plugin (time)";
    /** The same, counted from the moment the standby's server leaves recovery (no target). */
    static final String AFTER_PROMOTION_KEY = "B7.postgresql.ours_vs_wrapper_iam_after_promotion";
    static final List<String> CONTENDERS = List.of("ours", "wrapper_iam");

    /** The wrapper's failover, topology and monitoring options, the same for both contenders. */
    static final Map<String, String> SETTINGS = settings();
    /** Connect timeout and the login's read bound, in milliseconds for the wrapper (both contenders). */
    static final int TIMEOUT_MS = 5000;
    static final long WARM_MS = 1500;
    static final long PAUSE_MS = 10;
    private static final long ROUND_LIMIT_MS = 60_000;

    private Failover() {
    }

    private static Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("failoverTimeoutMs", "30000");
        s.put("clusterTopologyRefreshRateMs", "1000");
        s.put("clusterTopologyHighRefreshRateMs", "100");
        s.put("failureDetectionTime", "2000");
        s.put("failureDetectionInterval", "1000");
        s.put("failureDetectionCount", "3");
        return s;
    }

    /**
     * Measured rounds per contender for a plan. One contender's round takes 5 to 9 s on a shared 2-core machine, most
     * of it the kit's {@code reset()} (2 to 5 s: the servers restart from their copy) and the warm-up queries.
     */
    static int rounds(Plan plan) {
        return "quick".equals(plan.name()) ? 3 : 10;
    }

    /** Uncounted rounds per contender before them (class loading and JIT of the wrapper's failover path). */
    static int warmups(Plan plan) {
        return 1;
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 4 && args[0].equals("--standalone")) {
            long started = System.nanoTime();
            int rounds = Integer.parseInt(args[1]);
            Properties p = measure(rounds, Integer.parseInt(args[2]));
            Results results = new Results(Machine.describe(), Instant.now().truncatedTo(ChronoUnit.SECONDS)
                    .toString(), "b7", "Failover --standalone " + args[1] + " " + args[2]);
            report(p, results, rounds);
            results.target(KEY, Results.Op.AT_MOST, 1.0);
            results.note("Versions: " + Machine.versions() + ".");
            results.note("Run time: " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + " s.");
            Path dir = Path.of(args[3]);
            results.write(dir.resolve("b7.json"), dir.resolve("b7.md"));
            System.out.println(results.toMarkdown());
            System.exit(0); // the embedded servers' watchers are not daemon threads
        }
        if (args.length != 3) {
            System.err.println("usage: Failover <rounds> <warmupRounds> <resultsFile> | Failover --standalone "
                    + "<rounds> <warmupRounds> <resultsDir>");
            System.exit(2);
        }
        Properties p = measure(Integer.parseInt(args[0]), Integer.parseInt(args[1]));
        Probe.write(p, Path.of(args[2]));
        System.exit(0);
    }

    // ---------------------------------------------------------------- measuring

    /** One contender's way to connect, for one round. */
    private interface Source extends AutoCloseable {
        Connection open() throws SQLException;

        /** Tokens minted so far. */
        long mints();

        @Override
        void close();
    }

    /** What one round of one contender saw. */
    private record Outcome(long failoverNanos, long promotedNanos, long afterPromotionNanos, long accepted,
            long refused, String refusals, long mints, int reopened, String sqlStates) {
    }

    static Properties measure(int rounds, int warmups) throws Exception {
        Properties out = new Properties();
        Map<String, List<Outcome>> outcomes = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        List<Long> resets = new ArrayList<>();
        List<Long> roundTimes = new ArrayList<>();
        try (LocalAurora aurora = LocalAurora.builder().instanceCount(2).start()) {
            out.setProperty("kit_startup_ms", Long.toString(aurora.startupMillis()));
            out.setProperty("warmups", Integer.toString(warmups));
            CountingCredentials wrapperKeys = new CountingCredentials(aurora.credentials().accessKeyId(),
                    aurora.credentials().secretAccessKey());
            AwsCredentialsManager.setCustomHandler((host, props) -> wrapperKeys);
            String expected = aurora.instanceIds().get(1) + " false";
            for (int r = 0; r < warmups + rounds; r++) {
                for (int j = 0; j < CONTENDERS.size(); j++) {
                    String c = CONTENDERS.get((r + j) % CONTENDERS.size());
                    long roundStart = System.nanoTime();
                    try (Source source = c.equals("ours") ? ours(aurora) : wrapper(aurora, wrapperKeys)) {
                        Outcome o = round(aurora, source, expected);
                        if (r >= warmups) {
                            outcomes.computeIfAbsent(c, k -> new ArrayList<>()).add(o);
                        }
                    } catch (Exception e) {
                        errors.putIfAbsent(c, "round " + (r + 1) + ": " + Probe.describe(e, null));
                    } finally {
                        // the wrapper's monitors, topology, dialect and token caches: the same fresh start for both
                        software.amazon.jdbc.Driver.releaseResources();
                        long resetStart = System.nanoTime();
                        aurora.reset();
                        long end = System.nanoTime();
                        resets.add(end - resetStart);
                        roundTimes.add(end - roundStart);
                    }
                }
            }
        } finally {
            AwsCredentialsManager.resetCustomHandler();
        }
        for (String c : CONTENDERS) {
            List<Outcome> os = outcomes.getOrDefault(c, List.of());
            if (!os.isEmpty()) {
                out.setProperty(c + ".samples_ns", join(os.stream().mapToLong(Outcome::failoverNanos).toArray()));
                out.setProperty(c + ".promoted_ns", join(os.stream().mapToLong(Outcome::promotedNanos).toArray()));
                out.setProperty(c + ".after_promotion_ns",
                        join(os.stream().mapToLong(Outcome::afterPromotionNanos).toArray()));
                out.setProperty(c + ".logins_accepted", join(os.stream().mapToLong(Outcome::accepted).toArray()));
                out.setProperty(c + ".logins_refused", join(os.stream().mapToLong(Outcome::refused).toArray()));
                out.setProperty(c + ".mints", join(os.stream().mapToLong(Outcome::mints).toArray()));
                out.setProperty(c + ".reopened", join(os.stream().mapToLong(Outcome::reopened).toArray()));
                StringJoiner states = new StringJoiner(" | ");
                os.forEach(o -> states.add(o.sqlStates()));
                out.setProperty(c + ".sql_states", states.toString());
                StringJoiner refusals = new StringJoiner(" | ");
                os.stream().map(Outcome::refusals).filter(x -> !x.isEmpty()).forEach(refusals::add);
                out.setProperty(c + ".refusals", refusals.toString());
            }
            if (errors.containsKey(c)) {
                out.setProperty(c + ".error", errors.get(c));
            }
        }
        out.setProperty("reset_ns", join(resets.stream().mapToLong(Long::longValue).toArray()));
        out.setProperty("round_ns", join(roundTimes.stream().mapToLong(Long::longValue).toArray()));
        return out;
    }

    private static Outcome round(LocalAurora aurora, Source source, String expected) throws Exception {
        Connection first = source.open();
        String writer = aurora.instanceIds().get(0) + " false";
        long warmEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WARM_MS);
        while (System.nanoTime() < warmEnd) {
            String who = whoAmI(first);
            if (!who.equals(writer)) {
                throw new IllegalStateException("before the failover the connection is on '" + who + "', not on "
                        + "the writer '" + writer + "'");
            }
            Thread.sleep(PAUSE_MS);
        }
        Client client = new Client(source, first, expected, aurora);
        Promotion promotion = new Promotion(aurora);
        Thread watcher = new Thread(promotion, "b7-promotion");
        watcher.setDaemon(true);
        watcher.start();
        aurora.clearAuthAttempts();
        client.mintsBefore = source.mints();
        Thread thread = new Thread(client, "b7-client");
        thread.setDaemon(true);
        thread.start();
        Thread.sleep(100); // the client is querying the writer
        long killed = System.nanoTime();
        client.killed = killed;
        aurora.failover();
        long promoted = System.nanoTime();
        thread.join(ROUND_LIMIT_MS);
        promotion.stop = true;
        watcher.join(10_000);
        if (client.done == 0) {
            client.stop = true;
            thread.join(10_000);
            throw new IllegalStateException("no query reached the new writer within " + ROUND_LIMIT_MS
                    + " ms of the writer's death; SQLStates seen: " + client.states + "; last: " + client.last);
        }
        List<AuthAttempt> attempts = client.attempts;
        long accepted = attempts.stream().filter(AuthAttempt::accepted).count();
        Connection c = client.connection;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing a connection of a failed-over session
            }
        }
        if (promotion.at == 0) {
            throw new IllegalStateException("the new writer's server was not seen out of recovery: "
                    + promotion.last);
        }
        return new Outcome(client.done - killed, promoted - killed, client.done - promotion.at, accepted,
                attempts.size() - accepted, refusals(attempts),
                client.mintsAtDone - client.mintsBefore, client.reopened, client.states.toString());
    }

    /**
     * Watches the standby's own server (no gateway, the admin login) for the moment it leaves recovery, so that the
     * part of the failover after the promotion, the contenders' own, can be told from the kit's.
     */
    private static final class Promotion implements Runnable {
        private final LocalAurora aurora;
        volatile long at;
        volatile boolean stop;
        volatile String last = "not asked yet";

        Promotion(LocalAurora aurora) {
            this.aurora = aurora;
        }

        @Override
        public void run() {
            String standby = aurora.instanceHosts().get(1);
            try (Connection c = java.sql.DriverManager.getConnection(aurora.backendJdbcUrl(standby),
                    aurora.backendAdminUser(), aurora.backendAdminPassword());
                 Statement s = c.createStatement()) {
                while (!stop) {
                    try (ResultSet rs = s.executeQuery("SELECT pg_catalog.pg_is_in_recovery()")) {
                        rs.next();
                        if (!rs.getBoolean(1)) {
                            at = System.nanoTime();
                            return;
                        }
                    }
                    Thread.sleep(2);
                }
            } catch (SQLException e) {
                last = Probe.describe(e, null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Queries until an answer comes from {@code expected} (the new writer, out of recovery). */
    private static final class Client implements Runnable {
        private final Source source;
        private final String expected;
        private final LocalAurora aurora;
        volatile Connection connection;
        volatile long killed;
        volatile long done;
        volatile boolean stop;
        volatile long mintsBefore;
        volatile long mintsAtDone;
        volatile List<AuthAttempt> attempts = List.of();
        volatile int reopened;
        volatile String last;
        final Map<String, Integer> states = new TreeMap<>();

        Client(Source source, Connection connection, String expected, LocalAurora aurora) {
            this.source = source;
            this.connection = connection;
            this.expected = expected;
            this.aurora = aurora;
        }

        @Override
        public void run() {
            while (!stop) {
                try {
                    Connection c = connection;
                    if (c == null || c.isClosed()) {
                        c = source.open();
                        connection = c;
                        reopened++;
                    }
                    String who = whoAmI(c);
                    last = who;
                    if (who.equals(expected) && killed != 0) {
                        done = System.nanoTime();
                        attempts = aurora.authAttempts();
                        mintsAtDone = source.mints();
                        return;
                    }
                } catch (SQLException e) {
                    synchronized (states) {
                        states.merge(String.valueOf(e.getSQLState()), 1, Integer::sum);
                    }
                    last = e.getSQLState() + " " + Probe.describe(e, null);
                } catch (RuntimeException e) {
                    last = Probe.describe(e, null);
                }
                try {
                    Thread.sleep(PAUSE_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** The refused logins: when (after the kill), where and why. */
    private static String refusals(List<AuthAttempt> attempts) {
        StringJoiner j = new StringJoiner(", ");
        for (AuthAttempt a : attempts) {
            if (!a.accepted()) {
                j.add(a.time() + " " + a.sniHostName() + " " + a.reason());
            }
        }
        return j.toString();
    }

    private static String whoAmI(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT pg_catalog.aurora_db_instance_identifier() || ' ' || pg_catalog.pg_is_in_recovery()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static Map<String, RdsIamConfig.Route> routes(LocalAurora aurora) {
        Map<String, RdsIamConfig.Route> routes = new LinkedHashMap<>();
        aurora.routes().forEach((name, r) -> routes.put(name, new RdsIamConfig.Route(r.host(), r.port())));
        return routes;
    }

    private static Source ours(LocalAurora aurora) {
        RdsIamConfig.Builder b = RdsIamConfig.builder().engine(Engine.POSTGRESQL)
                .host(aurora.clusterHost()).port(aurora.identityPort())
                .database(aurora.database()).user(aurora.dbUser()).region(aurora.region())
                .credentialsProvider(new CountingCredentials(aurora.credentials().accessKeyId(),
                        aurora.credentials().secretAccessKey()))
                .trust(Trust.PEM).trustPem(aurora.caPemFile())
                .routes(routes(aurora))
                .connectTimeout(Duration.ofMillis(TIMEOUT_MS))
                .wrapperPlugins("failover2", "efm2")
                .driverProperty("clusterId", "b7-ours-" + System.nanoTime())
                .name("b7-ours");
        SETTINGS.forEach(b::driverProperty);
        RdsIamDataSource ds = RdsIam.dataSource(b.build());
        return new Source() {
            @Override
            public Connection open() throws SQLException {
                return ds.getConnection();
            }

            @Override
            public long mints() {
                return ds.status().tokensMinted();
            }

            @Override
            public void close() {
                ds.close();
            }
        };
    }

    private static Source wrapper(LocalAurora aurora, CountingCredentials keys) {
        software.amazon.jdbc.Driver driver = new software.amazon.jdbc.Driver();
        String url = "jdbc:aws-wrapper:postgresql://" + aurora.clusterHost() + ":" + aurora.identityPort() + "/"
                + aurora.database();
        StringJoiner table = new StringJoiner(",");
        aurora.routes().forEach((name, r) -> table.add(name + "=" + r.host() + ":" + r.port()));
        Properties p = new Properties();
        p.setProperty("user", aurora.dbUser());
        p.setProperty("wrapperPlugins", "iam,failover2,efm2");
        p.setProperty("clusterId", "b7-wrapper-" + System.nanoTime());
        SETTINGS.forEach(p::setProperty);
        // its best TLS: the driver's full verification against the kit's CA
        p.setProperty("sslmode", "verify-full");
        p.setProperty("sslrootcert", aurora.caPemFile().toString());
        p.setProperty("socketFactory", RouteTableSocketFactory.class.getName());
        p.setProperty("socketFactoryArg", table.toString());
        // the wrapper's timeouts are milliseconds (it hands pgjdbc seconds); ours bounds the login's reads the same
        p.setProperty("connectTimeout", Integer.toString(TIMEOUT_MS));
        p.setProperty("socketTimeout", Integer.toString(TIMEOUT_MS));
        // the pgjdbc options ours sets
        p.setProperty("tcpKeepAlive", "true");
        p.setProperty("assumeMinServerVersion", "9.0");
        p.setProperty("gssEncMode", "disable");
        long before = keys.resolutions();
        return new Source() {
            @Override
            public Connection open() throws SQLException {
                Properties copy = new Properties();
                copy.putAll(p);
                Connection c = driver.connect(url, copy);
                if (c == null) {
                    throw new SQLException("the AWS wrapper refused " + url);
                }
                return c;
            }

            @Override
            public long mints() {
                return keys.resolutions() - before;
            }

            @Override
            public void close() {
            }
        };
    }

    private static String join(long[] values) {
        StringJoiner j = new StringJoiner(",");
        for (long v : values) {
            j.add(Long.toString(v));
        }
        return j.toString();
    }

    // ---------------------------------------------------------------- reporting

    /**
     * Puts B7's ratio and values into {@code results}.
     *
     * @param p      the probe's properties
     * @param rounds rounds per contender asked for
     */
    static void report(Properties p, Results results, int rounds) {
        String k = "B7.postgresql.";
        Map<String, double[]> ms = new LinkedHashMap<>();
        Map<String, double[]> afterPromotion = new LinkedHashMap<>();
        for (String c : CONTENDERS) {
            double[] samples = millis(p.getProperty(c + ".samples_ns", ""));
            if (samples.length == 0) {
                results.valueNotAvailable(k + c + "_ms", p.getProperty(c + ".error", "no round succeeded"));
                continue;
            }
            ms.put(c, samples);
            results.value(k + c + "_ms", Stats.median(samples));
            results.value(k + c + "_ms_p10_p90", List.of(Stats.percentile(samples, 10),
                    Stats.percentile(samples, 90)));
            results.value(k + c + "_ms_min_max", List.of(Arrays.stream(samples).min().orElseThrow(),
                    Arrays.stream(samples).max().orElseThrow()));
            results.value(k + c + "_ms_per_round", toList(samples));
            results.value(k + c + "_n", samples.length);
            results.value(k + c + "_kit_promotion_ms", Stats.median(millis(p.getProperty(c + ".promoted_ns"))));
            double[] after = millis(p.getProperty(c + ".after_promotion_ns", ""));
            if (after.length > 0) {
                afterPromotion.put(c, after);
                results.value(k + c + "_after_promotion_ms", Stats.median(after));
                results.value(k + c + "_after_promotion_ms_p10_p90", List.of(Stats.percentile(after, 10),
                        Stats.percentile(after, 90)));
                results.value(k + c + "_after_promotion_ms_per_round", toList(after));
            }
            double[] accepted = numbers(p.getProperty(c + ".logins_accepted"));
            results.value(k + c + "_logins_accepted_per_round", toList(accepted));
            results.value(k + c + "_logins_refused", Arrays.stream(numbers(p.getProperty(c + ".logins_refused")))
                    .sum());
            results.value(k + c + "_tokens_minted_per_round", toList(numbers(p.getProperty(c + ".mints"))));
            results.value(k + c + "_reconnects_per_round", toList(numbers(p.getProperty(c + ".reopened"))));
            results.note("B7 " + c + ": SQLStates the client saw per round (state=count): "
                    + p.getProperty(c + ".sql_states", "") + ".");
            if (!p.getProperty(c + ".refusals", "").isEmpty()) {
                results.note("B7 " + c + ": logins the kit refused (time, TLS name, reason): "
                        + p.getProperty(c + ".refusals") + ".");
            }
            if (p.getProperty(c + ".error") != null) {
                results.note("B7 " + c + ": a round failed: " + p.getProperty(c + ".error"));
            }
        }
        double[] resets = millis(p.getProperty("reset_ns", ""));
        double[] roundTimes = millis(p.getProperty("round_ns", ""));
        if (resets.length > 0) {
            results.value(k + "kit_reset_ms", Stats.median(resets));
            results.value(k + "round_ms", Stats.median(roundTimes));
        }
        if (ms.size() == CONTENDERS.size()) {
            results.ratio(KEY, Stats.ratioOfMedians(ms.get("ours"), ms.get("wrapper_iam")),
                    Stats.ratioOfMediansInterval(ms.get("ours"), ms.get("wrapper_iam"), KEY.hashCode()), DESCRIPTION);
        } else {
            results.ratioNotAvailable(KEY, DESCRIPTION, "a contender had no successful round; see b7-postgresql.log");
        }
        if (afterPromotion.size() == CONTENDERS.size()) {
            results.ratio(AFTER_PROMOTION_KEY, Stats.ratioOfMedians(afterPromotion.get("ours"),
                    afterPromotion.get("wrapper_iam")), Stats.ratioOfMediansInterval(afterPromotion.get("ours"),
                    afterPromotion.get("wrapper_iam"), AFTER_PROMOTION_KEY.hashCode()),
                    "B7 PostgreSQL Aurora failover, from the standby leaving recovery to the first query on it as the "
                            + "writer: ours / AWS wrapper iam plugin (time, no target)");
        }
        results.note("B7: a two-instance LocalAurora PostgreSQL (primary + hot standby), " + rounds + " rounds per "
                + "contender after " + p.getProperty("warmups", "1") + " warm-up round(s), contenders and the first "
                + "of each round alternating. Time from the kill of the writer (LocalAurora.failover(): sessions cut, "
                + "port closed, standby promoted, whose own duration is the kit_promotion_ms value) to the end of the "
                + "first query answered by the new writer out of recovery; after_promotion counts from the moment the "
                + "standby's server (watched directly, every 2 ms) left recovery (it still holds the kit's topology "
                + "and certificate update that follows); one connection queried every "
                + PAUSE_MS + " ms. Both with failover2 and efm2 and " + SETTINGS + ", connectTimeout and the login's "
                + "read bound " + TIMEOUT_MS + " ms. Ours: RdsIam.dataSource with "
                + "rdsiam.wrapperPlugins=failover2,efm2. The wrapper: wrapperPlugins=iam,failover2,efm2, "
                + "sslmode=verify-full with the kit's CA, the same routes through a socketFactory. Logins are the "
                + "kit's, tokens are ours' tokensMinted and the wrapper's credential resolutions (one per token it "
                + "signs), both from the kill to that query. The wrapper's resources (monitors, caches, its token "
                + "cache included) are released after every round of both.");
    }

    private static double[] millis(String nanos) {
        if (nanos == null || nanos.isBlank()) {
            return new double[0];
        }
        return Arrays.stream(nanos.split(",")).mapToDouble(n -> Long.parseLong(n) / 1e6).toArray();
    }

    private static double[] numbers(String list) {
        if (list == null || list.isBlank()) {
            return new double[0];
        }
        return Arrays.stream(list.split(",")).mapToDouble(Double::parseDouble).toArray();
    }

    private static List<Double> toList(double[] values) {
        List<Double> l = new ArrayList<>();
        for (double v : values) {
            l.add(v);
        }
        return l;
    }
}
