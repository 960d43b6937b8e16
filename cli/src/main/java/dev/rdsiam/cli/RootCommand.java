package dev.rdsiam.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code rdsiam} command itself: without a subcommand it shows the usage.
 *
 * <pre>{@code
 * rdsiam doctor --hostname orders.c0ffee.eu-west-1.rds.amazonaws.com --username app --engine postgresql
 * }</pre>
 */
@Command(name = "rdsiam", mixinStandardHelpOptions = true, versionProvider = RootCommand.Version.class,
        description = {"IAM database authentication for Amazon RDS and Aurora: tokens, a connection doctor, "
                + "IAM policies, and environments for psql and mysql.",
            "Configuration: flags, --property key=value, --properties FILE (rdsiam.* keys) and RDSIAM_* "
                + "environment variables; flags win over the environment."},
        usageHelpAutoWidth = true)
public final class RootCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    /** Without a subcommand: a usage error. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a command: token, doctor, policy or env");
    }

    /** The version from the jar's manifest. */
    public static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = RootCommand.class.getPackage().getImplementationVersion();
            return new String[] {"rdsiam " + (v == null ? "(development build)" : v) + " (library "
                    + dev.rdsiam.RdsIam.version() + ", Java " + Runtime.version() + ")"};
        }
    }
}
