package dev.rdsiam.diagnostics;

import dev.rdsiam.RdsIamConfig;
import java.time.Duration;

/**
 * Says in numbers how far this machine's clock is from a server's and what that does to IAM auth tokens, which are
 * signed with this machine's clock and valid 15 minutes from that time.
 *
 * <pre>{@code
 * ClockSkew.describe(Duration.ofMinutes(20))
 * // "this machine's clock is 20 min 0 s behind STS's (the Date of its answer): ..."
 * }</pre>
 *
 * <p>A skew is the server's time minus this machine's: positive when this machine is behind. Above
 * {@link #WARNING} (5 minutes, the usual SigV4 allowance) it is worth a warning.
 */
public final class ClockSkew {

    /** Skews larger than this are reported as a problem. */
    public static final Duration WARNING = Duration.ofMinutes(5);

    /** The precision of an HTTP Date header, plus the time of the round trip. */
    private static final Duration PRECISION = Duration.ofSeconds(2);

    private static final String FIX = "set the clock right (NTP: chrony or systemd-timesyncd; on EC2 the Amazon "
            + "Time Sync Service at 169.254.169.123)";

    private ClockSkew() {
    }

    /**
     * Whether a skew is above {@link #WARNING} either way.
     *
     * @param skew the server's time minus this machine's
     * @return true above 5 minutes
     */
    public static boolean worthAWarning(Duration skew) {
        return skew.abs().compareTo(WARNING) > 0;
    }

    /**
     * The skew in words and numbers, and what it does to tokens signed here.
     *
     * @param skew the server's time minus this machine's
     * @return one sentence
     */
    public static String describe(Duration skew) {
        Duration d = skew.abs();
        if (d.compareTo(PRECISION) <= 0) {
            return "this machine's clock agrees with STS's (within " + PRECISION.toSeconds() + " s, the precision of "
                    + "the Date of its answer)";
        }
        String where = "this machine's clock is " + amount(d) + (skew.isNegative() ? " ahead of" : " behind")
                + " STS's (the Date of its answer)";
        if (!worthAWarning(skew)) {
            return where + ": fine, tokens are valid 15 minutes and signatures tolerate a few minutes";
        }
        if (skew.isNegative()) {
            return where + ": tokens signed here are dated " + amount(d) + " in the future, which the database may "
                    + "refuse; " + FIX;
        }
        if (d.compareTo(RdsIamConfig.TOKEN_LIFETIME) >= 0) {
            return where + ": tokens signed here are already expired when they arrive (valid 15 minutes from their "
                    + "signing time by this clock); " + FIX;
        }
        return where + ": tokens signed here expire " + amount(RdsIamConfig.TOKEN_LIFETIME.minus(d))
                + " after they are printed instead of 15 minutes; " + FIX;
    }

    /**
     * A duration in words a person reads quickly.
     *
     * @param d the duration (its sign is ignored)
     * @return {@code 45 s}, {@code 20 min 3 s}, {@code 2 h 5 min}
     */
    public static String amount(Duration d) {
        long s = Math.round(d.abs().toMillis() / 1000.0);
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return (s / 60) + " min " + (s % 60) + " s";
        }
        if (s < 86_400) {
            return (s / 3600) + " h " + (s % 3600 / 60) + " min";
        }
        return (s / 86_400) + " d " + (s % 86_400 / 3600) + " h";
    }
}
