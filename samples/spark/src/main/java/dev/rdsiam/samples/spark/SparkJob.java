package dev.rdsiam.samples.spark;

import dev.rdsiam.RdsIamProperty;
import dev.rdsiam.jdbc.RdsIamDriver;
import dev.rdsiam.testkit.LocalRds;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * A Spark batch job through {@code jdbc:rdsiam:}: reads a table in partitions, sums it per group, and writes the
 * totals back with batched inserts. Every task opens its own connection with a current IAM token over verified TLS;
 * nothing is minted on the driver for the executors.
 *
 * <pre>
 * samples/spark/run                                        # offline: LocalRds (PostgreSQL), 100,000 demo rows
 * samples/spark/run --engine=mysql                         # offline: LocalRds (MySQL)
 * RDSIAM_ENGINE=postgresql RDSIAM_HOST=orders.c0ffee.eu-west-1.rds.amazonaws.com RDSIAM_DATABASE=orders \
 *   RDSIAM_USER=app samples/spark/run --table=sales --lowerBound=1 --upperBound=5000000   # a real endpoint
 * </pre>
 *
 * <p>Flags ({@code --key=value}): {@code engine}, {@code master} (default {@code local[4]}), {@code table}
 * ({@code sales}), {@code partitionColumn} ({@code id}), {@code lowerBound}/{@code upperBound} (default: the
 * column's min and max), {@code numPartitions} (4), {@code fetchsize} (1000), {@code groupBy} ({@code region}),
 * {@code sum} ({@code amount}), {@code target} ({@code <table>_by_<groupBy>}), {@code batchsize} (1000),
 * {@code rows} (demo rows offline). The endpoint comes from the {@code RDSIAM_*} variables (the keys of the
 * configuration table) and AWS credentials from the SDK's chain. Exit codes: 0 success, 1 failure, 2 bad usage.
 */
public final class SparkJob {

    /** Driver class for Spark's {@code driver} option. */
    public static final String DRIVER = "dev.rdsiam.jdbc.RdsIamDriver";

    private SparkJob() {
    }

    /** Runs the job and exits with its code. */
    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out));
    }

    /**
     * Runs the job.
     *
     * @param args {@code --key=value} flags
     * @param env the environment ({@code RDSIAM_*} variables)
     * @param out where to print
     * @return the exit code
     */
    public static int run(String[] args, Map<String, String> env, PrintStream out) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                out.println("usage: samples/spark/run [--engine=postgresql|mysql] [--master=local[4]] [--table=sales]"
                        + " [--partitionColumn=id] [--lowerBound=N --upperBound=N] [--numPartitions=4]"
                        + " [--fetchsize=1000] [--groupBy=region] [--sum=amount] [--target=T] [--batchsize=1000]"
                        + " [--rows=100000]; the endpoint from RDSIAM_* variables, LocalRds when RDSIAM_HOST is unset");
                return 0;
            }
            if (!a.startsWith("--") || a.indexOf('=') < 0) {
                out.println("error: unexpected argument '" + a + "': use --key=value (see --help)");
                return 2;
            }
            flags.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        }
        boolean configured = env.containsKey(RdsIamProperty.HOST.environmentVariable());
        String engine = flags.getOrDefault("engine",
                env.getOrDefault(RdsIamProperty.ENGINE.environmentVariable(), "postgresql")).toLowerCase(Locale.ROOT);
        if (!engine.equals("postgresql") && !engine.equals("mysql")) {
            out.println("error: --engine is '" + engine + "': use --engine=postgresql or --engine=mysql");
            return 2;
        }
        try {
            // every number checked before anything starts or connects
            for (String key : List.of("rows", "numPartitions", "fetchsize", "batchsize")) {
                positive(flags, key, 1);
            }
        } catch (IllegalArgumentException e) {
            out.println("error: " + e.getMessage());
            return 2;
        }
        LocalRds local = null;
        try {
            Endpoint ep;
            if (configured) {
                ep = Endpoint.fromEnvironment(engine, env);
            } else {
                out.println("No endpoint configured (RDSIAM_HOST): starting LocalRds (" + engine + "), an offline "
                        + "RDS-like IAM endpoint, with demo data.");
                local = LocalRds.builder().engine(engine.equals("mysql") ? dev.rdsiam.Engine.MYSQL
                        : dev.rdsiam.Engine.POSTGRESQL).start();
                ep = Endpoint.of(local);
                int rows = positive(flags, "rows", 100_000);
                DemoSales.create(ep, rows);
                out.printf("Demo table sales: %,d rows.%n", rows);
            }
            return job(ep, flags, out);
        } catch (IllegalArgumentException e) {
            out.println("error: " + e.getMessage());
            return 2;
        } catch (SQLException | RuntimeException e) {
            out.println("failed: " + e.getMessage());
            return 1;
        } finally {
            if (local != null) {
                local.close();
            }
        }
    }

    private static int job(Endpoint ep, Map<String, String> flags, PrintStream out) throws SQLException {
        String table = flags.getOrDefault("table", "sales");
        String column = flags.getOrDefault("partitionColumn", "id");
        String groupBy = flags.getOrDefault("groupBy", "region");
        String sum = flags.getOrDefault("sum", "amount");
        String target = flags.getOrDefault("target", table + "_by_" + groupBy);
        int partitions = positive(flags, "numPartitions", 4);
        SparkSession spark = SparkSession.builder().appName("rdsiam-spark-sample")
                .master(flags.getOrDefault("master", "local[" + partitions + "]"))
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", String.valueOf(partitions))
                .getOrCreate();
        try {
            String lower = flags.get("lowerBound");
            String upper = flags.get("upperBound");
            if (lower == null || upper == null) {
                Row b = spark.read().format("jdbc").options(ep.sparkOptions())
                        .option("query", "select min(" + column + ") lo, max(" + column + ") hi from " + table)
                        .load().first();
                lower = String.valueOf(b.get(0));
                upper = String.valueOf(Long.parseLong(String.valueOf(b.get(1))) + 1);
            }
            long t0 = System.nanoTime();
            Dataset<Row> rows = spark.read().format("jdbc").options(ep.sparkOptions())
                    .option("dbtable", table)
                    .option("partitionColumn", column)
                    .option("lowerBound", lower)
                    .option("upperBound", upper)
                    .option("numPartitions", String.valueOf(partitions))
                    .option("fetchsize", flags.getOrDefault("fetchsize", "1000"))
                    .load();
            Dataset<Row> totals = rows.groupBy(groupBy)
                    .agg(functions.count(functions.lit(1)).as("row_count"), functions.sum(sum).as("total"))
                    .orderBy(groupBy);
            totals.cache();
            List<Row> result = totals.collectAsList();
            Properties write = ep.connectionProperties();
            write.setProperty("batchsize", flags.getOrDefault("batchsize", "1000"));
            totals.write().mode(SaveMode.Overwrite).jdbc(ep.url(), target, write);
            double seconds = (System.nanoTime() - t0) / 1e9;
            long total = 0;
            for (Row r : result) {
                out.printf("  %s=%s  rows=%,d  %s=%s%n", groupBy, r.get(0), r.getLong(1), sum, r.get(2));
                total += r.getLong(1);
            }
            out.printf("Read %,d rows of %s in %d partitions, wrote %d totals to %s, in %.1f s.%n", total, table,
                    partitions, result.size(), target, seconds);
            out.printf("IAM tokens minted in this JVM for the job: %d (one cache per URL and property set; each "
                    + "task's connection logged in with it)%n",
                    RdsIamDriver.dataSourceFor(ep.url(), ep.connectionPropertiesForDriver()).status()
                            .tokensMinted());
            return 0;
        } finally {
            spark.stop();
        }
    }

    private static int positive(Map<String, String> flags, String key, int dflt) {
        String v = flags.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--" + key + " is '" + v + "': use a whole number above 0");
    }

    /** The demo data for offline runs. */
    static final class DemoSales {

        private DemoSales() {
        }

        static void create(Endpoint ep, int rows) throws SQLException {
            try (Connection c = DriverManager.getConnection(ep.url(), ep.connectionPropertiesForDriver());
                    Statement s = c.createStatement()) {
                s.execute("drop table if exists sales");
                s.execute("create table sales (id bigint primary key, region int not null, "
                        + "amount decimal(12,2) not null)");
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement("insert into sales values (?, ?, ?)")) {
                    for (int i = 1; i <= rows; i++) {
                        ps.setLong(1, i);
                        ps.setInt(2, i % 7);
                        ps.setBigDecimal(3, BigDecimal.valueOf(i % 1000, 2));
                        ps.addBatch();
                        if (i % 5000 == 0 || i == rows) {
                            ps.executeBatch();
                        }
                    }
                }
                c.commit();
            }
        }
    }
}
