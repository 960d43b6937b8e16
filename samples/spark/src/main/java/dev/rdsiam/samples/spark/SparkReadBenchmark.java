package dev.rdsiam.samples.spark;

import dev.rdsiam.AuthToken;
import dev.rdsiam.jdbc.RdsIamDriver;
import dev.rdsiam.Engine;
import dev.rdsiam.testkit.LocalRds;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Spark reading 1,000,000 rows in 8 partitions from one LocalRds PostgreSQL: through {@code jdbc:rdsiam:} (a token
 * per connection, from one cache) against raw pgjdbc with a static password (one token minted up front, the way
 * jobs do it by hand), both over the same TLS gateway to the same server, alternating in one run. Writes
 * {@code benchmarks/results/spark.json}. Not a test: run it with {@code samples/spark/run-benchmark}.
 *
 * <p>Flags: {@code --rows} (1000000), {@code --partitions} (8), {@code --rounds} (11), {@code --out}.
 */
public final class SparkReadBenchmark {

    private SparkReadBenchmark() {
    }

    /** Runs the benchmark. */
    public static void main(String[] args) throws Exception {
        Map<String, String> flags = new LinkedHashMap<>();
        for (String a : args) {
            if (!a.startsWith("--") || a.indexOf('=') < 0) {
                throw new IllegalArgumentException("unexpected argument '" + a + "': use --key=value");
            }
            flags.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        }
        int rows = Integer.parseInt(flags.getOrDefault("rows", "1000000"));
        int partitions = Integer.parseInt(flags.getOrDefault("partitions", "8"));
        int rounds = Integer.parseInt(flags.getOrDefault("rounds", "11"));
        Path outFile = Path.of(flags.getOrDefault("out", "benchmarks/results/spark.json"));
        PrintStream out = System.out;

        try (LocalRds rds = LocalRds.builder().engine(Engine.POSTGRESQL).start()) {
            Endpoint ours = Endpoint.of(rds);
            try (Connection c = DriverManager.getConnection(ours.url(), ours.connectionPropertiesForDriver());
                    Statement s = c.createStatement()) {
                s.execute("drop table if exists bench");
                s.execute("create table bench as select g::bigint as id, (g % 7)::int as region, "
                        + "((g % 100000) / 100.0)::numeric(12,2) as amount, md5(g::text) as note "
                        + "from generate_series(1, " + rows + ") g");
                s.execute("alter table bench add primary key (id)");
                s.execute("analyze bench");
            }
            // the by-hand way: one token minted up front, passed as a static password to raw pgjdbc
            AuthToken token = RdsIamDriver.dataSourceFor(ours.url(), ours.connectionPropertiesForDriver())
                    .tokenProvider().token();
            Map<String, String> raw = new LinkedHashMap<>();
            raw.put("url", "jdbc:postgresql://" + rds.route().host() + ":" + rds.route().port() + "/"
                    + rds.database() + "?sslmode=verify-ca&sslrootcert=" + rds.caPemFile());
            raw.put("driver", "org.postgresql.Driver");
            raw.put("user", rds.dbUser());
            raw.put("password", token.value());

            SparkSession spark = SparkSession.builder().appName("rdsiam-spark-benchmark")
                    .master("local[" + partitions + "]")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .getOrCreate();
            try {
                Map<String, List<Double>> seconds = new LinkedHashMap<>();
                seconds.put("ours", new ArrayList<>());
                seconds.put("raw", new ArrayList<>());
                Map<String, Map<String, String>> options = Map.of("ours", ours.sparkOptions(), "raw", raw);
                // warm-up: one read each (class loading, JIT, the server's cache)
                for (String who : List.of("ours", "raw")) {
                    read(spark, options.get(who), rows, partitions);
                }
                for (int r = 0; r < rounds; r++) {
                    List<String> order = r % 2 == 0 ? List.of("ours", "raw") : List.of("raw", "ours");
                    for (String who : order) {
                        double t = read(spark, options.get(who), rows, partitions);
                        seconds.get(who).add(t);
                        out.printf(Locale.ROOT, "round %d %-4s %.3f s  %,.0f rows/s%n", r + 1, who, t, rows / t);
                    }
                }
                write(outFile, rows, partitions, rounds, seconds);
                out.println("written to " + outFile);
            } finally {
                spark.stop();
            }
        }
    }

