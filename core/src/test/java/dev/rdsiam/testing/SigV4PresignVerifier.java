package dev.rdsiam.testing;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An independent check of IAM auth tokens, written from the AWS Signature Version 4 specification (query-string
 * authentication), not from the SDK: it recomputes the signature from the token's own parameters.
 */
public final class SigV4PresignVerifier {

    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private SigV4PresignVerifier() {
    }

    /** The token's query parameters, decoded. */
    public static Map<String, String> parameters(String token) {
        String query = token.substring(token.indexOf("/?") + 2);
        Map<String, String> out = new TreeMap<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            out.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
        }
        return out;
    }

    /** The {@code host:port} the token was made for. */
    public static String hostAndPort(String token) {
        return token.substring(0, token.indexOf("/?"));
    }

    /** The signing instant read from {@code X-Amz-Date}. */
    public static Instant signedAt(String token) {
        return Instant.from(AMZ_DATE.parse(parameters(token).get("X-Amz-Date")));
    }

    /**
     * Whether the token's signature is the one the secret key gives for its own canonical request.
     *
     * @param token the token
     * @param secretKey the secret access key of the access key id in the token
     */
    public static boolean signatureValid(String token, String secretKey) {
        Map<String, String> p = parameters(token);
        String[] scope = p.get("X-Amz-Credential").split("/");
        String date = scope[1];
        String region = scope[2];
        String service = scope[3];
        StringBuilder canonicalQuery = new StringBuilder();
        for (Map.Entry<String, String> e : p.entrySet()) {
            if (e.getKey().equals("X-Amz-Signature")) {
                continue;
            }
            if (canonicalQuery.length() > 0) {
                canonicalQuery.append('&');
            }
            canonicalQuery.append(encode(e.getKey())).append('=').append(encode(e.getValue()));
        }
        String canonicalRequest = "GET\n/\n" + canonicalQuery + "\nhost:" + hostAndPort(token) + "\n\nhost\n"
                + hex(sha256(""));
        String stringToSign = "AWS4-HMAC-SHA256\n" + p.get("X-Amz-Date") + "\n" + date + "/" + region + "/" + service
                + "/aws4_request\n" + hex(sha256(canonicalRequest));
        byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        String expected = hex(hmac(key, stringToSign));
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                p.get("X-Amz-Signature").getBytes(StandardCharsets.US_ASCII));
    }

    /** RFC 3986 unreserved characters stay, everything else is %XX (upper-case hex), as SigV4 requires. */
    static String encode(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                    || c == '.' || c == '~') {
                sb.append(c);
            } else {
                sb.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return sb.toString();
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
