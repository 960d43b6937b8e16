package dev.rdsiam;

/**
 * Supplies the IAM auth token for the next new physical connection.
 *
 * <pre>{@code
 * AuthTokenProvider tokens = RdsIam.tokenProvider(config);
 * AuthToken t = tokens.token();      // cached: minted at most once per reuse window
 * }</pre>
 *
 * <p>The provider returned by {@link RdsIam#tokenProvider(RdsIamConfig)} caches: it reuses a token while it is
 * younger than the reuse window and the credentials that signed it stay valid, mints at most once for any number of
 * concurrent callers, and runs no threads of its own.
 */
public interface AuthTokenProvider extends AutoCloseable {

    /**
     * A token valid now.
     *
     * @throws TokenUnavailableException when no credentials can be resolved or signing fails
     */
    AuthToken token();

    /**
     * Says that the server rejected {@code token}: the next {@link #token()} mints a new one (unless another caller
     * already replaced it). The default does nothing.
     */
    default void invalidate(AuthToken token) {
    }

    /** Releases what the provider owns (for example its AWS credentials provider). The default does nothing. */
    @Override
    default void close() {
    }
}
