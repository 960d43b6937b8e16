package dev.rdsiam.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/**
 * {@code Main --engine postgresql --cluster} in its own JVM: the facts on stdout, then one answer line per command
 * read from stdin, a bad command answered without stopping the kit, and a client reaching the new writer through
 * the cluster endpoint's route after {@code failover}.
 */
@Tag("postgresql")
class StandaloneClusterTest {

    @Test
    void clusterMode_printsTheFacts_andAnswersCommands() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process p = new ProcessBuilder(List.of(java, "-cp", classPath, Main.class.getName(), "--engine", "postgresql",
                "--cluster", "--instances", "2"))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
            Map<String, String> facts = new LinkedHashMap<>();
            long start = System.nanoTime();
            while (!facts.containsKey("RDSIAM_ROUTES")) {
                String line = out.readLine();
                assertThat(line).as("a fact line before the end of output").isNotNull();
                int eq = line.indexOf('=');
                facts.put(line.substring(0, eq), line.substring(eq + 1));
            }
            System.out.printf("STARTUP standalone LocalAurora, 2 instances, to the printed lines: %d ms%n",
                    (System.nanoTime() - start) / 1_000_000);
            String[] instances = facts.get("RDSIAM_INSTANCE_HOSTS").split(",");
            assertThat(instances).hasSize(2);
            assertThat(facts.get("RDSIAM_HOST")).isEqualTo(facts.get("RDSIAM_CLUSTER_HOST"));
            assertThat(facts.get("RDSIAM_ROUTES")).startsWith(facts.get("RDSIAM_CLUSTER_HOST") + "=127.0.0.1:"
                    + facts.get("RDSIAM_CONNECT_PORT") + "," + facts.get("RDSIAM_READER_HOST") + "=127.0.0.1:");

            assertThat(ask(in, out, "status")).isEqualTo("ok status " + instances[0] + "=writer," + instances[1]
                    + "=reader");
            assertThat(ask(in, out, "promote everything")).startsWith("error unknown command 'promote'");
            assertThat(ask(in, out, "restart " + instances[1])).isEqualTo("ok restart " + instances[1]);
            assertThat(ask(in, out, "failover")).isEqualTo("ok failover writer=" + instances[1]);

            String cluster = facts.get("RDSIAM_CLUSTER_HOST");
            String token = SdkTokens.token(cluster, 5432, facts.get("RDSIAM_USER"), facts.get("RDSIAM_REGION"),
                    AwsBasicCredentials.create(facts.get("AWS_ACCESS_KEY_ID"), facts.get("AWS_SECRET_ACCESS_KEY")));
            Properties props = new Properties();
            props.setProperty("user", facts.get("RDSIAM_USER"));
            props.setProperty("password", token);
            props.setProperty("sslmode", "verify-full");
            props.setProperty("sslrootcert", facts.get("RDSIAM_TRUST_PEM"));
            props.setProperty("socketFactory", RoutesPgSocketFactory.class.getName());
            props.setProperty("socketFactoryArg", facts.get("RDSIAM_ROUTES"));
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + cluster + ":5432/"
                    + facts.get("RDSIAM_DATABASE"), props);
                 Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT pg_catalog.aurora_db_instance_identifier(), "
                         + "pg_catalog.pg_is_in_recovery()")) {
                rs.next();
                assertThat(instances[1]).startsWith(rs.getString(1) + ".");
                assertThat(rs.getBoolean(2)).isFalse();
            }
            assertThat(ask(in, out, "reset")).isEqualTo("ok reset " + instances[0] + "=writer," + instances[1]
                    + "=reader");
        } finally {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private static String ask(Writer in, BufferedReader out, String command) throws Exception {
        in.write(command + "\n");
        in.flush();
        return out.readLine();
    }
}
