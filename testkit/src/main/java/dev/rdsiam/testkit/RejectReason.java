package dev.rdsiam.testkit;

/**
 * Why the gateway refused a login. Recorded in {@link AuthAttempt}; never sent to the client, which only
 * sees the generic error RDS sends.
 *
 * <pre>{@code
 * assertThat(rds.authAttempts()).last().extracting(AuthAttempt::reason)
 *         .isEqualTo(RejectReason.EXPIRED);
 * }</pre>
 */
public enum RejectReason {
    /** The token cannot be parsed, or a parameter has a bad format. */
    MALFORMED,
    /** {@code X-Amz-Algorithm} is not {@code AWS4-HMAC-SHA256}. */
    UNSUPPORTED_ALGORITHM,
    /** The signature does not match the canonical request. */
    BAD_SIGNATURE,
    /** {@code X-Amz-Date} plus {@code X-Amz-Expires} lies in the past (by the gateway's clock). */
    EXPIRED,
    /** {@code X-Amz-Date} lies in the future beyond the allowed clock skew. */
    NOT_YET_VALID,
    /** {@code X-Amz-Expires} is above 900 seconds. */
    EXPIRES_TOO_LONG,
    /** The credential scope date is not the date of {@code X-Amz-Date}. */
    SCOPE_DATE_MISMATCH,
    /** The signed host is not one of the endpoint's names. */
    WRONG_HOST,
    /**
     * Aurora: the signed host is a name of the same cluster that leads to another instance at this moment (a token
     * for {@code instance-1} sent to {@code instance-2}, or for the cluster endpoint sent to a reader).
     */
    WRONG_INSTANCE,
    /** IAM authentication rate limit: more new IAM logins per second than the configured ceiling. */
    RATE_LIMITED,
    /** The signed port is not the endpoint's port (5432 or 3306, not the gateway's port). */
    WRONG_PORT,
    /** The credential scope names another region. */
    WRONG_REGION,
    /** The credential scope names a service other than {@code rds-db}. */
    WRONG_SERVICE,
    /** {@code DBUser} is not the user logging in (case-sensitive). */
    WRONG_USER,
    /** {@code Action} is not {@code connect}. */
    WRONG_ACTION,
    /** The access key id is neither a static key nor a session issued by the local STS. */
    UNKNOWN_ACCESS_KEY,
    /** Session credentials were used but {@code X-Amz-Security-Token} is missing. */
    SESSION_TOKEN_MISSING,
    /** {@code X-Amz-Security-Token} does not belong to the access key (or is present for a static key). */
    SESSION_TOKEN_MISMATCH,
    /** The session credentials that signed the token have expired. */
    SESSION_EXPIRED,
    /** {@code X-Amz-SignedHeaders} is not exactly {@code host}. */
    EXTRA_SIGNED_HEADERS,
    /** The "reject every token" fault is on. */
    FAULT_INJECTED,
    /**
     * The token is valid but the user is not one the kit logs in with IAM: on RDS, a user that does not exist, a
     * PostgreSQL user without the {@code rds_iam} role, or a MySQL user not {@code IDENTIFIED WITH
     * AWSAuthenticationPlugin}; RDS answers with the same error as for a bad token.
     */
    NOT_AN_IAM_USER,
    /** The "RDS Proxy has no credentials" fault is on. */
    PROXY_NO_CREDENTIALS,
    /** MySQL: the client address is blocked after too many handshake errors (error 1129). */
    HOST_BLOCKED,
    /** The client tried to log in without TLS. */
    NO_TLS,
    /** The TLS handshake failed (for example the client refused the certificate). */
    TLS_FAILED,
    /** The client closed the connection or broke the protocol before authentication finished. */
    ABORTED
}
