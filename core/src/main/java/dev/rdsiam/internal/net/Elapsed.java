package dev.rdsiam.internal.net;

import java.time.Duration;

/**
 * Formats measured durations for error messages: {@code 250 ms}, {@code 1.5 s}, {@code 10 s}.
 *
 * <pre>{@code
 * long start = System.nanoTime();
 * ...
 * String took = Elapsed.format(Elapsed.since(start)); // "1.2 s"
 * }</pre>
 */
public final class Elapsed {

    private Elapsed() {
    }

    /** The time since {@code startNanos}, a {@link System#nanoTime()} reading. */
    public static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** Below a second in milliseconds, below ten seconds with one decimal, else in whole seconds. */
    public static String format(Duration d) {
        long ms = Math.max(0, d.toMillis());
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 10_000) {
            long tenths = ms / 100;
            return tenths / 10 + "." + tenths % 10 + " s";
        }
        return Math.round(ms / 1000.0) + " s";
    }
}
