package dev.rdsiam.testkit;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Faults that can be switched on and off while a {@link LocalRds} runs. All setters take effect for the next
 * connection. Route faults (dropped packets, refused connections) are separate routes:
 * {@link LocalRds#droppingRoute()} and {@link LocalRds#refusedRoute()}.
 *
 * <pre>{@code
 * rds.faults().rejectAllTokens(true);      // every login fails with the engine's auth error
 * rds.faults().authDelay(Duration.ofSeconds(3));
 * rds.faults().reset();
 * }</pre>
 */
public final class Faults {

    /** MySQL's default {@code max_connect_errors}. */
    public static final int DEFAULT_MAX_CONNECT_ERRORS = 100;

    private volatile boolean rejectAllTokens;
    private volatile Duration authDelay = Duration.ZERO;
    private volatile Duration clockSkew = Duration.ZERO;
    private volatile ServerCertificate certificate = ServerCertificate.VALID;
    private volatile boolean noTls;
    private volatile boolean proxyNoCredentials;
    private volatile int maxConnectErrors = DEFAULT_MAX_CONNECT_ERRORS;
    private volatile Runnable onFlushHosts = () -> { };
    private volatile int iamLoginsPerSecond;
    private volatile StsOutage stsOutage = StsOutage.NONE;
    private volatile Consumer<StsOutage> onStsOutage = outage -> { };

    Faults() {
    }

    /**
     * Rejects every token, valid or not (recorded as {@link RejectReason#FAULT_INJECTED}).
     *
     * @param on whether to reject
     * @return this
     */
    public Faults rejectAllTokens(boolean on) {
        this.rejectAllTokens = on;
        return this;
    }

    /**
     * Waits this long after the password arrives before answering (slow authentication).
     *
     * @param delay the delay, zero for none
     * @return this
     */
    public Faults authDelay(Duration delay) {
        if (Objects.requireNonNull(delay, "delay").isNegative()) {
            throw new IllegalArgumentException("authDelay must not be negative: " + delay);
        }
        this.authDelay = delay;
        return this;
    }

    /**
     * Shifts the gateway's clock (positive: the server is ahead of real time). Token and session expiry are
     * judged by the shifted clock.
     *
     * @param skew the offset
     * @return this
     */
    public Faults clockSkew(Duration skew) {
        this.clockSkew = Objects.requireNonNull(skew, "skew");
        return this;
    }

    /**
     * Chooses the certificate the gateway presents.
     *
     * @param certificate the certificate
     * @return this
     */
    public Faults certificate(ServerCertificate certificate) {
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        return this;
    }

    /**
     * The gateway offers no TLS: PostgreSQL answers {@code N} to SSLRequest, the MySQL greeting lacks
     * CLIENT_SSL. A client that goes on without TLS is let in (if its token is valid), so tests can see a leak.
     *
     * @param on whether TLS is withheld
     * @return this
     */
    public Faults noTls(boolean on) {
        this.noTls = on;
        return this;
    }

    /**
     * Answers like an RDS Proxy without a Secrets Manager secret for the user
     * ({@code This RDS proxy has no credentials for the role ...}).
     *
     * @param on whether the proxy lacks credentials
     * @return this
     */
    public Faults proxyNoCredentials(boolean on) {
        this.proxyNoCredentials = on;
        return this;
    }

    /**
     * MySQL only: after this many handshake errors from one address, that address gets error 1129 until
     * {@link #flushHosts()}. A successful login resets the address's count.
     *
     * @param max the limit, at least 1
     * @return this
     */
    public Faults maxConnectErrors(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxConnectErrors must be at least 1: " + max);
        }
        this.maxConnectErrors = max;
        return this;
    }

    /**
     * Unblocks every address and clears the handshake-error counts ({@code FLUSH HOSTS}).
     *
     * @return this
     */
    public Faults flushHosts() {
        onFlushHosts.run();
        return this;
    }

    /**
     * The IAM authentication rate limit: above this many IAM logins per second (per instance, counted over the last
     * second) further logins fail as RDS fails them (PostgreSQL {@code PAM authentication failed for user}, MySQL
     * 1045 {@code Access denied}), recorded as {@link RejectReason#RATE_LIMITED}.
     *
     * @param ceiling logins per second, 0 for no limit
     * @return this
     */
    public Faults iamLoginsPerSecond(int ceiling) {
        if (ceiling < 0) {
            throw new IllegalArgumentException("iamLoginsPerSecond must be 0 (no limit) or more: " + ceiling);
        }
        this.iamLoginsPerSecond = ceiling;
        return this;
    }

    /**
     * Makes the local STS unavailable.
     *
     * @param outage {@link StsOutage#REFUSING}, {@link StsOutage#HANGING} or {@link StsOutage#NONE}
     * @return this
     */
    public Faults stsOutage(StsOutage outage) {
        this.stsOutage = Objects.requireNonNull(outage, "outage");
        onStsOutage.accept(outage);
        return this;
    }

    /**
     * Switches every fault off and flushes hosts.
     *
     * @return this
     */
    public Faults reset() {
        rejectAllTokens = false;
        authDelay = Duration.ZERO;
        clockSkew = Duration.ZERO;
        certificate = ServerCertificate.VALID;
        noTls = false;
        proxyNoCredentials = false;
        maxConnectErrors = DEFAULT_MAX_CONNECT_ERRORS;
        iamLoginsPerSecond = 0;
        if (stsOutage != StsOutage.NONE) {
            stsOutage(StsOutage.NONE);
        }
        return flushHosts();
    }

    /** @return whether every token is rejected */
    public boolean rejectAllTokens() {
        return rejectAllTokens;
    }

    /** @return the authentication delay */
    public Duration authDelay() {
        return authDelay;
    }

    /** @return the gateway clock offset */
    public Duration clockSkew() {
        return clockSkew;
    }

    /** @return the certificate presented */
    public ServerCertificate certificate() {
        return certificate;
    }

    /** @return whether TLS is withheld */
    public boolean noTls() {
        return noTls;
    }

    /** @return whether the proxy-without-credentials fault is on */
    public boolean proxyNoCredentials() {
        return proxyNoCredentials;
    }

    /** @return the MySQL handshake error limit */
    public int maxConnectErrors() {
        return maxConnectErrors;
    }

    /** @return the IAM login ceiling per second, 0 for none */
    public int iamLoginsPerSecond() {
        return iamLoginsPerSecond;
    }

    /** @return the STS outage in force */
    public StsOutage stsOutage() {
        return stsOutage;
    }

    void onStsOutage(Consumer<StsOutage> action) {
        this.onStsOutage = Objects.requireNonNull(action);
    }

    void onFlushHosts(Runnable action) {
        this.onFlushHosts = Objects.requireNonNull(action);
    }
}
