package dev.rdsiam.cli;

import dev.rdsiam.AuthToken;
import dev.rdsiam.AuthTokenProvider;
import dev.rdsiam.Credentials;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.TokenUnavailableException;
import dev.rdsiam.diagnostics.CallerIdentity;
import dev.rdsiam.diagnostics.ClockSkew;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentials;

/**
 * A token minted the way {@code RdsIam.tokenProvider} mints it, with the credentials that signed it kept for one
 * more call: {@code sts:GetCallerIdentity}, whose answer's {@code Date} tells whether this machine's clock is off.
 *
 * <pre>{@code
 * Minted m = Minted.mint(config);
 * out.println(m.token().value());
 * m.clockWarning(config).ifPresent(w -> err.println("rdsiam token: warning: " + w));
 * }</pre>
 *
 * @param token the token
 * @param credentials the credentials that signed it
 */
record Minted(AuthToken token, AwsCredentials credentials) {

    /**
     * The HTTP connect timeout of the clock check; the read may take twice that, the whole check three times
     * (1.5 s). Short on purpose: {@code token} and {@code env} must stay quick where STS cannot be reached.
     */
    static final Duration CLOCK_CHECK_TIMEOUT = Duration.ofMillis(500);

    /**
     * Resolves the credentials and signs a token.
     *
     * @param config the configuration
     * @return the token and its credentials
     * @throws TokenUnavailableException when no credentials can be resolved (the library's message)
     */
    static Minted mint(RdsIamConfig config) {
        try (Credentials credentials = Credentials.of(config);
             AuthTokenProvider tokens = credentials.tokenProvider()) {
            AuthToken token = tokens.token();
            return new Minted(token, credentials.lastResolved().orElse(null));
        }
    }

    /**
     * Asks STS (one attempt, at most 1.5 s) for its time and says what a skew above 5 minutes does to this token.
     * Nothing is said when STS cannot be reached or the clock is within 5 minutes.
     *
     * @param config where STS is
     * @return the warning, or empty
     */
    Optional<String> clockWarning(RdsIamConfig config) {
        Optional<Duration> skew;
        try {
            skew = CallerIdentity.ask(config, credentials, CLOCK_CHECK_TIMEOUT, false).skew();
        } catch (CallerIdentity.Failure e) {
            skew = e.skew();
        }
        return skew.filter(ClockSkew::worthAWarning).map(ClockSkew::describe);
    }
}
