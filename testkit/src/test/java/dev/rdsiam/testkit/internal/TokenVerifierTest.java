package dev.rdsiam.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rdsiam.testkit.RejectReason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsUtilities;

/**
 * The verification matrix: tokens minted by the AWS SDK pass; every way a token can be wrong is refused for its
 * own reason. Times are deterministic: tokens are minted at real time and the verifier is given an instant
 * relative to the token's own {@code X-Amz-Date}.
 */
class TokenVerifierTest {

    private static final String HOST = "localrds.c0ffee000000.us-east-1.rds.amazonaws.com";
    private static final String PROXY = "localrds.proxy-c0ffee000000.us-east-1.rds.amazonaws.com";
    private static final String REGION = "us-east-1";
    private static final String USER = "iam_user";
    private static final String AKID = "AKIATESTKEY000000001";
    private static final String SECRET = "testsecret/0123456789+abcdefghijklmnopqrst";

    private final CredentialStore store = new CredentialStore();
    private final TokenVerifier verifier;

    TokenVerifierTest() {
        store.addStatic(AKID, SECRET, "arn:aws:iam::123456789012:user/test");
        verifier = new TokenVerifier(List.of(HOST, PROXY), 5432, REGION, Duration.ofMinutes(5), store);
    }

    private static String mint(String host, int port, String user, String region, AwsCredentials credentials) {
        return RdsUtilities.builder().region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(credentials)).build()
                .generateAuthenticationToken(b -> b.hostname(host).port(port).username(user));
    }

    private static String mint() {
        return mint(HOST, 5432, USER, REGION, AwsBasicCredentials.create(AKID, SECRET));
    }

    private static Instant signedAt(String token) {
        int i = token.indexOf("X-Amz-Date=") + "X-Amz-Date=".length();
        return Instant.from(SigV4.AMZ_DATE.parse(token.substring(i, i + 16)));
    }

    private RejectReason verify(String token) {
        return verify(token, USER, signedAt(token).plusSeconds(30));
    }

    private RejectReason verify(String token, String user, Instant now) {
        return verifier.verify(token, user, now).reason();
    }

    private CredentialStore.Key session(Instant expiration) {
        return store.issueSession(expiration, "arn:aws:sts::123456789012:assumed-role/r/s", "AROAEXAMPLE:s");
    }

    private static AwsSessionCredentials sdk(CredentialStore.Key key) {
        return AwsSessionCredentials.create(key.accessKeyId(), key.secretAccessKey(), key.sessionToken());
    }

    @Test
    void token_isAccepted_whenMintedBySdkWithStaticCredentials() {
        String token = mint();
        TokenVerifier.Result result = verifier.verify(token, USER, signedAt(token).plusSeconds(30));
        assertThat(result.accepted()).isTrue();
        assertThat(result.accessKeyId()).isEqualTo(AKID);
    }

    @Test
    void token_isAccepted_whenMintedBySdkWithSessionCredentials() {
        CredentialStore.Key key = session(Instant.now().plus(Duration.ofHours(1)));
        String token = mint(HOST, 5432, USER, REGION, sdk(key));
        assertThat(token).contains("X-Amz-Security-Token=");
        assertThat(verify(token)).isNull();
    }

    @Test
    void token_isAccepted_forTheProxyEndpointName() {
        assertThat(verify(mint(PROXY, 5432, USER, REGION, AwsBasicCredentials.create(AKID, SECRET)))).isNull();
    }

    @Test
    void token_isAccepted_whenUserNeedsPercentEncoding() {
        TokenVerifier v = new TokenVerifier(List.of(HOST), 5432, REGION, Duration.ofMinutes(5), store);
        String user = "jane doe@x+y/z~";
        String token = mint(HOST, 5432, user, REGION, AwsBasicCredentials.create(AKID, SECRET));
        assertThat(v.verify(token, user, signedAt(token)).accepted()).isTrue();
    }

    @Test
    void token_isAccepted_whateverTheParameterOrder() {
        String token = mint();
        int q = token.indexOf("/?") + 2;
        List<String> params = new ArrayList<>(List.of(token.substring(q).split("&")));
        Collections.shuffle(params, new Random(7));
        assertThat(verify(token.substring(0, q) + String.join("&", params))).isNull();
    }

    @Test
    void token_isAccepted_atTheLastSecondOfItsLifetime() {
        String token = mint();
        assertThat(verify(token, USER, signedAt(token).plusSeconds(900))).isNull();
    }

    @Test
    void token_isRejected_whenSignatureTampered() {
        String token = mint();
        String tampered = token.substring(0, token.length() - 1) + (token.endsWith("a") ? "b" : "a");
        assertThat(verify(tampered)).isEqualTo(RejectReason.BAD_SIGNATURE);
    }

    @Test
    void token_isRejected_whenSignedWithAnotherSecret() {
        String token = mint(HOST, 5432, USER, REGION, AwsBasicCredentials.create(AKID, SECRET + "x"));
        assertThat(verify(token)).isEqualTo(RejectReason.BAD_SIGNATURE);
    }

    @Test
    void token_isRejected_whenOlderThanFifteenMinutes() {
        String token = mint();
        assertThat(verify(token, USER, signedAt(token).plusSeconds(901))).isEqualTo(RejectReason.EXPIRED);
    }

    @Test
    void token_isRejected_whenDatedBeyondTheAllowedSkew() {
        String token = mint();
        assertThat(verify(token, USER, signedAt(token).minus(Duration.ofMinutes(6))))
                .isEqualTo(RejectReason.NOT_YET_VALID);
        assertThat(verify(token, USER, signedAt(token).minus(Duration.ofMinutes(4)))).isNull();
    }

    @Test
    void token_isRejected_whenExpiresAbove900() {
        assertThat(verify(mint().replace("X-Amz-Expires=900", "X-Amz-Expires=901")))
                .isEqualTo(RejectReason.EXPIRES_TOO_LONG);
    }

    @Test
    void token_isRejected_whenSignedForAnotherHost() {
        String token = mint("other.c0ffee000000.us-east-1.rds.amazonaws.com", 5432, USER, REGION,
                AwsBasicCredentials.create(AKID, SECRET));
        assertThat(verify(token)).isEqualTo(RejectReason.WRONG_HOST);
    }

    @Test
    void token_isRejected_whenSignedForTheRouteInsteadOfTheEndpoint() {
        String token = mint("127.0.0.1", 5432, USER, REGION, AwsBasicCredentials.create(AKID, SECRET));
        assertThat(verify(token)).isEqualTo(RejectReason.WRONG_HOST);
    }

    @Test
    void token_isRejected_whenSignedForAnotherPort() {
        String token = mint(HOST, 15432, USER, REGION, AwsBasicCredentials.create(AKID, SECRET));
        assertThat(verify(token)).isEqualTo(RejectReason.WRONG_PORT);
    }

    @Test
    void token_isRejected_whenScopedToAnotherRegion() {
        String token = mint(HOST, 5432, USER, "eu-west-1", AwsBasicCredentials.create(AKID, SECRET));
        assertThat(verify(token)).isEqualTo(RejectReason.WRONG_REGION);
    }

    @Test
    void token_isRejected_whenScopedToAnotherService() {
        assertThat(verify(mint().replace("%2Frds-db%2F", "%2Frds%2F"))).isEqualTo(RejectReason.WRONG_SERVICE);
    }

    @Test
    void token_isRejected_whenDbUserIsAnotherUser() {
        String token = mint(HOST, 5432, "other_user", REGION, AwsBasicCredentials.create(AKID, SECRET));
        assertThat(verify(token)).isEqualTo(RejectReason.WRONG_USER);
    }

    @Test
    void token_isRejected_whenDbUserDiffersOnlyInCase() {
        String token = mint(HOST, 5432, "IAM_USER", REGION, AwsBasicCredentials.create(AKID, SECRET));
        assertThat(verify(token)).isEqualTo(RejectReason.WRONG_USER);
    }

    @Test
    void token_isRejected_whenActionIsNotConnect() {
        assertThat(verify(mint().replace("Action=connect", "Action=Connect"))).isEqualTo(RejectReason.WRONG_ACTION);
    }

    @Test
    void token_isRejected_whenAlgorithmIsNotHmacSha256() {
        assertThat(verify(mint().replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512")))
                .isEqualTo(RejectReason.UNSUPPORTED_ALGORITHM);
    }

    @Test
    void token_isRejected_whenAccessKeyIsUnknown() {
        String token = mint(HOST, 5432, USER, REGION, AwsBasicCredentials.create("AKIAUNKNOWN000000000", SECRET));
        assertThat(verify(token)).isEqualTo(RejectReason.UNKNOWN_ACCESS_KEY);
    }

    @Test
    void token_isRejected_whenSessionTokenMissing() {
        CredentialStore.Key key = session(Instant.now().plus(Duration.ofHours(1)));
        String token = mint(HOST, 5432, USER, REGION, AwsBasicCredentials.create(key.accessKeyId(),
                key.secretAccessKey()));
        assertThat(verify(token)).isEqualTo(RejectReason.SESSION_TOKEN_MISSING);
    }

    @Test
    void token_isRejected_whenSessionTokenBelongsToAnotherSession() {
        CredentialStore.Key key = session(Instant.now().plus(Duration.ofHours(1)));
        CredentialStore.Key other = session(Instant.now().plus(Duration.ofHours(1)));
        String token = mint(HOST, 5432, USER, REGION, AwsSessionCredentials.create(key.accessKeyId(),
                key.secretAccessKey(), other.sessionToken()));
        assertThat(verify(token)).isEqualTo(RejectReason.SESSION_TOKEN_MISMATCH);
    }

    @Test
    void token_isRejected_whenStaticKeyCarriesASessionToken() {
        String token = mint(HOST, 5432, USER, REGION, AwsSessionCredentials.create(AKID, SECRET, "bogus"));
        assertThat(verify(token)).isEqualTo(RejectReason.SESSION_TOKEN_MISMATCH);
    }

    @Test
    void token_isRejected_whenSessionCredentialsExpiredBeforeTheToken() {
        Instant now = Instant.now();
        CredentialStore.Key key = session(now.plusSeconds(120));
        String token = mint(HOST, 5432, USER, REGION, sdk(key));
        assertThat(verify(token, USER, signedAt(token).plusSeconds(60))).isNull();
        assertThat(verify(token, USER, key.expiration().plusSeconds(1))).isEqualTo(RejectReason.SESSION_EXPIRED);
    }

    @Test
    void token_isRejected_whenMoreHeadersAreSigned() {
        assertThat(verify(mint().replace("X-Amz-SignedHeaders=host", "X-Amz-SignedHeaders=host%3Bx-amz-date")))
                .isEqualTo(RejectReason.EXTRA_SIGNED_HEADERS);
    }

    @Test
    void token_isRejected_whenScopeDateIsNotTheSigningDate() {
        String token = mint();
        String date = token.substring(token.indexOf("X-Amz-Date=") + 11, token.indexOf("X-Amz-Date=") + 19);
        String otherDate = date.startsWith("1999") ? "20000101" : "19990101";
        assertThat(verify(token.replace("%2F" + date + "%2F", "%2F" + otherDate + "%2F")))
                .isEqualTo(RejectReason.SCOPE_DATE_MISMATCH);
    }

    @Test
    void token_isRejected_asMalformed_whenNotAPresignedUrl() {
        assertThat(verify("not-a-token", USER, Instant.now())).isEqualTo(RejectReason.MALFORMED);
        assertThat(verify("", USER, Instant.now())).isEqualTo(RejectReason.MALFORMED);
        String token = mint();
        assertThat(verify(token.replaceAll("&X-Amz-Signature=[0-9a-f]+", ""))).isEqualTo(RejectReason.MALFORMED);
        assertThat(verify(token + "&Action=connect")).isEqualTo(RejectReason.MALFORMED);
        assertThat(verify(token.replace("X-Amz-Expires=900", "X-Amz-Expires=abc"))).isEqualTo(RejectReason.MALFORMED);
        assertThat(verify("https://" + token)).isNotNull();
    }

    @Test
    void result_neverCarriesTheToken() {
        String token = mint();
        assertThat(verifier.verify(token, USER, signedAt(token)).toString()).doesNotContain("X-Amz-Signature")
                .doesNotContain(SECRET);
    }
}
