package dev.rdsiam;

import dev.rdsiam.internal.credentials.CredentialsSource;
import dev.rdsiam.internal.token.CachingTokenProvider;
import dev.rdsiam.internal.token.TokenSigner;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The AWS credentials a configuration signs tokens with, resolved the way a DataSource resolves them (its
 * {@code rdsiam.credentials} choice, profile, assume-role settings), for tools that call AWS with the same identity:
 * {@code sts:GetCallerIdentity}, {@code rds:Describe*}. Close it to release what the source holds (an STS client for
 * assume-role).
 *
 * <pre>{@code
 * try (Credentials credentials = Credentials.of(config);
 *      AuthTokenProvider tokens = credentials.tokenProvider()) {
 *     AuthToken token = tokens.token();
 *     AwsCredentials signedWith = credentials.lastResolved().orElseThrow();
 * }
 * }</pre>
 *
 * <p>Its {@link #toString()} names the source only, never a key.
 */
public final class Credentials implements AutoCloseable {

    private final RdsIamConfig config;
    private final CredentialsSource source;
    private final AtomicReference<AwsCredentials> last = new AtomicReference<>();
    private final AwsCredentialsProvider remembering;

    private Credentials(RdsIamConfig config) {
        this.config = config;
        this.source = CredentialsSource.create(config);
        this.remembering = new AwsCredentialsProvider() {
            @Override
            public AwsCredentials resolveCredentials() {
                AwsCredentials c = source.provider().resolveCredentials();
                last.set(c);
                return c;
            }

            @Override
            public String toString() {
                return source.description();
            }
        };
    }

    /**
     * The credentials of a configuration. Nothing is resolved yet: the first {@link AwsCredentialsProvider#resolveCredentials()}
     * of {@link #provider()} does.
     *
     * @param config the configuration
     * @return the credentials source, to be closed
     */
    public static Credentials of(RdsIamConfig config) {
        return new Credentials(config);
    }

    /**
     * The SDK provider of the credentials; each resolution is remembered as {@link #lastResolved()}.
     *
     * @return the provider
     */
    public AwsCredentialsProvider provider() {
        return remembering;
    }

    /**
     * Where the credentials come from, in words (no secret).
     *
     * @return e.g. {@code profile 'dev' (~/.aws/config)}
     */
    public String description() {
        return source.description();
    }

    /**
     * A caching token provider for the configuration's user that signs with these credentials, as a DataSource's
     * does. Closing it leaves these credentials open.
     *
     * @return the token provider
     */
    public AuthTokenProvider tokenProvider() {
        CachingTokenProvider cache = new CachingTokenProvider(config, config.user(), remembering,
                source.description(), new TokenSigner());
        // closing it leaves the credentials open: they belong to this object
        return new SigningTokenProvider(cache, () -> { });
    }

    /**
     * The credentials the last resolution through {@link #provider()} (or a token signed by {@link #tokenProvider()})
     * returned: the very ones a token was signed with.
     *
     * @return the credentials, or empty before the first resolution
     */
    public Optional<AwsCredentials> lastResolved() {
        return Optional.ofNullable(last.get());
    }

    /** Releases what the source holds. */
    @Override
    public void close() {
        source.close();
    }

    @Override
    public String toString() {
        return "Credentials[" + source.description() + "]";
    }
}
