package dev.rdsiam.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The outcome of one run: ratios between contenders (with their bootstrap intervals), the measured values behind
 * them, the targets of issue 8 judged against the ratios, and what could not be measured and why. Written as
 * {@code latest.json} and {@code latest.md}.
 */
final class Results {

    /** How a ratio or value is judged. */
    enum Op {
        AT_LEAST(">="), AT_MOST("<="), BELOW("<"), EXACTLY("=="),
        /** Within the threshold of 1 either way (a ratio that should show parity). */
        NEAR_ONE("1 ±"),
        /** No target: the row is shown for information (e.g. a throughput ratio that only shows noise). */
        NONE("none");

        final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        boolean holds(double value, double threshold) {
            switch (this) {
                case AT_LEAST:
                    return value >= threshold;
                case AT_MOST:
                    return value <= threshold;
                case BELOW:
                    return value < threshold;
                case NEAR_ONE:
                    return Math.abs(value - 1) <= threshold;
                case NONE:
                    return true;
                default:
                    return value == threshold;
            }
        }
    }

    /** A target on a ratio or a value. */
    record Target(String key, Op op, double threshold) {
        String text() {
            return op == Op.NONE ? "none (information)" : op.symbol + " " + number(threshold);
        }
    }

    /** A target judged: {@code met} is null when the key was not measured. */
    record Verdict(Target target, Double measured, Boolean met, Stats.Interval interval, String description) {
        /** Whether both ends of the 95% interval give the same verdict as the median. */
        boolean clear() {
            if (interval == null || met == null) {
                return true;
            }
            boolean low = target.op.holds(interval.low(), target.threshold);
            boolean high = target.op.holds(interval.high(), target.threshold);
            return low == met && high == met;
        }
    }

    private final String machine;
    private final String date;
    private final String mode;
    private final String command;
    private final Map<String, Double> ratios = new LinkedHashMap<>();
    private final Map<String, Stats.Interval> spreads = new LinkedHashMap<>();
    private final Map<String, String> descriptions = new LinkedHashMap<>();
    private final Map<String, Object> values = new LinkedHashMap<>();
    private final Map<String, String> notAvailable = new LinkedHashMap<>();
    private final List<Target> targets = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    Results(String machine, String date, String mode, String command) {
        this.machine = machine;
        this.date = date;
        this.mode = mode;
        this.command = command;
    }

    /** A ratio with its interval and what it compares. */
    void ratio(String key, double value, Stats.Interval interval, String description) {
        ratios.put(key, value);
        if (interval != null) {
            spreads.put(key, interval);
        }
        descriptions.put(key, description);
    }

    /** A ratio that could not be measured, and why. */
    void ratioNotAvailable(String key, String description, String reason) {
        ratios.put(key, null);
        descriptions.put(key, description);
        notAvailable.put(key, reason);
    }

    /** A measured value (a number or a list of numbers). */
    void value(String key, Object value) {
        if (!(value instanceof Number) && !(value instanceof List)) {
            throw new IllegalArgumentException("a value is a number or a list of numbers: " + key);
        }
        values.put(key, value);
    }

    /** A human description of a value, used where a target is judged on it. */
    void describe(String key, String description) {
        descriptions.put(key, description);
    }

    /** A value that could not be measured, and why. */
    void valueNotAvailable(String key, String reason) {
        values.put(key, null);
        notAvailable.put(key, reason);
    }

    void target(String key, Op op, double threshold) {
        targets.add(new Target(key, op, threshold));
    }

    void note(String note) {
        notes.add(note);
    }

    Map<String, Double> ratios() {
        return ratios;
    }

    Map<String, Object> values() {
        return values;
    }

    /** Every target, judged against the ratios first and the values otherwise. */
    List<Verdict> verdicts() {
        List<Verdict> out = new ArrayList<>();
        for (Target t : targets) {
            Double measured = null;
            if (ratios.containsKey(t.key)) {
                measured = ratios.get(t.key);
            } else if (values.get(t.key) instanceof Number) {
                measured = ((Number) values.get(t.key)).doubleValue();
            }
            Boolean met = measured == null || t.op == Op.NONE ? null : t.op.holds(measured, t.threshold);
            out.add(new Verdict(t, measured, met, spreads.get(t.key), descriptions.getOrDefault(t.key, t.key)));
        }
        return out;
    }

