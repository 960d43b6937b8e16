package dev.rdsiam.testkit.contract;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** The system clock plus an offset the tests move; the gateway and the token cache both read it. */
public final class MovableClock extends Clock {

    private final AtomicReference<Instant> offset = new AtomicReference<>(Instant.EPOCH);

    /**
     * Moves the clock forward.
     *
     * @param d how far
     */
    public void advance(Duration d) {
        offset.updateAndGet(o -> o.plus(d));
    }

    /** Back to the system clock. */
    public void reset() {
        offset.set(Instant.EPOCH);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return Instant.now().plusMillis(offset.get().toEpochMilli());
    }
}
