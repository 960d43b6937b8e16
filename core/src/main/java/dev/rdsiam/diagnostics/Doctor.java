package dev.rdsiam.diagnostics;

import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.internal.net.Elapsed;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Runs the {@link Probes} in {@link Stage} order and stops at the first failure: the stages after it are reported
 * as {@link ProbeResult.Status#SKIPPED}. What {@code rdsiam doctor} prints, as values.
 *
 * <pre>{@code
 * List<ProbeResult> results = Doctor.of(config).run();
 * int exit = results.stream().filter(r -> r.status() == ProbeResult.Status.FAILED)
 *         .mapToInt(r -> r.stage().exitCode()).findFirst().orElse(0);
 * }</pre>
 *
 * <p>The configuration itself may be built inside the first stage ({@link #builder(Supplier)}), so that a
 * configuration that does not build is the configuration stage's failure, with its message.
 */
public final class Doctor {

    private final Supplier<RdsIamConfig> configuration;
    private final Supplier<List<String>> notes;
    private final UnaryOperator<String> hints;
    private final HostResolver resolver;
    private final boolean callerIdentity;

    private Doctor(Builder b) {
        this.configuration = b.configuration;
        this.notes = b.notes;
        this.hints = b.hints;
        this.resolver = b.resolver;
        this.callerIdentity = b.callerIdentity;
    }

    /**
     * A doctor of a built configuration, with the system resolver and {@code sts:GetCallerIdentity} asked.
     *
     * @param config the configuration
     * @return the doctor
     */
    public static Doctor of(RdsIamConfig config) {
        Objects.requireNonNull(config, "config");
        return builder(() -> config).build();
    }

    /**
     * A builder of a doctor whose configuration is built in the configuration stage.
     *
     * @param configuration builds the configuration; an {@link IllegalArgumentException} it throws fails the
     *     configuration stage with its message
     * @return the builder
     */
    public static Builder builder(Supplier<RdsIamConfig> configuration) {
        return new Builder(configuration);
    }

    /** Settings of a {@link Doctor}. */
    public static final class Builder {
        private final Supplier<RdsIamConfig> configuration;
        private Supplier<List<String>> notes = List::of;
        private UnaryOperator<String> hints = UnaryOperator.identity();
        private HostResolver resolver = HostResolver.system();
        private boolean callerIdentity = true;

        private Builder(Supplier<RdsIamConfig> configuration) {
            this.configuration = Objects.requireNonNull(configuration, "configuration");
        }

        /**
         * Notes shown first in the configuration stage (for example which of two settings won), read after the
         * configuration was built.
         *
         * @param notes the notes
         * @return this builder
         */
        public Builder notes(Supplier<List<String>> notes) {
            this.notes = Objects.requireNonNull(notes, "notes");
            return this;
        }

        /**
         * Rewrites the message of a configuration failure found by the configuration probe (for example to name a
         * command-line flag beside the {@code rdsiam.*} key).
         *
         * @param hints the rewrite
         * @return this builder
         */
        public Builder hints(UnaryOperator<String> hints) {
            this.hints = Objects.requireNonNull(hints, "hints");
            return this;
        }

        /**
         * The resolver of the DNS stage.
         *
         * @param resolver the resolver
         * @return this builder
         */
        public Builder resolver(HostResolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "resolver");
            return this;
        }

        /**
         * Whether the credentials stage asks {@code sts:GetCallerIdentity} (the default).
         *
         * @param ask whether to ask STS
         * @return this builder
         */
        public Builder callerIdentity(boolean ask) {
            this.callerIdentity = ask;
            return this;
        }

        /**
         * The doctor.
         *
         * @return the doctor
         */
        public Doctor build() {
            return new Doctor(this);
        }
    }

    /**
     * Runs every stage; those after a failure are skipped.
     *
     * @return one result per stage, in order
     */
    public List<ProbeResult> run() {
        return run(Stage.LOGIN);
    }

    /**
     * Runs the stages up to {@code last}; those after a failure are skipped.
     *
     * @param last the last stage to run
     * @return one result per stage up to {@code last}, in order
     */
    public List<ProbeResult> run(Stage last) {
        List<ProbeResult> results = new ArrayList<>();
        long start = System.nanoTime();
        RdsIamConfig config;
        try {
            config = configuration.get();
        } catch (IllegalArgumentException e) {
            Findings f = new Findings().fail(e.getMessage());
            results.add(f.result(Stage.CONFIGURATION, Elapsed.since(start)));
            skipRest(results, Stage.CONFIGURATION, Stage.CONFIGURATION, last);
            return results;
        }
        Stage failed = null;
        try (Probes probes = new Probes(config, resolver, callerIdentity, hints, notes.get())) {
            for (Stage stage : Stage.values()) {
                if (stage.compareTo(last) > 0) {
                    break;
                }
                if (failed != null) {
                    results.add(ProbeResult.skipped(stage, failed));
                    continue;
                }
                ProbeResult r = probes.run(stage);
                if (stage == Stage.CONFIGURATION) {
                    // the configuration was built inside this stage: its time counts
                    r = new ProbeResult(r.stage(), r.status(), Elapsed.since(start), r.details(),
                            r.diagnosis().orElse(null), null, null, null, null, null);
                }
                results.add(r);
                if (r.status() == ProbeResult.Status.FAILED) {
                    failed = stage;
                }
            }
        }
        return results;
    }

    private static void skipRest(List<ProbeResult> results, Stage after, Stage failed, Stage last) {
        for (Stage stage : Stage.values()) {
            if (stage.compareTo(after) > 0 && stage.compareTo(last) <= 0) {
                results.add(ProbeResult.skipped(stage, failed));
            }
        }
    }
}
