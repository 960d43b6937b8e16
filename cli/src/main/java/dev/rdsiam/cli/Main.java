package dev.rdsiam.cli;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;

/**
 * The entry point of {@code rdsiam}: {@code token}, {@code doctor}, {@code policy} and {@code env}.
 *
 * <pre>{@code
 * int exit = Main.run(new String[] {"token", "--hostname", host, "--username", "app"},
 *         System.getenv(), System.out, System.err);
 * }</pre>
 *
 * <p>Exit codes: 0 success; 2 a usage or configuration error; 1 another failure of {@code token}, {@code env} or
 * {@code policy}; for {@code doctor}, 10 plus the number of the first stage that failed (11 configuration to
 * 17 login).
 */
public final class Main {

    /** Exit code of a command that worked. */
    public static final int OK = 0;
    /** Exit code of a failure that is not a usage error (no credentials, a refused lookup). */
    public static final int FAILED = 1;
    /** Exit code of a usage error: an unknown flag, a bad value, a bad configuration. */
    public static final int USAGE = 2;

    private Main() {
    }

    /**
     * Runs the command and exits the JVM with its exit code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /**
     * Runs the command in this JVM.
     *
     * @param args the command line, e.g. {@code doctor --json}
     * @param env the environment ({@code RDSIAM_*} variables and {@code HOME})
     * @param out standard output
     * @param err standard error
     * @return the exit code
     */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        return run(args, env, out, err, HostResolver.system());
    }

    /**
     * Runs the command in this JVM with a given host name resolver (for the doctor's DNS stage).
     *
     * @param args the command line
     * @param env the environment
     * @param out standard output
     * @param err standard error
     * @param resolver the resolver
     * @return the exit code
     */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err,
            HostResolver resolver) {
        PrintWriter o = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter e = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        try {
            Invocation io = new Invocation(env, o, e, resolver);
            // each subcommand built on its own, so that picocli applies the model transformer that adds the
            // configuration flags of the catalogue (it does not for a subcommand added as a plain object)
            CommandLine cli = new CommandLine(new RootCommand())
                    .addSubcommand("token", new CommandLine(new TokenCommand(io)))
                    .addSubcommand("doctor", new CommandLine(new DoctorCommand(io)))
                    .addSubcommand("policy", new CommandLine(new PolicyCommand(io)))
                    .addSubcommand("env", new CommandLine(new EnvCommand(io)));
            cli.setOut(o);
            cli.setErr(e);
            cli.setCaseInsensitiveEnumValuesAllowed(true);
            cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
                // never print a stack trace (it could carry request details); the message only
                commandLine.getErr().println("rdsiam " + commandLine.getCommandName() + ": unexpected failure: "
                        + ex);
                return FAILED;
            });
            return cli.execute(args);
        } finally {
            o.flush();
            e.flush();
        }
    }
}
