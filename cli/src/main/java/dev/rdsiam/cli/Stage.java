package dev.rdsiam.cli;

import java.util.Locale;

/**
 * The stages of {@code rdsiam doctor}, in the order they run. The doctor stops at the first that fails and exits
 * with its {@link #exitCode()}.
 *
 * <pre>{@code
 * Stage.TLS.exitCode();   // 14
 * }</pre>
 */
public enum Stage {
    /** The configuration builds: endpoint type, region, route, trust, credentials source. */
    CONFIGURATION(1),
    /** The route host resolves (and what the addresses say). */
    DNS(2),
    /** A TCP connection to the route opens. */
    TCP(3),
    /** The engine's TLS preamble and a verified TLS handshake against the identity host. */
    TLS(4),
    /** AWS credentials resolve; who they belong to. */
    CREDENTIALS(5),
    /** A token is signed. */
    TOKEN(6),
    /** A login through the library's DataSource and {@code select 1}. */
    LOGIN(7);

    private final int number;

    Stage(int number) {
        this.number = number;
    }

    /** 1 to 7. */
    public int number() {
        return number;
    }

    /** The lower-case name shown and printed in JSON, e.g. {@code tls}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The exit code of the doctor when this stage fails: 10 plus the stage number. */
    public int exitCode() {
        return 10 + number;
    }
}
