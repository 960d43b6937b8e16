package dev.rdsiam.benchmarks;

import dev.rdsiam.Engine;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * What the probe programs (B2, B4, memory) share: they run in their own JVM, started by the harness, and hand their
 * measurements back as a properties file.
 */
final class Probe {

    private static final Pattern SIGNATURE = Pattern.compile("(?i)(X-Amz-(Signature|Credential|Security-Token)=)[^&\\s'\"]+");

    private Probe() {
    }

    /** Opens one connection (the contender's way). */
    @FunctionalInterface
    interface Opener {
        Connection open() throws SQLException;
    }

    static Engine engine(String name) {
        return Engine.valueOf(name.toUpperCase(Locale.ROOT));
    }

    /** Nanosecond samples as a comma-separated list. */
    static String join(long[] samples, int count) {
        StringJoiner j = new StringJoiner(",");
        for (int i = 0; i < count; i++) {
            j.add(Long.toString(samples[i]));
        }
        return j.toString();
    }

    static void write(Properties results, Path file) {
        try (OutputStream out = Files.newOutputStream(file)) {
            results.store(out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A failure in one line for the results: exception classes and messages of the cause chain, with anything that
     * could be a token part or the kit's secret key masked.
     */
    static String describe(Throwable t, KitInfo kit) {
        StringBuilder b = new StringBuilder();
        int depth = 0;
        for (Throwable c = t; c != null && depth < 4; c = c.getCause(), depth++) {
            if (depth > 0) {
                b.append(" <- ");
            }
            b.append(c.getClass().getSimpleName());
            if (c.getMessage() != null) {
                b.append(": ").append(c.getMessage().lines().findFirst().orElse(""));
            }
        }
        String s = SIGNATURE.matcher(b).replaceAll("$1****");
        if (kit != null) {
            s = s.replace(kit.secretAccessKey(), "****");
        }
        return s.length() > 400 ? s.substring(0, 400) + "..." : s;
    }
}
