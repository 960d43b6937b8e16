package dev.rdsiam.diagnostics;

import java.util.Locale;

/**
 * The steps of a connection that the probes check, in the order a connection takes them. {@link Doctor} runs them in
 * this order and stops at the first that fails; {@code rdsiam doctor} then exits with that stage's
 * {@link #exitCode()}.
 *
 * <pre>{@code
 * Stage.TLS.number();     // 4
 * Stage.TLS.exitCode();   // 14
 * }</pre>
 */
public enum Stage {
    /** The configuration builds: endpoint type, region, route, trust, credentials source, engine binding. */
    CONFIGURATION(1, 11),
    /** The route host resolves (and what the addresses say). */
    DNS(2, 12),
    /** A TCP connection to the route opens. */
    TCP(3, 13),
    /** The engine's TLS preamble and a verified TLS handshake against the identity host. */
    TLS(4, 14),
    /** AWS credentials resolve; who they belong to and how far this machine's clock is off. */
    CREDENTIALS(5, 15),
    /** A token is signed. */
    TOKEN(6, 16),
    /** A login through the library's DataSource and {@code select 1}. */
    LOGIN(7, 17);

    private final int number;
    private final int exitCode;

    Stage(int number, int exitCode) {
        this.number = number;
        this.exitCode = exitCode;
    }

    /**
     * The stage's place in the order.
     *
     * @return 1 to 7
     */
    public int number() {
        return number;
    }

    /**
     * The lower-case name shown and printed in JSON.
     *
     * @return e.g. {@code tls}
     */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The exit code of {@code rdsiam doctor} when this stage fails. A fixed value per stage (11 to 17), kept when
     * stages are added or reordered: scripts test for it.
     *
     * @return 11 to 17
     */
    public int exitCode() {
        return exitCode;
    }

    /**
     * The stage whose {@link #exitCode()} this is.
     *
     * @param exitCode an exit code of the doctor
     * @return the stage, or empty when no stage has that code (0, a usage error)
     */
    public static java.util.Optional<Stage> ofExitCode(int exitCode) {
        for (Stage s : values()) {
            if (s.exitCode == exitCode) {
                return java.util.Optional.of(s);
            }
        }
        return java.util.Optional.empty();
    }
}
