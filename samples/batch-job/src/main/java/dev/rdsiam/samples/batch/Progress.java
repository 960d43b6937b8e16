package dev.rdsiam.samples.batch;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/** Prints a progress line to stderr at most once per interval, and a summary at the end. */
final class Progress {

    private final PrintStream err;
    private final String what;
    private final long everyNanos;
    private final long start = System.nanoTime();
    private long lastPrinted = start;
    private long rows;

    Progress(PrintStream err, String what, Duration every) {
        this.err = err;
        this.what = what;
        this.everyNanos = every.toNanos();
    }

    /** Counts rows done; prints a line when the interval has passed since the last one. */
    void add(long done) {
        rows += done;
        long now = System.nanoTime();
        if (now - lastPrinted >= everyNanos) {
            lastPrinted = now;
            err.println(line(now, "..."));
        }
    }

    long rows() {
        return rows;
    }

    /** Prints the summary line. */
    void finish(String suffix) {
        err.println(line(System.nanoTime(), suffix));
    }

    private String line(long now, String suffix) {
        double seconds = Math.max(1e-3, (now - start) / 1e9);
        return String.format(Locale.ROOT, "%s: %d rows in %.1f s (%.0f rows/s)%s", what, rows, seconds,
                rows / seconds, suffix.isEmpty() ? "" : " " + suffix);
    }
}
