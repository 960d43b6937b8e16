package dev.rdsiam.jdbc;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Keeps a DataSource from hammering a server that refuses logins made with fresh tokens. RDS throttles new
 * IAM-authenticated connections (AWS advises staying under about 200 per second) and a throttled client sees only
 * the generic authentication failure; a pool that retries at once would keep the throttle on. After a login with a
 * fresh token fails, the next logins wait an exponential backoff with jitter (50 ms doubling to at most 2 s),
 * never longer than half of the remaining login timeout a pool has set, and a success clears it. No threads: the
 * caller of {@code getConnection()} waits.
 */
final class LoginBackoff {

    static final long BASE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    static final long CAP_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** Failures within this window count as a burst for the diagnosis. */
    static final long BURST_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(2);
    static final int BURST = 4;

    private final AtomicInteger consecutive = new AtomicInteger();
    private final AtomicLong lastFailure = new AtomicLong();
    private final AtomicLongArray recent = new AtomicLongArray(BURST);
    private final AtomicInteger next = new AtomicInteger();

    /** Consecutive logins with fresh tokens that the server refused since the last success. */
    int consecutiveFailures() {
        return consecutive.get();
    }

    /**
     * Waits, if logins were refused recently, until the backoff has passed.
     *
     * @param loginTimeoutSeconds the login timeout a pool set on the DataSource (0: none); the wait stays within
     *     half of it
     * @return the nanoseconds waited
     */
    long await(int loginTimeoutSeconds) throws InterruptedException {
        int failures = consecutive.get();
        if (failures == 0) {
            return 0;
        }
        long delay = Math.min(CAP_NANOS, BASE_NANOS << Math.min(failures - 1, 20));
        delay = delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1); // jitter: half to all of it
        if (loginTimeoutSeconds > 0) {
            delay = Math.min(delay, TimeUnit.SECONDS.toNanos(loginTimeoutSeconds) / 2);
        }
        long wait = lastFailure.get() + delay - System.nanoTime();
        if (wait <= 0) {
            return 0;
        }
        TimeUnit.NANOSECONDS.sleep(wait);
        return wait;
    }

    /** A login with a fresh token was refused as an authentication failure. */
    void failed() {
        long now = System.nanoTime();
        lastFailure.set(now);
        consecutive.incrementAndGet();
        recent.set(Math.floorMod(next.getAndIncrement(), BURST), now);
    }

    /** A login succeeded. */
    void succeeded() {
        if (consecutive.get() != 0) {
            consecutive.set(0);
        }
    }

    /** Whether the last {@value #BURST} refused logins all fell within a short window. */
    boolean inBurst() {
        long now = System.nanoTime();
        for (int i = 0; i < BURST; i++) {
            long t = recent.get(i);
            if (t == 0 || now - t > BURST_WINDOW_NANOS) {
                return false;
            }
        }
        return true;
    }
}
