package dev.rdsiam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rdsiam.Engine;
import dev.rdsiam.diagnostics.CallerIdentity;
import dev.rdsiam.diagnostics.ClockSkew;
import dev.rdsiam.testkit.LocalRds;
import dev.rdsiam.testkit.RejectReason;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * This machine's clock against STS's: LocalRds kits whose clock (STS, the gateway) runs 20 minutes ahead of or
 * behind the real one, which is this machine's clock 20 minutes behind or ahead of AWS's. Their STS answers carry the
 * kit's time in {@code Date} ({@link DateStampingFront}).
 */
class ClockSkewTest {

    /** 20 minutes as measured through a Date header of one-second precision. */
    private static final String ABOUT_20_MIN = "(?:19 min 59 s|20 min [01] s)";

    private static LocalRds ahead;
    private static LocalRds behind;
    private static DateStampingFront aheadSts;
    private static DateStampingFront behindSts;

    @BeforeAll
    static void start() throws IOException {
        ahead = LocalRds.builder().engine(Engine.POSTGRESQL)
                .clock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(20))).start();
        behind = LocalRds.builder().engine(Engine.POSTGRESQL)
                .clock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-20))).start();
        aheadSts = new DateStampingFront(ahead.stsEndpoint(), ahead.clock());
        behindSts = new DateStampingFront(behind.stsEndpoint(), behind.clock());
    }

    @AfterAll
    static void stop() throws IOException {
        aheadSts.close();
        behindSts.close();
        ahead.close();
        behind.close();
    }

    @BeforeEach
    void clean() {
        ahead.clearAuthAttempts();
        behind.clearAuthAttempts();
    }

    /** The kit's environment, its STS behind the front that stamps the kit's time. */
    private static Map<String, String> env(LocalRds rds, DateStampingFront sts) {
        Map<String, String> env = CliKit.env(rds);
        env.put("RDSIAM_STS_ENDPOINT", sts.endpoint().toString());
        return env;
    }

    private static void assertNoSecrets(LocalRds rds, String text) {
        assertThat(text).doesNotContain("X-Amz-Signature").doesNotContain(rds.credentials().secretAccessKey());
    }

    @Test
    void doctor_measuresTheSkew_inTheCredentialsStage_andSaysItAgainWhenTheLoginFails() {
        CliKit.Run run = CliKit.run(env(ahead, aheadSts), "doctor");

        assertThat(run.exit()).as(run.toString()).isEqualTo(17);
        assertThat(run.out()).containsPattern("\\[5/7\\] credentials +WARNING")
                .containsPattern("clock        this machine's clock is " + ABOUT_20_MIN + " behind STS's \\(the Date "
                        + "of its answer\\): tokens signed here are already expired when they arrive")
                .containsPattern("\\[7/7\\] login +FAILED")
                .containsPattern("clock        measured in stage 5: this machine's clock is " + ABOUT_20_MIN
                        + " behind")
                .contains("the clock is check (4) above: fix it first")
                // the account learnt in stage 5 fills the login diagnosis's policy hint
                .contains("rds-db:connect on arn:aws:rds-db:" + ahead.region() + ":" + ahead.accountId() + ":dbuser:")
                .doesNotContain("<ACCOUNT_ID>");
        assertThat(ahead.lastAuthAttempt().reason()).isEqualTo(RejectReason.EXPIRED);
        assertNoSecrets(ahead, run.out() + run.err());
    }

    @Test
    void token_warnsOnStderr_whenThisClockIsBehind() {
        CliKit.Run run = CliKit.run(env(ahead, aheadSts), "token");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith(ahead.identityHost() + ":" + ahead.identityPort() + "/?").hasLineCount(1);
        assertThat(run.err()).containsPattern("^rdsiam token: warning: this machine's clock is " + ABOUT_20_MIN
                + " behind STS's \\(the Date of its answer\\): tokens signed here are already expired when they arrive")
                .contains("set the clock right").hasLineCount(1);
        assertNoSecrets(ahead, run.err());
    }

    @Test
    void env_warnsOnStderr_whenThisClockIsAhead() {
        CliKit.Run run = CliKit.run(env(behind, behindSts), "env", "--ca-file",
                behind.caPemFile().resolveSibling("cli-ca.pem").toString());

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("export PGPASSWORD=");
        assertThat(run.err()).containsPattern("^rdsiam env: warning: this machine's clock is " + ABOUT_20_MIN
                + " ahead of STS's \\(the Date of its answer\\): tokens signed here are dated " + ABOUT_20_MIN
                + " in the future");
        assertNoSecrets(behind, run.err());
    }

    @Test
    void token_noSts_asksNothing_andSaysNothing() {
        CliKit.Run run = CliKit.run(env(ahead, aheadSts), "token", "--no-sts");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty();
    }

    @Test
    void token_withAnUnreachableSts_printsTheToken_withoutAWord() {
        Map<String, String> dropping = CliKit.env(ahead);
        dropping.put("RDSIAM_STS_ENDPOINT", "http://127.0.0.1:" + ahead.droppingRoute().port());

        CliKit.Run run = CliKit.run(dropping, "token");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).startsWith(ahead.identityHost() + ":");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void aRightClock_isSaidInTheDoctor_andSilentInToken() {
        CliKit.rds().faults().reset(); // the shared kit: another class may have left a fault on
        CliKit.Run doctor = CliKit.run(CliKit.env(), "doctor");
        CliKit.Run token = CliKit.run(CliKit.env(), "token");

        assertThat(doctor.exit()).as(doctor.toString()).isZero();
        assertThat(doctor.out()).contains("clock        this machine's clock agrees with STS's (within 2 s");
        assertThat(token.exit()).isZero();
        assertThat(token.err()).isEmpty();
    }

    @Test
    void skewWords_forEachRange() {
        assertThat(ClockSkew.describe(Duration.ofSeconds(1))).contains("agrees");
        assertThat(ClockSkew.describe(Duration.ofSeconds(-150))).contains("2 min 30 s ahead of").contains("fine");
        assertThat(ClockSkew.describe(Duration.ofMinutes(10))).contains("10 min 0 s behind")
                .contains("expire 5 min 0 s after they are printed");
        assertThat(ClockSkew.worthAWarning(Duration.ofMinutes(5))).isFalse();
        assertThat(ClockSkew.worthAWarning(Duration.ofSeconds(-301))).isTrue();
        assertThat(CallerIdentity.parseDate("Tue, 01 Dec 2026 09:12:00 GMT")).hasValueSatisfying(
                i -> assertThat(i.toString()).isEqualTo("2026-12-01T09:12:00Z"));
        assertThat(CallerIdentity.parseDate("yesterday")).isEmpty();
    }
}
