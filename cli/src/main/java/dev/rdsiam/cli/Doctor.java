package dev.rdsiam.cli;

import dev.rdsiam.diagnostics.Probes;
import dev.rdsiam.diagnostics.ProbeResult;
import dev.rdsiam.diagnostics.Stage;
import java.net.InetAddress;
import java.util.List;

/**
 * The doctor of one command line: the library's {@link dev.rdsiam.diagnostics.Doctor} with the configuration built
 * from the command's options and environment, the command's resolver, and failure messages that name the flags.
 *
 * <pre>{@code
 * List<ProbeResult> results = new Doctor(io, options, false).run();
 * }</pre>
 */
final class Doctor {

    private final dev.rdsiam.diagnostics.Doctor doctor;

    /**
     * A doctor for one run.
     *
     * @param io the environment, resolver and output
     * @param options the configuration options
     * @param callerIdentity whether to call {@code sts:GetCallerIdentity} in the credentials stage
     */
    Doctor(Invocation io, ConfigOptions options, boolean callerIdentity) {
        this.doctor = dev.rdsiam.diagnostics.Doctor.builder(() -> options.build(io.env(), null))
                .notes(options::notes)
                .hints(ConfigOptions::withFlagHints)
                .resolver(io.resolver())
                .callerIdentity(callerIdentity)
                .build();
    }

    /** Runs every stage; those after a failure are skipped. */
    List<ProbeResult> run() {
        return doctor.run();
    }

    /** Runs the stages up to {@code last}; those after a failure are skipped. */
    List<ProbeResult> run(Stage last) {
        return doctor.run(last);
    }

    /** Whether {@code host} is an IP literal (no lookup needed). */
    static boolean isIpLiteral(String host) {
        return Probes.isIpLiteral(host);
    }

    /** The private addresses among {@code addresses}. */
    static List<String> privateOnes(InetAddress[] addresses) {
        return Probes.privateAddresses(addresses);
    }
}
