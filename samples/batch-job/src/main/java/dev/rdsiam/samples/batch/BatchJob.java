package dev.rdsiam.samples.batch;

import dev.rdsiam.Engine;
import dev.rdsiam.RdsIam;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.RdsIamProperty;
import dev.rdsiam.Trust;
import dev.rdsiam.jdbc.RdsIamDataSource;
import dev.rdsiam.testkit.LocalRds;
import java.io.BufferedWriter;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A passwordless batch job: {@code export} runs a query and writes its rows to a CSV file; {@code load} inserts a
 * CSV file into a table in one transaction. It logs in with an IAM token over verified TLS, like any client of the
 * library; with no endpoint configured it starts LocalRds and demo tables, so it runs offline.
 *
 * <pre>
 * java -jar batch-job.jar export --out=orders.csv                 # offline: LocalRds with demo data
 * RDSIAM_ENGINE=postgresql RDSIAM_HOST=orders.cluster-c0ffee.eu-west-1.rds.amazonaws.com RDSIAM_DATABASE=orders \
 * RDSIAM_USER=reporting java -jar batch-job.jar export --sql="select * from orders" --out=orders.csv
 * </pre>
 *
 * <p>Exit codes: 0 done; 1 the work failed (connection, SQL or file), with the library's diagnosis; 2 usage or
 * configuration error, nothing was done. Progress and errors go to stderr; stdout carries data only with
 * {@code --out=-}.
 */
public final class BatchJob {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private static final Set<String> JOB_OPTIONS = Set.of("sql", "out", "table", "in", "fetchSize", "batchSize",
            "queryTimeout", "progressEvery");
    private static final Pattern SIMPLE_IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    private BatchJob() {
    }

    /**
     * Runs the job. On success {@code main} simply returns and the JVM ends by itself: neither the library nor the
     * job leaves a thread running. On failure it exits with the code.
     */
    public static void main(String[] args) {
        int code = run(args, System.getenv(), System.out, System.err);
        System.out.flush();
        if (code != OK) {
            System.exit(code);
        }
    }

    /**
     * Runs the job.
     *
     * @param args   the command ({@code export} or {@code load}) and {@code --key=value} flags: job options and the
     *               keys of the configuration table
     * @param env    the environment ({@code RDSIAM_*} variables)
     * @param stdout where {@code --out=-} writes the CSV
     * @param err    progress, summary and errors
     * @return the exit code
     */
    public static int run(String[] args, Map<String, String> env, OutputStream stdout, PrintStream err) {
        Invocation inv;
        try {
            inv = Invocation.parse(args, env);
        } catch (UsageException e) {
            err.println("error: " + e.getMessage());
            err.println("usage: java -jar batch-job.jar export|load [--key=value ...]   (--help for more)");
            return USAGE;
        }
        if (inv == null) {
            usage(err);
            return OK;
        }
        LocalRds local = null;
        try {
            RdsIamConfig.Builder b = RdsIamConfig.builder();
            if (inv.offline) {
                err.println("No endpoint configured (RDSIAM_HOST or --host): starting LocalRds, an offline RDS-like "
                        + "IAM endpoint with an embedded PostgreSQL.");
                local = LocalRds.builder().engine(dev.rdsiam.Engine.POSTGRESQL).start();
                b.engine(Engine.POSTGRESQL).host(local.identityHost()).port(local.identityPort())
                        .database(local.database()).user(local.dbUser())
                        .connectHost(local.route().host()).connectPort(local.route().port())
                        .trust(Trust.PEM).trustPem(local.caPemFile())
                        .accessKeyId(local.credentials().accessKeyId())
                        .secretAccessKey(local.credentials().secretAccessKey());
            }
            RdsIamConfig config;
            try {
                if (!inv.offline) {
                    b.environment(env);
                }
                inv.settings.forEach(b::set);
                config = withDriverDefaults(b.name("batch-job").build(), inv.options);
            } catch (IllegalArgumentException e) {
                err.println("error: " + e.getMessage());
                return USAGE;
            }
            try (RdsIamDataSource ds = RdsIam.dataSource(config)) {
                if (local != null) {
                    DemoData.create(ds, err);
                }
                return inv.command.equals("export") ? export(ds, inv.options, stdout, err) : load(ds, inv.options, err);
            }
        } catch (SQLException e) {
            err.println("error: " + describe(e));
            return FAILED;
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            return FAILED;
        } catch (UncheckedIOException e) {
            err.println("error: " + e.getMessage());
            return FAILED;
        } finally {
            if (local != null) {
                local.close();
            }
        }
    }

