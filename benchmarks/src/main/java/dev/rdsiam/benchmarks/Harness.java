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
        List<String> only = List.of();
        long hold = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick":
                    plan = Plan.QUICK;
                    break;
                case "--only":
                    only = List.of(args[++i].split(","));
                    break;
                case "--hold":
                    hold = Long.parseLong(args[++i]);
                    break;
                case "--results":
                    resultsDir = Path.of(args[++i]);
                    break;
                case "--work":
                    work = Path.of(args[++i]);
                    break;
                default:
                    System.err.println("usage: Harness [--quick] [--only B1,B2,...] [--hold SECONDS] [--results DIR] [--work DIR]; unknown: "
                            + args[i]);
                    return 2;
            }
        }
        long started = System.nanoTime();
        Results results = new Results(Machine.describe(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                plan.name() + (only.isEmpty() ? "" : " (only " + String.join(",", only) + ")"),
                "benchmarks/run" + (plan == Plan.QUICK ? " --quick" : ""));
        String loadBefore = Machine.loadAverage();
        LOG.info("{} run on {}", plan.name(), Machine.describe());
        LOG.info("starting the local servers (LocalRds PostgreSQL + MySQL, TLS servers for B1)");
        try (LocalServers servers = LocalServers.start(work.toAbsolutePath())) {
            // the harness mints B5's static token itself (KitInfo.load reads the file this names)
            System.setProperty(KitInfo.FILE_PROPERTY, servers.kitFile().toString());
            if (hold > 0) {
                // for profiling a probe by hand: run it with -Drdsiam.bench.kit=<this file> meanwhile
                LOG.info("servers up for {} s; kit file: {}", hold, servers.kitFile());
                Thread.sleep(TimeUnit.SECONDS.toMillis(hold));
                return 0;
            }
            Harness h = new Harness(plan, servers, work.toAbsolutePath(), results);
            if (runs(only, "B3")) {
                h.tokens();
            }
            if (runs(only, "B1")) {
                h.pooledHotPath();
            }
            if (runs(only, "B1") || only.contains("B1alloc")) {
                ENGINES.forEach(h::allocation);
            }
            if (runs(only, "B2")) {
                ENGINES.forEach(h::connectTimes);
            }
            if (runs(only, "B4")) {
                ENGINES.forEach(h::coldStart);
            }
            if (runs(only, "B5")) {
                ENGINES.forEach(h::firstRow);
            }
            if (runs(only, "B6")) {
                ENGINES.forEach(h::reconnectStorm);
            }
            if (runs(only, "memory")) {
                h.memory();
            }
            if (runs(only, "B7")) {
                h.failover();
            }
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
                + "ours and the AWS wrapper send the token, so its ratios are compressed towards 1 by the relay (Debian's mariadb-server, which would avoid it, is not on "
                + "this machine). "
                + "HikariCP pool of " + PooledHotPath.POOL_SIZE + ", one benchmark thread, " + plan.b1Rounds()
                + " JMH rounds of one fork per contender, alternating the contenders over time.");
        results.note("B2 and B4 go through the testkit's LocalRds gateway, which verifies every token with its own "
                + "SigV4 code; its accepted/refused login counts are in the values. B2: " + plan.b2Rounds()
                + " timed rounds after " + plan.b2Warmup() + " warm-up rounds, one connection per contender per round, "
                + "starting contender rotating. B4: " + plan.b4Trials() + " fresh JVMs per contender, so class "
                + "loading is part of the time to first connection.");
        results.note("B1 allocation: bytes the calling thread allocates per pooled query (borrow, SELECT 1, return; "
                + "ThreadMXBean.getCurrentThreadAllocatedBytes), all three pools in one JVM taking turns, "
                + plan.allocRounds() + " rounds of " + plan.allocQueries() + " queries after " + plan.allocWarmup()
                + " uncounted ones and a warm-up round. Parity is the claim (no code of ours on the hot path; "
                + "PgPooledConnectionTest/MySqlPooledConnectionTest check that the pooled connection is the driver's own behind HikariCP's "
                + "proxy); the throughput ratios are shown without a target: they only show the noise of this machine.");
        results.note("B5: a fresh JVM per run from start to exit (main to the first row of select 1 over verified "
                + "TLS, then exit), " + plan.b5Runs() + " timed runs per contender and engine, contenders alternating, "
                + "after one untimed run each; peak RSS (VmHWM) from " + plan.b5MemoryRuns() + " more runs. Ours: "
                + "static keys (accessKeyId/secretAccessKey); limit: the raw driver, a token minted beforehand as a "
                + "static password, the driver's file trust of the same certificates; wrapper: iam plugin, its "
                + "credentials hook with static keys (no default chain). Each JVM has only its contender's class path "
                + "(ours: the module's runtime dependency list, no SLF4J binding) and default JVM options.");
        results.note("B6: a HikariCP pool of " + ReconnectStorm.POOL + " (maximum = minimum idle, connectionTimeout "
                + "30 s) through the gateway, idle 0.7 s, then LocalRds.killSessions() cuts every session; "
                + ReconnectStorm.POOL + " threads borrow and run SELECT 1 (retrying) until all hold a live connection "
                + "at once; " + plan.b6Trials() + " cuts per contender and engine in one JVM each. Mints are counted "
                + "over the whole run (the first fill included). HikariCP opens connections one at a time and pauses "
                + "30 ms after each, for every contender alike.");
        results.note("AWS wrapper configuration (its best for these scenarios): wrapperPlugins=iam only (no failover or "
                + "monitoring plugins, nothing to fail over to here), wrapperDialect=pg/mysql (no Aurora topology "
                + "queries), its token cache on (default iamExpiration), credentials through its hook (no default "
                + "chain built per mint), connectTimeout/socketTimeout in milliseconds (10000), as it reads them.");
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

    /** B1's allocation per pooled query, counted on the calling thread (see {@link AllocPerQuery}). */
    private void allocation(Engine engine) {
        String e = KitInfo.key(engine);
        LOG.info("B1 allocation per pooled query, {}", e);
        Properties p;
        try {
            p = probe(AllocPerQuery.class, List.of("-Xms1g", "-Xmx1g"), "b1-alloc-" + e, e,
                    Integer.toString(plan.allocRounds()), Integer.toString(plan.allocWarmup()),
                    Integer.toString(plan.allocQueries()));
        } catch (ProbeFailure f) {
            results.ratioNotAvailable("B1." + e + ".alloc_ours_vs_raw", "B1 " + name(engine) + " allocation",
                    f.getMessage());
            return;
        }
        Map<String, double[]> bytes = new LinkedHashMap<>();
        for (String c : List.of("ours", "raw", "wrapper")) {
            String samples = p.getProperty(c + ".bytes_per_query");
            if (samples != null && !samples.isBlank()) {
                bytes.put(c, Arrays.stream(samples.split(",")).mapToDouble(Double::parseDouble).toArray());
                putStat("B1." + e + "." + c + "_alloc_bytes_per_query", bytes.get(c));
            } else {
                results.valueNotAvailable("B1." + e + "." + c + "_alloc_bytes_per_query",
                        p.getProperty("error", "no samples"));
            }
        }
        String why = p.getProperty("error", "no samples; see b1-alloc-" + e + ".log");
        ratio("B1." + e + ".alloc_ours_vs_raw", bytes.get("ours"), bytes.get("raw"),
                "B1 " + name(engine) + " pooled SELECT 1: bytes allocated per query, ours / raw " + driver(engine),
                why);
        ratio("B1." + e + ".alloc_ours_vs_wrapper", bytes.get("ours"), bytes.get("wrapper"),
                "B1 " + name(engine) + " pooled SELECT 1: bytes allocated per query, ours / AWS wrapper", why);
    }

    // ---------------------------------------------------------------- B5

    /** B5: fresh JVMs from start to the first row of {@code select 1}, contenders alternating (see {@link FirstRow}). */
    private void firstRow(Engine engine) {
        String e = KitInfo.key(engine);
        LocalRds rds = servers.rds(engine);
        List<String> contenders = List.of("ours", "limit", "wrapper");
        Map<String, List<Double>> wall = new LinkedHashMap<>();
        Map<String, List<Double>> inMain = new LinkedHashMap<>();
        Map<String, List<Double>> peak = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        Path tokenFile = work.resolve("b5-" + e + ".token");
        try {
            KitInfo kit = KitInfo.load(engine);
            writeSecret(tokenFile, Contenders.staticToken(kit, kit.gateway()));
            rds.clearAuthAttempts();
            int runs = plan.b5Runs();
            LOG.info("B5 fresh JVM to the first row, {}: {} timed runs per contender, alternating", e, runs);
            for (String c : contenders) {
                try {
                    firstRowRun(e, c, tokenFile, "warm-up", null); // the page cache, for every contender alike
                } catch (ProbeFailure f) {
                    errors.putIfAbsent(c, f.getMessage());
                }
            }
            for (int r = 0; r < runs; r++) {
                for (int i = 0; i < contenders.size(); i++) {
                    String c = contenders.get((r + i) % contenders.size());
                    try {
                        double[] t = firstRowRun(e, c, tokenFile, Integer.toString(r + 1), null);
                        wall.computeIfAbsent(c, k -> new ArrayList<>()).add(t[0]);
                        inMain.computeIfAbsent(c, k -> new ArrayList<>()).add(t[1]);
                    } catch (ProbeFailure f) {
                        errors.putIfAbsent(c, f.getMessage());
                    }
                }
            }
            for (int r = 0; r < plan.b5MemoryRuns(); r++) {
                for (String c : contenders) {
                    Path mem = work.resolve("b5-" + e + "-" + c + "-memory.txt");
                    try {
                        firstRowRun(e, c, tokenFile, "memory-" + (r + 1), mem);
                        peak.computeIfAbsent(c, k -> new ArrayList<>())
                                .add(Double.parseDouble(Files.readString(mem).trim()) / 1024);
                    } catch (ProbeFailure | IOException | NumberFormatException f) {
                        errors.putIfAbsent(c, "memory run: " + f.getMessage());
                    }
                }
            }
        } catch (IOException | RuntimeException ex) {
            errors.putIfAbsent("setup", ex.toString());
        } finally {
            try {
                Files.deleteIfExists(tokenFile);
            } catch (IOException ex) {
                LOG.warn("cannot delete {}: {}", tokenFile, ex.toString());
            }
        }
        countLogins(rds, "B5." + e);
        for (String c : contenders) {
            if (wall.containsKey(c)) {
                putStat("B5." + e + "." + c + "_ms", toArray(wall.get(c)));
                putStat("B5." + e + "." + c + "_main_to_row_ms", toArray(inMain.get(c)));
            } else {
                results.valueNotAvailable("B5." + e + "." + c + "_ms", errors.getOrDefault(c,
                        errors.getOrDefault("setup", "no run")));
            }
            if (peak.containsKey(c)) {
                results.value("B5." + e + "." + c + "_peak_rss_mib", Stats.median(toArray(peak.get(c))));
            }
        }
        for (Map.Entry<String, String> err : errors.entrySet()) {
            results.note("B5 " + e + " " + err.getKey() + ": " + err.getValue());
        }
        String why = "a contender's runs failed; see the b5-*.log files";
        ratio("B5." + e + ".ours_vs_limit", array(wall.get("ours")), array(wall.get("limit")),
                "B5 " + name(engine) + " fresh JVM to first row: ours / limit, raw " + driver(engine)
                        + " + static password (time)", why);
        ratio("B5." + e + ".ours_vs_wrapper", array(wall.get("ours")), array(wall.get("wrapper")),
                "B5 " + name(engine) + " fresh JVM to first row: ours / AWS wrapper iam plugin (time)", why);
    }

    /** One fresh JVM of B5; returns its whole-process time and its main-to-first-row time, in ms. */
    private double[] firstRowRun(String engine, String contender, Path tokenFile, String run, Path memoryFile)
            throws ProbeFailure {
        Path log = work.resolve("b5-" + engine + "-" + contender + "-" + run + ".log");
        List<String> cmd = new ArrayList<>(List.of(javaCommand(), "-D" + KitInfo.FILE_PROPERTY + "="
                + servers.kitFile(), "-cp", FirstRow.classPath(engine, contender, System.getProperty("java.class.path")),
                FirstRow.class.getName(), engine, contender, tokenFile.toString()));
        if (memoryFile != null) {
            cmd.add(memoryFile.toString());
        }
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
            long t0 = System.nanoTime();
            Process process = pb.start();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new ProbeFailure("FirstRow did not finish in 2 minutes; see " + log.getFileName());
            }
            long wallNs = System.nanoTime() - t0;
            String out = Files.readString(log);
            java.util.regex.Matcher m = Pattern.compile("main_to_row_ns=(\\d+)").matcher(out);
            if (process.exitValue() != 0 || !m.find()) {
                throw new ProbeFailure("FirstRow " + contender + " failed (exit " + process.exitValue() + "); see "
                        + log.getFileName());
            }
            Files.delete(log);
            return new double[] {wallNs / 1e6, Long.parseLong(m.group(1)) / 1e6};
        } catch (IOException ex) {
            throw new ProbeFailure("cannot run FirstRow: " + ex.getMessage());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new ProbeFailure("interrupted while FirstRow ran");
        }
    }

    // ---------------------------------------------------------------- B6

    /** B6: a warm pool of 32 after every session is cut (see {@link ReconnectStorm}). */
    private void reconnectStorm(Engine engine) {
        String e = KitInfo.key(engine);
        LocalRds rds = servers.rds(engine);
        Map<String, double[]> recovery = new LinkedHashMap<>();
        for (String c : List.of("ours", "wrapper")) {
            LOG.info("B6 reconnect storm, pool of {}, {}, {}: {} cuts", ReconnectStorm.POOL, e, c, plan.b6Trials());
            rds.clearAuthAttempts();
            String k = "B6." + e + "." + c;
            Properties p;
            try {
                p = interactive(ReconnectStorm.class, "b6-" + e + "-" + c, rds, e, c,
                        Integer.toString(plan.b6Trials()));
            } catch (ProbeFailure f) {
                results.valueNotAvailable(k + "_mints", f.getMessage());
                continue;
            }
            List<AuthAttempt> attempts = rds.authAttempts();
            results.value(k + "_gateway_logins_accepted", attempts.stream().filter(AuthAttempt::accepted).count());
            results.value(k + "_gateway_logins_refused", attempts.stream().filter(a -> !a.accepted()).count());
            double[] ms = millis(p.getProperty("times_ns", ""));
            if (ms.length > 0) {
                putStat(k + "_recovery_ms", ms);
                recovery.put(c, ms);
            }
            results.value(k + "_mints", Long.parseLong(p.getProperty("mints")));
            results.value(k + "_fill_mints", Long.parseLong(p.getProperty("fill_mints", "-1")));
            results.value(k + "_recovery_mints_per_cut", longs(p.getProperty("recovery_mints", "")));
            results.value(k + "_failed_attempts_per_cut", longs(p.getProperty("failed_attempts", "")));
            results.value(k + "_credential_resolutions", Long.parseLong(p.getProperty("credential_resolutions")));
            if (p.getProperty("fill_ns") != null) {
                results.value(k + "_fill_ms", Long.parseLong(p.getProperty("fill_ns")) / 1e6);
            }
            if (p.getProperty("error") != null) {
                results.note("B6 " + e + " " + c + ": " + p.getProperty("error"));
            }
        }
        results.describe("B6." + e + ".ours_mints", "B6 " + name(engine) + " reconnect storm, pool of "
                + ReconnectStorm.POOL + ": tokens minted by ours (fill + " + plan.b6Trials() + " cuts)");
        ratio("B6." + e + ".ours_vs_wrapper", recovery.get("ours"), recovery.get("wrapper"),
                "B6 " + name(engine) + " reconnect storm: ours / AWS wrapper, time until " + ReconnectStorm.POOL
                        + " connections are live again", "a contender's storm failed; see the b6-*.log files");
    }

    /**
     * Runs a probe that prints {@code READY} when it wants every session cut; answers each with a cut and a line on
     * its standard input. Its standard error goes to the log.
     */
    private Properties interactive(Class<?> main, String name, LocalRds rds, String... args) throws ProbeFailure {
        Path out = work.resolve(name + ".properties");
        Path log = work.resolve(name + ".log");
        List<String> cmd = new ArrayList<>(List.of(javaCommand(), "-Xms512m", "-Xmx512m",
                "-D" + KitInfo.FILE_PROPERTY + "=" + servers.kitFile(), "-cp", System.getProperty("java.class.path"),
                main.getName()));
        cmd.addAll(Arrays.asList(args));
        cmd.add(out.toString());
        try {
            Files.deleteIfExists(out);
            Process process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.to(log.toFile())).start();
            Thread watchdog = new Thread(() -> {
                try {
                    if (!process.waitFor(10, TimeUnit.MINUTES)) {
                        process.destroyForcibly();
                    }
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }, name + "-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
            try (java.io.BufferedReader from = new java.io.BufferedReader(new java.io.InputStreamReader(
                    process.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII));
                 java.io.Writer to = new java.io.OutputStreamWriter(process.getOutputStream(),
                         java.nio.charset.StandardCharsets.US_ASCII)) {
                for (String line = from.readLine(); line != null; line = from.readLine()) {
                    if (line.equals("READY")) {
                        rds.killSessions();
                        to.write("cut\n");
                        to.flush();
                    } else if (line.equals("EXIT")) {
                        break;
                    }
                }
            }
            if (!process.waitFor(1, TimeUnit.MINUTES)) {
                process.destroyForcibly();
            }
            if (!Files.exists(out)) {
                throw new ProbeFailure(main.getSimpleName() + " failed (exit " + process.exitValue() + "); see "
                        + log.getFileName());
            }
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(out)) {
                p.load(in);
            }
            return p;
        } catch (IOException ex) {
            throw new ProbeFailure("cannot run " + main.getSimpleName() + ": " + ex.getMessage());
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new ProbeFailure("interrupted while " + main.getSimpleName() + " ran");
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
                Properties p = probe(DataSourceMemory.class, List.of("-XX:+UseSerialGC", "-Xms256m", "-Xmx256m", "-Djol.magicFieldOffset=true"),
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
            r.target("B1." + e + ".alloc_ours_vs_raw", Results.Op.NEAR_ONE, 0.01);
            r.target("B1." + e + ".ours_vs_raw", Results.Op.NONE, 1);
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
        for (Engine engine : ENGINES) {
            String e = KitInfo.key(engine);
            r.target("B5." + e + ".ours_vs_limit", Results.Op.AT_MOST, 1.15);
            r.target("B5." + e + ".ours_vs_wrapper", Results.Op.AT_MOST, 0.8);
        }
        for (Engine engine : ENGINES) {
            String e = KitInfo.key(engine);
            r.target("B6." + e + ".ours_mints", Results.Op.EXACTLY, 1);
            r.target("B6." + e + ".ours_vs_wrapper", Results.Op.AT_MOST, 0.6);
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

    private static boolean runs(List<String> only, String scenario) {
        return only.isEmpty() || only.contains(scenario);
    }

    private static String javaCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Writes a secret (a token) to a file only the owner can read; it never goes on a command line. */
    private static void writeSecret(Path file, String secret) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, secret, java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static List<Long> longs(String list) {
        List<Long> l = new ArrayList<>();
        if (!list.isBlank()) {
            for (String v : list.split(",")) {
                l.add(Long.parseLong(v));
            }
        }
        return l;
    }

    private static double[] array(List<Double> list) {
        return list == null ? null : toArray(list);
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
