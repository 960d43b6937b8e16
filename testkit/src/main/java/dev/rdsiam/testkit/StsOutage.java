package dev.rdsiam.testkit;

/**
 * How the local STS fails while {@link Faults#stsOutage(StsOutage)} is set.
 *
 * <pre>{@code
 * rds.faults().stsOutage(StsOutage.HANGING);   // AssumeRole calls time out
 * }</pre>
 */
public enum StsOutage {
    /** The STS answers normally. */
    NONE,
    /** Nothing listens on the STS port: connects are refused. */
    REFUSING,
    /** Connections are accepted and requests read, but no answer ever comes: the client's read times out. */
    HANGING
}
