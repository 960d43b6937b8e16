package dev.rdsiam.internal.token;

import dev.rdsiam.AuthToken;
import dev.rdsiam.AuthTokenProvider;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.TokenUnavailableException;
import dev.rdsiam.internal.metrics.Instruments;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The token cache of one endpoint of a DataSource (one identity host, port, user, region and credentials provider).
 *
 * <p>A token is reused while it is younger than the reuse window <em>and</em> the credentials that signed it stay
 * valid for at least {@link #CREDENTIALS_MARGIN} more. Otherwise the next caller mints: it resolves credentials and
 * signs, on its own thread, while concurrent callers wait for that one result (single flight). No locks are held
 * around anything that blocks, and no thread is started.
 */
public final class CachingTokenProvider implements AuthTokenProvider {

    /** A token is not reused once its signing credentials expire within this margin. */
    public static final Duration CREDENTIALS_MARGIN = Duration.ofMinutes(1);

    /** Tolerated backwards clock step before a cached token is considered signed "in the future". */
    private static final Duration BACKWARD_STEP = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(CachingTokenProvider.class);

    /** Either a {@link Cached} or an in-flight {@link CompletableFuture}, or null when cold. */
    private final AtomicReference<Object> state = new AtomicReference<>();
    private final AtomicLong minted = new AtomicLong();
    private final AtomicLong reused = new AtomicLong();
    private final TokenSigner signer;
    private final AwsCredentialsProvider credentials;
    private final String credentialsDescription;
    private final String host;
    private final int port;
    private final String user;
    private final String region;
    private final Duration reuseWindow;
    private final Clock clock;
    private final String logPrefix;
    private final Instruments instruments;

    /**
     * Creates the cache for one configuration.
     *
     * @param config the configuration (identity host, port, region, reuse window, clock, name)
     * @param user the database user (the configured one, or another given to {@code getConnection(user, pw)})
     * @param credentials the credentials provider of the DataSource
     * @param credentialsDescription where credentials come from, for messages
     * @param signer the signer
     */
    public CachingTokenProvider(RdsIamConfig config, String user, AwsCredentialsProvider credentials,
            String credentialsDescription, TokenSigner signer) {
        this(config, user, credentials, credentialsDescription, signer, Instruments.NONE);
    }

    /**
     * Creates the cache for one configuration, reporting mints, reuses and credential resolutions.
     *
     * @param instruments where to report (the DataSource's meters)
     */
    public CachingTokenProvider(RdsIamConfig config, String user, AwsCredentialsProvider credentials,
            String credentialsDescription, TokenSigner signer, Instruments instruments) {
        this(config, config.host(), config.port(), user, credentials, credentialsDescription, signer, instruments);
    }

    /**
     * Creates the cache for one endpoint of a configuration (a cluster's instance, its reader endpoint, ...).
     *
     * @param host the endpoint name the tokens are signed for
     * @param port the endpoint's port
     */
    public CachingTokenProvider(RdsIamConfig config, String host, int port, String user,
            AwsCredentialsProvider credentials, String credentialsDescription, TokenSigner signer,
            Instruments instruments) {
        this.instruments = instruments;
        this.signer = signer;
        this.credentials = credentials;
        this.credentialsDescription = credentialsDescription;
        this.host = host;
        this.port = port;
        this.user = user;
        this.region = config.region();
        this.reuseWindow = config.tokenReuseWindow();
        this.clock = config.clock();
        this.logPrefix = config.name();
    }

    /** A token and whether this call minted it (a failed login with a reused token is worth one retry). */
    public static final class Lease {
        private final AuthToken token;
        private final boolean minted;

        Lease(AuthToken token, boolean minted) {
            this.token = token;
            this.minted = minted;
        }

        /** The token. */
        public AuthToken token() {
            return token;
        }

        /** Whether it was minted for this call (true) or reused from the cache (false). */
        public boolean minted() {
            return minted;
        }
    }

    private static final class Cached {
        final AuthToken token;
        final Instant reuseUntil;

        Cached(AuthToken token, Instant reuseUntil) {
            this.token = token;
            this.reuseUntil = reuseUntil;
        }
    }

    @Override
    public AuthToken token() {
        return acquire().token();
    }

    /** A token valid now, and whether it was minted by this call. */
    @SuppressWarnings("unchecked")
    public Lease acquire() {
        while (true) {
            Object s = state.get();
            if (s instanceof Cached) {
                Cached c = (Cached) s;
                Instant now = clock.instant();
                if (now.isBefore(c.reuseUntil) && !now.isBefore(c.token.issuedAt().minus(BACKWARD_STEP))) {
                    reused.incrementAndGet();
                    instruments.tokenReused();
                    return new Lease(c.token, false);
                }
            } else if (s instanceof CompletableFuture) {
                return new Lease(await((CompletableFuture<AuthToken>) s), false);
            }
            CompletableFuture<AuthToken> flight = new CompletableFuture<>();
            if (state.compareAndSet(s, flight)) {
                return new Lease(mint(flight), true);
            }
        }
    }

    private AuthToken mint(CompletableFuture<AuthToken> flight) {
        try {
            long start = System.nanoTime();
            AwsCredentials creds;
            try {
                creds = credentials.resolveCredentials();
                instruments.credentialsResolved(System.nanoTime() - start, null);
            } catch (SdkException | IllegalStateException e) {
                instruments.credentialsResolved(System.nanoTime() - start, failureCause(e));
                throw new TokenUnavailableException("no AWS credentials for the IAM auth token (" + credentialsDescription
                        + "): " + safeMessage(e) + " — check the credentials source (aws sts get-caller-identity "
                        + "with the same settings)", e);
            }
            Instant issuedAt = clock.instant();
            String value = signer.sign(creds, host, port, user, region, Clock.fixed(issuedAt, clock.getZone()));
            Instant expiresAt = issuedAt.plus(RdsIamConfig.TOKEN_LIFETIME);
            Instant reuseUntil = issuedAt.plus(reuseWindow);
            if (creds.expirationTime().isPresent()) {
                Instant credsExpire = creds.expirationTime().get();
                if (credsExpire.isBefore(expiresAt)) {
                    expiresAt = credsExpire;
                }
                Instant credsLimit = credsExpire.minus(CREDENTIALS_MARGIN);
                if (credsLimit.isBefore(reuseUntil)) {
                    reuseUntil = credsLimit;
                }
            }
            AuthToken token = new AuthToken(value, host, port, user, region, issuedAt, expiresAt);
            long n = minted.incrementAndGet();
            state.set(new Cached(token, reuseUntil));
            instruments.tokenMinted(System.nanoTime() - start);
            flight.complete(token);
            LOG.debug("{} - minted IAM auth token #{} for {}@{}:{} (region {}, expires {}, reused until {})", logPrefix,
                    n, user, host, port, region, expiresAt, reuseUntil);
            return token;
        } catch (RuntimeException e) {
            state.compareAndSet(flight, null);
            flight.completeExceptionally(e);
            throw e;
        }
    }

    private static AuthToken await(CompletableFuture<AuthToken> flight) {
        try {
            return flight.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new TokenUnavailableException(cause.getMessage(), cause);
        }
    }

    /** A bounded cause for the credentials failure meter. */
    static String failureCause(Exception e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("STS AssumeRole") && m.contains("was refused")) {
            return "sts_refused";
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException) {
                return "unreachable";
            }
            if (t.getCause() == t) {
                break;
            }
        }
        if (m.contains("Unable to load credentials") || m.contains("profile")) {
            return "no_credentials";
        }
        return "other";
    }

    /** The token the next caller would get if it is still reusable, without minting (its value stays here). */
    public java.util.Optional<AuthToken> current() {
        Object s = state.get();
        if (s instanceof Cached) {
            Cached c = (Cached) s;
            if (clock.instant().isBefore(c.reuseUntil)) {
                return java.util.Optional.of(c.token);
            }
        }
        return java.util.Optional.empty();
    }

    /** The SDK's own message; SDK messages carry no secret values. */
    private static String safeMessage(Exception e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    @Override
    public void invalidate(AuthToken token) {
        Object s = state.get();
        if (s instanceof Cached && ((Cached) s).token == token) {
            if (state.compareAndSet(s, null)) {
                LOG.debug("{} - token for {}@{}:{} was rejected by the server; the next connection mints a new one",
                        logPrefix, user, host, port);
            }
        }
    }

    /** How many tokens this cache has minted. */
    public long mintedCount() {
        return minted.get();
    }

    /** How many times a cached token was handed out again. */
    public long reusedCount() {
        return reused.get();
    }

    @Override
    public String toString() {
        return "CachingTokenProvider[" + user + "@" + host + ":" + port + ", region=" + region + ", minted="
                + minted.get() + ", reused=" + reused.get() + "]";
    }
}
