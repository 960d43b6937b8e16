package dev.rdsiam.samples.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rdsiam.testkit.AuthAttempt;
import dev.rdsiam.testkit.LocalRds;
import dev.rdsiam.testkit.LocalRdsExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Runs the job end to end against LocalRds (real pgjdbc, real PostgreSQL) and checks the data it moved. */
class BatchJobTest {

    /** Shares the embedded PostgreSQL (and database appdb) with the kit the job starts itself when offline. */
    @RegisterExtension
    static final LocalRdsExtension RDS = LocalRdsExtension.postgres();

    private record Result(int code, String stdout, String stderr) {
    }

    private static Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BatchJob.run(args, env, out, new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The kit as a real endpoint would be given: identity host plus route, trust, keys. */
    private static List<String> endpointFlags(LocalRds rds) {
        return List.of("--engine=postgresql", "--host=" + rds.identityHost(), "--port=" + rds.identityPort(),
                "--connectHost=" + rds.route().host(), "--connectPort=" + rds.route().port(),
                "--database=" + rds.database(), "--user=" + rds.dbUser(), "--trust=pem",
                "--trustPem=" + rds.caPemFile(), "--accessKeyId=" + rds.credentials().accessKeyId(),
                "--secretAccessKey=" + rds.credentials().secretAccessKey());
    }

    private static String[] args(String command, List<String> endpoint, String... more) {
        List<String> all = new ArrayList<>();
        all.add(command);
        all.addAll(endpoint);
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }

    private static Connection admin(LocalRds rds) throws SQLException {
        return DriverManager.getConnection(rds.backendJdbcUrl(), rds.backendAdminUser(), rds.backendAdminPassword());
    }

    private static long count(LocalRds rds, String sql) throws SQLException {
        try (Connection c = admin(rds); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    private static List<List<String>> readCsv(String text) throws IOException {
        List<List<String>> records = new ArrayList<>();
        try (CsvReader r = new CsvReader(new StringReader(text))) {
            for (List<String> rec = r.next(); rec != null; rec = r.next()) {
                records.add(rec);
            }
        }
        return records;
    }

    @Test
    void offline_exportThenLoad_movesEveryRowExactly(@TempDir Path dir, LocalRds rds) throws Exception {
        Path csv = dir.resolve("orders.csv");

        Result export = run(Map.of(), "export", "--out=" + csv, "--progressEvery=0s", "--fetchSize=500");

        assertThat(export.code).as(export.stderr).isZero();
        assertThat(export.stderr).contains("starting LocalRds")
                .contains("export: " + DemoData.ROWS + " rows in ")
                .contains("written to " + csv.toAbsolutePath())
                .doesNotContain("X-Amz-Signature");
        assertThat(export.stdout).isEmpty();
        assertThat(dir.resolve("orders.csv.part")).doesNotExist();
        String text = Files.readString(csv, StandardCharsets.UTF_8);
        assertThat(text).startsWith("id,customer,amount,note,ordered_at\r\n")
                .containsPattern("\r\n5,customer-5,36\\.55,\"gift, wrapped \"\"nicely\"\"\",2026-01-01 \\d\\d:05:00")
                .containsPattern("\r\n6,customer-6,43\\.86,,2026-01-01 ")
                .containsPattern("\r\n7,customer-7,51\\.17,\"two\nlines\",2026-01-01 ")
                .containsPattern("\r\n8,customer-8,58\\.48,\"\",2026-01-01 ");
        List<List<String>> records = readCsv(text);
        assertThat(records).hasSize(DemoData.ROWS + 1);
        assertThat(records.get(6)).containsExactly("6", "customer-6", "43.86", null,
                records.get(6).get(4));
        // a progress line per fetched batch at --progressEvery=0s
        assertThat(export.stderr.lines().filter(l -> l.startsWith("export: ") && l.endsWith("...")).count())
                .isGreaterThan(1);

        Result load = run(Map.of(), "load", "--in=" + csv, "--batchSize=2000");

        assertThat(load.code).as(load.stderr).isZero();
        assertThat(load.stderr).contains("load: " + DemoData.ROWS + " rows in ")
                .contains("loaded into orders_import (one transaction, committed)");
        // same rows, NULL and '' kept apart, amounts and instants exact
        assertThat(count(rds, "select count(*) from orders_import")).isEqualTo(DemoData.ROWS);
        assertThat(count(rds, "select count(*) from (select * from orders except select * from orders_import) d"))
                .isZero();
        assertThat(count(rds, "select count(*) from orders_import where note is null")).isEqualTo(DemoData.ROWS / 5);
        assertThat(count(rds, "select count(*) from orders_import where note = ''")).isEqualTo(DemoData.ROWS / 5);
    }

    @Test
    void endpointFromEnvironmentAndFlags_exportsAndLoads_withIamLoginsOverTls(@TempDir Path dir, LocalRds rds)
            throws Exception {
        try (Connection c = admin(rds); Statement s = c.createStatement()) {
            s.execute("drop table if exists people");
            s.execute("create table people (id int primary key, name text not null, born date, score numeric)");
            s.execute("grant all on table people to " + rds.dbUser());
        }
        Path in = dir.resolve("people.csv");
        Files.writeString(in, "id,name,born,score\n1,Ada,1815-12-10,99.5\n2,\"Smith, \"\"J\"\"\",,\n"
                + "3,Zoë,2001-02-03,-1\r\n", StandardCharsets.UTF_8);

        Result load = run(Map.of(), args("load", endpointFlags(rds), "--table=public.people", "--in=" + in,
                "--batchSize=2"));

        assertThat(load.code).as(load.stderr).isZero();
        assertThat(load.stderr).doesNotContain("starting LocalRds").contains("load: 3 rows in ");
        assertThat(count(rds, "select count(*) from people where born is null and score is null "
                + "and name = 'Smith, \"J\"'")).isEqualTo(1);
        assertThat(count(rds, "select count(*) from people where name = 'Zoë' and born = date '2001-02-03'"))
                .isEqualTo(1);

        // the same endpoint from RDSIAM_* variables; the CSV to stdout
        Map<String, String> env = Map.ofEntries(Map.entry("RDSIAM_ENGINE", "postgresql"),
                Map.entry("RDSIAM_HOST", rds.identityHost()),
                Map.entry("RDSIAM_CONNECT_HOST", rds.route().host()),
                Map.entry("RDSIAM_CONNECT_PORT", Integer.toString(rds.route().port())),
                Map.entry("RDSIAM_DATABASE", rds.database()), Map.entry("RDSIAM_USER", rds.dbUser()),
                Map.entry("RDSIAM_TRUST", "pem"), Map.entry("RDSIAM_TRUST_PEM", rds.caPemFile().toString()),
                Map.entry("RDSIAM_ACCESS_KEY_ID", rds.credentials().accessKeyId()),
                Map.entry("RDSIAM_SECRET_ACCESS_KEY", rds.credentials().secretAccessKey()));

        Result export = run(env, "export", "--sql=select id, name, score from people order by id", "--out=-");

        assertThat(export.code).as(export.stderr).isZero();
        assertThat(export.stdout).isEqualTo("id,name,score\r\n1,Ada,99.5\r\n2,\"Smith, \"\"J\"\"\",\r\n3,Zoë,-1\r\n");
        List<AuthAttempt> attempts = rds.authAttempts();
        assertThat(attempts).hasSize(2).allSatisfy(a -> {
            assertThat(a.accepted()).isTrue();
            assertThat(a.tlsProtocol()).startsWith("TLSv1.");
        });
    }

    @Test
    void load_rollsBackEverything_whenARowFails(@TempDir Path dir, LocalRds rds) throws Exception {
        try (Connection c = admin(rds); Statement s = c.createStatement()) {
            s.execute("drop table if exists tags");
            s.execute("create table tags (id int primary key, tag text)");
            s.execute("grant all on table tags to " + rds.dbUser());
        }
        Path in = dir.resolve("tags.csv");
        Files.writeString(in, "id,tag\n1,a\n2,b\n3,c\n2,again\n5,e\n", StandardCharsets.UTF_8);

        Result load = run(Map.of(), args("load", endpointFlags(rds), "--table=tags", "--in=" + in, "--batchSize=2"));

        assertThat(load.code).isEqualTo(BatchJob.FAILED);
        assertThat(load.stderr).contains("error: ").contains("duplicate key").contains("[SQLState ");
        assertThat(count(rds, "select count(*) from tags")).isZero();
    }

    @Test
    void load_refusesARaggedFile_beforeCommittingAnything(@TempDir Path dir, LocalRds rds) throws Exception {
        try (Connection c = admin(rds); Statement s = c.createStatement()) {
            s.execute("drop table if exists tags2");
            s.execute("create table tags2 (id int primary key, tag text)");
            s.execute("grant all on table tags2 to " + rds.dbUser());
        }
        Path in = dir.resolve("tags.csv");
        Files.writeString(in, "id,tag\n1,a\n2,\"multi\nline\"\n3\n", StandardCharsets.UTF_8);

        Result load = run(Map.of(), args("load", endpointFlags(rds), "--table=tags2", "--in=" + in));

        assertThat(load.code).isEqualTo(BatchJob.FAILED);
        assertThat(load.stderr).contains("line 5: 1 fields, but the header names 2 columns; nothing was loaded");
        assertThat(count(rds, "select count(*) from tags2")).isZero();
    }

    @Test
    void usageAndConfigurationErrors_exitWith2_beforeConnecting(@TempDir Path dir) {
        assertThat(run(Map.of()).code).isEqualTo(BatchJob.USAGE);
        assertThat(run(Map.of(), "import").stderr).contains("unknown command 'import': use export or load");
        assertThat(run(Map.of(), "export", "--fetchSize=many").stderr)
                .contains("--fetchSize=many must be a positive number");

        Result typo = run(Map.of(), "export", "--host=db.c0ffee.us-east-1.rds.amazonaws.com", "--engine=postgresql",
                "--user=app", "--conectHost=127.0.0.1", "--sql=select 1", "--out=-");
        assertThat(typo.code).isEqualTo(BatchJob.USAGE);
        assertThat(typo.stderr).contains("did you mean 'rdsiam.connectHost'");

        Result noRegion = run(Map.of(), "export", "--host=db.example.internal", "--engine=postgresql", "--user=app",
                "--sql=select 1", "--out=-");
        assertThat(noRegion.code).isEqualTo(BatchJob.USAGE);
        assertThat(noRegion.stderr).contains("rdsiam.region is required");

        Result missingSql = run(Map.of("RDSIAM_HOST", "db.c0ffee.us-east-1.rds.amazonaws.com"), "export");
        assertThat(missingSql.code).isEqualTo(BatchJob.USAGE);
        assertThat(missingSql.stderr).contains("export needs --sql=QUERY and --out=FILE");

        Result noFile = run(Map.of(), "load", "--in=" + dir.resolve("absent.csv"));
        assertThat(noFile.code).isEqualTo(BatchJob.USAGE);
        assertThat(noFile.stderr).contains("cannot read --in=");

        assertThat(run(Map.of(), "--help").code).isZero();
    }

    @Test
    void unreachableEndpoint_exitsWith1_withTheDiagnosis(@TempDir Path dir) {
        Result r = run(Map.of(), "export", "--host=db.c0ffee.us-east-1.rds.amazonaws.com", "--engine=postgresql",
                "--user=app", "--connectHost=127.0.0.1", "--connectPort=1", "--connectTimeout=2s",
                "--accessKeyId=AKIAIOSFODNN7EXAMPLE", "--secretAccessKey=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                "--sql=select 1", "--out=" + dir.resolve("x.csv"));

        assertThat(r.code).isEqualTo(BatchJob.FAILED);
        assertThat(r.stderr).contains("nothing is listening").contains("[SQLState 08");
        assertThat(dir.resolve("x.csv")).doesNotExist();
        assertThat(dir.resolve("x.csv.part")).doesNotExist();
    }
}
