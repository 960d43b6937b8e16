package dev.rdsiam.internal.token;

import dev.rdsiam.Engine;
import dev.rdsiam.RdsIamConfig;
import java.time.Clock;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.rds.SdkTokenOracle;

/**
 * A rough loop measurement of a cache hit, a cold mint and the SDK's RdsUtilities, until the benchmarks module
 * measures them properly. Run by hand: {@code java -cp ... dev.rdsiam.internal.token.TokenCostProbe}. Not a test.
 */
public final class TokenCostProbe {

    private TokenCostProbe() {
    }

    public static void main(String[] args) {
        RdsIamConfig config = RdsIamConfig.builder().engine(Engine.POSTGRESQL)
                .host("mydb.c0ffee000000.us-east-1.rds.amazonaws.com").user("iam_user")
                .accessKeyId("AKIAIOSFODNN7EXAMPLE").secretAccessKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").build();
        StaticCredentialsProvider creds = StaticCredentialsProvider.create(
                AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
        TokenSigner signer = new TokenSigner();
        CachingTokenProvider cache = new CachingTokenProvider(config, "iam_user", creds, "static", signer);
        long sink = 0;
        for (int round = 0; round < 5; round++) {
            int hits = 5_000_000;
            long t0 = System.nanoTime();
            for (int i = 0; i < hits; i++) {
                sink += cache.token().length();
            }
            long hitNs = (System.nanoTime() - t0) / hits;

            int mints = 20_000;
            t0 = System.nanoTime();
            for (int i = 0; i < mints; i++) {
                sink += signer.sign(creds.resolveCredentials(), config.host(), 5432, "iam_user", "us-east-1",
                        Clock.systemUTC()).length();
            }
            long mintNs = (System.nanoTime() - t0) / mints;

            t0 = System.nanoTime();
            for (int i = 0; i < mints; i++) {
                sink += SdkTokenOracle.token(creds, config.host(), 5432, "iam_user", "us-east-1", Clock.systemUTC())
                        .length();
            }
            long sdkNs = (System.nanoTime() - t0) / mints;
            System.out.printf("round %d: cache hit %d ns, mint %d ns, SDK RdsUtilities %d ns (mint/SDK %.2f)%n", round,
                    hitNs, mintNs, sdkNs, (double) mintNs / sdkNs);
        }
        System.out.println("sink " + sink);
    }
}
