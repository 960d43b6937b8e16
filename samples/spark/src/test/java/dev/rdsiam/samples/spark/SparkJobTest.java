package dev.rdsiam.samples.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The job as a user starts it with no settings: LocalRds, demo data, Spark local[4], both engines. */
class SparkJobTest {

    private static String run(Map<String, String> env, String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = SparkJob.run(args, env, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out).isZero();
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mysql"})
    void offline_readsEveryRowInPartitions_sumsPerRegion_andWritesTheTotals(String engine) {
        String out = run(Map.of(), "--engine=" + engine, "--rows=7000", "--numPartitions=3");

        assertThat(out).contains("starting LocalRds (" + engine + ")")
                .contains("Read 7,000 rows of sales in 3 partitions, wrote 7 totals to sales_by_region")
                // region r holds the ids i = r (mod 7): 1,000 rows each; amounts are (i mod 1000) / 100
                .contains("region=0  rows=1,000  amount=4995.00")
                .contains("IAM tokens minted in this JVM for the job: 1")
                .doesNotContain("X-Amz-Signature");
    }

    @Test
    void badFlag_namesItAndTheFix() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = SparkJob.run(new String[] {"--engine=oracle"}, Map.of(),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .contains("--engine is 'oracle': use --engine=postgresql or --engine=mysql");
    }

    @Test
    void badNumber_namesTheFlagAndTheFix() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = SparkJob.run(new String[] {"--numPartitions=eight"}, Map.of("RDSIAM_HOST", "127.0.0.1",
                "RDSIAM_DATABASE", "orders"), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .contains("--numPartitions is 'eight': use a whole number above 0");
    }
}
