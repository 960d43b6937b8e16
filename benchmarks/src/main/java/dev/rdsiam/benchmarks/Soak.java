package dev.rdsiam.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.rdsiam.Engine;
import dev.rdsiam.RdsIam;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.jdbc.RdsIamDataSource;
import dev.rdsiam.testkit.AuthAttempt;
import dev.rdsiam.testkit.LocalRds;
import dev.rdsiam.testkit.StsOutage;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A soak of the pooled DataSource under faults, on PostgreSQL through LocalRds, with the real clock: N threads each
 * run work items (a short transaction: an insert and a select of the row) on a HikariCP pool from
 * {@link RdsIam#pooledDataSource}, while a scheduler injects, in turn, pool churn (soft eviction, on top of a 30 s
 * {@code maxLifetime}), a burst of rejected tokens shorter than the pool's connection timeout, an instance restart,
 * killed sessions and an STS outage. Credentials come from the kit's STS (AssumeRole of its default role, session
 * lifetime forced short) and tokens are reused for a short window, so both are renewed many times during the run.
 *
 * <p>It counts work items done, those lost in flight (the connection died under a started item: expected after a
 * restart or killed sessions), those lost to a failed {@code getConnection} (must be 0), tokens minted against the
 * expected number, credential resolutions (Micrometer), the STS sessions the logins were signed with (at the kit), the
 * sessions the kit's gateway still holds at the end against the pool's connections, and the heap used after a GC at
 * the end against the start.
 *
 * <p>Usage: {@code Soak [seconds] [--threads N] [--results DIR]} (default 60 s, 16 threads). Prints a markdown table,
 * writes {@code soak.json} into the results directory when given, and exits with 1 if a work item was lost to a
 * failed login or connect, if tokens were minted outside the expected range, if the gateway holds more sessions than
 * the pool has connections, or if the heap grew past the bound.
 */
public final class Soak {

    /** Micrometer's name of the credential resolution timer the library registers. */
    static final String RESOLVE_TIMER = "rdsiam.credentials.resolve";

    private Soak() {
    }

    /**
     * What to run.
     *
     * @param duration how long the threads run work items
     * @param threads worker threads (and the pool's size)
     * @param reuseWindow {@code rdsiam.tokenReuseWindow}
     * @param stsSession the lifetime the kit's STS forces on the session credentials it issues
     * @param connectionTimeout the pool's connection timeout, longer than every fault burst
     * @param faultGap the pause between two injected faults
     * @param stsOutage how long the STS refuses connections
     * @param rejectBurst how long every token is rejected
     * @param pause a pause between two work items of one thread (keeps the machine usable)
     * @param maxItems a bound on the work items of one thread
     * @param heapBoundBytes the allowed growth of the heap used after a GC
     */
    record Settings(Duration duration, int threads, Duration reuseWindow, Duration stsSession,
            Duration connectionTimeout, Duration faultGap, Duration stsOutage, Duration rejectBurst, Duration pause,
            long maxItems, long heapBoundBytes) {

        static Settings forSeconds(int seconds, int threads) {
            Duration duration = Duration.ofSeconds(seconds);
            Duration gap = clamp(duration.dividedBy(12), Duration.ofSeconds(3), Duration.ofSeconds(25));
            Duration outage = clamp(gap.multipliedBy(2), Duration.ofSeconds(5), Duration.ofSeconds(20));
            return new Settings(duration, threads, Duration.ofSeconds(5), Duration.ofSeconds(120),
                    Duration.ofSeconds(30), gap, outage, Duration.ofMillis(1500), Duration.ofMillis(2),
                    10_000_000L, 16L << 20);
        }

        private static Duration clamp(Duration d, Duration low, Duration high) {
            return d.compareTo(low) < 0 ? low : d.compareTo(high) > 0 ? high : d;
        }
    }

