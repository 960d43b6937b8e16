package dev.rdsiam.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/** Secrets never reach the log: tokens, secret keys and session tokens. */
@Tag("postgresql")
class LogHygieneTest {

    @RegisterExtension
    static final LocalRdsExtension RDS = LocalRdsExtension.postgres();

    @Test
    void logs_neverContainTokensOrSecrets(LocalRds rds) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        AwsSessionCredentials session;
        String token;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            session = SdkTokens.assumeDefaultRole(rds);
            token = SdkTokens.token(rds.identityHost(), rds.identityPort(), rds.dbUser(), rds.region(), session);
            try (Connection c = PgClients.connect(rds, token)) {
                assertThat(c.isValid(5)).isTrue();
            }
            String bad = token.replace("Action=connect", "Action=connect&X=1");
            assertThatThrownBy(() -> PgClients.connect(rds, bad)).isInstanceOf(SQLException.class);
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("login of iam_user").contains("STS issued session");
        assertThat(log).doesNotContain("X-Amz-Signature").doesNotContain(token)
                .doesNotContain(session.secretAccessKey()).doesNotContain(session.sessionToken())
                .doesNotContain(rds.credentials().secretAccessKey());
    }
}
