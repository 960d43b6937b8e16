package dev.rdsiam.internal.token;

import dev.rdsiam.RdsIamConfig;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * Signs IAM auth tokens: a SigV4 query-string presigned {@code GET https://HOST:PORT/?Action=connect&DBUser=USER}
 * for service {@code rds-db}, valid 15 minutes, without the scheme. Pure computation: no I/O, no logging.
 *
 * <p>Written here rather than delegated to the SDK's signers because those log the canonical request at DEBUG, and
 * for session credentials the canonical request carries the session token. A test proves the output equals the
 * SDK's {@code RdsUtilities} token for the same inputs and clock.
 */
public final class TokenSigner {

    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final String SERVICE = "rds-db";
    /** Hex SHA-256 of the empty payload. */
    private static final String EMPTY_PAYLOAD_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final char[] HEX = "0123456789abcdef".toCharArray();

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
        Instant now = clock.instant();
        String amzDate = AMZ_DATE.format(now);
        String date = amzDate.substring(0, 8);
        String scope = date + "/" + region + "/" + SERVICE + "/aws4_request";
        // the SDK leaves the port out of the host header for 443, the default of https
        String hostHeader = port == 443 ? host : host + ":" + port;

        Map<String, String> query = new TreeMap<>();
        query.put("Action", "connect");
        query.put("DBUser", user);
        query.put("X-Amz-Algorithm", ALGORITHM);
        query.put("X-Amz-Credential", credentials.accessKeyId() + "/" + scope);
        query.put("X-Amz-Date", amzDate);
        query.put("X-Amz-Expires", Long.toString(RdsIamConfig.TOKEN_LIFETIME.getSeconds()));
        query.put("X-Amz-SignedHeaders", "host");
        if (credentials instanceof AwsSessionCredentialsIdentity) {
            query.put("X-Amz-Security-Token", ((AwsSessionCredentialsIdentity) credentials).sessionToken());
        }
        StringBuilder canonicalQuery = new StringBuilder(512);
        for (Map.Entry<String, String> e : query.entrySet()) {
            if (canonicalQuery.length() > 0) {
                canonicalQuery.append('&');
            }
            encode(canonicalQuery, e.getKey());
            canonicalQuery.append('=');
            encode(canonicalQuery, e.getValue());
        }
        String canonicalRequest = "GET\n/\n" + canonicalQuery + "\nhost:" + hostHeader + "\n\nhost\n"
                + EMPTY_PAYLOAD_HASH;
        String stringToSign = ALGORITHM + "\n" + amzDate + "\n" + scope + "\n" + hex(sha256(canonicalRequest));

        byte[] key = hmac(("AWS4" + credentials.secretAccessKey()).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, SERVICE);
        key = hmac(key, "aws4_request");
        String signature = hex(hmac(key, stringToSign));

        return hostHeader + "/?" + canonicalQuery + "&X-Amz-Signature=" + signature;
    }

    /** SigV4 URI encoding: RFC 3986 unreserved characters as they are, every other byte as upper-case %XX. */
    private static void encode(StringBuilder sb, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(HEX[c >> 4])).append(Character.toUpperCase(HEX[c & 0xf]));
            }
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    private static String hex(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = HEX[(bytes[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[bytes[i] & 0xf];
        }
        return new String(out);
    }
}
