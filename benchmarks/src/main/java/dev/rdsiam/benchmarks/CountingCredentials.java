package dev.rdsiam.benchmarks;

import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Static credentials that count how often they are resolved. On AWS each resolution may be a call to IMDS, STS or
 * SSO, so this count is what a cold start costs in credential look-ups. {@link #toString()} hides the secret.
 */
final class CountingCredentials implements AwsCredentialsProvider {

    private final AwsCredentials credentials;
    private final AtomicInteger resolutions = new AtomicInteger();

    CountingCredentials(String accessKeyId, String secretAccessKey) {
        this.credentials = AwsBasicCredentials.create(accessKeyId, secretAccessKey);
    }

    static CountingCredentials of(KitInfo kit) {
        return new CountingCredentials(kit.accessKeyId(), kit.secretAccessKey());
    }

    @Override
    public AwsCredentials resolveCredentials() {
        resolutions.incrementAndGet();
        return credentials;
    }

    /** How many times {@link #resolveCredentials()} was called. */
    int resolutions() {
        return resolutions.get();
    }

    @Override
    public String toString() {
        return "CountingCredentials[" + credentials.accessKeyId() + ", resolved " + resolutions.get() + " times]";
    }
}
