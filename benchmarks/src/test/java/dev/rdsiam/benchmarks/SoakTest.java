package dev.rdsiam.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rdsiam.testkit.LocalRds;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A short soak (about 30 s) with each fault injected once: no work item may be lost to a failed login or connect,
 * tokens are minted within the expected range, credentials come from the kit's STS, the kit holds no session the pool
 * has ended and the heap does not grow.
 */
class SoakTest {

    @AfterAll
    static void stopServers() {
        LocalRds.stopEmbeddedServers();
    }

    @Test
    void impliedMints_oneToken_perReuseWindowWithLogins_andAfterARejection() {
        List<Soak.Login> logins = List.of(new Soak.Login(0, true), new Soak.Login(4_999, true),
                new Soak.Login(5_000, false), new Soak.Login(5_100, true), new Soak.Login(30_000, true));
        assertThat(Soak.impliedMints(logins, Duration.ofSeconds(5), false)).isEqualTo(3);
        assertThat(Soak.impliedMints(logins, Duration.ofSeconds(5), true)).isEqualTo(4);
    }

    @Test
    void shortSoak_eachFaultOnce_losesNothingToLogins_mintsAsExpected_heapBounded() throws Exception {
        Soak.Settings s = Soak.Settings.forSeconds(30, 8);
        s = new Soak.Settings(s.duration(), s.threads(), s.reuseWindow(), s.stsSession(), s.connectionTimeout(),
                Duration.ofSeconds(3), Duration.ofSeconds(6), s.rejectBurst(), Duration.ofMillis(2), s.maxItems(),
                s.heapBoundBytes());
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Soak.Figures f = Soak.run(s, new PrintStream(progress, true, StandardCharsets.UTF_8));
        System.out.print(progress.toString(StandardCharsets.UTF_8));
        System.out.print(f.markdown());

        assertThat(f.faults()).containsKeys("churn", "rejectedTokens", "restart", "killSessions", "stsOutage");
        assertThat(f.done()).isGreaterThan(100);
        assertThat(f.lostToLogin()).as("lost to login: %s", f.loginFailures()).isZero();
        assertThat(f.lostInFlightOutsideFaults()).isZero();
        assertThat(f.loginsRejected()).as("the burst of rejected tokens was met by logins").isPositive();
        assertThat(f.tokensMinted()).isBetween(f.tokensExpectedLow(), f.tokensExpectedHigh());
        assertThat(f.tokensExpectedLow()).isGreaterThanOrEqualTo(2);
        assertThat(f.stsSessions()).as("logins signed with STS session credentials, renewed").isGreaterThan(1);
        assertThat(f.credentialResolutions()).isGreaterThanOrEqualTo(f.tokensMinted());
        assertThat(f.gatewaySessions()).as("sessions the kit still holds (each ended one must be let go)")
                .isLessThanOrEqualTo(s.threads());
        assertThat(f.heapGrowth()).isLessThanOrEqualTo(f.heapBoundBytes());
        assertThat(f.passed()).isTrue();
        assertThat(f.json()).contains("\"lostToLogin\": 0", "\"passed\": true");
    }
}
