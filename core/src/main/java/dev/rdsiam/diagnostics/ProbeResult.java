package dev.rdsiam.diagnostics;

import dev.rdsiam.TlsHandshake;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What one probe found: its status, what it saw (lines a person reads, each with an optional label; never a
 * secret), on failure the diagnosis (what is wrong and what to do), how long it took, and the typed facts a caller
 * may act on: the TLS handshake, the caller's identity and this machine's clock skew, the token's length and expiry
 * (never its value).
 *
 * <pre>{@code
 * ProbeResult r = probes.credentials();
 * if (r.status() == ProbeResult.Status.FAILED) {
 *     health.down(r.diagnosis().orElse(""));
 * }
 * r.clockSkew().filter(ClockSkew::worthAWarning).ifPresent(s -> log.warn(ClockSkew.describe(s)));
 * }</pre>
 */
public final class ProbeResult {

    /** How a probe went. */
    public enum Status {
        /** It passed. */
        OK,
        /** It passed with something worth checking. */
        WARNING,
        /** It failed: the doctor stops here. */
        FAILED,
        /** It did not run because an earlier stage failed. */
        SKIPPED;

        /**
         * The lower-case name used in output and JSON.
         *
         * @return e.g. {@code warning}
         */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One thing a probe saw.
     *
     * @param label a short name such as {@code endpoint} or {@code clock}, or empty for a sentence on its own
     * @param text what was seen
     */
    public record Detail(String label, String text) {

        /**
         * Checks the fields.
         *
         * @param label the label, empty for none
         * @param text the text
         */
        public Detail {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(text, "text");
        }

        /**
         * The line as the doctor prints it: the label padded to 12 characters, a space, the text.
         *
         * @return e.g. {@code region       eu-west-1 (from the host name)}
         */
        public String line() {
            return label.isEmpty() ? text : String.format(Locale.ROOT, "%-12s %s", label, text);
        }
    }

    private final Stage stage;
    private final Status status;
    private final Duration elapsed;
    private final List<Detail> details;
    private final String diagnosis;
    private final TlsHandshake tlsHandshake;
    private final CallerIdentity.Answer caller;
    private final Duration clockSkew;
    private final Integer tokenLength;
    private final Instant tokenExpiresAt;

    ProbeResult(Stage stage, Status status, Duration elapsed, List<Detail> details, String diagnosis,
            TlsHandshake tlsHandshake, CallerIdentity.Answer caller, Duration clockSkew, Integer tokenLength,
            Instant tokenExpiresAt) {
        this.stage = Objects.requireNonNull(stage, "stage");
        this.status = Objects.requireNonNull(status, "status");
        this.elapsed = Objects.requireNonNull(elapsed, "elapsed");
        this.details = List.copyOf(details);
        this.diagnosis = diagnosis;
        this.tlsHandshake = tlsHandshake;
        this.caller = caller;
        this.clockSkew = clockSkew;
        this.tokenLength = tokenLength;
        this.tokenExpiresAt = tokenExpiresAt;
    }

    /** A skipped stage: it did not run because {@code failed} failed. */
    static ProbeResult skipped(Stage stage, Stage failed) {
        return new ProbeResult(stage, Status.SKIPPED, Duration.ZERO, List.of(new Detail("", "not run: stage "
                + failed.number() + " (" + failed.label() + ") failed")), null, null, null, null, null, null);
    }

    /**
     * The stage this probe checks.
     *
     * @return the stage
     */
    public Stage stage() {
        return stage;
    }

    /**
     * How it went.
     *
     * @return the status
     */
    public Status status() {
        return status;
    }

    /**
     * How long the probe took.
     *
     * @return the time taken, zero when skipped
     */
    public Duration elapsed() {
        return elapsed;
    }

    /**
     * What it saw, in order.
     *
     * @return the details, each with its label
     */
    public List<Detail> details() {
        return details;
    }

    /**
     * What it saw, as the lines the doctor prints ({@link Detail#line()}).
     *
     * @return the lines
     */
    public List<String> detail() {
        List<String> lines = new ArrayList<>(details.size());
        for (Detail d : details) {
            lines.add(d.line());
        }
        return lines;
    }

    /**
     * On failure, what is wrong and what to do (also among the {@link #details()}).
     *
     * @return the diagnosis, empty unless {@link Status#FAILED}
     */
    public Optional<String> diagnosis() {
        return Optional.ofNullable(diagnosis);
    }

    /**
     * The verified TLS handshake, from the TLS probe (or the login's).
     *
     * @return the handshake, if one completed
     */
    public Optional<TlsHandshake> tlsHandshake() {
        return Optional.ofNullable(tlsHandshake);
    }

    /**
     * Who the credentials are, from the credentials probe's {@code sts:GetCallerIdentity}.
     *
     * @return the caller's ARN and account, if STS was asked and answered
     */
    public Optional<CallerIdentity.Answer> caller() {
        return Optional.ofNullable(caller);
    }

    /**
     * STS's clock minus this machine's (positive: this machine is behind), from the credentials probe.
     *
     * @return the skew, if it was measured
     */
    public Optional<Duration> clockSkew() {
        return Optional.ofNullable(clockSkew);
    }

    /**
     * The signed token's length in characters, from the token probe (its value is never kept).
     *
     * @return the length, if a token was signed
     */
    public OptionalInt tokenLength() {
        return tokenLength == null ? OptionalInt.empty() : OptionalInt.of(tokenLength);
    }

    /**
     * When the signed token expires, from the token probe.
     *
     * @return the expiry, if a token was signed
     */
    public Optional<Instant> tokenExpiresAt() {
        return Optional.ofNullable(tokenExpiresAt);
    }

    @Override
    public String toString() {
        return "ProbeResult[" + stage.label() + ", " + status.label() + ", " + elapsed.toMillis() + " ms, "
                + detail() + "]";
    }
}
