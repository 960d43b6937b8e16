package dev.rdsiam.testkit.internal;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The access keys the kit knows: static keys, and session credentials issued by the local STS. */
public final class CredentialStore {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    /** A known key. {@code sessionToken} and {@code expiration} are {@code null} for static keys. */
    public record Key(String accessKeyId, String secretAccessKey, String sessionToken, Instant expiration,
                      String principalArn, String principalId) {
        /** @return whether this is a session key */
        public boolean isSession() {
            return sessionToken != null;
        }

        @Override
        public String toString() {
            return "Key[" + accessKeyId + ", " + principalArn + (isSession() ? ", expires " + expiration : "")
                    + "]";
        }
    }

    private final Map<String, Key> keys = new ConcurrentHashMap<>();

    /**
     * Registers a static key.
     *
     * @param accessKeyId  the id
     * @param secret       the secret
     * @param principalArn the IAM user ARN reported by GetCallerIdentity
     */
    public void addStatic(String accessKeyId, String secret, String principalArn) {
        keys.put(accessKeyId, new Key(accessKeyId, secret, null, null, principalArn, "AIDA" + randomId(17)));
    }

    /**
     * Issues session credentials.
     *
     * @param expiration   when they expire
     * @param principalArn the assumed-role ARN
     * @param principalId  the assumed-role id
     * @return the new key
     */
    public Key issueSession(Instant expiration, String principalArn, String principalId) {
        String id = "ASIA" + randomId(16);
        byte[] token = new byte[263];
        RANDOM.nextBytes(token);
        Key key = new Key(id, randomSecret(), Base64.getEncoder().encodeToString(token), expiration,
                principalArn, principalId);
        keys.put(id, key);
        return key;
    }

    /**
     * Looks a key up.
     *
     * @param accessKeyId the id
     * @return the key, or {@code null}
     */
    public Key find(String accessKeyId) {
        return accessKeyId == null ? null : keys.get(accessKeyId);
    }

    /**
     * A random id in the AWS key-id alphabet.
     *
     * @param length how many characters
     * @return the id
     */
    public static String randomId(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(KEY_ALPHABET.charAt(RANDOM.nextInt(KEY_ALPHABET.length())));
        }
        return sb.toString();
    }

    /** @return a random 40-character secret access key */
    public static String randomSecret() {
        byte[] b = new byte[30];
        RANDOM.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    /**
     * A random password of letters and digits.
     *
     * @param length how many characters
     * @return the password
     */
    public static String randomPassword(int length) {
        String alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
