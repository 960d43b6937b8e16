package dev.rdsiam.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rdsiam.RdsIamProperty;
import dev.rdsiam.jdbc.RdsIamDriver;
import dev.rdsiam.testkit.AuthAttempt;
import dev.rdsiam.testkit.LocalRds;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.datasources.jdbc.JDBCOptions;
import org.apache.spark.sql.jdbc.JdbcDialect;
import org.apache.spark.sql.jdbc.JdbcDialects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Spark {@code local[4,2]} (4 task threads, a failed task tried twice) reading and writing through
 * {@code jdbc:rdsiam:} against LocalRds, PostgreSQL and MySQL: real pgjdbc, Connector/J, servers and Spark.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkJdbcTest {

    static final int ROWS = 20_000;
    static final int PARTITIONS = 4;
    static final Path LOG = Path.of(System.getProperty("rdsiam.spark.log", "target/spark-test.log"));
    static final Pattern TOKEN = Pattern.compile("(?i)X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token");

    LocalRds pg;
    LocalRds my;
    Kit pgKit;
    Kit myKit;
    SparkSession spark;
    /** Byte ranges of the log written while a test ran Spark without our dialect's factory on purpose. */
    final List<long[]> withoutOurs = new ArrayList<>();

    @BeforeAll
    void start() throws SQLException {
        pg = LocalRds.builder().engine(dev.rdsiam.Engine.POSTGRESQL).start();
        my = LocalRds.builder().engine(dev.rdsiam.Engine.MYSQL).start();
        pgKit = Kit.of(pg);
        myKit = Kit.of(my);
        for (Kit k : List.of(pgKit, myKit)) {
            seed(k);
        }
        spark = SparkSession.builder().master("local[" + PARTITIONS + ",2]").appName("rdsiam-spark-test")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.sql.session.timeZone", "UTC")
                .getOrCreate();
    }

    @AfterAll
    void stop() {
        if (spark != null) {
            spark.stop();
        }
        for (LocalRds r : Arrays.asList(pg, my)) {
            if (r != null) {
                r.close();
            }
        }
    }

    /** Runs a check with our dialect unregistered; the log it writes is left out of the final scan. */
    private void withoutOurDialect(Kit k, Class<? extends RdsIamDialect> expected, Runnable check) {
        JdbcDialect ours = JdbcDialects.get(k.url());
        assertThat(ours).isInstanceOf(expected);
        long from = logSize();
        JdbcDialects.unregisterDialect(ours);
        try {
            check.run();
        } finally {
            JdbcDialects.registerDialect(ours);
            withoutOurs.add(new long[] {from, logSize()});
        }
        assertThat(JdbcDialects.get(k.url())).isSameAs(ours);
    }

    private static long logSize() {
        try {
            return Files.size(LOG);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    Stream<Kit> kits() {
        return Stream.of(pgKit, myKit);
    }

    private static void seed(Kit k) throws SQLException {
        try (Connection c = k.connect(); Statement s = c.createStatement()) {
            s.execute("drop table if exists sales");
            s.execute("drop table if exists kinds");
            s.execute("create table sales (id bigint primary key, region int not null, amount decimal(12,2) not null)");
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("insert into sales values (?, ?, ?)")) {
                for (int i = 1; i <= ROWS; i++) {
                    ps.setLong(1, i);
                    ps.setInt(2, i % 7);
                    ps.setBigDecimal(3, BigDecimal.valueOf(i % 1000, 2));
                    ps.addBatch();
                    if (i % 5000 == 0) {
                        ps.executeBatch();
                    }
                }
            }
            c.commit();
            c.setAutoCommit(true);
            if (k.postgres()) {
                s.execute("create table kinds (id int primary key, \"MixedCase\" varchar(40), at timestamptz, "
                        + "amount numeric(20,4), payload bytea, flag boolean)");
            } else {
                s.execute("create table kinds (id int primary key, MixedCase varchar(40), at datetime(6), "
                        + "amount decimal(20,4), payload blob, flag boolean) default charset=utf8mb4");
            }
            try (PreparedStatement ps = c.prepareStatement("insert into kinds values (?, ?, ?, ?, ?, ?)")) {
                for (int i = 0; i < KIND_ROWS.length; i++) {
                    Object[] r = KIND_ROWS[i];
                    ps.setInt(1, i + 1);
                    ps.setString(2, (String) r[0]);
                    ps.setTimestamp(3, Timestamp.from((Instant) r[1]));
                    ps.setBigDecimal(4, (BigDecimal) r[2]);
                    ps.setBytes(5, (byte[]) r[3]);
                    ps.setBoolean(6, (Boolean) r[4]);
                    ps.executeUpdate();
                }
            }
        }
    }

    static final Object[][] KIND_ROWS = {
        {"it's \"quoted\"", Instant.parse("2026-03-29T01:30:00.123456Z"), new BigDecimal("1234567890123456.7891"),
            new byte[] {0, 1, 2, (byte) 0xff}, true},
        {"Ünïcode ✓", Instant.parse("1999-12-31T23:59:59Z"), new BigDecimal("-0.0001"), new byte[0], false},
    };

    private Dataset<Row> readSales(Kit k) {
        return spark.read().format("jdbc")
                .option("url", k.url())
                .options(options(k))
                .option("dbtable", "sales")
                .option("partitionColumn", "id")
                .option("lowerBound", "1")
                .option("upperBound", String.valueOf(ROWS + 1))
                .option("numPartitions", String.valueOf(PARTITIONS))
                .option("fetchsize", "1000")
                .load();
    }

    private static Map<String, String> options(Kit k) {
        Map<String, String> m = new HashMap<>();
        k.props().forEach((key, v) -> m.put((String) key, (String) v));
        return m;
    }

    private static JDBCOptions jdbcOptions(Map<String, String> opts) {
        return new JDBCOptions(scala.collection.immutable.Map$.MODULE$.from(CollectionConverters.asScala(opts)));
    }

    private static Object[] expectedTotals(Kit k, int region) throws SQLException {
        try (Connection c = k.connect(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select count(*), sum(amount) from sales where region = " + region)) {
            r.next();
            return new Object[] {r.getLong(1), r.getBigDecimal(2)};
        }
    }

    private static List<AuthAttempt> accepted(List<AuthAttempt> attempts) {
        return attempts.stream().filter(AuthAttempt::accepted).toList();
    }

    @Order(1)
    @ParameterizedTest
    @MethodSource("kits")
    void read_inPartitions_everyRowOnce_partitionsLogInConcurrentlyWithOneTokenPerJvm(Kit k) throws Exception {
        Dataset<Row> df = readSales(k);
        assertThat(df.rdd().getNumPartitions()).isEqualTo(PARTITIONS);
        Duration delay = Duration.ofMillis(1500);
        k.rds().clearAuthAttempts();
        k.rds().faults().authDelay(delay);
        long t0 = System.nanoTime();
        List<Long> ids;
        try {
            ids = df.select("id").as(Encoders.LONG()).collectAsList();
        } finally {
            k.rds().faults().authDelay(Duration.ZERO);
        }
        long elapsed = Duration.ofNanos(System.nanoTime() - t0).toMillis();

        assertThat(ids).hasSize(ROWS).doesNotHaveDuplicates();
        assertThat(ids.stream().mapToLong(Long::longValue).sum()).isEqualTo((long) ROWS * (ROWS + 1) / 2);
        List<AuthAttempt> attempts = k.rds().authAttempts().stream()
                .sorted(java.util.Comparator.comparing(AuthAttempt::time)).toList();
        // Spark's driver reads the database metadata once when it plans the job, then the four tasks log in
        assertThat(attempts).hasSize(1 + PARTITIONS).allSatisfy(a -> {
            assertThat(a.accepted()).as("token accepted").isTrue();
            assertThat(a.tls()).isTrue();
            assertThat(a.passwordReceived()).isTrue();
            assertThat(a.accessKeyId()).isEqualTo(k.rds().credentials().accessKeyId());
            assertThat(a.user()).isEqualTo(k.rds().dbUser());
        });
        // each login waits 1.5 s at the server: one after another they would span 4.5 s and more
        List<AuthAttempt> tasks = attempts.subList(1, attempts.size());
        assertThat(Duration.between(tasks.get(0).time(), tasks.get(PARTITIONS - 1).time())).isLessThan(delay);
        assertThat(elapsed).isLessThan(3 * delay.toMillis() + 3000);
        // the schema query on the driver and the four tasks: one token, minted once in this JVM
        assertThat(RdsIamDriver.dataSourceFor(k.url(), k.connectionProps()).status().tokensMinted())
                .isEqualTo(1);
    }

    @Order(2)
    @ParameterizedTest
    @MethodSource("kits")
    void aggregate_isRight_andIsWrittenBackWithBatchedInserts(Kit k) throws Exception {
        Dataset<Row> totals = readSales(k).groupBy("region")
                .agg(org.apache.spark.sql.functions.count("id").as("orders"),
                        org.apache.spark.sql.functions.sum("amount").as("revenue"));
        java.util.Properties wp = new java.util.Properties();
        wp.putAll(k.props());
        wp.setProperty("batchsize", "2");
        totals.write().mode(SaveMode.Overwrite).jdbc(k.url(), "sales_by_region", wp);

        try (Connection c = k.connect(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select region, orders, revenue from sales_by_region order by region")) {
            int n = 0;
            while (r.next()) {
                Object[] want = expectedTotals(k, r.getInt(1));
                assertThat(r.getLong(2)).isEqualTo(want[0]);
                assertThat(r.getBigDecimal(3)).isEqualByComparingTo((BigDecimal) want[1]);
                n++;
            }
            assertThat(n).isEqualTo(7);
        }
        assertThat(RdsIamDriver.dataSourceFor(k.url(), k.connectionProps()).status().tokensMinted())
                .isEqualTo(1);
    }

    @Order(3)
    @ParameterizedTest
    @MethodSource("kits")
    void taskFailingOnItsFirstAttempt_isRetriedBySpark_andLogsInAgainWithAValidToken(Kit k) {
        Dataset<Row> df = readSales(k);
        k.rds().clearAuthAttempts();
        MapPartitionsFunction<Row, Long> failFirstAttemptOfPartition0 = rows -> {
            TaskContext t = TaskContext.get();
            List<Long> out = new ArrayList<>();
            while (rows.hasNext()) {
                out.add(rows.next().getLong(0));
                if (t.partitionId() == 0 && t.attemptNumber() == 0 && out.size() == 10) {
                    throw new IllegalStateException("fault injected into the first attempt of partition 0");
                }
            }
            return out.iterator();
        };
        List<Long> ids = df.select("id").mapPartitions(failFirstAttemptOfPartition0, Encoders.LONG())
                .collectAsList();

        assertThat(ids).hasSize(ROWS).doesNotHaveDuplicates();
        List<AuthAttempt> attempts = k.rds().authAttempts();
        assertThat(attempts).as("the driver's metadata read, four tasks and the retry of one").hasSize(PARTITIONS + 2)
                .allSatisfy(a -> assertThat(a.accepted()).isTrue());
    }

    @Order(3)
    @Test
    void rejectedLogin_failsTheJob_withTheDriversSqlException_andNoSecret() {
        Kit k = pgKit;
        Dataset<Row> df = readSales(k);
        k.rds().faults().rejectAllTokens(true);
        Throwable failure;
        try {
            failure = org.assertj.core.api.Assertions.catchThrowable(() -> df.count());
        } finally {
            k.rds().faults().rejectAllTokens(false);
        }
        assertThat(failure).isNotNull();
        Throwable t = failure;
        SQLException sql = null;
        while (t != null && sql == null) {
            if (t instanceof SQLException e) {
                sql = e;
            }
            t = t.getCause();
        }
        assertThat((Throwable) sql).as("the driver's SQLException, as Spark's own factory would pass it").isNotNull();
        assertThat(sql.getSQLState()).as("an authentication failure").startsWith("28");
        StringBuilder all = new StringBuilder();
        for (Throwable c = failure; c != null; c = c.getCause()) {
            all.append(c).append('\n');
        }
        assertThat(all.toString()).doesNotContain(k.secret());
        assertThat(TOKEN.matcher(all).find()).isFalse();
    }

    // ---- the dialect: types, quoting, fetching --------------------------------------------------------------

    private Dataset<Row> readKinds(Kit k, String table) {
        return spark.read().format("jdbc").option("url", k.url()).options(options(k)).option("dbtable", table)
                .load().orderBy("id");
    }

    private static void assertKinds(List<Row> rows, boolean wholeSeconds) {
        assertThat(rows).hasSize(KIND_ROWS.length);
        for (int i = 0; i < KIND_ROWS.length; i++) {
            Row r = rows.get(i);
            Object[] want = KIND_ROWS[i];
            assertThat(r.<String>getAs("MixedCase")).isEqualTo(want[0]);
            Instant at = (Instant) want[1];
            assertThat(r.<Timestamp>getAs("at").toInstant())
                    .isEqualTo(wholeSeconds ? at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) : at);
            assertThat(r.<BigDecimal>getAs("amount")).isEqualByComparingTo((BigDecimal) want[2]);
            assertThat(r.<byte[]>getAs("payload")).isEqualTo(want[3]);
            assertThat(r.<Boolean>getAs("flag")).isEqualTo(want[4]);
        }
    }

    @Order(4)
    @ParameterizedTest
    @MethodSource("kits")
    void dialectColumns_roundTrip_readAndWrittenBack(Kit k) throws SQLException {
        try (Connection c = k.connect(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("select at from kinds order by id")) {
            r.next();
            assertThat(r.getTimestamp(1).toInstant()).as("stored as seeded").isEqualTo(KIND_ROWS[0][1]);
        }
        Dataset<Row> df = readKinds(k, "kinds");
        assertThat(df.schema().fieldNames()).containsExactly("id", "MixedCase", "at", "amount", "payload", "flag");
        assertKinds(df.collectAsList(), false);

        java.util.Properties wp = new java.util.Properties();
        wp.putAll(k.props());
        if (!k.postgres()) {
            wp.setProperty("createTableOptions", "default charset=utf8mb4");
        }
        df.write().mode(SaveMode.Overwrite).jdbc(k.url(), "kinds_copy", wp);
        // Spark's MySQL dialect creates TimestampType columns as TIMESTAMP, whole seconds (as for jdbc:mysql: URLs)
        assertKinds(readKinds(k, "kinds_copy").collectAsList(), !k.postgres());

        // the table Spark created has the engine's types, chosen by Spark's dialect for the engine
        Map<String, String> types = new HashMap<>();
        String sql = k.postgres()
                ? "select column_name, data_type from information_schema.columns where table_name = 'kinds_copy'"
                : "select column_name, column_type from information_schema.columns where table_name = 'kinds_copy'"
                        + " and table_schema = database()";
        try (Connection c = k.connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                types.put(r.getString(1), r.getString(2).toLowerCase(java.util.Locale.ROOT));
            }
        }
        if (k.postgres()) {
            assertThat(types).containsEntry("MixedCase", "text").containsEntry("payload", "bytea")
                    .containsEntry("flag", "boolean").containsEntry("at", "timestamp with time zone")
                    .containsEntry("amount", "numeric");
        } else {
            assertThat(types).containsEntry("MixedCase", "longtext").containsEntry("payload", "blob")
                    .containsEntry("flag", "bit(1)").containsEntry("amount", "decimal(20,4)");
            assertThat(types).containsEntry("at", "timestamp");
        }
    }

    @Order(5)
    @Test
    void withoutOurDialect_mysqlQuotesNamesAsStrings_andTheReadFails() {
        Kit k = myKit;
        withoutOurDialect(k, RdsIamMysqlDialect.class, () -> {
            // Spark's generic dialect sends SELECT "id",... : MySQL reads "id" as the string 'id'
            assertThatThrownBy(() -> readKinds(k, "kinds").collectAsList())
                    .hasStackTraceContaining("Cannot determine value type from string 'id'");
            List<String> values = spark.read().format("jdbc").option("url", k.url()).options(options(k))
                    .option("dbtable", "kinds").load().select("MixedCase").as(Encoders.STRING()).collectAsList();
            assertThat(values).hasSize(KIND_ROWS.length).containsOnly("MixedCase");
        });
        assertThat(readKinds(k, "kinds").select("MixedCase").as(Encoders.STRING()).collectAsList())
                .containsExactly((String) KIND_ROWS[0][0], (String) KIND_ROWS[1][0]);
    }

    @Order(6)
    @Test
    void withoutOurDialect_postgresWriteOfBinaryFails() {
        Kit k = pgKit;
        Dataset<Row> df = readKinds(k, "kinds");
        withoutOurDialect(k, RdsIamPostgresDialect.class, () ->
                // the generic dialect writes BinaryType as BLOB, a type PostgreSQL does not have
                assertThatThrownBy(() -> df.write().mode(SaveMode.Overwrite).jdbc(k.url(), "kinds_generic",
                        k.props())).hasStackTraceContaining("type \"blob\" does not exist"));
    }

    @Order(7)
    @ParameterizedTest
    @MethodSource("kits")
    void fetchsize_streamsOnPostgres_asSparksOwnDialectArranges(Kit k) throws SQLException {
        Map<String, String> opts = new HashMap<>(options(k));
        opts.put("url", k.url());
        opts.put("dbtable", "sales");
        opts.put("fetchsize", "1000");
        JDBCOptions jdbcOptions = jdbcOptions(opts);
        JdbcDialect generic = JdbcDialects.get("jdbc:unknown-to-spark:");
        try (Connection c = k.connect(); Connection d = k.connect()) {
            JdbcDialects.get(k.url()).beforeFetch(c, jdbcOptions);
            generic.beforeFetch(d, jdbcOptions);
            // pgjdbc fetches in chunks only outside autocommit; Connector/J streams by fetch size regardless
            assertThat(c.getAutoCommit()).isEqualTo(!k.postgres());
            assertThat(d.getAutoCommit()).isTrue();
        }
    }

    // ---- nothing secret in Spark's output ------------------------------------------------------------------

    @Order(8)
    @Test
    void sparksBasicProvider_wouldLogTheStaticKey_atDebug_whichIsWhyOurDialectConnectsItself() throws IOException {
        Kit k = pgKit;
        Map<String, String> opts = new HashMap<>(options(k));
        opts.put("url", k.url());
        opts.put("dbtable", "sales");
        JDBCOptions jdbcOptions = jdbcOptions(opts);
        long from = logSize();
        JdbcDialect sparks = JdbcDialects.get("jdbc:postgresql:");
        try (Connection c = sparks.createConnectionFactory(jdbcOptions).apply(-1)) {
            assertThat(c.isValid(5)).isTrue();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        long to = logSize();
        withoutOurs.add(new long[] {from, to});
        String control = slice(from, to);
        assertThat(control).contains("JDBC connection initiated").contains(k.secret());

        // ours, same options: connected, and the line (with the key) is not written
        long ourFrom = logSize();
        try (Connection c = JdbcDialects.get(k.url()).createConnectionFactory(jdbcOptions).apply(-1)) {
            assertThat(c.isValid(5)).isTrue();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        assertThat(slice(ourFrom, logSize())).doesNotContain("JDBC connection initiated").doesNotContain(k.secret());
    }

    private static String slice(long from, long to) throws IOException {
        byte[] all = Files.readAllBytes(LOG);
        return new String(all, (int) from, (int) (to - from), StandardCharsets.UTF_8);
    }

    @Order(9)
    @Test
    void redactionRegex_coversEverySecretKeyOfOurs() {
        Pattern redact = Pattern.compile(spark.sparkContext().conf().get("spark.redaction.regex",
                "(?i)secret|password|token|access[.]?key"));
        for (RdsIamProperty p : RdsIamProperty.values()) {
            if (p.isSecret()) {
                assertThat(redact.matcher(p.prefixedKey()).find()).as(p.prefixedKey()).isTrue();
            }
        }
    }

    @Order(10)
    @ParameterizedTest
    @MethodSource("kits")
    void explainAndOptions_showNoSecret(Kit k) {
        Dataset<Row> df = readSales(k).groupBy("region").count();
        String plan = df.queryExecution().explainString(org.apache.spark.sql.execution.ExplainMode.fromString(
                "extended"));
        String formatted = df.queryExecution().explainString(org.apache.spark.sql.execution.ExplainMode.fromString(
                "formatted"));
        assertThat(plan).contains("JDBCRelation(sales)");
        assertThat(plan + formatted).doesNotContain(k.secret());
        assertThat(TOKEN.matcher(plan + formatted).find()).isFalse();
    }

    @Order(11)
    @Test
    void writeCommandAsSparkShowsIt_redactsOurKeys() throws Exception {
        Kit k = pgKit;
        java.util.concurrent.CompletableFuture<String> plan = new java.util.concurrent.CompletableFuture<>();
        org.apache.spark.sql.util.QueryExecutionListener listener =
                new org.apache.spark.sql.util.QueryExecutionListener() {
                    @Override
                    public void onSuccess(String f, org.apache.spark.sql.execution.QueryExecution qe, long ns) {
                        String text = qe.toString();
                        if (text.contains("SaveIntoDataSourceCommand")) {
                            plan.complete(text);
                        }
                    }

                    @Override
                    public void onFailure(String f, org.apache.spark.sql.execution.QueryExecution qe, Exception e) {
                        plan.completeExceptionally(e);
                    }
                };
        spark.listenerManager().register(listener);
        String text;
        try {
            readKinds(k, "kinds").write().mode(SaveMode.Overwrite).jdbc(k.url(), "kinds_plan", k.props());
            text = plan.get(60, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            spark.listenerManager().unregister(listener);
        }
        // what the SQL tab and the event log show for the write (option keys in lower case): the keys, not the values
        assertThat(text).contains("SaveIntoDataSourceCommand")
                .contains("rdsiam.secretaccesskey -> *********(redacted)")
                .contains("rdsiam.accesskeyid -> *********(redacted)")
                .contains("url -> *********(redacted)")
                .doesNotContain(k.secret()).doesNotContain(k.rds().credentials().accessKeyId());
        assertThat(TOKEN.matcher(text).find()).isFalse();

        // the same rule for the session token and the key id, which this run does not use
        Map<String, String> opts = Map.of("rdsiam.sessionToken", "IQoJb3JpZ2luX2VjEXAMPLETOKEN",
                "rdsiam.accessKeyId", "AKIAIOSFODNN7EXAMPLE", "rdsiam.region", "eu-west-1");
        Map<String, String> shown = CollectionConverters.asJava(org.apache.spark.sql.internal.SQLConf.get()
                .redactOptions(scala.collection.immutable.Map$.MODULE$.from(CollectionConverters.asScala(opts))));
        assertThat(shown).containsEntry("rdsiam.sessionToken", "*********(redacted)")
                .containsEntry("rdsiam.accessKeyId", "*********(redacted)")
                .containsEntry("rdsiam.region", "eu-west-1");
    }

    @Order(100)
    @Test
    void theWholeSparkLog_carriesNoTokenOrSecret() throws IOException {
        byte[] all = Files.readAllBytes(LOG);
        String log = new String(all, StandardCharsets.UTF_8);
        assertThat(log).as("the log is captured").contains("SparkContext").contains("jdbc:rdsiam:")
                .contains("Generated JDBC query to fetch data");
        java.io.ByteArrayOutputStream kept = new java.io.ByteArrayOutputStream();
        long at = 0;
        for (long[] w : withoutOurs) {
            kept.write(all, (int) at, (int) (w[0] - at));
            at = w[1];
        }
        kept.write(all, (int) at, (int) (all.length - at));
        String scanned = kept.toString(StandardCharsets.UTF_8);
        assertThat(withoutOurs).as("the checks without our dialect ran").hasSize(3);
        for (Kit k : List.of(pgKit, myKit)) {
            assertThat(scanned).doesNotContain(k.secret());
        }
        assertThat(TOKEN.matcher(scanned).find()).as("a token in the log").isFalse();
        assertThat(accepted(pg.authAttempts()).size() + accepted(my.authAttempts()).size()).isPositive();
    }
}
