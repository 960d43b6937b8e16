package dev.rdsiam.internal.config;

import dev.rdsiam.Redaction;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads and writes the duration values of configuration keys: {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}, {@code PT10S}. */
public final class DurationText {

    private static final Pattern SIMPLE = Pattern.compile("^(\\d{1,9})\\s*(ms|s|m|h)$");

    private DurationText() {
    }

    /**
     * Parses a duration.
     *
     * @param key the prefixed key, for the message
     * @throws IllegalArgumentException naming the key, the value and the accepted forms
     */
    public static Duration parse(String key, String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SIMPLE.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            switch (m.group(2)) {
                case "ms":
                    return Duration.ofMillis(n);
                case "s":
                    return Duration.ofSeconds(n);
                case "m":
                    return Duration.ofMinutes(n);
                default:
                    return Duration.ofHours(n);
            }
        }
        if (t.startsWith("pt") || t.startsWith("p")) {
            try {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                // fall through to the message below
            }
        }
        String hint = t.matches("^\\d+$") ? " (a number needs a unit: " + t + "s or " + t + "ms?)" : "";
        throw new IllegalArgumentException(key + " " + Redaction.quote(text) + " is not a duration" + hint
                + ": use a number with a unit (500ms, 10s, 5m, 1h) or ISO-8601 (PT10S)");
    }

    /** Formats a duration the short way: {@code 10s}, {@code 500ms}, {@code 10m}. */
    public static String format(Duration d) {
        long ms;
        try {
            ms = d.toMillis();
        } catch (ArithmeticException e) {
            return d.toString(); // too long for milliseconds: the ISO-8601 form
        }
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
