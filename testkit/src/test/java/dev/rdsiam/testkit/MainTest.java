package dev.rdsiam.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@Tag("postgresql")
class MainTest {

    @RegisterExtension
    static final LocalRdsExtension RDS = LocalRdsExtension.postgres();

    @Test
    void facts_areExactlyTheDocumentedKeys(LocalRds rds) {
        Map<String, String> facts = Main.facts(rds);
        assertThat(facts).containsOnlyKeys("RDSIAM_ENGINE", "RDSIAM_HOST", "RDSIAM_PORT", "RDSIAM_CONNECT_HOST",
                "RDSIAM_CONNECT_PORT", "RDSIAM_DATABASE", "RDSIAM_USER", "RDSIAM_REGION", "RDSIAM_TRUST_PEM",
                "RDSIAM_STS_ENDPOINT", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
        assertThat(facts).containsEntry("RDSIAM_ENGINE", "postgresql")
                .containsEntry("RDSIAM_HOST", rds.identityHost())
                .containsEntry("RDSIAM_PORT", "5432")
                .containsEntry("RDSIAM_CONNECT_HOST", "127.0.0.1")
                .containsEntry("RDSIAM_CONNECT_PORT", String.valueOf(rds.route().port()));
    }

    @Test
    void shellQuote_leavesPlainValuesAlone_andQuotesTheRest() {
        assertThat(Main.shellQuote("abc/DEF+0=")).isEqualTo("abc/DEF+0=");
        assertThat(Main.shellQuote("a b'c")).isEqualTo("'a b'\\''c'");
    }

    @Test
    void commands_restartKillSessionsStatus_andErrorsForTheRest(LocalRds rds) throws Exception {
        assertThat(Main.command(rds, "status")).isEqualTo("ok status " + rds.identityHost() + "=available");
        assertThat(Main.command(rds, "kill-sessions")).isEqualTo("ok kill-sessions");
        assertThat(Main.command(rds, "restart")).isEqualTo("ok restart " + rds.identityHost());
        assertThat(Main.command(rds, "restart " + rds.identityHost())).isEqualTo("ok restart " + rds.identityHost());
        assertThat(Main.command(rds, "restart other.example.com"))
                .startsWith("error restart: unknown instance 'other.example.com'");
        assertThat(Main.command(rds, "failover")).isEqualTo("error unknown command 'failover': commands are "
                + "restart [HOST], kill-sessions, status");
        try (java.sql.Connection c = PgClients.connect(rds, SdkTokens.token(rds))) {
            assertThat(c.isValid(5)).isTrue();
        }
    }
}
