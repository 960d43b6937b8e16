package dev.rdsiam.mysql;

import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.testkit.LocalRds;

/** Lets the probes in other test packages reach the module's kit. */
public final class MyKitAccess {

    private MyKitAccess() {
    }

    /** The kit. */
    public static LocalRds rds() {
        return MyKit.rds();
    }

    /** A configuration routed to the kit. */
    public static RdsIamConfig config() {
        return MyKit.config().build();
    }
}
