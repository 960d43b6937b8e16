package dev.rdsiam.samples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Runs the quickstart end to end, offline, and checks what it tells the user. */
class QuickstartTest {

    private static String[] run(String[] args, Map<String, String> env) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Quickstart.run(args, env, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return new String[] {Integer.toString(code), bytes.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void offline_runsEveryStep_andMintsOneTokenForThePool() {
        String[] r = run(new String[0], Map.of());
        String out = r[1];

        assertThat(r[0]).as(out).isEqualTo("0");
        assertThat(out).contains("starting LocalRds")
                .contains("is an RDS endpoint of type INSTANCE, region us-east-1 (read from the host name)")
                .contains("dialing 127.0.0.1:")
                .contains("static keys")
                .containsPattern("minted for iam_user@localrds\\.[a-z0-9.-]+:5432 in us-east-1: \\d+ characters")
                .containsPattern("TLSv1\\.[23], TLS_")
                .contains("verified against the name localrds.")
                .contains("select current_user, version() -> iam_user | PostgreSQL")
                .contains("borrowed a connection 200 times")
                .contains("IAM tokens minted: 1")
                .doesNotContain("X-Amz-Signature");
    }

    @Test
    void badConfiguration_exitsWith2_andNamesTheKey() {
        String[] r = run(new String[] {"--host=db.example.internal", "--engine=postgresql", "--user=app"}, Map.of());

        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1]).contains("rdsiam.region is required");
    }

    @Test
    void unreachableEndpoint_exitsWith1_andSaysWhy() {
        String[] r = run(new String[] {"--host=db.c0ffee.us-east-1.rds.amazonaws.com", "--engine=postgresql",
            "--user=app", "--connectHost=127.0.0.1", "--connectPort=1", "--accessKeyId=AKIAIOSFODNN7EXAMPLE",
            "--secretAccessKey=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "--connectTimeout=2s"}, Map.of());

        assertThat(r[0]).isEqualTo("1");
        assertThat(r[1]).contains("nothing is listening");
    }
}
