package dev.rdsiam;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What may be shown of a value or a text: the one place that decides whether something looks like a secret.
 *
 * <p>Every message the library builds quotes user-supplied values through {@link #quote(String)}, and texts that
 * may carry values from elsewhere (a URL, a driver's message) pass through {@link #scrub(String)}. A value that
 * looks like a secret access key (40 characters of base64), a session token (a long base64 run) or
 * an IAM auth token (a presigned query with {@code X-Amz-Signature}) is never echoed, whatever key it was given in:
 * a message says its length and what it looks like instead, e.g. {@code (40 characters that look like a secret
 * access key; not shown)}.
 *
 * <pre>{@code
 * throw new IllegalArgumentException("rdsiam.region " + Redaction.quote(value) + " is not a region name");
 * }</pre>
 */
public final class Redaction {

    /** One character of base64, or its percent-encoded form as it stands in a URL. */
    private static final String B64 = "(?:[A-Za-z0-9/+]|%2[BbFf])";
    /** A secret access key: 40 characters of the base64 alphabet, not part of a longer run. */
    private static final Pattern SECRET_KEY_RUN = Pattern.compile("(?<![A-Za-z0-9/+])" + B64 + "{40}(?!" + B64 + ")");
    /** A session token, or any other long base64 blob: 64 or more characters (percent-encoded too). */
    private static final Pattern LONG_BASE64_RUN = Pattern.compile("(?:" + B64 + "|=|%3[Dd]){64,}");
    /** The signed parts of an IAM auth token or any presigned AWS query. */
    private static final Pattern PRESIGNED_PARAM =
            Pattern.compile("(?i)(X-Amz-(?:Signature|Security-Token|Credential))=[^&\\s'\"]*");
    /** Values of secret keys in a query or properties text: password=..., rdsiam.secretAccessKey=... */
    private static final Pattern SECRET_ASSIGNMENT = Pattern.compile(
            "(?i)((?:^|[?&;,\\s\\[{\"'])(?:rdsiam\\.)?(?:password|secretAccessKey|sessionToken|"
                    + "aws_secret_access_key|aws_session_token)[\"'\\]]?\\s*=\\s*)([^&;,\\s'\"}]*)");
    /** An access key id as AWS issues them: shown masked (first and last four), never in full. */
    private static final Pattern KEY_ID = Pattern.compile("(?<![A-Za-z0-9])(?:A[SK]IA|AROA|AIDA)[A-Z0-9]{16}(?![A-Za-z0-9])");

    private Redaction() {
    }

    /**
     * Whether a value looks like a secret: a secret access key, a session token or an IAM auth token.
     *
     * @param value any value; null is not a secret
     */
    public static boolean looksSecret(String value) {
        return value != null && kind(value.trim()) != null;
    }

    /**
     * The value in single quotes for a message, or, for a value that looks like a secret, its length and what it
     * looks like, without any of its characters.
     */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        String kind = kind(value.trim());
        return kind == null ? "'" + maskKeyIds(value) + "'" : describe(value.length(), kind);
    }

    /**
     * An access key id as the library shows it everywhere (descriptions of credentials, the doctor's report,
     * messages): its first and last four characters, e.g. {@code AKIA…MPLE}; {@code ****} for null or a value of
     * eight characters or fewer.
     *
     * @param keyId an access key id, or null
     * @return the masked form, never the whole id
     */
    public static String maskKeyId(String keyId) {
        return keyId == null || keyId.length() <= 8 ? "****"
                : keyId.substring(0, 4) + "…" + keyId.substring(keyId.length() - 4);
    }

    /** Access key ids in a text shown as {@link #maskKeyId} shows them. */
    static String maskKeyIds(String text) {
        return replace(KEY_ID, text, m -> maskKeyId(m.group()));
    }

    /**
     * The text with every part that looks like a secret replaced by its description: secret-looking runs, the
     * signed parameters of presigned queries, and the values of {@code password}, {@code secretAccessKey} and
     * {@code sessionToken} assignments.
     */
    public static String scrub(String text) {
        if (text == null) {
            return null;
        }
        String t = replace(PRESIGNED_PARAM, text, m -> m.group(1) + "=****");
        t = replace(SECRET_ASSIGNMENT, t, m -> m.group(1) + (m.group(2).isEmpty() ? "" : "****"));
        t = replace(LONG_BASE64_RUN, t, m -> m.group().chars().allMatch(c -> c == '*') || isPlainWordish(decoded(m.group()))
                ? m.group() : describe(m.group().length(), "a session token or other secret"));
        t = replace(SECRET_KEY_RUN, t, m -> describe(40, "a secret access key"));
        return maskKeyIds(t);
    }

    private static String kind(String v) {
        if (v.isEmpty()) {
            return null;
        }
        String lower = v.toLowerCase(Locale.ROOT);
        if (lower.contains("x-amz-signature=") || lower.contains("x-amz-security-token=")
                || lower.contains("x-amz-credential=")) {
            return "an IAM auth token";
        }
        if (SECRET_KEY_RUN.matcher(v).matches()) {
            return "a secret access key";
        }
        Matcher m = LONG_BASE64_RUN.matcher(v);
        while (m.find()) {
            if (!isPlainWordish(decoded(m.group()))) {
                return "a session token or other secret";
            }
        }
        return null;
    }

    /** For a value that {@link #looksSecret looks secret}: where such a value belongs in a configuration. */
    static String whereItBelongs(String value) {
        String kind = kind(value.trim());
        if ("an IAM auth token".equals(kind)) {
            return "a token is never configured (the library mints one per connection)";
        }
        return "a secret access key".equals(kind)
                ? "it belongs in rdsiam.secretAccessKey, not here" : "it belongs in rdsiam.sessionToken, not here";
    }

    private static String decoded(String s) {
        return s.replaceAll("%2[Bb]", "+").replaceAll("%2[Ff]", "/").replaceAll("%3[Dd]", "=");
    }

    private static String describe(int length, String kind) {
        return "(" + length + " characters that look like " + kind + "; not shown)";
    }


    /** A long run of one kind of character only (letters of one case, or digits) is not taken for a secret. */
    private static boolean isPlainWordish(String s) {
        int kinds = 0;
        kinds += s.chars().anyMatch(c -> c >= 'A' && c <= 'Z') ? 1 : 0;
        kinds += s.chars().anyMatch(c -> c >= 'a' && c <= 'z') ? 1 : 0;
        kinds += s.chars().anyMatch(c -> c >= '0' && c <= '9') ? 1 : 0;
        kinds += s.chars().anyMatch(c -> c == '/' || c == '+' || c == '=') ? 1 : 0;
        return kinds <= 1;
    }

    private static String replace(Pattern p, String text, java.util.function.Function<Matcher, String> f) {
        Matcher m = p.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(f.apply(m)));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
