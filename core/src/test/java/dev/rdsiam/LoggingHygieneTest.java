package dev.rdsiam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rdsiam.testing.CapturingAppender;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Expected fallbacks (no credentials in the default chain, a profile that does not exist, an unknown RDSIAM_
 * variable) are said in one line of ours at most: no log event of ours carries a stack trace, and none is above
 * DEBUG except the one warning that asks the user to act.
 */
class LoggingHygieneTest {

    @Test
    void expectedFallbacks_logNoStackTraceOfOurs(@TempDir Path dir) {
        String[] props = {"aws.disableEc2Metadata", "aws.configFile", "aws.sharedCredentialsFile", "aws.accessKeyId",
            "aws.secretAccessKey", "aws.sessionToken"};
        String[] saved = new String[props.length];
        for (int i = 0; i < props.length; i++) {
            saved[i] = System.getProperty(props[i]);
        }
        System.setProperty("aws.disableEc2Metadata", "true"); // never reach the metadata address from a test
        System.setProperty("aws.configFile", dir.resolve("no-config").toString());
        System.setProperty("aws.sharedCredentialsFile", dir.resolve("no-credentials").toString());
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        System.clearProperty("aws.sessionToken");
        CapturingAppender.clear();
        try {
            RdsIamConfig.Builder base = RdsIamConfig.builder().engine(Engine.POSTGRESQL)
                    .host("orders.c0ffee000000.eu-west-1.rds.amazonaws.com").user("app");
            try (AuthTokenProvider tokens = RdsIam.tokenProvider(base.profile("no-such-profile").build())) {
                assertThatThrownBy(tokens::token).isInstanceOf(TokenUnavailableException.class);
            }
            if (System.getenv("AWS_ACCESS_KEY_ID") == null && System.getenv("AWS_WEB_IDENTITY_TOKEN_FILE") == null
                    && System.getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI") == null
                    && System.getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") == null) {
                try (AuthTokenProvider tokens = RdsIam.tokenProvider(base.profile(null).build())) {
                    assertThatThrownBy(tokens::token).isInstanceOf(TokenUnavailableException.class);
                }
            }
            RdsIamConfig.builder().environment(java.util.Map.of("RDSIAM_NO_SUCH_SETTING", "x"));
        } finally {
            for (int i = 0; i < props.length; i++) {
                if (saved[i] == null) {
                    System.clearProperty(props[i]);
                } else {
                    System.setProperty(props[i], saved[i]);
                }
            }
        }
        List<String> ours = CapturingAppender.lines().stream().filter(l -> l.startsWith("dev.rdsiam")).toList();
        assertThat(ours).as("log lines of ours").isNotEmpty().noneMatch(l -> l.contains(" | "));
    }
}
