package dev.rdsiam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rdsiam.testkit.AuthAttempt;
import dev.rdsiam.testkit.LocalRds;
import dev.rdsiam.testkit.Route;
import dev.rdsiam.testkit.ServerCertificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code rdsiam doctor} against LocalRds: every stage passes when healthy; each fault stops at its own stage. */
class DoctorTest {

    private final LocalRds rds = CliKit.rds();

    @BeforeEach
    void clean() {
        rds.faults().reset();
        rds.clearAuthAttempts();
    }

    private static Map<String, String> env(String... overrides) {
        Map<String, String> env = CliKit.env();
        for (int i = 0; i < overrides.length; i += 2) {
            if (overrides[i + 1] == null) {
                env.remove(overrides[i]);
            } else {
                env.put(overrides[i], overrides[i + 1]);
            }
        }
        return env;
    }

    /** Nothing secret on stderr or in the report. */
    private void assertNoSecrets(CliKit.Run run) {
        String secret = rds.credentials().secretAccessKey();
        assertThat(run.err()).doesNotContain(secret).doesNotContain("X-Amz-Signature");
        assertThat(run.out()).doesNotContain(secret).doesNotContain("X-Amz-Signature");
    }

    @Test
    void healthyEndpoint_passesEveryStage_andExitsZero() {
        CliKit.UNRESOLVED.clear();
        CliKit.Run run = CliKit.run(env(), "doctor");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out())
                .containsPattern("\\[1/7\\] configuration +ok")
                .containsPattern("\\[2/7\\] dns +ok")
                .containsPattern("\\[3/7\\] tcp +ok")
                .containsPattern("\\[4/7\\] tls +ok")
                .containsPattern("\\[5/7\\] credentials +ok")
                .containsPattern("\\[6/7\\] token +ok")
                .containsPattern("\\[7/7\\] login +ok")
                .contains("a DB instance endpoint")
                .contains("region       " + rds.region() + " (from the host name)")
                .contains("route host 127.0.0.1 is an IP address: no lookup")
                .contains("endpoint " + rds.identityHost() + " does not resolve from here: fine")
                .contains("PostgreSQL SSLRequest (80877103) answered 'S'")
                .contains("verified     against the name " + rds.identityHost() + " (not the route 127.0.0.1)")
                .contains("caller       arn:aws:iam::" + rds.accountId() + ":user/")
                .contains("rds-db:connect on arn:aws:rds-db:" + rds.region() + ":" + rds.accountId()
                        + ":dbuser:<DbiResourceId, db-...>/" + rds.dbUser())
                .contains("signed for   " + rds.dbUser() + "@" + rds.identityHost() + ":" + rds.identityPort())
                .contains("select 1     returned 1")
                .contains("All 7 stages passed.");
        // the key id masked as everywhere else (Redaction.maskKeyId), in the configuration and credentials stages
        String keyId = rds.credentials().accessKeyId();
        String masked = keyId.substring(0, 4) + "…" + keyId.substring(keyId.length() - 4);
        assertThat(run.out()).contains("credentials  static keys " + masked)
                .contains("access key   " + masked + " (long-term keys)").doesNotContain(keyId);
        assertThat(CliKit.UNRESOLVED).allMatch(h -> h.equals(rds.identityHost()));
        assertThat(rds.authAttempts()).anyMatch(AuthAttempt::accepted);
        assertNoSecrets(run);
    }

    @Test
    @SuppressWarnings("unchecked")
    void json_isOneObject_withEveryStage() {
        CliKit.Run run = CliKit.run(env(), "doctor", "--json");

        assertThat(run.exit()).as(run.toString()).isZero();
        Map<String, Object> report = (Map<String, Object>) JsonReader.parse(run.out());
        assertThat(report).containsEntry("ok", true).containsEntry("exitCode", 0L);
        List<Map<String, Object>> stages = (List<Map<String, Object>>) report.get("stages");
        assertThat(stages).extracting(s -> s.get("name")).containsExactly("configuration", "dns", "tcp", "tls",
                "credentials", "token", "login");
        assertThat(stages).allSatisfy(s -> {
            assertThat(s.get("status")).isEqualTo("ok");
            assertThat((String) s.get("detail")).isNotBlank();
            assertThat((Long) s.get("elapsedMs")).isNotNegative();
        });
        assertThat((String) stages.get(3).get("detail")).contains("TLSv1.");
        assertNoSecrets(run);
    }

    @Test
    @SuppressWarnings("unchecked")
    void droppedPackets_failTcp_withSecurityGroup_within_theTimeout() {
        Route dropping = rds.droppingRoute();
        long start = System.nanoTime();

        CliKit.Run run = CliKit.run(env("RDSIAM_CONNECT_PORT", Integer.toString(dropping.port()),
                "RDSIAM_CONNECT_TIMEOUT", "1s"), "doctor", "--json");

        assertThat(run.exit()).as(run.toString()).isEqualTo(13);
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(6_000);
        Map<String, Object> report = (Map<String, Object>) JsonReader.parse(run.out());
        List<Map<String, Object>> stages = (List<Map<String, Object>>) report.get("stages");
        assertThat(stages.get(2)).containsEntry("name", "tcp").containsEntry("status", "failed");
        assertThat((String) stages.get(2).get("detail")).contains("timed out").contains("security group")
                .contains("inbound TCP " + dropping.port());
        assertThat(stages.subList(3, 7)).allSatisfy(s -> assertThat(s.get("status")).isEqualTo("skipped"));
        assertThat(report).containsEntry("ok", false).containsEntry("exitCode", 13L);
    }

    @Test
    void refused_failsTcp_nothingListening() {
        Route refused = rds.refusedRoute();

        CliKit.Run run = CliKit.run(env("RDSIAM_CONNECT_PORT", Integer.toString(refused.port())), "doctor");

        assertThat(run.exit()).as(run.toString()).isEqualTo(13);
        assertThat(run.out()).containsPattern("\\[3/7\\] tcp +FAILED")
                .contains("nothing is listening at 127.0.0.1:" + refused.port())
                .containsPattern("\\[4/7\\] tls +SKIPPED")
                .contains("Stage 3 (tcp) failed; exit code 13.");
    }

    @Test
    void untrustedCertificate_failsTls_beforeAnyTokenIsSent() {
        rds.faults().certificate(ServerCertificate.UNTRUSTED_CA);

        CliKit.Run run = CliKit.run(env(), "doctor");

        assertThat(run.exit()).as(run.toString()).isEqualTo(14);
        assertThat(run.out()).containsPattern("\\[4/7\\] tls +FAILED")
                .contains("not issued by any CA in " + rds.caPemFile())
                .containsPattern("\\[5/7\\] credentials +SKIPPED");
        assertThat(rds.authAttempts()).noneMatch(AuthAttempt::passwordReceived);
    }

    @Test
    void wrongHostName_failsTls_namingTheEndpoint() {
        rds.faults().certificate(ServerCertificate.WRONG_HOST);

        CliKit.Run run = CliKit.run(env(), "doctor");

        assertThat(run.exit()).as(run.toString()).isEqualTo(14);
        assertThat(run.out()).contains("does not name " + rds.identityHost()).contains("rdsiam.connectHost");
    }

    @Test
    void rejectedToken_failsLogin_withTheRdsIamGrant() {
        rds.faults().rejectAllTokens(true);

        CliKit.Run run = CliKit.run(env(), "doctor");

        assertThat(run.exit()).as(run.toString()).isEqualTo(17);
        assertThat(run.out()).containsPattern("\\[6/7\\] token +ok").containsPattern("\\[7/7\\] login +FAILED")
                .contains("GRANT rds_iam TO \"" + rds.dbUser() + "\"")
                .contains("(SQLState 28000)")
                // the account stage 5 learnt from sts:GetCallerIdentity fills the policy hint of the diagnosis
                .contains("allows rds-db:connect on arn:aws:rds-db:" + rds.region() + ":" + rds.accountId()
                        + ":dbuser:<DbiResourceId, db-...>/" + rds.dbUser() + ";")
                .doesNotContain("<ACCOUNT_ID>")
                .contains("clock        measured in stage 5: this machine's clock agrees with STS's");
        assertNoSecrets(run);
    }

    @Test
    void rejectedToken_withoutSts_keepsThePlaceholder_andSaysTheClockWasNotMeasured() {
        rds.faults().rejectAllTokens(true);

        CliKit.Run run = CliKit.run(env(), "doctor", "--no-sts");

        assertThat(run.exit()).as(run.toString()).isEqualTo(17);
        assertThat(run.out()).contains("clock        not measured (--no-sts)")
                .contains("rds-db:connect on arn:aws:rds-db:" + rds.region() + ":<ACCOUNT_ID>:dbuser:")
                .doesNotContain("measured in stage 5");
        assertNoSecrets(run);
    }

    @Test
    void proxyWithoutCredentials_failsLogin_withSecretsManagerAdvice() {
        rds.faults().proxyNoCredentials(true);

        CliKit.Run run = CliKit.run(env("RDSIAM_HOST", rds.proxyHost()), "doctor");

        assertThat(run.exit()).as(run.toString()).isEqualTo(17);
        assertThat(run.out()).contains("an RDS Proxy endpoint").contains("has no credentials for the role")
                .contains("Secrets Manager secret for this user");
    }

    @Test
    void serverClockAhead_failsLogin_namingTheClock() {
        rds.faults().clockSkew(Duration.ofMinutes(20));

        CliKit.Run run = CliKit.run(env(), "doctor");

        assertThat(run.exit()).as(run.toString()).isEqualTo(17);
        assertThat(run.out()).containsPattern("\\[7/7\\] login +FAILED").contains("clock");
    }

    @Test
    void badConfiguration_failsStageOne_withTheLibraryMessage_andTheFlag() {
        CliKit.Run run = CliKit.run(env("RDSIAM_CONNECT_PORT", null), "doctor");

        assertThat(run.exit()).as(run.toString()).isEqualTo(11);
        assertThat(run.out()).containsPattern("\\[1/7\\] configuration +FAILED")
                .contains("rdsiam.connectHost '127.0.0.1' needs rdsiam.connectPort")
                .contains("rdsiam.connectPort is --connect-port or RDSIAM_CONNECT_PORT")
                .containsPattern("\\[2/7\\] dns +SKIPPED");
    }

    @Test
    void missingEngine_failsStageOne_namingTheFlag() {
        CliKit.Run run = CliKit.run(env("RDSIAM_ENGINE", null), "doctor");

        assertThat(run.exit()).as(run.toString()).isEqualTo(11);
        assertThat(run.out()).contains("rdsiam.engine is required").contains("--engine or RDSIAM_ENGINE");
    }

    @Test
    void flagsOverrideTheEnvironment() {
        Route refused = rds.refusedRoute();

        CliKit.Run run = CliKit.run(env(), "doctor", "--connect-port", Integer.toString(refused.port()));

        assertThat(run.exit()).as(run.toString()).isEqualTo(13);
    }

    @Test
    void unknownFlag_isAUsageError() {
        CliKit.Run run = CliKit.run(env(), "doctor", "--hostnmae", "x");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--hostnmae");
    }

    @Test
    void unknownPropertyKey_failsStageOne_withTheClosestKey() {
        CliKit.Run run = CliKit.run(env(), "doctor", "--property", "conectTimeout=2s");

        assertThat(run.exit()).as(run.toString()).isEqualTo(11);
        assertThat(run.out()).contains("unknown key 'conectTimeout'").contains("did you mean 'rdsiam.connectTimeout'");
    }
}
