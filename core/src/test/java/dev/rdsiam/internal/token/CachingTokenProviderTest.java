package dev.rdsiam.internal.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rdsiam.AuthToken;
import dev.rdsiam.Engine;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.TokenUnavailableException;
import dev.rdsiam.testing.MutableClock;
import dev.rdsiam.testing.SigV4PresignVerifier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.exception.SdkClientException;

class CachingTokenProviderTest {

    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

    /** Counts resolutions; returns whatever {@link #next} holds. */
    private static final class CountingCredentials implements AwsCredentialsProvider {
        final AtomicInteger resolutions = new AtomicInteger();
        final AtomicReference<AwsCredentials> next = new AtomicReference<>();
        volatile CountDownLatch gate;

        CountingCredentials(AwsCredentials initial) {
            next.set(initial);
        }

        @Override
        public AwsCredentials resolveCredentials() {
            resolutions.incrementAndGet();
            CountDownLatch g = gate;
            if (g != null) {
                try {
                    g.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            AwsCredentials c = next.get();
            if (c == null) {
                throw SdkClientException.create("Unable to load credentials from any of the providers in the chain");
            }
            return c;
        }
    }

    private RdsIamConfig config(Duration reuseWindow) {
        return RdsIamConfig.builder().engine(Engine.POSTGRESQL).host("mydb.c0ffee000000.us-east-1.rds.amazonaws.com")
                .user("iam_user").accessKeyId("AKIAIOSFODNN7EXAMPLE").secretAccessKey(SECRET)
                .tokenReuseWindow(reuseWindow).clock(clock).build();
    }

    private CachingTokenProvider provider(CountingCredentials creds, Duration reuseWindow) {
        return new CachingTokenProvider(config(reuseWindow), "iam_user", creds, "test credentials", new TokenSigner());
    }

    private static AwsSessionCredentials session(String id, Instant expires) {
        return AwsSessionCredentials.builder().accessKeyId(id).secretAccessKey(SECRET).sessionToken("session-" + id)
                .expirationTime(expires).build();
    }

    @Test
    void token_isReused_withinReuseWindow() {
        CountingCredentials creds = new CountingCredentials(AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", SECRET));
        CachingTokenProvider tokens = provider(creds, Duration.ofMinutes(10));

        AuthToken first = tokens.token();
        clock.advance(Duration.ofMinutes(9).plusSeconds(59));
        AuthToken again = tokens.token();

        assertThat(again).isSameAs(first);
        assertThat(tokens.mintedCount()).isEqualTo(1);
        assertThat(tokens.reusedCount()).isEqualTo(1);
        assertThat(creds.resolutions).hasValue(1);
        assertThat(first.expiresAt()).isEqualTo(first.issuedAt().plus(Duration.ofMinutes(15)));
        assertThat(SigV4PresignVerifier.signatureValid(first.value(), SECRET)).isTrue();
    }

    @Test
    void token_isReminted_whenReuseWindowEnds() {
        CountingCredentials creds = new CountingCredentials(AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", SECRET));
        CachingTokenProvider tokens = provider(creds, Duration.ofMinutes(10));

        AuthToken first = tokens.token();
        clock.advance(Duration.ofMinutes(10));
        AuthToken second = tokens.token();

        assertThat(second).isNotSameAs(first);
        assertThat(second.issuedAt()).isEqualTo(first.issuedAt().plus(Duration.ofMinutes(10)));
        assertThat(SigV4PresignVerifier.signedAt(second.value())).isEqualTo(second.issuedAt());
        assertThat(tokens.mintedCount()).isEqualTo(2);
        assertThat(creds.resolutions).hasValue(2);
    }

    @Test
    void token_isReminted_whenCredentialsExpireFirst() {
        Instant credsExpire = clock.instant().plus(Duration.ofMinutes(4));
        CountingCredentials creds = new CountingCredentials(session("ASIAFIRSTSESSION0001", credsExpire));
        CachingTokenProvider tokens = provider(creds, Duration.ofMinutes(10));

        AuthToken first = tokens.token();
        assertThat(first.expiresAt()).isEqualTo(credsExpire);
        assertThat(SigV4PresignVerifier.parameters(first.value())).containsEntry("X-Amz-Security-Token",
                "session-ASIAFIRSTSESSION0001");

        clock.advance(Duration.ofMinutes(2).plusSeconds(59));
        assertThat(tokens.token()).isSameAs(first);

        creds.next.set(session("ASIASECONDSESSION002", clock.instant().plus(Duration.ofHours(1))));
        clock.advance(Duration.ofSeconds(1)); // now 1 minute before the credentials expire: the margin
        AuthToken second = tokens.token();

        assertThat(second).isNotSameAs(first);
        assertThat(SigV4PresignVerifier.parameters(second.value())).containsEntry("X-Amz-Security-Token",
                "session-ASIASECONDSESSION002");
        assertThat(second.expiresAt()).isEqualTo(second.issuedAt().plus(Duration.ofMinutes(15)));
        assertThat(tokens.mintedCount()).isEqualTo(2);
    }

    @Test
    void token_isNotReused_whenCredentialsAreAlmostExpiredAtMint() {
        CountingCredentials creds = new CountingCredentials(
                session("ASIAALMOSTEXPIRED001", clock.instant().plusSeconds(30)));
        CachingTokenProvider tokens = provider(creds, Duration.ofMinutes(10));

        AuthToken first = tokens.token();
        AuthToken second = tokens.token();

        assertThat(second).isNotSameAs(first);
        assertThat(first.expiresAt()).isEqualTo(clock.instant().plusSeconds(30));
        assertThat(tokens.mintedCount()).isEqualTo(2);
    }

    @Test
    void invalidate_forcesRefresh_onlyForTheRejectedToken() {
        CountingCredentials creds = new CountingCredentials(AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", SECRET));
        CachingTokenProvider tokens = provider(creds, Duration.ofMinutes(10));

        CachingTokenProvider.Lease first = tokens.acquire();
        assertThat(first.minted()).isTrue();
        assertThat(tokens.acquire().minted()).isFalse();

        clock.advance(Duration.ofSeconds(1));
        tokens.invalidate(first.token());
        CachingTokenProvider.Lease fresh = tokens.acquire();
        assertThat(fresh.minted()).isTrue();
        assertThat(fresh.token()).isNotSameAs(first.token());

        tokens.invalidate(first.token()); // stale report about the old token: the fresh one stays
        assertThat(tokens.acquire().token()).isSameAs(fresh.token());
        assertThat(tokens.mintedCount()).isEqualTo(2);
    }

    @Test
    void coldCache_with64ConcurrentCallers_mintsExactlyOnce() throws Exception {
        CountingCredentials creds = new CountingCredentials(AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", SECRET));
        CachingTokenProvider tokens = provider(creds, Duration.ofMinutes(10));
        creds.gate = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(64);
        try {
            CountDownLatch ready = new CountDownLatch(64);
            List<Future<AuthToken>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                results.add(pool.submit(() -> {
                    ready.countDown();
                    return tokens.token();
                }));
            }
            assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(200); // let every caller reach the cache while the first resolution is held
            creds.gate.countDown();
            Set<AuthToken> distinct = new HashSet<>();
            for (Future<AuthToken> f : results) {
                distinct.add(f.get(10, TimeUnit.SECONDS));
            }
            assertThat(distinct).hasSize(1);
            assertThat(creds.resolutions).hasValue(1);
            assertThat(tokens.mintedCount()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void failedResolution_isReportedToEveryWaiter_andNextCallRetries() {
        CountingCredentials creds = new CountingCredentials(null);
        CachingTokenProvider tokens = provider(creds, Duration.ofMinutes(10));

        assertThatThrownBy(tokens::token)
                .isInstanceOf(TokenUnavailableException.class)
                .hasMessageContaining("no AWS credentials for the IAM auth token (test credentials)")
                .hasMessageContaining("Unable to load credentials");

        creds.next.set(AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", SECRET));
        assertThat(tokens.token().user()).isEqualTo("iam_user");
        assertThat(creds.resolutions).hasValue(2);
    }

    @Test
    void token_isReminted_whenClockStepsBackBeforeItsSigningTime() {
        CountingCredentials creds = new CountingCredentials(AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", SECRET));
        CachingTokenProvider tokens = provider(creds, Duration.ofMinutes(10));
        AuthToken first = tokens.token();

        clock.advance(Duration.ofMinutes(-5));

        assertThat(tokens.token()).isNotSameAs(first);
    }

    @Test
    void toString_neverShowsTheToken() {
        CountingCredentials creds = new CountingCredentials(AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", SECRET));
        CachingTokenProvider tokens = provider(creds, Duration.ofMinutes(10));
        AuthToken t = tokens.token();

        assertThat(t.toString()).doesNotContain("X-Amz-Signature").doesNotContain(t.value())
                .contains("iam_user@mydb.c0ffee000000.us-east-1.rds.amazonaws.com:5432").contains("length=" + t.length());
        assertThat(tokens.toString()).doesNotContain("X-Amz");
    }
}
