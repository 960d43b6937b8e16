package dev.rdsiam.cli;

import dev.rdsiam.AuthToken;
import dev.rdsiam.AuthTokenProvider;
import dev.rdsiam.Engine;
import dev.rdsiam.RdsIam;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.TokenUnavailableException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code rdsiam token}: prints an IAM auth token to standard output, like {@code aws rds generate-db-auth-token}
 * (same flags), minted by the library's token provider.
 *
 * <pre>{@code
 * PGPASSWORD="$(rdsiam token --hostname orders.c0ffee.eu-west-1.rds.amazonaws.com --port 5432 --username app)"
 * }</pre>
 */
@Command(name = "token", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Prints an IAM auth token (valid 15 minutes) to standard output.",
            "Takes the flags of 'aws rds generate-db-auth-token': --hostname --port --username --region --profile."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:the token was printed", "1:no token: credentials could not be resolved",
            "2:usage or configuration error"})
public final class TokenCommand implements Callable<Integer> {

    private final Invocation io;

    @Mixin
    private ConfigOptions options;

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
        RdsIamConfig config;
        try {
            config = options.build(io.env(), Engine.POSTGRESQL);
        } catch (IllegalArgumentException e) {
            io.err().println("rdsiam token: " + e.getMessage());
            return Main.USAGE;
        }
        try (AuthTokenProvider tokens = RdsIam.tokenProvider(config)) {
            AuthToken token = tokens.token();
            io.out().println(token.value());
            return Main.OK;
        } catch (TokenUnavailableException e) {
            io.err().println("rdsiam token: " + e.getMessage());
            return Main.FAILED;
        }
    }
}