    void write(Path json, Path markdown) {
        try {
            Files.createDirectories(json.toAbsolutePath().getParent());
            Files.writeString(json, toJson(), StandardCharsets.UTF_8);
            Files.writeString(markdown, toMarkdown(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String toJson() {
        StringBuilder b = new StringBuilder("{\n");
        b.append("  \"machine\": ").append(quote(machine)).append(",\n");
        b.append("  \"date\": ").append(quote(date)).append(",\n");
        b.append("  \"mode\": ").append(quote(mode)).append(",\n");
        b.append("  \"command\": ").append(quote(command)).append(",\n");
        b.append("  \"ratios\": {");
        appendEntries(b, ratios, v -> v == null ? "null" : number(v));
        b.append("},\n  \"ratio_spread\": {");
        appendEntries(b, spreads, i -> "{\"low\": " + number(i.low()) + ", \"high\": " + number(i.high()) + "}");
        b.append("},\n  \"values\": {");
        appendEntries(b, values, Results::jsonValue);
        b.append("},\n  \"targets\": [");
        List<Verdict> verdicts = verdicts();
        for (int i = 0; i < verdicts.size(); i++) {
            Verdict v = verdicts.get(i);
            b.append(i == 0 ? "\n    " : ",\n    ");
            b.append("{\"key\": ").append(quote(v.target.key))
                    .append(", \"target\": ").append(quote(v.target.text()))
                    .append(", \"measured\": ").append(v.measured == null ? "null" : number(v.measured))
                    .append(", \"met\": ").append(v.met == null ? "null" : v.met.toString())
                    .append(", \"clear_of_noise\": ").append(v.clear())
                    .append('}');
        }
        b.append(verdicts.isEmpty() ? "],\n" : "\n  ],\n");
        b.append("  \"not_available\": {");
        appendEntries(b, notAvailable, Results::quote);
        b.append("},\n  \"notes\": [");
        for (int i = 0; i < notes.size(); i++) {
            b.append(i == 0 ? "\n    " : ",\n    ").append(quote(notes.get(i)));
        }
        b.append(notes.isEmpty() ? "]\n" : "\n  ]\n");
        return b.append("}\n").toString();
    }

    String toMarkdown() {
        StringBuilder b = new StringBuilder();
        b.append("# Benchmark results\n\n");
        b.append("* Date: ").append(date).append('\n');
        b.append("* Machine: ").append(machine).append('\n');
        b.append("* Command: `").append(command).append("` (").append(mode).append(" mode)\n\n");
        b.append(targetTable());
        b.append("\n## All ratios\n\n");
        b.append("| Ratio | Median | 95% interval | Compares |\n|---|---|---|---|\n");
        for (Map.Entry<String, Double> e : ratios.entrySet()) {
            Stats.Interval i = spreads.get(e.getKey());
            b.append("| `").append(e.getKey()).append("` | ")
                    .append(e.getValue() == null ? "n/a" : number(e.getValue())).append(" | ")
                    .append(i == null ? "" : number(i.low()) + " – " + number(i.high())).append(" | ")
                    .append(descriptions.get(e.getKey())).append(" |\n");
        }
        b.append("\n## Values\n\n| Key | Value |\n|---|---|\n");
        for (Map.Entry<String, Object> e : values.entrySet()) {
            b.append("| `").append(e.getKey()).append("` | ")
                    .append(e.getValue() == null ? "n/a" : jsonValue(e.getValue())).append(" |\n");
        }
        if (!notAvailable.isEmpty()) {
            b.append("\n## Not measured\n\n");
            notAvailable.forEach((k, v) -> b.append("* `").append(k).append("`: ").append(v).append('\n'));
        }
        if (!notes.isEmpty()) {
            b.append("\n## Notes\n\n");
            notes.forEach(n -> b.append("* ").append(n).append('\n'));
        }
        return b.toString();
    }

    /** The table of targets: the part that goes into the project README. */
    String targetTable() {
        StringBuilder b = new StringBuilder();
        b.append("| Scenario | Median | 95% interval | Target | Met |\n|---|---|---|---|---|\n");
        for (Verdict v : verdicts()) {
            String met = v.target.op == Op.NONE ? "-" : v.met == null ? "n/a" : v.met ? "yes" : "**no**";
            if (v.met != null && !v.clear()) {
                met += " (within noise)";
            }
            b.append("| ").append(v.description).append(" | ")
                    .append(v.measured == null ? "n/a" : number(v.measured)).append(" | ")
                    .append(v.interval == null ? "" : number(v.interval.low()) + " – " + number(v.interval.high()))
                    .append(" | ").append(v.target.text()).append(" | ").append(met).append(" |\n");
        }
        return b.toString();
    }

    private interface Render<T> {
        String render(T value);
    }

    private static <T> void appendEntries(StringBuilder b, Map<String, T> map, Render<T> render) {
        int i = 0;
        for (Map.Entry<String, T> e : map.entrySet()) {
            b.append(i++ == 0 ? "\n    " : ",\n    ").append(quote(e.getKey())).append(": ")
                    .append(render.render(e.getValue()));
        }
        if (i > 0) {
            b.append("\n  ");
        }
    }

    private static String jsonValue(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof List) {
            StringBuilder b = new StringBuilder("[");
            for (Object o : (List<?>) v) {
                b.append(b.length() == 1 ? "" : ", ").append(number(((Number) o).doubleValue()));
            }
            return b.append(']').toString();
        }
        return number(((Number) v).doubleValue());
    }

    /** Four significant digits, no exponent, no trailing zeros; integers stay integers. */
    static String number(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "null";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        BigDecimal d = BigDecimal.valueOf(v).round(new MathContext(4)).stripTrailingZeros();
        return d.toPlainString();
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"':
                    b.append("\\\"");
                    break;
                case '\\':
                    b.append("\\\\");
                    break;
                case '\n':
                    b.append("\\n");
                    break;
                case '\r':
                    b.append("\\r");
                    break;
                case '\t':
                    b.append("\\t");
                    break;
                default:
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
            }
        }
        return b.append('"').toString();
    }
}
