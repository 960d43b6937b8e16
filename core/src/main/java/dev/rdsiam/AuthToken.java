package dev.rdsiam;

import java.time.Instant;
import java.util.Objects;

/**
 * An IAM database authentication token: the password of one login, valid for 15 minutes or until the credentials
 * that signed it expire, whichever comes first.
 *
 * <pre>{@code
 * AuthToken token = RdsIam.tokenProvider(config).token();
 * props.setProperty("password", token.value());     // never log it
 * }</pre>
 *
 * <p>{@link #toString()} never shows the value.
 */
public final class AuthToken {

    private final String value;
    private final String host;
    private final int port;
    private final String user;
    private final String region;
    private final Instant issuedAt;
    private final Instant expiresAt;

    /**
     * Creates a token.
     *
     * @param value the token (a presigned URL without scheme)
     * @param host the identity host it was signed for
     * @param port the identity port it was signed for
     * @param user the database user it was signed for
     * @param region the signing region
     * @param issuedAt the signing time
     * @param expiresAt the end of its validity: the earlier of {@code issuedAt + 15 min} and the signing credentials'
     *     expiry
     */
    public AuthToken(String value, String host, int port, String user, String region, Instant issuedAt,
            Instant expiresAt) {
        this.value = Objects.requireNonNull(value, "value");
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.user = Objects.requireNonNull(user, "user");
        this.region = Objects.requireNonNull(region, "region");
        this.issuedAt = Objects.requireNonNull(issuedAt, "issuedAt");
        this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** The token itself: the password to send. A secret: do not log it. */
    public String value() {
        return value;
    }

    /** The identity host the token was signed for. */
    public String host() {
        return host;
    }

    /** The identity port the token was signed for. */
    public int port() {
        return port;
    }

    /** The database user the token was signed for. */
    public String user() {
        return user;
    }

    /** The region the token was signed for. */
    public String region() {
        return region;
    }

    /** When it was signed. */
    public Instant issuedAt() {
        return issuedAt;
    }

    /** When it stops being accepted: 15 minutes after signing, or earlier if the signing credentials expire first. */
    public Instant expiresAt() {
        return expiresAt;
    }

    /** The token's length in characters (safe to show). */
    public int length() {
        return value.length();
    }

    @Override
    public String toString() {
        return "AuthToken[" + user + "@" + host + ":" + port + ", region=" + region + ", issuedAt=" + issuedAt
                + ", expiresAt=" + expiresAt + ", length=" + value.length() + "]";
    }
}
