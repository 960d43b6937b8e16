package dev.rdsiam;

import dev.rdsiam.internal.token.CachingTokenProvider;

/**
 * The {@link AuthTokenProvider} handed out by {@link RdsIam#tokenProvider} and {@link Credentials#tokenProvider()}:
 * the caching provider, and what closing it releases.
 */
final class SigningTokenProvider implements AuthTokenProvider {

    private final CachingTokenProvider cache;
    private final Runnable onClose;

    SigningTokenProvider(CachingTokenProvider cache, Runnable onClose) {
        this.cache = cache;
        this.onClose = onClose;
    }

    @Override
    public AuthToken token() {
        return cache.token();
    }

    @Override
    public void invalidate(AuthToken token) {
        cache.invalidate(token);
    }

    @Override
    public void close() {
        onClose.run();
    }

    @Override
    public String toString() {
        return cache.toString();
    }
}