    /**
     * What a run measured.
     *
     * @param seconds how long the work ran, in seconds
     * @param threads worker threads
     * @param done work items completed
     * @param lostInFlight work items whose connection died after it was handed out
     * @param lostInFlightOutsideFaults of those, the ones more than a few seconds after any restart or kill
     * @param lostToLogin work items lost because {@code getConnection} failed
     * @param loginFailures the first few messages of those failures
     * @param tokensMinted {@code status().tokensMinted()} of the DataSource under the pool
     * @param tokensExpectedLow the low end of the expected mints
     * @param tokensExpectedHigh the high end of the expected mints
     * @param tokensCeiling one per reuse window of the run plus one per rejected login (logins in every window)
     * @param credentialResolutions successful and failed credential resolutions (Micrometer timer count)
     * @param stsSessions distinct STS session access keys seen by the kit in logins
     * @param loginsAccepted logins the kit accepted
     * @param loginsRejected logins the kit rejected
     * @param faults how often each fault was injected
     * @param gatewaySessions the sessions the kit's gateway held open at the end (each ended one must be let go)
     * @param poolConnections the pool's connections at the end
     * @param heapBefore heap used after a GC once the pool was full, in bytes
     * @param heapAfter heap used after a GC at the end, in bytes
     * @param heapBoundBytes the allowed growth
     */
    record Figures(double seconds, int threads, long done, long lostInFlight, long lostInFlightOutsideFaults,
            long lostToLogin, List<String> loginFailures, long tokensMinted, long tokensExpectedLow,
            long tokensExpectedHigh, long tokensCeiling, long credentialResolutions, int stsSessions, long loginsAccepted,
            long loginsRejected, Map<String, Integer> faults, int gatewaySessions, int poolConnections,
            long heapBefore, long heapAfter, long heapBoundBytes) {

        boolean mintsInRange() {
            return tokensMinted >= tokensExpectedLow && tokensMinted <= tokensExpectedHigh
                    && tokensMinted <= tokensCeiling;
        }

        long heapGrowth() {
            return heapAfter - heapBefore;
        }

        /** Whether the gateway let go of every session that ended: it holds no more than the pool's connections. */
        boolean gatewaySessionsReleased() {
            return gatewaySessions <= Math.max(poolConnections, threads);
        }

        boolean passed() {
            return lostToLogin == 0 && lostInFlightOutsideFaults == 0 && mintsInRange() && gatewaySessionsReleased()
                    && heapGrowth() <= heapBoundBytes;
        }

        String markdown() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "Soak: %.0f s, %d threads, PostgreSQL through LocalRds%n%n",
                    seconds, threads));
            b.append("| Figure | Value |\n|---|---|\n");
            row(b, "work items done", done + String.format(Locale.ROOT, " (%.0f/s)", done / seconds));
            row(b, "lost in flight (killed sessions, restarts)", Long.toString(lostInFlight));
            row(b, "lost in flight outside a fault window", Long.toString(lostInFlightOutsideFaults));
            row(b, "lost to a failed login or connect", Long.toString(lostToLogin));
            row(b, "tokens minted (expected from the logins; ceiling)", tokensMinted + " (" + tokensExpectedLow + ".."
                    + tokensExpectedHigh + "; duration / reuse window + rejections = " + tokensCeiling + ")");
            row(b, "credential resolutions", Long.toString(credentialResolutions));
            row(b, "STS sessions the logins were signed with", Integer.toString(stsSessions));
            row(b, "logins accepted / rejected at the kit", loginsAccepted + " / " + loginsRejected);
            row(b, "faults injected", faults.toString().replaceAll("[{}]", ""));
            row(b, "sessions open at the kit at the end / pool connections", gatewaySessions + " / " + poolConnections);
            row(b, "heap used after GC, start / end", String.format(Locale.ROOT, "%.1f MB / %.1f MB (growth %+.1f MB,"
                    + " bound %.0f MB)", heapBefore / 1e6, heapAfter / 1e6, heapGrowth() / 1e6, heapBoundBytes / 1e6));
            return b.toString();
        }

        private static void row(StringBuilder b, String name, String value) {
            b.append("| ").append(name).append(" | ").append(value).append(" |\n");
        }

        String json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seconds", seconds);
            m.put("threads", threads);
            m.put("workItemsDone", done);
            m.put("lostInFlight", lostInFlight);
            m.put("lostInFlightOutsideFaults", lostInFlightOutsideFaults);
            m.put("lostToLogin", lostToLogin);
            m.put("tokensMinted", tokensMinted);
            m.put("tokensExpectedLow", tokensExpectedLow);
            m.put("tokensExpectedHigh", tokensExpectedHigh);
            m.put("tokensCeiling", tokensCeiling);
            m.put("credentialResolutions", credentialResolutions);
            m.put("stsSessions", stsSessions);
            m.put("loginsAccepted", loginsAccepted);
            m.put("loginsRejected", loginsRejected);
            m.put("gatewaySessions", gatewaySessions);
            m.put("poolConnections", poolConnections);
            m.put("heapBeforeBytes", heapBefore);
            m.put("heapAfterBytes", heapAfter);
            m.put("heapBoundBytes", heapBoundBytes);
            m.put("passed", passed());
            StringBuilder b = new StringBuilder("{\n");
            for (Map.Entry<String, Object> e : m.entrySet()) {
                b.append("  ").append(Results.quote(e.getKey())).append(": ");
                Object v = e.getValue();
                b.append(v instanceof Number ? Results.number(((Number) v).doubleValue()) : v.toString()).append(",\n");
            }
            b.append("  \"faults\": {");
            String sep = "";
            for (Map.Entry<String, Integer> e : faults.entrySet()) {
                b.append(sep).append(Results.quote(e.getKey())).append(": ").append(e.getValue());
                sep = ", ";
            }
            b.append("},\n  \"machine\": ").append(Results.quote(Machine.describe())).append("\n}\n");
            return b.toString();
        }
    }

    public static void main(String[] args) throws Exception {
        // the pool warns with a stack trace for every connection a fault breaks: expected here, counted instead
        System.setProperty("org.slf4j.simpleLogger.log.com.zaxxer.hikari", "error");
        int seconds = 60;
        int threads = 16;
        Path results = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--results" -> results = Path.of(args[++i]);
                default -> seconds = Integer.parseInt(args[i]);
            }
        }
        if (seconds < 10 || threads < 1) {
            throw new IllegalArgumentException("the soak needs at least 10 seconds and 1 thread: " + seconds + " s, "
                    + threads + " threads");
        }
        Figures f;
        try {
            f = run(Settings.forSeconds(seconds, threads), System.out);
        } finally {
            LocalRds.stopEmbeddedServers();
        }
        System.out.println();
        System.out.print(f.markdown());
        f.loginFailures().forEach(m -> System.out.println("login failure: " + m));
        if (results != null) {
            Files.createDirectories(results);
            Path file = results.resolve("soak.json");
            write(f, file);
            System.out.println("wrote " + file.getFileName());
        }
        if (!f.passed()) {
            System.out.println("SOAK FAILED: lost to login " + f.lostToLogin() + ", lost in flight outside faults "
                    + f.lostInFlightOutsideFaults() + ", mints in range " + f.mintsInRange() + ", sessions at the kit "
                    + f.gatewaySessions() + " for " + f.poolConnections() + " pool connections, heap growth "
                    + f.heapGrowth() + " bytes");
            System.exit(1);
        }
    }

    /** Runs one soak; progress lines go to {@code log}. */
    static Figures run(Settings s, PrintStream log) throws Exception {
        try (LocalRds rds = LocalRds.builder().engine(Engine.POSTGRESQL).database("soak").start()) {
            rds.forceSessionDuration(s.stsSession());
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            RdsIamConfig config = RdsIamConfig.builder().engine(Engine.POSTGRESQL).host(rds.identityHost())
                    .port(rds.identityPort()).database(rds.database()).user(rds.dbUser())
                    .connectHost(rds.route().host()).connectPort(rds.route().port())
                    .set("trust", "pem").trustPem(rds.caPemFile()).name("soak")
                    .accessKeyId(rds.credentials().accessKeyId())
                    .secretAccessKey(rds.credentials().secretAccessKey())
                    .roleArn(rds.defaultRoleArn()).stsEndpoint(rds.stsEndpoint()).stsRegion(rds.region())
                    .tokenReuseWindow(s.reuseWindow()).meterRegistry(registry).build();
            try (HikariDataSource pool = RdsIam.pooledDataSource(config, h -> {
                h.setMaximumPoolSize(s.threads());
                h.setMinimumIdle(s.threads());
                h.setConnectionTimeout(s.connectionTimeout().toMillis());
                h.setMaxLifetime(Duration.ofSeconds(30).toMillis());
            })) {
                return soak(s, rds, pool, registry, log);
            }
        }
    }

    private static Figures soak(Settings s, LocalRds rds, HikariDataSource pool, SimpleMeterRegistry registry,
            PrintStream log) throws Exception {
        RdsIamDataSource ds = pool.unwrap(RdsIamDataSource.class);
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS soak_items (id BIGSERIAL PRIMARY KEY, worker INT NOT NULL, "
                    + "n BIGINT NOT NULL)");
        }
        // fill the pool and warm every path up before the heap baseline
        long fillUntil = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (pool.getHikariPoolMXBean().getTotalConnections() < s.threads() && System.nanoTime() < fillUntil) {
            Thread.sleep(50);
        }
        Counters counters = new Counters();
        for (int i = 0; i < 200; i++) {
            workItem(pool, 0, i, counters, new AtomicLong());
        }
        long heapBefore = heapAfterGc();
        Set<String> stsKeys = new HashSet<>();
        long[] logins = new long[2];
        tally(rds, stsKeys, logins, null);
        List<Login> record = new ArrayList<>();
        long mintedBefore = ds.status().tokensMinted();

        Counters work = new Counters();
        AtomicLong lastCut = new AtomicLong(System.nanoTime() - FAULT_WINDOW_NANOS * 2);
        long start = System.nanoTime();
        long end = start + s.duration().toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < s.threads(); t++) {
            int worker = t + 1;
            Thread th = new Thread(() -> {
                long n = 0;
                while (System.nanoTime() < end && n < s.maxItems()) {
                    workItem(pool, worker, n++, work, lastCut);
                    sleepQuietly(s.pause());
                }
            }, "soak-" + worker);
            th.start();
            workers.add(th);
        }

        Map<String, Integer> faults = new LinkedHashMap<>();
        long rejectedLoginsDuringBursts = 0;
        String[] order = {"churn", "rejectedTokens", "restart", "killSessions", "stsOutage"};
        int step = 0;
        while (true) {
            long next = System.nanoTime() + s.faultGap().toNanos();
            if (next >= end) {
                break;
            }
            sleepUntil(next);
            tally(rds, stsKeys, logins, record);
            String fault = order[step++ % order.length];
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            switch (fault) {
                case "churn" -> pool.getHikariPoolMXBean().softEvictConnections();
                case "rejectedTokens" -> {
                    long rejectedBefore = logins[1];
                    rds.faults().rejectAllTokens(true);
                    pool.getHikariPoolMXBean().softEvictConnections(); // so that the pool must log in during the burst
                    Thread.sleep(s.rejectBurst().toMillis());
                    rds.faults().rejectAllTokens(false);
                    tally(rds, stsKeys, logins, record);
                    rejectedLoginsDuringBursts += logins[1] - rejectedBefore;
                }
                case "restart" -> {
                    lastCut.set(System.nanoTime());
                    rds.restart(Duration.ofSeconds(1));
                    lastCut.set(System.nanoTime());
                }
                case "killSessions" -> {
                    lastCut.set(System.nanoTime());
                    rds.killSessions();
                }
                case "stsOutage" -> {
                    rds.faults().stsOutage(StsOutage.REFUSING);
                    sleepUntil(Math.min(end, System.nanoTime() + s.stsOutage().toNanos()));
                    rds.faults().stsOutage(StsOutage.NONE);
                }
                default -> throw new IllegalStateException(fault);
            }
            faults.merge(fault, 1, Integer::sum);
            log.printf(Locale.ROOT, "%4d s  %-15s done %d, lost in flight %d, lost to login %d, minted %d%n",
                    seconds, fault, work.done.get(), work.lostInFlight.get(), work.lostToLogin.get(),
                    ds.status().tokensMinted() - mintedBefore);
        }
        for (Thread th : workers) {
            th.join(s.connectionTimeout().plusSeconds(30).toMillis());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        tally(rds, stsKeys, logins, record);
        long minted = ds.status().tokensMinted() - mintedBefore;
        Timer resolve = registry.find(RESOLVE_TIMER).timer();
        // the pool may be refilling (connections retired by maxLifetime together): let it first
        long refillUntil = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (pool.getHikariPoolMXBean().getTotalConnections() < s.threads() && System.nanoTime() < refillUntil) {
            Thread.sleep(50);
        }
        int poolConnections = pool.getHikariPoolMXBean().getTotalConnections();
        int gatewaySessions = settledSessions(rds, poolConnections);
        long heapAfter = heapAfterGc();

        // the logins the kit saw imply how many tokens were needed: at least one per reuse window with logins in it,
        // at most that plus one after each rejected login; a little slack for the time between a mint and the
        // login the kit records, and for a reuse cut short by the credentials' expiry
        record.sort(java.util.Comparator.comparingLong(Login::millis));
        long atLeast = impliedMints(record, s.reuseWindow(), false);
        long atMost = impliedMints(record, s.reuseWindow(), true);
        long slack = 2 + atMost / 10;
        long low = Math.max(1, atLeast - slack);
        long high = atMost + slack;
        long ceiling = (long) Math.ceil(seconds / s.reuseWindow().toSeconds()) + 1 + rejectedLoginsDuringBursts;
        return new Figures(seconds, s.threads(), work.done.get(), work.lostInFlight.get(),
                work.lostOutsideFaults.get(), work.lostToLogin.get(), List.copyOf(work.loginFailures), minted, low,
                high, ceiling, resolve == null ? 0 : resolve.count(), stsKeys.size(), logins[0], logins[1], faults,
                gatewaySessions, poolConnections, heapBefore, heapAfter, s.heapBoundBytes());
    }

    /** Counters shared by the workers. */
    private static final class Counters {
        final AtomicLong done = new AtomicLong();
        final AtomicLong lostInFlight = new AtomicLong();
        final AtomicLong lostOutsideFaults = new AtomicLong();
        final AtomicLong lostToLogin = new AtomicLong();
        final ConcurrentLinkedQueue<String> loginFailures = new ConcurrentLinkedQueue<>();
    }

    /** How long after a restart or kill a dead connection is still explained by it. */
    private static final long FAULT_WINDOW_NANOS = Duration.ofSeconds(5).toNanos();

    private static void workItem(HikariDataSource pool, int worker, long n, Counters counters, AtomicLong lastCut) {
        Connection c;
        try {
            c = pool.getConnection();
        } catch (SQLException e) {
            counters.lostToLogin.incrementAndGet();
            if (counters.loginFailures.size() < 5) {
                counters.loginFailures.add(String.valueOf(e.getMessage()));
            }
            return;
        }
        try (c) {
            c.setAutoCommit(false);
            long id;
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO soak_items (worker, n) VALUES (?, ?) RETURNING id")) {
                insert.setInt(1, worker);
                insert.setLong(2, n);
                try (ResultSet rs = insert.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            try (PreparedStatement select = c.prepareStatement("SELECT n FROM soak_items WHERE id = ?")) {
                select.setLong(1, id);
                try (ResultSet rs = select.executeQuery()) {
                    if (!rs.next() || rs.getLong(1) != n) {
                        throw new IllegalStateException("row " + id + " does not read back");
                    }
                }
            }
            c.commit();
            counters.done.incrementAndGet();
        } catch (SQLException e) {
            counters.lostInFlight.incrementAndGet();
            if (System.nanoTime() - lastCut.get() > FAULT_WINDOW_NANOS) {
                counters.lostOutsideFaults.incrementAndGet();
            }
        }
    }

    /** Adds the kit's recorded logins to the tallies and forgets them (the list would otherwise grow the heap). */
    private static void tally(LocalRds rds, Set<String> stsKeys, long[] logins, List<Login> record) {
        List<AuthAttempt> attempts = rds.authAttempts();
        rds.clearAuthAttempts();
        String staticKey = rds.credentials().accessKeyId();
        for (AuthAttempt a : attempts) {
            if (record != null && a.passwordReceived()) {
                record.add(new Login(a.time().toEpochMilli(), a.accepted()));
            }
            if (a.accepted()) {
                logins[0]++;
            } else {
                logins[1]++;
            }
            if (a.accessKeyId() != null && !a.accessKeyId().equals(staticKey)) {
                stsKeys.add(a.accessKeyId());
            }
        }
    }

    /** A login the kit saw: when (epoch milliseconds) and whether it was accepted. */
    record Login(long millis, boolean accepted) {
    }

    /**
     * The mints the logins imply: a token serves the logins within one reuse window of its mint, so logins further
     * apart need another ({@code afterRejections}: and a rejected login makes the next one mint).
     */
    static long impliedMints(List<Login> logins, Duration window, boolean afterRejections) {
        long mints = 0;
        long mintedAt = Long.MIN_VALUE;
        boolean invalid = true;
        for (Login l : logins) {
            if (invalid || l.millis() - mintedAt >= window.toMillis()) {
                mints++;
                mintedAt = l.millis();
            }
            invalid = afterRejections && !l.accepted();
        }
        return mints;
    }

    /**
     * The sessions the kit's gateway holds open, once it has seen the pool's last closes (a connection the pool retired
     * a moment ago may still be on its way out): waits up to 5 s for them to come down to the pool's connections.
     */
    private static int settledSessions(LocalRds rds, int poolConnections) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        int open;
        while ((open = rds.openSessions()) > poolConnections && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return open;
    }

    private static long heapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, left / 1_000_000));
        }
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes the figures as JSON. */
    static void write(Figures f, Path file) throws IOException {
        Files.writeString(file, f.json(), StandardCharsets.UTF_8);
    }
}
