package dev.rdsiam.testkit;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsUtilities;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/** Tokens and session credentials minted by the AWS SDK: the oracle the kit is checked against. */
public final class SdkTokens {

    private SdkTokens() {
    }

    /**
     * A token for the kit's identity host and port, signed with its static key.
     *
     * @param rds the kit
     * @return the token
     */
    public static String token(LocalRds rds) {
        return token(rds.identityHost(), rds.identityPort(), rds.dbUser(), rds.region(), static_(rds));
    }

    /**
     * A token.
     *
     * @param host        host to sign for
     * @param port        port to sign for
     * @param user        DBUser
     * @param region      region
     * @param credentials signing credentials
     * @return the token
     */
    public static String token(String host, int port, String user, String region, AwsCredentials credentials) {
        return RdsUtilities.builder()
                .region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .build()
                .generateAuthenticationToken(b -> b.hostname(host).port(port).username(user));
    }

    /**
     * The kit's static key as SDK credentials.
     *
     * @param rds the kit
     * @return the credentials
     */
    public static AwsBasicCredentials static_(LocalRds rds) {
        return AwsBasicCredentials.create(rds.credentials().accessKeyId(), rds.credentials().secretAccessKey());
    }

    /**
     * An STS client for the kit's local STS, signing with the static key.
     *
     * @param rds the kit
     * @return the client (close it)
     */
    public static StsClient sts(LocalRds rds) {
        return sts(rds.stsEndpoint(), static_(rds));
    }

    /**
     * An STS client.
     *
     * @param endpoint    the endpoint
     * @param credentials the signing credentials
     * @return the client (close it)
     */
    public static StsClient sts(URI endpoint, AwsCredentials credentials) {
        return StsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .build();
    }

    /**
     * Session credentials for the kit's default role, from the local STS via the SDK.
     *
     * @param rds the kit
     * @return SDK session credentials
     */
    public static software.amazon.awssdk.auth.credentials.AwsSessionCredentials assumeDefaultRole(LocalRds rds) {
        try (StsClient sts = sts(rds)) {
            Credentials c = sts.assumeRole(r -> r.roleArn(rds.defaultRoleArn()).roleSessionName("test-session"))
                    .credentials();
            return software.amazon.awssdk.auth.credentials.AwsSessionCredentials.builder()
                    .accessKeyId(c.accessKeyId()).secretAccessKey(c.secretAccessKey())
                    .sessionToken(c.sessionToken()).expirationTime(c.expiration()).build();
        }
    }
}
