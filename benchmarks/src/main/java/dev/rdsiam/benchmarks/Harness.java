package dev.rdsiam.benchmarks;

import dev.rdsiam.Engine;
import dev.rdsiam.testkit.AuthAttempt;
import dev.rdsiam.testkit.LocalRds;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one entry point of the benchmarks ({@code benchmarks/run [--quick]}): starts the local servers once, runs B1-B4
 * and the memory probe for PostgreSQL and MySQL side by side with the peers, and writes {@code latest.json} and
 * {@code latest.md}. Every number is a comparison within this one run; nothing here asserts a speed.
 *
 * <p>JMH measures what it is good at (B1 throughput, B3 nanoseconds), each in forked JVMs. Connection times (B2),
 * the cold start (B4) and memory are measured by small probe programs in their own JVMs, with many samples and
 * medians. The servers stay in this JVM, so every measured client runs in a JVM of its own.
 */
public final class Harness {

    private static final Logger LOG = LoggerFactory.getLogger(Harness.class);
    private static final List<Engine> ENGINES = List.of(Engine.POSTGRESQL, Engine.MYSQL);

    private final Plan plan;
    private final LocalServers servers;
    private final Path work;
    private final Results results;

    private Harness(Plan plan, LocalServers servers, Path work, Results results) {
        this.plan = plan;
        this.servers = servers;
        this.work = work;
        this.results = results;
    }

    /**
     * Runs everything.
     *
     * @param args {@code [--quick] [--results DIR] [--work DIR]}
     */
    public static void main(String[] args) {
        int code;
        try {
            code = run(args);
        } catch (Exception | Error e) {
            LOG.error("the benchmark run failed", e);
            code = 1;
        }
        // the embedded servers' process watchers are not daemon threads
        System.exit(code);
    }

