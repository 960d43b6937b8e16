package dev.rdsiam.internal.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rdsiam.testing.SigV4PresignVerifier;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.rds.SdkTokenOracle;

class TokenSignerTest {

    private static final String AKID = "AKIAIOSFODNN7EXAMPLE";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T08:46:52Z"), ZoneOffset.UTC);

    private final TokenSigner signer = new TokenSigner();

    @ParameterizedTest
    @CsvSource({
        "mydb.c0ffee000000.us-east-1.rds.amazonaws.com, 5432, iam_user, us-east-1",
        "orders.cluster-ro-abc123.eu-west-1.rds.amazonaws.com, 3306, jane_doe, eu-west-1",
        "app.proxy-xyz.ap-southeast-2.rds.amazonaws.com, 5432, 'jane doe@x', ap-southeast-2",
        "db.c9.rds.cn-north-1.amazonaws.com.cn, 3306, user+1, cn-north-1",
        "localhost, 15432, 'ümlaut/user', us-west-2",
    })
    void token_equalsSdkRdsUtilities_forSameInputsAndClock(String host, int port, String user, String region) {
        AwsBasicCredentials creds = AwsBasicCredentials.create(AKID, SECRET);
        String ours = signer.sign(creds, host, port, user, region, CLOCK);
        String sdk = SdkTokenOracle.token(StaticCredentialsProvider.create(creds), host, port, user, region, CLOCK);

        assertThat(SigV4PresignVerifier.hostAndPort(ours)).isEqualTo(host + ":" + port);
        assertThat(SigV4PresignVerifier.parameters(ours)).isEqualTo(SigV4PresignVerifier.parameters(sdk));
        assertThat(SigV4PresignVerifier.signatureValid(ours, SECRET)).isTrue();
        assertThat(SigV4PresignVerifier.signatureValid(sdk, SECRET)).isTrue();
    }

    @Test
    void token_carriesTheRdsPresignParameters() {
        String token = signer.sign(AwsBasicCredentials.create(AKID, SECRET),
                "mydb.c0ffee000000.us-east-1.rds.amazonaws.com", 5432, "iam_user", "us-east-1", CLOCK);
        Map<String, String> p = SigV4PresignVerifier.parameters(token);

        assertThat(token).doesNotStartWith("https://");
        assertThat(p).containsEntry("Action", "connect")
                .containsEntry("DBUser", "iam_user")
                .containsEntry("X-Amz-Algorithm", "AWS4-HMAC-SHA256")
                .containsEntry("X-Amz-Credential", AKID + "/20261122/us-east-1/rds-db/aws4_request")
                .containsEntry("X-Amz-Date", "20261122T084652Z")
                .containsEntry("X-Amz-Expires", "900")
                .containsEntry("X-Amz-SignedHeaders", "host")
                .doesNotContainKey("X-Amz-Security-Token");
        assertThat(SigV4PresignVerifier.signedAt(token)).isEqualTo(CLOCK.instant());
    }

    @Test
    void token_includesSessionToken_whenSignedWithSessionCredentials() {
        AwsSessionCredentials creds = AwsSessionCredentials.create("ASIAIOSFODNN7EXAMPLE", SECRET, "FwoGZXIvYXdzE/session+token=");
        String ours = signer.sign(creds, "mydb.c0ffee000000.us-east-1.rds.amazonaws.com", 5432, "iam_user",
                "us-east-1", CLOCK);
        String sdk = SdkTokenOracle.token(StaticCredentialsProvider.create(creds),
                "mydb.c0ffee000000.us-east-1.rds.amazonaws.com", 5432, "iam_user", "us-east-1", CLOCK);

        assertThat(SigV4PresignVerifier.parameters(ours))
                .containsEntry("X-Amz-Security-Token", "FwoGZXIvYXdzE/session+token=")
                .isEqualTo(SigV4PresignVerifier.parameters(sdk));
        assertThat(SigV4PresignVerifier.signatureValid(ours, SECRET)).isTrue();
    }

    @Test
    void verifier_rejectsTamperedTokenAndWrongSecret() {
        String token = signer.sign(AwsBasicCredentials.create(AKID, SECRET),
                "mydb.c0ffee000000.us-east-1.rds.amazonaws.com", 5432, "iam_user", "us-east-1", CLOCK);

        assertThat(SigV4PresignVerifier.signatureValid(token, SECRET + "x")).isFalse();
        assertThat(SigV4PresignVerifier.signatureValid(token.replace("DBUser=iam_user", "DBUser=admin"), SECRET))
                .isFalse();
        assertThat(SigV4PresignVerifier.signatureValid(token.replace(":5432/", ":5433/"), SECRET)).isFalse();
    }
}
