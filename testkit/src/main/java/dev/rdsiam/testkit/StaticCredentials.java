package dev.rdsiam.testkit;

import java.util.Objects;

/**
 * A long-term access key the kit knows (like an IAM user's key). {@link #toString()} hides the secret.
 *
 * <pre>{@code
 * StaticCredentials keys = rds.credentials();
 * AwsBasicCredentials.create(keys.accessKeyId(), keys.secretAccessKey());
 * }</pre>
 *
 * @param accessKeyId     the access key id ({@code AKIA...})
 * @param secretAccessKey the secret access key
 */
public record StaticCredentials(String accessKeyId, String secretAccessKey) {

    /**
     * Validates the fields.
     *
     * @param accessKeyId     the access key id
     * @param secretAccessKey the secret access key
     */
    public StaticCredentials {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        if (accessKeyId.isBlank() || secretAccessKey.isBlank()) {
            throw new IllegalArgumentException("accessKeyId and secretAccessKey must not be blank");
        }
    }

    @Override
    public String toString() {
        return "StaticCredentials[accessKeyId=" + accessKeyId + ", secretAccessKey=****]";
    }
}