    /** One full read: every row crosses the wire (the sum is computed by Spark, not pushed down). */
    private static double read(SparkSession spark, Map<String, String> options, int rows, int partitions)
            throws SQLException {
        long t0 = System.nanoTime();
        Row r = spark.read().format("jdbc").options(options)
                .option("dbtable", "bench")
                .option("partitionColumn", "id")
                .option("lowerBound", "1")
                .option("upperBound", String.valueOf(rows + 1))
                .option("numPartitions", String.valueOf(partitions))
                .option("fetchsize", "10000")
                .load()
                .agg(functions.count(functions.lit(1)), functions.sum("amount"),
                        functions.sum(functions.length(functions.col("note"))))
                .first();
        double t = (System.nanoTime() - t0) / 1e9;
        if (r.getLong(0) != rows || r.getLong(2) != 32L * rows) {
            throw new SQLException("read " + r.getLong(0) + " rows, expected " + rows);
        }
        return t;
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static void write(Path file, int rows, int partitions, int rounds, Map<String, List<Double>> seconds)
            throws IOException {
        List<Double> o = seconds.get("ours");
        List<Double> w = seconds.get("raw");
        double ours = median(o);
        double raw = median(w);
        List<Double> paired = new ArrayList<>();
        for (int i = 0; i < o.size(); i++) {
            paired.add(o.get(i) / w.get(i));
        }
        double bestOurs = o.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double bestRaw = w.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        StringBuilder sb = new StringBuilder();
        sb.append("{\n");
        sb.append("  \"benchmark\": \"spark.read.jdbc\",\n");
        sb.append("  \"date\": \"").append(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                .append("\",\n");
        sb.append("  \"machine\": \"").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.arch"))
                .append(", ").append(ManagementFactory.getRuntimeMXBean().getVmName()).append(' ')
                .append(System.getProperty("java.version")).append("\",\n");
        sb.append("  \"command\": \"samples/spark/run-benchmark\",\n");
        sb.append("  \"spark\": \"").append(org.apache.spark.package$.MODULE$.SPARK_VERSION()).append("\",\n");
        sb.append("  \"setup\": \"LocalRds PostgreSQL, one server, Spark local[").append(partitions)
                .append("], ").append(rows).append(" rows (bigint, int, numeric(12,2), 32-char text) in ")
                .append(partitions).append(" partitions, fetchsize 10000; ours: jdbc:rdsiam:postgresql: (token per "
                        + "connection from the driver's cache, verify-full against the endpoint name); raw: "
                        + "jdbc:postgresql: with one token minted up front as a static password, sslmode=verify-ca "
                        + "with the same CA; both through the same TLS gateway; one warm-up read each, then "
                        + "alternating rounds\",\n");
        sb.append("  \"rows\": ").append(rows).append(",\n");
        sb.append("  \"partitions\": ").append(partitions).append(",\n");
        sb.append("  \"rounds\": ").append(rounds).append(",\n");
        sb.append("  \"seconds\": {\n");
        sb.append("    \"ours\": ").append(list(seconds.get("ours"))).append(",\n");
        sb.append("    \"raw\": ").append(list(seconds.get("raw"))).append("\n  },\n");
        sb.append(String.format(Locale.ROOT, "  \"median_seconds\": {\"ours\": %.3f, \"raw\": %.3f},%n", ours, raw));
        sb.append(String.format(Locale.ROOT, "  \"rows_per_second\": {\"ours\": %.0f, \"raw\": %.0f},%n",
                rows / ours, rows / raw));
        sb.append(String.format(Locale.ROOT, "  \"best_seconds\": {\"ours\": %.3f, \"raw\": %.3f},%n", bestOurs,
                bestRaw));
        sb.append(String.format(Locale.ROOT, "  \"ratio_ours_vs_raw\": %.4f,%n", ours / raw));
        sb.append(String.format(Locale.ROOT, "  \"ratio_median_of_rounds\": %.4f,%n", median(paired)));
        sb.append(String.format(Locale.ROOT, "  \"ratio_best\": %.4f,%n", bestOurs / bestRaw));
        sb.append("  \"ratio_of_rounds\": ").append(list(paired)).append(",\n");
        sb.append(String.format(Locale.ROOT, "  \"load_average_at_end\": %.2f,%n", load));
        sb.append("  \"target\": \"ratio <= 1.05 (ratio_ours_vs_raw: median over median)\"\n");
        sb.append("}\n");
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    }

    private static String list(List<Double> v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", v.get(i)));
        }
        return sb.append(']').toString();
    }
}
