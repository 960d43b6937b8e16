package dev.rdsiam.diagnostics;

import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.Credentials;
import dev.rdsiam.internal.net.Elapsed;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/**
 * {@code sts:GetCallerIdentity} with resolved credentials: who they are, in which account, and how far this machine's
 * clock is from the server's, read from the HTTP {@code Date} header of STS's answer (a refusal carries one too).
 *
 * <pre>{@code
 * CallerIdentity.Answer who = CallerIdentity.ask(config, credentials, config.connectTimeout(), true);
 * who.skew().filter(ClockSkew::worthAWarning).ifPresent(s -> err.println(ClockSkew.describe(s)));
 * }</pre>
 *
 * <p>The call goes to {@code rdsiam.stsEndpoint} when set, else to STS in {@code rdsiam.stsRegion} (the signing
 * region by default). Every wait is bounded: the HTTP client's connect and read timeouts, the SDK's call timeout and a
 * daemon thread that is abandoned after the bound.
 */
public final class CallerIdentity {

    /**
     * What STS answered.
     *
     * @param arn the caller's ARN
     * @param account the caller's 12-digit account
     * @param skew the server's clock minus this machine's (positive: this machine is behind), if a Date came back
     */
    public record Answer(String arn, String account, Optional<Duration> skew) {
    }

    /** STS did not answer with an identity; {@link #skew()} is known when it answered at all (with a refusal). */
    public static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Optional<Duration> skew;
        private final boolean timedOut;

        /**
         * A failure to learn the caller's identity.
         *
         * @param message what went wrong (no secret)
         * @param skew the measured skew, if any
         * @param timedOut whether no answer came within the bound
         * @param cause the cause, or {@code null}
         */
        public Failure(String message, Optional<Duration> skew, boolean timedOut, Throwable cause) {
            super(message, cause);
            this.skew = skew;
            this.timedOut = timedOut;
        }

        /**
         * The server's clock minus this machine's.
         *
         * @return the skew, if the refusal carried a Date header
         */
        public Optional<Duration> skew() {
            return skew;
        }

        /**
         * Whether no answer came within the bound.
         *
         * @return true on a timeout
         */
        public boolean timedOut() {
            return timedOut;
        }
    }

    private CallerIdentity() {
    }

    /**
     * Asks STS who the credentials are.
     *
     * @param config where STS is ({@code stsEndpoint}, {@code stsRegion}) and the clock
     * @param credentials resolved credentials (the same that sign tokens)
     * @param timeout the HTTP connect timeout; a read may take twice that and the whole call three times
     * @param retry whether the SDK may retry (it then also corrects its own signing clock after a skew refusal)
     * @return the identity and the measured skew
     * @throws Failure when STS refused, failed or did not answer within three times {@code timeout}; its message
     *     carries no secret
     */
    public static Answer ask(RdsIamConfig config, AwsCredentials credentials, Duration timeout, boolean retry)
            throws Failure {
        Duration bound = timeout.multipliedBy(3);
        Clock clock = config.clock();
        try {
            return Bounded.run(() -> {
                GetCallerIdentityResponse who = call(config, credentials, timeout, bound, retry);
                Instant local = clock.instant();
                return new Answer(who.arn(), who.account(), skew(who.sdkHttpResponse(), local));
            }, bound, "sts");
        } catch (TimeoutException e) {
            throw new Failure("sts:GetCallerIdentity did not answer within " + Elapsed.format(bound), Optional.empty(),
                    true, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            Optional<Duration> skew = Optional.empty();
            if (cause instanceof AwsServiceException && ((AwsServiceException) cause).awsErrorDetails() != null) {
                skew = skew(((AwsServiceException) cause).awsErrorDetails().sdkHttpResponse(), clock.instant());
            }
            throw new Failure("sts:GetCallerIdentity failed (" + Bounded.safeMessage(cause) + ")", skew, false, cause);
        }
    }

    /**
     * Asks STS who the configured credentials (those that sign tokens) are: resolves them first, within three times
     * the connect timeout, then calls as {@link #ask(RdsIamConfig, AwsCredentials, Duration, boolean)} with retries.
     *
     * @param config the configuration
     * @return the identity and the measured skew
     * @throws Failure when no credentials resolve, or STS refused, failed or did not answer; no secret in its message
     */
    public static Answer ask(RdsIamConfig config) throws Failure {
        AwsCredentials credentials;
        Duration bound = config.connectTimeout().multipliedBy(3);
        try (Credentials source = Credentials.of(config)) {
            credentials = Bounded.run(() -> source.provider().resolveCredentials(), bound, "credentials");
        } catch (TimeoutException e) {
            throw new Failure("no AWS credentials within " + Elapsed.format(bound) + " from "
                    + config.credentialsDescription(), Optional.empty(), true, e);
        } catch (ExecutionException e) {
            throw new Failure("no AWS credentials from " + config.credentialsDescription() + ": "
                    + Bounded.safeMessage(e.getCause()), Optional.empty(), false, e.getCause());
        }
        return ask(config, credentials, config.connectTimeout(), true);
    }

    private static GetCallerIdentityResponse call(RdsIamConfig config, AwsCredentials credentials, Duration timeout,
            Duration bound, boolean retry) {
        ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder().apiCallTimeout(bound);
        if (!retry) {
            override.retryStrategy(AwsRetryStrategy.doNotRetry());
        }
        StsClientBuilder b = StsClient.builder()
                .region(Region.of(config.stsRegion()))
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(timeout)
                        .socketTimeout(timeout.plus(timeout)))
                .overrideConfiguration(override.build());
        config.stsEndpoint().ifPresent(b::endpointOverride);
        try (StsClient sts = b.build()) {
            return sts.getCallerIdentity();
        }
    }

    /**
     * The server's time (its Date header, which is truncated to the second: half a second is added) minus
     * {@code local}, if the response has a readable Date.
     */
    static Optional<Duration> skew(SdkHttpResponse response, Instant local) {
        if (response == null) {
            return Optional.empty();
        }
        return response.firstMatchingHeader("Date").flatMap(CallerIdentity::parseDate)
                .map(server -> Duration.between(local, server.plusMillis(500)));
    }

    /**
     * Reads an HTTP date.
     *
     * @param value e.g. {@code Tue, 01 Dec 2026 09:12:00 GMT}
     * @return the instant, or empty when it is not an HTTP date
     */
    public static Optional<Instant> parseDate(String value) {
        try {
            return Optional.of(ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
