package dev.rdsiam.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.Objects;

/**
 * What one run of the command gets from outside: its environment, where to print, and how to look up host names.
 *
 * <pre>{@code
 * Invocation io = new Invocation(System.getenv(), out, err, HostResolver.system());
 * }</pre>
 *
 * @param env the environment variables ({@code RDSIAM_*}, {@code HOME}, ...)
 * @param out standard output: results, and the only place a token is ever printed
 * @param err standard error: usage errors and messages, never a secret
 * @param resolver the host name resolver of the doctor's DNS stage
 */
public record Invocation(Map<String, String> env, PrintWriter out, PrintWriter err, HostResolver resolver) {

    /**
     * Checks the fields.
     *
     * @param env the environment
     * @param out standard output
     * @param err standard error
     * @param resolver the resolver
     */
    public Invocation {
        env = Map.copyOf(Objects.requireNonNull(env, "env"));
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        Objects.requireNonNull(resolver, "resolver");
    }
}
