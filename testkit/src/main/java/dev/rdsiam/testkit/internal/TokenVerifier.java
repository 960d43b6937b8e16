package dev.rdsiam.testkit.internal;

import dev.rdsiam.testkit.RejectReason;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Verifies an RDS IAM auth token: a SigV4 presigned {@code GET https://HOST:PORT/?Action=connect&DBUser=...}
 * with the scheme removed. Independent of any AWS SDK code.
 */
public final class TokenVerifier {

    /** The longest lifetime RDS accepts. */
    public static final long MAX_EXPIRES_SECONDS = 900;

    private static final String SERVICE = "rds-db";
    private static final String EMPTY_SHA256 = SigV4.sha256Hex(new byte[0]);

    /** The outcome: {@code reason} is {@code null} when accepted. */
    public record Result(RejectReason reason, String accessKeyId) {
        /** @return whether the token was accepted */
        public boolean accepted() {
            return reason == null;
        }
    }

    private volatile Set<String> hosts;
    private volatile Set<String> siblingHosts = Set.of();
    private final int port;
    private final String region;
    private final Duration maxSkew;
    private final CredentialStore credentials;

    /**
     * Creates a verifier.
     *
     * @param hosts       the endpoint names tokens may be signed for (compared case-insensitively)
     * @param port        the identity port
     * @param region      the region of the endpoint
     * @param maxSkew     how far in the future {@code X-Amz-Date} may be
     * @param credentials the known keys
     */
    public TokenVerifier(Collection<String> hosts, int port, String region, Duration maxSkew,
                         CredentialStore credentials) {
        this.hosts = caseInsensitive(hosts);
        this.port = port;
        this.region = region;
        this.maxSkew = maxSkew;
        this.credentials = credentials;
    }

    /**
     * Replaces the names tokens may be signed for (an Aurora instance gains and loses the cluster and reader names
     * as its role changes).
     *
     * @param hosts    the names that lead to this endpoint now
     * @param siblings further names of the same cluster that lead elsewhere now: a token for one of them is
     *                 refused as {@link RejectReason#WRONG_INSTANCE} rather than {@link RejectReason#WRONG_HOST}
     */
    public void hosts(Collection<String> hosts, Collection<String> siblings) {
        Set<String> own = caseInsensitive(hosts);
        Set<String> others = caseInsensitive(siblings);
        others.removeAll(own);
        this.siblingHosts = others;
        this.hosts = own;
    }

    private static Set<String> caseInsensitive(Collection<String> names) {
        Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        set.addAll(names);
        return set;
    }

    /**
     * Verifies a token.
     *
     * @param token the password the client sent
     * @param user  the user name the client logs in as
     * @param now   the verifier's current time
     * @return the result
     */
    public Result verify(String token, String user, Instant now) {
        if (token == null || token.isEmpty()) {
            return new Result(RejectReason.MALFORMED, null);
        }
        int slash = token.indexOf('/');
        if (slash <= 0 || !token.startsWith("/?", slash)) {
            return new Result(RejectReason.MALFORMED, null);
        }
        String hostPort = token.substring(0, slash);
        Map<String, String> params = new LinkedHashMap<>();
        try {
            for (String pair : token.substring(slash + 2).split("&", -1)) {
                int eq = pair.indexOf('=');
                if (pair.isEmpty()) {
                    return new Result(RejectReason.MALFORMED, null);
                }
                String name = SigV4.percentDecode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : SigV4.percentDecode(pair.substring(eq + 1));
                if (params.put(name, value) != null) {
                    return new Result(RejectReason.MALFORMED, null);
                }
            }
        } catch (IllegalArgumentException e) {
            return new Result(RejectReason.MALFORMED, null);
        }
        String action = params.get("Action");
        String dbUser = params.get("DBUser");
        String algorithm = params.get("X-Amz-Algorithm");
        String credential = params.get("X-Amz-Credential");
        String amzDate = params.get("X-Amz-Date");
        String expires = params.get("X-Amz-Expires");
        String signedHeaders = params.get("X-Amz-SignedHeaders");
        String signature = params.get("X-Amz-Signature");
        String securityToken = params.get("X-Amz-Security-Token");
        if (action == null || dbUser == null || algorithm == null || credential == null || amzDate == null
                || expires == null || signedHeaders == null || signature == null) {
            return new Result(RejectReason.MALFORMED, null);
        }
        String[] scope = credential.split("/", -1);
        if (scope.length != 5 || !"aws4_request".equals(scope[4]) || scope[0].isEmpty()) {
            return new Result(RejectReason.MALFORMED, null);
        }
        String accessKeyId = scope[0];
        if (!"connect".equals(action)) {
            return new Result(RejectReason.WRONG_ACTION, accessKeyId);
        }
        if (!SigV4.ALGORITHM.equals(algorithm)) {
            return new Result(RejectReason.UNSUPPORTED_ALGORITHM, accessKeyId);
        }
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            return new Result(RejectReason.WRONG_PORT, accessKeyId);
        }
        String signedHost = hostPort.substring(0, colon);
        if (!hosts.contains(signedHost)) {
            return new Result(siblingHosts.contains(signedHost) ? RejectReason.WRONG_INSTANCE
                    : RejectReason.WRONG_HOST, accessKeyId);
        }
        if (!String.valueOf(port).equals(hostPort.substring(colon + 1))) {
            return new Result(RejectReason.WRONG_PORT, accessKeyId);
        }
        if (!dbUser.equals(user)) {
            return new Result(RejectReason.WRONG_USER, accessKeyId);
        }
        if (!region.equals(scope[2])) {
            return new Result(RejectReason.WRONG_REGION, accessKeyId);
        }
        if (!SERVICE.equals(scope[3])) {
            return new Result(RejectReason.WRONG_SERVICE, accessKeyId);
        }
        if (!"host".equals(signedHeaders)) {
            List<String> names = List.of(signedHeaders.toLowerCase(Locale.ROOT).split(";", -1));
            return new Result(names.contains("host") ? RejectReason.EXTRA_SIGNED_HEADERS : RejectReason.MALFORMED,
                    accessKeyId);
        }
        long expiresSeconds;
        Instant signedAt;
        try {
            expiresSeconds = Long.parseLong(expires);
            signedAt = Instant.from(SigV4.AMZ_DATE.parse(amzDate));
        } catch (NumberFormatException | DateTimeParseException e) {
            return new Result(RejectReason.MALFORMED, accessKeyId);
        }
        if (expiresSeconds <= 0) {
            return new Result(RejectReason.MALFORMED, accessKeyId);
        }
        if (expiresSeconds > MAX_EXPIRES_SECONDS) {
            return new Result(RejectReason.EXPIRES_TOO_LONG, accessKeyId);
        }
        if (!amzDate.startsWith(scope[1]) || scope[1].length() != 8) {
            return new Result(RejectReason.SCOPE_DATE_MISMATCH, accessKeyId);
        }
        if (signedAt.isAfter(now.plus(maxSkew))) {
            return new Result(RejectReason.NOT_YET_VALID, accessKeyId);
        }
        if (now.isAfter(signedAt.plusSeconds(expiresSeconds))) {
            return new Result(RejectReason.EXPIRED, accessKeyId);
        }
        CredentialStore.Key key = credentials.find(accessKeyId);
        if (key == null) {
            return new Result(RejectReason.UNKNOWN_ACCESS_KEY, accessKeyId);
        }
        if (key.isSession()) {
            if (securityToken == null) {
                return new Result(RejectReason.SESSION_TOKEN_MISSING, accessKeyId);
            }
            if (!SigV4.constantTimeEquals(securityToken, key.sessionToken())) {
                return new Result(RejectReason.SESSION_TOKEN_MISMATCH, accessKeyId);
            }
            if (!now.isBefore(key.expiration())) {
                return new Result(RejectReason.SESSION_EXPIRED, accessKeyId);
            }
        } else if (securityToken != null) {
            return new Result(RejectReason.SESSION_TOKEN_MISMATCH, accessKeyId);
        }
        if (signature.length() != 64 || !signature.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return new Result(RejectReason.BAD_SIGNATURE, accessKeyId);
        }
        String canonicalRequest = "GET\n/\n" + canonicalQuery(params) + "\nhost:" + hostPort.trim()
                + "\n\nhost\n" + EMPTY_SHA256;
        String credentialScope = scope[1] + "/" + scope[2] + "/" + scope[3] + "/" + scope[4];
        String expected = SigV4.signature(
                SigV4.signingKey(key.secretAccessKey(), scope[1], scope[2], scope[3]),
                SigV4.stringToSign(amzDate, credentialScope, canonicalRequest));
        if (!SigV4.constantTimeEquals(expected, signature.toLowerCase(Locale.ROOT))) {
            return new Result(RejectReason.BAD_SIGNATURE, accessKeyId);
        }
        return new Result(null, accessKeyId);
    }

    private static String canonicalQuery(Map<String, String> params) {
        List<String> pairs = new ArrayList<>(params.size());
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (!"X-Amz-Signature".equals(e.getKey())) {
                pairs.add(SigV4.uriEncode(e.getKey()) + "=" + SigV4.uriEncode(e.getValue()));
            }
        }
        // sort by encoded name, then value: byte order of the ASCII encoded form
        pairs.sort((a, b) -> {
            String na = a.substring(0, a.indexOf('='));
            String nb = b.substring(0, b.indexOf('='));
            int c = na.compareTo(nb);
            return c != 0 ? c : a.compareTo(b);
        });
        return String.join("&", pairs);
    }

    /**
     * The UTF-8 password bytes as text, without a trailing NUL.
     *
     * @param bytes the password bytes
     * @return the token text
     */
    public static String tokenText(byte[] bytes) {
        int len = bytes.length;
        while (len > 0 && bytes[len - 1] == 0) {
            len--;
        }
        return new String(bytes, 0, len, StandardCharsets.UTF_8);
    }
}
