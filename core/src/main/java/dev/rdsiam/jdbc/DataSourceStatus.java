package dev.rdsiam.jdbc;

import dev.rdsiam.Engine;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What an {@link RdsIamDataSource} knows about its own health, for health checks and dashboards: the recent
 * physical connection attempts with their outcome and diagnosis, the cached token's age and expiry (never its
 * value), where credentials come from (in words, never a secret or key id), and certificate expiries. A snapshot:
 * {@link RdsIamDataSource#status()} makes a new one each time.
 *
 * <pre>{@code
 * DataSourceStatus s = dataSource.status();
 * if (s.down()) alert(s.lastAttempt().flatMap(DataSourceStatus.Attempt::diagnosis).orElse("down"));
 * }</pre>
 *
 * @param name the DataSource's name ({@code rdsiam.name})
 * @param engine the engine
 * @param host the endpoint (identity) host
 * @param port the endpoint port
 * @param credentials where the AWS credentials come from, in words
 * @param recentAttempts the last physical connection attempts, oldest first (at most {@link #RECENT})
 * @param tokenIssuedAt when the token that new connections get was signed, if one is cached
 * @param tokenExpiresAt when that token expires, if one is cached
 * @param tokensMinted tokens minted so far
 * @param tokensReused times a cached token was handed out again
 * @param serverCertificateNotAfter expiry of the server certificate last verified, if any
 * @param trustEarliestExpiry when the first certificate of the trusted CAs expires
 */
public record DataSourceStatus(String name, Engine engine, String host, int port, String credentials,
        List<Attempt> recentAttempts, Optional<Instant> tokenIssuedAt, Optional<Instant> tokenExpiresAt,
        long tokensMinted, long tokensReused, Optional<Instant> serverCertificateNotAfter,
        Optional<Instant> trustEarliestExpiry) {

    /** How many attempts {@link #recentAttempts()} keeps. */
    public static final int RECENT = 5;

    /** How many of the latest attempts must all have failed for {@link #down()}. */
    public static final int DOWN_AFTER = 3;

    /** Copies the list. */
    public DataSourceStatus {
        recentAttempts = List.copyOf(recentAttempts);
    }

    /**
     * One physical connection attempt.
     *
     * @param at when it ended
     * @param outcome {@code ok}, or the kind the diagnosis found: {@code timeout}, {@code refused},
     *     {@code unknown_host}, {@code tls_untrusted}, {@code tls_hostname}, {@code auth_rejected},
     *     {@code proxy_no_credentials}, {@code host_blocked}, {@code too_many_connections},
     *     {@code database_unavailable}, {@code credentials_unavailable}, ...
     * @param took dial, TLS and login
     * @param diagnosis the failure's message with its advice (never a secret), empty when it worked
     */
    public record Attempt(Instant at, String outcome, Duration took, Optional<String> diagnosis) {

        /** Whether the login worked. */
        public boolean ok() {
            return "ok".equals(outcome);
        }
    }

    /** The latest attempt, if any was made. */
    public Optional<Attempt> lastAttempt() {
        return recentAttempts.isEmpty() ? Optional.empty() : Optional.of(recentAttempts.get(recentAttempts.size() - 1));
    }

    /**
     * Whether the DataSource looks down: its latest attempts (up to {@value #DOWN_AFTER}) all failed. One that
     * works makes it up again; no attempt yet is up.
     */
    public boolean down() {
        int n = Math.min(DOWN_AFTER, recentAttempts.size());
        if (n == 0) {
            return false;
        }
        for (int i = recentAttempts.size() - n; i < recentAttempts.size(); i++) {
            if (recentAttempts.get(i).ok()) {
                return false;
            }
        }
        return true;
    }
}