    /**
     * Bounds every read with a socket timeout a little over the query timeout (a dead peer cannot hang the job) and
     * turns on batched inserts; PostgreSQL also gets untyped string parameters, so that CSV text is cast by the
     * server to each column's type. Keys the user set are kept.
     */
    private static RdsIamConfig withDriverDefaults(RdsIamConfig config, Options o) {
        Map<String, String> given = config.driverProperties();
        Map<String, String> defaults = new LinkedHashMap<>();
        long socketSeconds = o.queryTimeout.toSeconds() + 30;
        if (config.engine() == Engine.POSTGRESQL) {
            defaults.put("socketTimeout", Long.toString(socketSeconds));
            defaults.put("reWriteBatchedInserts", "true");
            defaults.put("stringtype", "unspecified");
        } else {
            defaults.put("socketTimeout", Long.toString(socketSeconds * 1000));
            defaults.put("rewriteBatchedStatements", "true");
        }
        RdsIamConfig.Builder b = config.toBuilder();
        defaults.forEach((k, v) -> {
            if (!given.containsKey(k)) {
                b.driverProperty(k, v);
            }
        });
        return b.build();
    }

    private static int export(RdsIamDataSource ds, Options o, OutputStream stdout, PrintStream err)
            throws SQLException, IOException {
        boolean toStdout = o.out.equals("-");
        Path target = toStdout ? null : Path.of(o.out).toAbsolutePath();
        Path part = toStdout ? null : target.resolveSibling(target.getFileName() + ".part");
        Progress progress = new Progress(err, "export", o.progressEvery);
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false); // pgjdbc fetches through a cursor only inside a transaction
            c.setReadOnly(true);
            OutputStream sink = toStdout ? new KeepOpen(stdout) : Files.newOutputStream(part);
            try (CsvWriter csv = new CsvWriter(new BufferedWriter(new OutputStreamWriter(sink,
                    StandardCharsets.UTF_8), 1 << 16));
                    PreparedStatement s = c.prepareStatement(o.sql, ResultSet.TYPE_FORWARD_ONLY,
                            ResultSet.CONCUR_READ_ONLY)) {
                // Connector/J streams row by row only with this marker value
                s.setFetchSize(ds.config().engine() == Engine.MYSQL ? Integer.MIN_VALUE : o.fetchSize);
                s.setQueryTimeout(seconds(o.queryTimeout));
                try (ResultSet r = s.executeQuery()) {
                    ResultSetMetaData md = r.getMetaData();
                    int n = md.getColumnCount();
                    List<String> header = new ArrayList<>(n);
                    for (int i = 1; i <= n; i++) {
                        header.add(md.getColumnLabel(i));
                    }
                    csv.record(header);
                    while (r.next()) {
                        for (int i = 1; i <= n; i++) {
                            csv.field(r.getString(i));
                        }
                        csv.endRecord();
                        progress.add(1);
                    }
                }
            }
            c.commit();
        } catch (SQLException | IOException e) {
            if (part != null) {
                Files.deleteIfExists(part);
            }
            throw e;
        }
        if (!toStdout) {
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        progress.finish("written to " + (toStdout ? "stdout" : target));
        return OK;
    }

    private static int load(RdsIamDataSource ds, Options o, PrintStream err) throws SQLException, IOException {
        Progress progress = new Progress(err, "load", o.progressEvery);
        Path in = Path.of(o.in);
        try (CsvReader csv = new CsvReader(Files.newBufferedReader(in, StandardCharsets.UTF_8));
                Connection c = ds.getConnection()) {
            List<String> header = csv.next();
            if (header == null || header.contains(null)) {
                throw new CsvReader.CsvFormatException(in + ": the first line must name the columns, one per field");
            }
            String quote = c.getMetaData().getIdentifierQuoteString().trim();
            List<String> columns = new ArrayList<>();
            for (String h : header) {
                columns.add(identifier(h, quote));
            }
            StringBuilder table = new StringBuilder();
            for (String part : o.table.split("\\.", -1)) {
                table.append(table.length() == 0 ? "" : ".").append(identifier(part, quote));
            }
            String sql = "insert into " + table + " (" + String.join(", ", columns) + ") values ("
                    + String.join(", ", Collections.nCopies(columns.size(), "?")) + ")";
            c.setAutoCommit(false);
            boolean committed = false;
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setQueryTimeout(seconds(o.queryTimeout));
                int pending = 0;
                while (true) {
                    long line = csv.line();
                    List<String> record = csv.next();
                    if (record == null) {
                        break;
                    }
                    if (record.size() != columns.size()) {
                        throw new CsvReader.CsvFormatException(in + " line " + line + ": " + record.size()
                                + " fields, but the header names " + columns.size() + " columns; nothing was loaded");
                    }
                    for (int i = 0; i < record.size(); i++) {
                        String v = record.get(i);
                        if (v == null) {
                            s.setNull(i + 1, Types.VARCHAR);
                        } else {
                            s.setString(i + 1, v);
                        }
                    }
                    s.addBatch();
                    if (++pending == o.batchSize) {
                        s.executeBatch();
                        progress.add(pending);
                        pending = 0;
                    }
                }
                if (pending > 0) {
                    s.executeBatch();
                    progress.add(pending);
                }
                c.commit();
                committed = true;
            } finally {
                if (!committed) {
                    rollbackQuietly(c);
                }
            }
        }
        progress.finish("loaded into " + o.table + " (one transaction, committed)");
        return OK;
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is closed next; the server rolls back an open transaction anyway
        }
    }

    /** A simple name stays as written (the database folds its case as usual); anything else is quoted. */
    private static String identifier(String name, String quote) {
        if (SIMPLE_IDENTIFIER.matcher(name).matches() || quote.isEmpty()) {
            return name;
        }
        return quote + name.replace(quote, quote + quote) + quote;
    }

    private static int seconds(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (d.toMillis() + 999) / 1000));
    }

    /** The message (which carries the library's diagnosis), the SQLState, and the real cause of a failed batch. */
    static String describe(SQLException e) {
        StringBuilder sb = new StringBuilder(String.valueOf(e.getMessage()));
        if (e.getSQLState() != null) {
            sb.append(" [SQLState ").append(e.getSQLState()).append(']');
        }
        if (e instanceof BatchUpdateException && e.getNextException() != null) {
            sb.append(System.lineSeparator()).append("  caused by: ").append(e.getNextException().getMessage());
        }
        return sb.toString();
    }

    private static void usage(PrintStream err) {
        err.println("usage: java -jar batch-job.jar export|load [--key=value ...]");
        err.println();
        err.println("  export   run --sql and write the rows to --out (a CSV file, or - for stdout)");
        err.println("  load     insert the CSV file --in into --table, in one transaction");
        err.println();
        err.println("  --sql=SELECT...        the query to export            (offline default: all of orders)");
        err.println("  --out=FILE|-           the CSV to write               (offline default: orders.csv)");
        err.println("  --in=FILE              the CSV to load; its first line names the columns (default: orders.csv)");
        err.println("  --table=NAME           the table to load into         (offline default: orders_import)");
        err.println("  --fetchSize=N          rows fetched per round trip    (default 1000)");
        err.println("  --batchSize=N          rows inserted per round trip   (default 1000)");
        err.println("  --queryTimeout=D       bound on each statement        (default 10m; e.g. 30s, 2h)");
        err.println("  --progressEvery=D      progress line interval         (default 5s)");
        err.println();
        err.println("  With no host it starts LocalRds (offline) with demo tables. Connection keys, also as");
        err.println("  RDSIAM_* environment variables:");
        for (RdsIamProperty p : RdsIamProperty.values()) {
            err.printf("    --%-20s %s%n", p.key() + "=", p.environmentVariable());
        }
        err.println();
        err.println("  Exit codes: 0 done, 1 the work failed (connection, SQL, file), 2 usage or configuration error.");
    }

    private static Duration duration(String key, String v) throws UsageException {
        Matcher m = DURATION.matcher(v.trim().toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            switch (m.group(2)) {
                case "ms":
                    return Duration.ofMillis(n);
                case "s":
                    return Duration.ofSeconds(n);
                case "m":
                    return Duration.ofMinutes(n);
                default:
                    return Duration.ofHours(n);
            }
        }
        try {
            return Duration.parse(v.trim());
        } catch (DateTimeParseException e) {
            throw new UsageException("--" + key + "=" + v + " is not a duration: use e.g. 500ms, 30s, 10m, 2h");
        }
    }

    private static int positive(String key, String v) throws UsageException {
        try {
            int n = Integer.parseInt(v.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--" + key + "=" + v + " must be a positive number");
    }

    /** What to do: the command, the job's options, the connection settings, and whether to run offline. */
    private static final class Invocation {
        final String command;
        final Options options;
        final Map<String, String> settings;
        final boolean offline;

        private Invocation(String command, Options options, Map<String, String> settings, boolean offline) {
            this.command = command;
            this.options = options;
            this.settings = settings;
            this.offline = offline;
        }

        /** @return the invocation, or {@code null} for {@code --help} */
        static Invocation parse(String[] args, Map<String, String> env) throws UsageException {
            String command = null;
            Map<String, String> job = new LinkedHashMap<>();
            Map<String, String> settings = new LinkedHashMap<>();
            for (String a : args) {
                if (a.equals("--help") || a.equals("-h")) {
                    return null;
                }
                if (!a.startsWith("--")) {
                    if (command != null) {
                        throw new UsageException("unexpected argument '" + a + "': one command, then --key=value flags");
                    }
                    if (!a.equals("export") && !a.equals("load")) {
                        throw new UsageException("unknown command '" + a + "': use export or load");
                    }
                    command = a;
                    continue;
                }
                int eq = a.indexOf('=');
                if (eq < 0) {
                    throw new UsageException("flag '" + a + "' has no value: use --key=value");
                }
                String key = a.substring(2, eq);
                (JOB_OPTIONS.contains(key) ? job : settings).put(key, a.substring(eq + 1));
            }
            if (command == null) {
                throw new UsageException("no command: use export or load");
            }
            String envHost = env.get(RdsIamProperty.HOST.environmentVariable());
            boolean offline = !settings.containsKey("host") && (envHost == null || envHost.isEmpty());
            return new Invocation(command, Options.of(command, job, offline), settings, offline);
        }
    }

    /** The job's own options, validated before anything connects. */
    private static final class Options {
        final String sql;
        final String out;
        final String table;
        final String in;
        final int fetchSize;
        final int batchSize;
        final Duration queryTimeout;
        final Duration progressEvery;

        private Options(Map<String, String> m, String command, boolean offline) throws UsageException {
            this.sql = m.getOrDefault("sql", offline ? "select * from orders order by id" : null);
            this.out = m.getOrDefault("out", offline ? "orders.csv" : null);
            this.table = m.getOrDefault("table", offline ? "orders_import" : null);
            this.in = m.getOrDefault("in", offline ? "orders.csv" : null);
            this.fetchSize = m.containsKey("fetchSize") ? positive("fetchSize", m.get("fetchSize")) : 1000;
            this.batchSize = m.containsKey("batchSize") ? positive("batchSize", m.get("batchSize")) : 1000;
            this.queryTimeout = m.containsKey("queryTimeout") ? duration("queryTimeout", m.get("queryTimeout"))
                    : Duration.ofMinutes(10);
            this.progressEvery = m.containsKey("progressEvery") ? duration("progressEvery", m.get("progressEvery"))
                    : Duration.ofSeconds(5);
            if (command.equals("export") && (sql == null || sql.isBlank() || out == null || out.isBlank())) {
                throw new UsageException("export needs --sql=QUERY and --out=FILE (or --out=- for stdout)");
            }
            if (command.equals("load")) {
                if (table == null || table.isBlank() || in == null || in.isBlank()) {
                    throw new UsageException("load needs --table=NAME and --in=FILE");
                }
                if (!Files.isReadable(Path.of(in))) {
                    throw new UsageException("cannot read --in=" + in + (offline && !m.containsKey("in")
                            ? ": run export first, it writes orders.csv" : ""));
                }
            }
        }

        static Options of(String command, Map<String, String> m, boolean offline) throws UsageException {
            return new Options(m, command, offline);
        }
    }

    /** A mistake in the command line: reported with exit code 2 before anything connects. */
    private static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** Lets the CSV writer close its stack without closing stdout. */
    private static final class KeepOpen extends FilterOutputStream {
        KeepOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
