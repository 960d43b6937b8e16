package dev.rdsiam.cli;

import dev.rdsiam.diagnostics.ProbeResult;
import dev.rdsiam.diagnostics.Stage;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code rdsiam doctor}: finds out why a connection does not work, one stage at a time (configuration, DNS, TCP,
 * TLS, credentials, token, login), stopping at the first failure and saying what to do.
 *
 * <pre>{@code
 * rdsiam doctor --engine postgresql --hostname orders.c0ffee.eu-west-1.rds.amazonaws.com --username app \
 *     --database orders --connect-host 127.0.0.1 --connect-port 8888
 * }</pre>
 */
@Command(name = "doctor", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Diagnoses a connection stage by stage and stops at the first failure: 1 configuration, "
                + "2 DNS, 3 TCP, 4 TLS, 5 credentials, 6 token, 7 login (select 1). Never prints a token or a secret."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:every stage passed", "2:usage error", "11:configuration", "12:DNS", "13:TCP",
            "14:TLS", "15:credentials", "16:token", "17:login"})
public final class DoctorCommand implements Callable<Integer> {

    private final Invocation io;

    @Mixin
    private ConfigOptions options;

    @Option(names = "--json", description = "Print one JSON object (stages: name, status, detail, elapsedMs).")
    private boolean json;

    @Option(names = "--no-sts", description = "Do not call sts:GetCallerIdentity in the credentials stage.")
    private boolean noSts;

    /**
     * The command for one invocation.
     *
     * @param io the environment, resolver and output
     */
    public DoctorCommand(Invocation io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        List<ProbeResult> results = new Doctor(io, options, !noSts).run();
        int exit = exitCode(results);
        if (json) {
            printJson(io.out(), results, exit);
        } else {
            printText(io.out(), results, exit);
        }
        return exit;
    }

    /** 0 when no stage failed, else the {@link Stage#exitCode()} of the failed stage. */
    static int exitCode(List<ProbeResult> results) {
        return failed(results).map(Stage::exitCode).orElse(Main.OK);
    }

    private static java.util.Optional<Stage> failed(List<ProbeResult> results) {
        return results.stream().filter(r -> r.status() == ProbeResult.Status.FAILED).map(ProbeResult::stage)
                .findFirst();
    }

    private static void printText(PrintWriter out, List<ProbeResult> results, int exit) {
        int total = Stage.values().length;
        for (ProbeResult r : results) {
            String status = r.status() == ProbeResult.Status.OK ? "ok" : r.status().name();
            String head = String.format("[%d/%d] %-13s %-8s", r.stage().number(), total, r.stage().label(), status);
            out.println(r.status() == ProbeResult.Status.SKIPPED ? head.stripTrailing()
                    : head + String.format("%6d ms", r.elapsed().toMillis()));
            if (r.status() != ProbeResult.Status.SKIPPED) {
                for (String line : r.detail()) {
                    out.println("      " + line);
                }
            }
        }
        out.println();
        java.util.Optional<Stage> failed = failed(results);
        if (failed.isEmpty()) {
            long warnings = results.stream().filter(r -> r.status() == ProbeResult.Status.WARNING).count();
            out.println("All " + total + " stages passed" + (warnings == 0 ? "." : " (" + warnings
                    + (warnings == 1 ? " warning)." : " warnings)).")));
        } else {
            out.println("Stage " + failed.get().number() + " (" + failed.get().label() + ") failed; exit code " + exit
                    + ".");
        }
        out.flush();
    }

    private static void printJson(PrintWriter out, List<ProbeResult> results, int exit) {
        StringBuilder sb = new StringBuilder("{\"ok\":").append(exit == Main.OK).append(",\"exitCode\":").append(exit)
                .append(",\"stages\":[");
        for (int i = 0; i < results.size(); i++) {
            ProbeResult r = results.get(i);
            sb.append(i == 0 ? "" : ",").append("{\"number\":").append(r.stage().number())
                    .append(",\"name\":").append(Json.quote(r.stage().label()))
                    .append(",\"status\":").append(Json.quote(r.status().label()))
                    .append(",\"detail\":").append(Json.quote(String.join("\n", r.detail())))
                    .append(",\"elapsedMs\":").append(r.elapsed().toMillis()).append('}');
        }
        out.println(sb.append("]}"));
        out.flush();
    }
}
