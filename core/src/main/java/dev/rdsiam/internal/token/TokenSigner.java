package dev.rdsiam.internal.token;

import dev.rdsiam.RdsIamConfig;
import java.time.Clock;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Signs IAM auth tokens: a SigV4 presigned {@code GET https://HOST:PORT/?Action=connect&DBUser=USER} for service
 * {@code rds-db}, valid 15 minutes, without the scheme. Pure computation: no I/O.
 *
 * <p>Uses the SDK's {@link AwsV4HttpSigner} (the maintained signer, with an injectable clock) rather than
 * {@code RdsUtilities}, which wraps a deprecated signer, reads only the system clock and pulls in the RDS client.
 * A test proves both produce the same token.
 */
public final class TokenSigner {

    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    /**
     * Signs a token at {@code clock.instant()}.
     *
     * @param credentials the signing credentials (a session token is included when present)
     * @param host the identity host (never the route)
     * @param port the identity port
     * @param user the database user
     * @param region the signing region
     * @param clock the signing clock
     * @return the token
     */
    public String sign(AwsCredentialsIdentity credentials, String host, int port, String user, String region,
            Clock clock) {
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.GET)
                .protocol("https")
                .host(host)
                .port(port)
                .encodedPath("/")
                .putRawQueryParameter("DBUser", user)
                .putRawQueryParameter("Action", "connect")
                .build();
        SignedRequest signed = signer.sign(r -> r
                .identity(credentials)
                .request(request)
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "rds-db")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4FamilyHttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, RdsIamConfig.TOKEN_LIFETIME)
                .putProperty(HttpSigner.SIGNING_CLOCK, clock));
        String uri = signed.request().getUri().toString();
        return uri.startsWith("https://") ? uri.substring("https://".length()) : uri;
    }
}