    private static int run(String[] args) throws Exception {
        Plan plan = Plan.FULL;
        Path resultsDir = Path.of("benchmarks", "results");
        Path work = Path.of("benchmarks", "target", "bench-run");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick":
                    plan = Plan.QUICK;
                    break;
                case "--results":
                    resultsDir = Path.of(args[++i]);
                    break;
                case "--work":
                    work = Path.of(args[++i]);
                    break;
                default:
                    System.err.println("usage: Harness [--quick] [--results DIR] [--work DIR]; unknown: " + args[i]);
                    return 2;
            }
        }
        long started = System.nanoTime();
        Results results = new Results(Machine.describe(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                plan.name(), "benchmarks/run" + (plan == Plan.QUICK ? " --quick" : ""));
        String loadBefore = Machine.loadAverage();
        LOG.info("{} run on {}", plan.name(), Machine.describe());
        LOG.info("starting the local servers (LocalRds PostgreSQL + MySQL, TLS servers for B1)");
        try (LocalServers servers = LocalServers.start(work.toAbsolutePath())) {
            Harness h = new Harness(plan, servers, work.toAbsolutePath(), results);
            h.tokens();
            h.pooledHotPath();
            for (Engine e : ENGINES) {
                h.connectTimes(e);
            }
            for (Engine e : ENGINES) {
                h.coldStart(e);
            }
            h.memory();
            h.failover();
        }
        addTargets(results);
        results.note("Versions: " + Machine.versions() + ".");
        results.note("Memory: datasource_bytes is the live-heap growth per additional configured DataSource (serial "
                + "GC, " + plan.memoryInstances() + " instances); datasource_graph_bytes is everything reachable from "
                + "one (JOL), including what all DataSources share, such as the parsed RDS CA bundle.");
        results.note("Ratios are ratios of medians measured in this one run; the interval is a 95% percentile "
                + "bootstrap of that ratio (" + Stats.RESAMPLES + " resamples). \"within noise\" marks a target whose "
                + "interval crosses the threshold.");
        results.note("B1 PostgreSQL talks TLS to a PostgreSQL 18 directly (the hot path never logs in, and the "
                + "gateway's relay would dominate SELECT 1). B1 MySQL goes through the gateway for all contenders: the "
                + "embedded MariaDB misreads a clear-text password over ~250 bytes in the first handshake packet, where "
                + "ours and the AWS wrapper send the token, so its ratios are compressed towards 1 by the relay. "
                + "HikariCP pool of " + PooledHotPath.POOL_SIZE + ", one benchmark thread, " + plan.b1Rounds()
                + " JMH rounds of one fork per contender, alternating the contenders over time.");
        results.note("B2 and B4 go through the testkit's LocalRds gateway, which verifies every token with its own "
                + "SigV4 code; its accepted/refused login counts are in the values. B2: " + plan.b2Rounds()
                + " timed rounds after " + plan.b2Warmup() + " warm-up rounds, one connection per contender per round, "
                + "starting contender rotating. B4: " + plan.b4Trials() + " fresh JVMs per contender, so class "
                + "loading is part of the time to first connection.");
        results.note("The drivers, the limit and the AWS wrapper dial 'localhost' (on the test certificate); ours "
                + "dials 127.0.0.1 and checks the RDS-like identity name. All get the driver properties ours sets "
                + "(e.g. pgjdbc assumeMinServerVersion=9.0, Connector/J defaultAuthenticationPlugin="
                + "mysql_clear_password), so the comparison is about trust, tokens and wrapping.");
        results.note("The machine may be shared with other builds: load average " + loadBefore + " (1, 5, 15 min) "
                + "before the run started. Only ratios within this run are meaningful; absolute numbers move with the "
                + "load. Quick mode has wide intervals; use the full mode for careful numbers.");
        results.note("Run time: " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + " s.");
        Path json = resultsDir.resolve("latest.json");
        Path md = resultsDir.resolve("latest.md");
        results.write(json, md);
        System.out.println();
        System.out.println(results.targetTable());
        LOG.info("wrote {} and {}", json, md);
        return 0;
    }

    // ---------------------------------------------------------------- B3

    private void tokens() throws RunnerException {
        LOG.info("B3 token cost (JMH)");
        Map<String, double[]> scores = new LinkedHashMap<>();
        for (RunResult r : jmh(TokenCost.class, plan.b3Forks(), plan.b3Warmups(), plan.b3Iterations(), 1, false,
                "b3")) {
            String method = r.getParams().getBenchmark().substring(TokenCost.class.getName().length() + 1);
            scores.put(method, iterationScores(r));
        }
        for (String m : List.of("hit", "mint", "sdk")) {
            if (scores.containsKey(m)) {
                putStat("B3." + m + "_ns", scores.get(m));
            } else {
                results.valueNotAvailable("B3." + m + "_ns", "the JMH benchmark failed; see b3.log");
            }
        }
        results.describe("B3.hit_ns", "B3 token cache hit (ns)");
        ratio("B3.mint_vs_sdk", scores.get("mint"), scores.get("sdk"),
                "B3 token mint: ours / AWS SDK RdsUtilities (time)", "the JMH benchmark failed; see b3.log");
    }

    // ---------------------------------------------------------------- B1

    private void pooledHotPath() throws RunnerException {
        Map<String, List<Double>> scores = new LinkedHashMap<>();
        Map<String, List<Double>> alloc = new LinkedHashMap<>();
        for (int round = 1; round <= plan.b1Rounds(); round++) {
            LOG.info("B1 pooled hot path (JMH), round {} of {}", round, plan.b1Rounds());
            for (RunResult r : jmh(PooledHotPath.class, 1, plan.b1Warmups(), plan.b1Iterations(), plan.b1Seconds(),
                    true, "b1-round-" + round)) {
                String key = r.getParams().getParam("engine") + "." + r.getParams().getParam("contender");
                for (double s : iterationScores(r)) {
                    scores.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
                }
                for (String secondary : r.getSecondaryResults().keySet()) {
                    if (secondary.endsWith("gc.alloc.rate.norm")) {
                        alloc.computeIfAbsent(key, k -> new ArrayList<>())
                                .add(r.getSecondaryResults().get(secondary).getScore());
                    }
                }
            }
        }
        for (Engine engine : ENGINES) {
            String e = KitInfo.key(engine);
            for (String c : List.of("ours", "raw", "wrapper")) {
                List<Double> s = scores.get(e + "." + c);
                if (s != null) {
                    putStat("B1." + e + "." + c + "_ops_per_s", toArray(s));
                    if (alloc.containsKey(e + "." + c)) {
                        results.value("B1." + e + "." + c + "_alloc_bytes_per_op",
                                Stats.median(toArray(alloc.get(e + "." + c))));
                    }
                } else {
                    results.valueNotAvailable("B1." + e + "." + c + "_ops_per_s",
                            "the JMH benchmark failed for this contender; see the b1-round-*.log files");
                }
            }
            String name = name(engine);
            String why = "the JMH benchmark failed for a contender; see the b1-round-*.log files";
            ratioHigherIsBetter("B1." + e + ".ours_vs_raw", scores.get(e + ".ours"), scores.get(e + ".raw"),
                    "B1 " + name + " pooled SELECT 1: ours / raw " + driver(engine) + " (throughput)", why);
            ratioHigherIsBetter("B1." + e + ".ours_vs_wrapper", scores.get(e + ".ours"), scores.get(e + ".wrapper"),
                    "B1 " + name + " pooled SELECT 1: ours / AWS wrapper (throughput)", why);
        }
    }

    // ---------------------------------------------------------------- B2

    private void connectTimes(Engine engine) {
        String e = KitInfo.key(engine);
        LOG.info("B2 new verified connection, {}", e);
        LocalRds rds = servers.rds(engine);
        rds.clearAuthAttempts();
        Properties p;
        try {
            p = probe(ConnectTimes.class, List.of("-Xms512m", "-Xmx512m"), "b2-" + e, e,
                    Integer.toString(plan.b2Warmup()), Integer.toString(plan.b2Rounds()));
        } catch (ProbeFailure f) {
            for (String c : List.of("driver_file_trust", "limit", "wrapper")) {
                results.ratioNotAvailable("B2." + e + ".ours_vs_" + c, "B2 " + name(engine), f.getMessage());
            }
            return;
        }
        countLogins(rds, "B2." + e);
        Map<String, double[]> ms = new LinkedHashMap<>();
        for (String c : List.of("ours", "driver_file_trust", "limit", "wrapper")) {
            String samples = p.getProperty(c + ".samples_ns");
            if (samples != null) {
                ms.put(c, millis(samples));
                putStat("B2." + e + "." + c + "_ms", ms.get(c));
            } else {
                results.valueNotAvailable("B2." + e + "." + c + "_ms", p.getProperty(c + ".error", "no samples"));
            }
        }
        String name = name(engine);
        ratio("B2." + e + ".ours_vs_driver_file_trust", ms.get("ours"), ms.get("driver_file_trust"),
                "B2 " + name + " new connection: ours / " + fileTrust(engine) + " (time)",
                error(p, "driver_file_trust"));
        ratio("B2." + e + ".ours_vs_limit", ms.get("ours"), ms.get("limit"),
                "B2 " + name + " new connection: ours / limit, raw " + driver(engine) + " + prebuilt SSLContext (time)",
                error(p, "limit"));
        ratio("B2." + e + ".ours_vs_wrapper", ms.get("ours"), ms.get("wrapper"),
                "B2 " + name + " new connection: ours / AWS wrapper iam plugin (time)", error(p, "wrapper"));
    }

    // ---------------------------------------------------------------- B4

    private void coldStart(Engine engine) {
        String e = KitInfo.key(engine);
        LocalRds rds = servers.rds(engine);
        Map<String, double[]> p99s = new LinkedHashMap<>();
        for (String c : List.of("ours", "wrapper")) {
            LOG.info("B4 cold start, {} threads, {}, {}: {} trials", plan.b4Threads(), e, c, plan.b4Trials());
            List<Double> times = new ArrayList<>();
            List<Double> mints = new ArrayList<>();
            List<Double> resolutions = new ArrayList<>();
            List<Double> connected = new ArrayList<>();
            List<Double> accepted = new ArrayList<>();
            List<Double> build = new ArrayList<>();
            List<Double> trialP99 = new ArrayList<>();
            long refused = 0;
            String error = null;
            for (int t = 1; t <= plan.b4Trials(); t++) {
                rds.clearAuthAttempts();
                Properties p;
                try {
                    p = probe(ColdStart.class, List.of("-Xms512m", "-Xmx512m"), "b4-" + e + "-" + c + "-" + t, e, c,
                            Integer.toString(plan.b4Threads()));
                } catch (ProbeFailure f) {
                    error = f.getMessage();
                    continue;
                }
                List<AuthAttempt> attempts = rds.authAttempts();
                accepted.add((double) attempts.stream().filter(AuthAttempt::accepted).count());
                refused += attempts.stream().filter(a -> !a.accepted()).count();
                double[] ms = millis(p.getProperty("times_ns", ""));
                for (double m : ms) {
                    times.add(m);
                }
                if (ms.length > 0) {
                    trialP99.add(Stats.percentile(ms, 99));
                }
                mints.add(Double.parseDouble(p.getProperty("mints")));
                resolutions.add(Double.parseDouble(p.getProperty("credential_resolutions")));
                connected.add(Double.parseDouble(p.getProperty("connected")));
                if (p.getProperty("datasource_build_ns") != null) {
                    build.add(Double.parseDouble(p.getProperty("datasource_build_ns")) / 1e6);
                }
                if (p.getProperty("error") != null && error == null) {
                    error = p.getProperty("error");
                }
            }
            String k = "B4." + e + "." + c;
            if (mints.isEmpty()) {
                results.valueNotAvailable(k + "_mints", error == null ? "no trial ran" : error);
                continue;
            }
            results.value(k + "_mints", mints.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
            results.value(k + "_mints_per_trial", mints);
            results.value(k + "_credential_resolutions",
                    resolutions.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
            results.value(k + "_credential_resolutions_per_trial", resolutions);
            results.value(k + "_connected_per_trial", connected);
            results.value(k + "_gateway_logins_accepted_per_trial", accepted);
            results.value(k + "_gateway_logins_refused", refused);
            if (!times.isEmpty()) {
                double[] all = toArray(times);
                results.value(k + "_p50_ms", Stats.percentile(all, 50));
                results.value(k + "_p99_ms", Stats.percentile(all, 99));
                p99s.put(c, toArray(trialP99));
            }
            if (!build.isEmpty()) {
                results.value(k + "_datasource_build_ms", Stats.median(toArray(build)));
            }
            if (error != null) {
                results.note("B4 " + e + " " + c + ": " + error);
            }
        }
        results.describe("B4." + e + ".ours_mints", "B4 " + name(engine) + " cold start, " + plan.b4Threads()
                + " threads: tokens minted by ours (worst trial)");
        ratio("B4." + e + ".ours_vs_wrapper_p99", p99s.get("ours"), p99s.get("wrapper"),
                "B4 " + name(engine) + " cold start: ours / AWS wrapper, p99 time to first connection (per-trial p99s)",
                "a contender's cold start failed; see the b4-*.log files");
    }

    // ---------------------------------------------------------------- memory

    private void memory() {
        double max = 0;
        for (Engine engine : ENGINES) {
            String e = KitInfo.key(engine);
            LOG.info("memory of one configured DataSource, {}", e);
            try {
                Properties p = probe(DataSourceMemory.class, List.of("-XX:+UseSerialGC", "-Xms256m", "-Xmx256m"),
                        "memory-" + e, e, Integer.toString(plan.memoryInstances()));
                double retained = Double.parseDouble(p.getProperty("retained_bytes"));
                results.value("memory." + e + ".datasource_bytes", retained);
                results.value("memory." + e + ".datasource_graph_bytes", Double.parseDouble(p.getProperty("graph_bytes")));
                max = Math.max(max, retained);
            } catch (ProbeFailure f) {
                results.valueNotAvailable("memory." + e + ".datasource_bytes", f.getMessage());
            }
        }
        if (max > 0) {
            results.value("memory.datasource_bytes", max);
        }
    }

    // ---------------------------------------------------------------- B7 (Failover.java)

    private void failover() {
        int rounds = Failover.rounds(plan);
        LOG.info("B7 Aurora failover, postgresql: {} rounds per contender after {} warm-up", rounds,
                Failover.warmups(plan));
        try {
            Properties p = probe(Failover.class, List.of("-Xms512m", "-Xmx512m"), "b7-postgresql",
                    Integer.toString(rounds), Integer.toString(Failover.warmups(plan)));
            Failover.report(p, results, rounds);
        } catch (ProbeFailure f) {
            results.ratioNotAvailable(Failover.KEY, Failover.DESCRIPTION, f.getMessage());
        }
    }

    // ---------------------------------------------------------------- targets

    private static void addTargets(Results r) {
        for (Engine engine : ENGINES) {
            String e = KitInfo.key(engine);
            r.target("B1." + e + ".ours_vs_raw", Results.Op.AT_LEAST, 0.98);
        }
        for (Engine engine : ENGINES) {
            String e = KitInfo.key(engine);
            r.target("B2." + e + ".ours_vs_driver_file_trust", Results.Op.AT_MOST, 0.8);
            r.target("B2." + e + ".ours_vs_limit", Results.Op.AT_MOST, 1.05);
        }
        r.target("B3.hit_ns", Results.Op.BELOW, 1000);
        r.target("B3.mint_vs_sdk", Results.Op.AT_MOST, 1.2);
        for (Engine engine : ENGINES) {
            r.target("B4." + KitInfo.key(engine) + ".ours_mints", Results.Op.EXACTLY, 1);
        }
        r.target(Failover.KEY, Results.Op.AT_MOST, 1.0);
    }

    // ---------------------------------------------------------------- plumbing

    private Collection<RunResult> jmh(Class<?> benchmark, int forks, int warmups, int iterations, int seconds,
            boolean gc, String log) throws RunnerException {
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include("^" + Pattern.quote(benchmark.getName() + "."))
                .forks(forks)
                .threads(1)
                .warmupIterations(warmups)
                .warmupTime(TimeValue.seconds(seconds))
                .measurementIterations(iterations)
                .measurementTime(TimeValue.seconds(seconds))
                .jvmArgs("-Xms1g", "-Xmx1g", "-D" + KitInfo.FILE_PROPERTY + "=" + servers.kitFile())
                .shouldFailOnError(false)
                .output(work.resolve(log + ".log").toString());
        if (gc) {
            o.addProfiler(GCProfiler.class);
        }
        return new Runner(o.build()).run();
    }

    /** Thrown when a probe JVM fails; the message says where its log is. */
    private static final class ProbeFailure extends Exception {
        private static final long serialVersionUID = 1L;

        ProbeFailure(String message) {
            super(message);
        }
    }

    private Properties probe(Class<?> main, List<String> jvmOptions, String name, String... args) throws ProbeFailure {
        Path out = work.resolve(name + ".properties");
        Path log = work.resolve(name + ".log");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-D" + KitInfo.FILE_PROPERTY + "=" + servers.kitFile());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(Arrays.asList(args));
        cmd.add(out.toString());
        try {
            Files.deleteIfExists(out);
            Process process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
            if (!process.waitFor(20, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new ProbeFailure(main.getSimpleName() + " did not finish in 20 minutes; see " + log.getFileName());
            }
            if (process.exitValue() != 0 || !Files.exists(out)) {
                throw new ProbeFailure(main.getSimpleName() + " failed (exit " + process.exitValue() + "); see "
                        + log.getFileName());
            }
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(out)) {
                p.load(in);
            }
            return p;
        } catch (IOException e) {
            throw new ProbeFailure("cannot run " + main.getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProbeFailure("interrupted while " + main.getSimpleName() + " ran");
        }
    }

    private void countLogins(LocalRds rds, String prefix) {
        List<AuthAttempt> attempts = rds.authAttempts();
        results.value(prefix + ".gateway_logins_accepted", attempts.stream().filter(AuthAttempt::accepted).count());
        results.value(prefix + ".gateway_logins_refused", attempts.stream().filter(a -> !a.accepted()).count());
    }

    /** A time ratio (lower is better), or n/a with the reason when a side is missing. */
    private void ratio(String key, double[] ours, double[] other, String description, String reason) {
        if (ours == null || other == null || ours.length == 0 || other.length == 0) {
            results.ratioNotAvailable(key, description, reason);
            return;
        }
        results.ratio(key, Stats.ratioOfMedians(ours, other), Stats.ratioOfMediansInterval(ours, other, seed(key)),
                description);
    }

    /** A throughput ratio (higher is better). */
    private void ratioHigherIsBetter(String key, List<Double> ours, List<Double> other, String description,
            String reason) {
        ratio(key, ours == null ? null : toArray(ours), other == null ? null : toArray(other), description, reason);
    }

    private void putStat(String key, double[] samples) {
        results.value(key, Stats.median(samples));
        results.value(key + "_p10_p90", List.of(Stats.percentile(samples, 10), Stats.percentile(samples, 90)));
        results.value(key + "_n", samples.length);
    }

    private static String error(Properties p, String contender) {
        return p.getProperty(contender + ".error", "no samples");
    }

    private static long seed(String key) {
        return key.hashCode();
    }

    private static double[] iterationScores(RunResult r) {
        List<Double> s = new ArrayList<>();
        for (BenchmarkResult b : r.getBenchmarkResults()) {
            for (IterationResult i : b.getIterationResults()) {
                s.add(i.getPrimaryResult().getScore());
            }
        }
        return toArray(s);
    }

    private static double[] millis(String nanosList) {
        if (nanosList.isBlank()) {
            return new double[0];
        }
        return Arrays.stream(nanosList.split(",")).mapToDouble(n -> Long.parseLong(n) / 1e6).toArray();
    }

    private static double[] toArray(List<Double> list) {
        return list.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static String name(Engine engine) {
        return engine == Engine.POSTGRESQL ? "PostgreSQL" : "MySQL";
    }

    private static String driver(Engine engine) {
        return engine == Engine.POSTGRESQL ? "pgjdbc" : "Connector/J";
    }

    private static String fileTrust(Engine engine) {
        return engine == Engine.POSTGRESQL ? "pgjdbc sslrootcert file" : "Connector/J trust store file";
    }
}
