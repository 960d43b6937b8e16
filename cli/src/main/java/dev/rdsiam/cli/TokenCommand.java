package dev.rdsiam.cli;

import dev.rdsiam.Engine;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.TokenUnavailableException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code rdsiam token}: prints an IAM auth token to standard output, like {@code aws rds generate-db-auth-token}
 * (same flags), minted by the library's token provider.
 *
 * <pre>{@code
 * PGPASSWORD="$(rdsiam token --hostname orders.c0ffee.eu-west-1.rds.amazonaws.com --port 5432 --username app)"
 * }</pre>
 *
 * <p>After printing, it asks STS ({@code sts:GetCallerIdentity} with the same credentials, one attempt of at most
 * 1.5 s) for its time and warns on standard error when this machine's clock is more than 5 minutes off;
 * {@code --no-sts} skips that call.
 */
@Command(name = "token", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Prints an IAM auth token (valid 15 minutes) to standard output.",
            "Takes the flags of 'aws rds generate-db-auth-token': --hostname --port --username --region --profile.",
            "Warns on standard error when this machine's clock is more than 5 minutes off STS's (--no-sts: no check)."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:the token was printed", "1:no token: credentials could not be resolved",
            "2:usage or configuration error"})
public final class TokenCommand implements Callable<Integer> {

    private final Invocation io;

    @Mixin
    private ConfigOptions options;

    @Option(names = "--no-sts", description = "Do not ask STS (sts:GetCallerIdentity, at most 1.5 s) for its time to "
            + "check this machine's clock.")
    private boolean noSts;

    /**
     * The command for one invocation.
     *
     * @param io where to print, and the environment
     */
    public TokenCommand(Invocation io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        RdsIamConfig config = options.buildOrReport(io, "token", Engine.POSTGRESQL);
        if (config == null) {
            return Main.USAGE;
        }
        Minted minted;
        try {
            minted = Minted.mint(config);
        } catch (TokenUnavailableException e) {
            io.err().println("rdsiam token: " + e.getMessage());
            return Main.FAILED;
        }
        io.out().println(minted.token().value());
        io.out().flush();
        if (!noSts) {
            minted.clockWarning(config).ifPresent(w -> io.err().println("rdsiam token: warning: " + w));
        }
        return Main.OK;
    }
}
