package dev.rdsiam.cli;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The outcome of one doctor stage: its status, what it found (lines a person reads; never a secret) and how long it
 * took.
 *
 * <pre>{@code
 * new StageResult(Stage.TCP, StageResult.Status.OK, List.of("connected to 127.0.0.1:5432 in 2 ms"), 2);
 * }</pre>
 *
 * @param stage the stage
 * @param status how it went
 * @param detail what it found and, on failure, what to do
 * @param elapsedMs how long it took
 */
public record StageResult(Stage stage, Status status, List<String> detail, long elapsedMs) {

    /** How a stage went. */
    public enum Status {
        /** It passed. */
        OK,
        /** It passed with something worth checking. */
        WARNING,
        /** It failed: the doctor stops here. */
        FAILED,
        /** It did not run because an earlier stage failed. */
        SKIPPED;

        /** The lower-case name used in output and JSON. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Checks and copies the fields.
     *
     * @param stage the stage
     * @param status the status
     * @param detail the lines
     * @param elapsedMs the time taken
     */
    public StageResult {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(status, "status");
        detail = List.copyOf(detail);
    }
}
