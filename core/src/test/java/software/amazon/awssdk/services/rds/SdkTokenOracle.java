package software.amazon.awssdk.services.rds;

import java.time.Clock;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The SDK's own {@code RdsUtilities} with a fixed clock, as the oracle for our tokens. Lives in the SDK's package to
 * reach the clock-taking constructor the SDK keeps for its tests.
 */
public final class SdkTokenOracle {

    private SdkTokenOracle() {
    }

    /** The token {@code RdsUtilities} produces for these inputs at {@code clock.instant()}. */
    public static String token(AwsCredentialsProvider credentials, String host, int port, String user, String region,
            Clock clock) {
        DefaultRdsUtilities.DefaultBuilder builder = new DefaultRdsUtilities.DefaultBuilder();
        builder.region(Region.of(region)).credentialsProvider(credentials);
        RdsUtilities utilities = new DefaultRdsUtilities(builder, clock);
        return utilities.generateAuthenticationToken(r -> r.hostname(host).port(port).username(user));
    }
}
