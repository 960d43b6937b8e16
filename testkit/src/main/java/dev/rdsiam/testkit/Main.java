package dev.rdsiam.testkit;

import dev.rdsiam.Engine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * Runs a {@link LocalRds} or, with {@code --cluster}, a {@link LocalAurora} as a process until it is killed, for
 * clients outside the JVM ({@code psql}, {@code mysql}, the AWS CLI...).
 *
 * <pre>{@code
 * eval "$(java -jar rdsiam-testkit-standalone.jar --engine postgresql | head -12)"
 * }</pre>
 *
 * <p>Prints the connection facts to stdout as shell-sourceable {@code KEY=VALUE} lines; everything else goes to
 * stderr. Then reads commands from stdin, one a line, and answers each with one line on stdout when it is done
 * ({@code ok ...} or {@code error ...}); see {@link #command(LocalAurora, String)} and
 * {@link #command(LocalRds, String)}. The kit keeps running after a bad command and after the end of stdin.
 */
public final class Main {

    private static final String USAGE = "usage: java -jar rdsiam-testkit-standalone.jar --engine postgresql|mysql "
            + "[--region REGION] [--port GATEWAY_PORT] [--host IDENTITY_HOST]\n"
            + "   or: java -jar rdsiam-testkit-standalone.jar --engine postgresql|mysql --cluster [--instances N] "
            + "[--region REGION]";
    static final String CLUSTER_COMMANDS = "failover, restart INSTANCE_HOST, kill-sessions, status, reset";
    static final String INSTANCE_COMMANDS = "restart [HOST], kill-sessions, status";

    private Main() {
    }

    /**
     * Entry point.
     *
     * @param args the command line
     * @throws InterruptedException never in practice: the process runs until killed
     */
    public static void main(String[] args) throws InterruptedException {
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        LocalRds.Builder builder = LocalRds.builder();
        LocalAurora.Builder clusterBuilder = LocalAurora.builder();
        boolean engineSet = false;
        boolean cluster = false;
        Engine engine = null;
        List<String> instanceOnly = new ArrayList<>();
        boolean instancesSet = false;
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if ("--help".equals(arg) || "-h".equals(arg)) {
                    System.err.println(USAGE);
                    return;
                }
                if ("--cluster".equals(arg)) {
                    cluster = true;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + arg);
                }
                String value = args[++i];
                switch (arg) {
                    case "--engine":
                        engine = parseEngine(value);
                        builder.engine(engine);
                        engineSet = true;
                        break;
                    case "--region":
                        builder.region(value);
                        clusterBuilder.region(value);
                        break;
                    case "--port":
                        builder.gatewayPort(parsePort(value, "--port"));
                        instanceOnly.add(arg);
                        break;
                    case "--host":
                        builder.instanceHost(value);
                        instanceOnly.add(arg);
                        break;
                    case "--instances":
                        clusterBuilder.instanceCount(parseCount(value));
                        instancesSet = true;
                        break;
                    default:
                        throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            if (!engineSet) {
                throw new IllegalArgumentException("--engine is required");
            }
            if (cluster) {
                clusterBuilder.engine(engine);
                if (!instanceOnly.isEmpty()) {
                    throw new IllegalArgumentException(instanceOnly.get(0) + " does not apply to --cluster (every "
                            + "name gets its own loopback port)");
                }
            } else if (instancesSet) {
                throw new IllegalArgumentException("--instances needs --cluster");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        if (cluster) {
            LocalAurora aurora;
            try {
                aurora = clusterBuilder.start();
            } catch (RuntimeException e) {
                System.err.println("error: cannot start LocalAurora: " + e.getMessage());
                e.printStackTrace(System.err);
                System.exit(1);
                return;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(aurora::close, "localaurora-stop"));
            print(out, facts(aurora));
            System.err.println("LocalAurora ready in " + aurora.startupMillis() + " ms; commands on stdin: "
                    + CLUSTER_COMMANDS + "; stop with Ctrl-C or kill");
            serve(out, line -> command(aurora, line));
        } else {
            LocalRds rds;
            try {
                rds = builder.start();
            } catch (RuntimeException e) {
                System.err.println("error: cannot start LocalRds: " + e.getMessage());
                e.printStackTrace(System.err);
                System.exit(1);
                return;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(rds::close, "localrds-stop"));
            print(out, facts(rds));
            System.err.println("LocalRds " + rds.engine().name().toLowerCase(Locale.ROOT) + " ready in "
                    + rds.startupMillis() + " ms; commands on stdin: " + INSTANCE_COMMANDS
                    + "; stop with Ctrl-C or kill");
            serve(out, line -> command(rds, line));
        }
        new CountDownLatch(1).await();
    }

    private static int parsePort(String value, String option) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a number: '" + value + "'");
        }
    }

    private static int parseCount(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--instances must be a number: '" + value + "'");
        }
    }

    private static void print(PrintStream out, Map<String, String> facts) {
        for (Map.Entry<String, String> e : facts.entrySet()) {
            out.println(e.getKey() + "=" + shellQuote(e.getValue()));
        }
        out.flush();
    }

    private static void serve(PrintStream out, Function<String, String> handler) {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                out.println(handler.apply(line));
                out.flush();
            }
        } catch (IOException e) {
            System.err.println("stdin closed: " + e.getMessage());
        }
    }

    /**
     * Runs one standalone command on a cluster: {@value #CLUSTER_COMMANDS}.
     *
     * @param aurora the cluster
     * @param line   the command line
     * @return the one-line answer, {@code ok ...} or {@code error ...}
     */
    static String command(LocalAurora aurora, String line) {
        String[] words = line.trim().split("\\s+");
        try {
            switch (words[0]) {
                case "failover":
                    requireArgs(words, 0);
                    return "ok failover writer=" + aurora.failover();
                case "restart":
                    requireArgs(words, 1);
                    aurora.restart(words[1]);
                    return "ok restart " + words[1].toLowerCase(Locale.ROOT);
                case "kill-sessions":
                    requireArgs(words, 0);
                    aurora.killSessions();
                    return "ok kill-sessions";
                case "status":
                    requireArgs(words, 0);
                    return "ok status " + roles(aurora);
                case "reset":
                    requireArgs(words, 0);
                    aurora.reset();
                    return "ok reset " + roles(aurora);
                default:
                    return "error unknown command '" + words[0] + "': commands are " + CLUSTER_COMMANDS;
            }
        } catch (RuntimeException e) {
            return "error " + words[0] + ": " + e.getMessage();
        }
    }

    /**
     * Runs one standalone command on a single instance: {@value #INSTANCE_COMMANDS}.
     *
     * @param rds  the kit
     * @param line the command line
     * @return the one-line answer, {@code ok ...} or {@code error ...}
     */
    static String command(LocalRds rds, String line) {
        String[] words = line.trim().split("\\s+");
        try {
            switch (words[0]) {
                case "restart":
                    if (words.length > 2) {
                        throw new IllegalArgumentException("restart takes at most one instance host");
                    }
                    if (words.length == 2 && !words[1].equalsIgnoreCase(rds.identityHost())) {
                        throw new IllegalArgumentException("unknown instance '" + words[1] + "': this kit's instance "
                                + "is " + rds.identityHost());
                    }
                    rds.restart(Duration.ofSeconds(1));
                    return "ok restart " + rds.identityHost();
                case "kill-sessions":
                    requireArgs(words, 0);
                    rds.killSessions();
                    return "ok kill-sessions";
                case "status":
                    requireArgs(words, 0);
                    return "ok status " + rds.identityHost() + "=available";
                default:
                    return "error unknown command '" + words[0] + "': commands are " + INSTANCE_COMMANDS;
            }
        } catch (RuntimeException e) {
            return "error " + words[0] + ": " + e.getMessage();
        }
    }

    private static void requireArgs(String[] words, int count) {
        if (words.length - 1 != count) {
            throw new IllegalArgumentException(count == 0 ? words[0] + " takes no argument"
                    : words[0] + " takes " + count + " argument(s)");
        }
    }

    private static String roles(LocalAurora aurora) {
        List<String> parts = new ArrayList<>();
        aurora.roles().forEach((host, role) -> parts.add(host + "=" + role.name().toLowerCase(Locale.ROOT)));
        return String.join(",", parts);
    }

    /** The engine named on the command line: postgresql (postgres, pg) or mysql (mariadb). */
    static Engine parseEngine(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "postgresql":
            case "postgres":
            case "pg":
                return Engine.POSTGRESQL;
            case "mysql":
            case "mariadb":
                return Engine.MYSQL;
            default:
                throw new IllegalArgumentException("unknown engine '" + name + "': use postgresql or mysql");
        }
    }

    static Map<String, String> facts(LocalRds rds) {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("RDSIAM_ENGINE", rds.engine().name().toLowerCase(Locale.ROOT));
        facts.put("RDSIAM_HOST", rds.identityHost());
        facts.put("RDSIAM_PORT", String.valueOf(rds.identityPort()));
        facts.put("RDSIAM_CONNECT_HOST", rds.route().host());
        facts.put("RDSIAM_CONNECT_PORT", String.valueOf(rds.route().port()));
        facts.put("RDSIAM_DATABASE", rds.database());
        facts.put("RDSIAM_USER", rds.dbUser());
        facts.put("RDSIAM_REGION", rds.region());
        facts.put("RDSIAM_TRUST_PEM", rds.caPemFile().toAbsolutePath().toString());
        facts.put("RDSIAM_STS_ENDPOINT", rds.stsEndpoint().toString());
        facts.put("AWS_ACCESS_KEY_ID", rds.credentials().accessKeyId());
        facts.put("AWS_SECRET_ACCESS_KEY", rds.credentials().secretAccessKey());
        return facts;
    }

    static Map<String, String> facts(LocalAurora aurora) {
        Map<String, String> facts = new LinkedHashMap<>();
        Route cluster = aurora.route(aurora.clusterHost());
        facts.put("RDSIAM_ENGINE", aurora.engine().name().toLowerCase(Locale.ROOT));
        facts.put("RDSIAM_HOST", aurora.clusterHost());
        facts.put("RDSIAM_PORT", String.valueOf(aurora.identityPort()));
        facts.put("RDSIAM_CONNECT_HOST", cluster.host());
        facts.put("RDSIAM_CONNECT_PORT", String.valueOf(cluster.port()));
        facts.put("RDSIAM_DATABASE", aurora.database());
        facts.put("RDSIAM_USER", aurora.dbUser());
        facts.put("RDSIAM_REGION", aurora.region());
        facts.put("RDSIAM_TRUST_PEM", aurora.caPemFile().toAbsolutePath().toString());
        facts.put("RDSIAM_STS_ENDPOINT", aurora.stsEndpoint().toString());
        facts.put("AWS_ACCESS_KEY_ID", aurora.credentials().accessKeyId());
        facts.put("AWS_SECRET_ACCESS_KEY", aurora.credentials().secretAccessKey());
        facts.put("RDSIAM_CLUSTER_HOST", aurora.clusterHost());
        facts.put("RDSIAM_READER_HOST", aurora.readerHost());
        facts.put("RDSIAM_INSTANCE_HOSTS", String.join(",", aurora.roles().keySet()));
        List<String> routes = new ArrayList<>();
        aurora.routes().forEach((name, route) -> routes.add(name + "=" + route));
        facts.put("RDSIAM_ROUTES", String.join(",", routes));
        return facts;
    }

    static String shellQuote(String value) {
        if (value.matches("[A-Za-z0-9_./:+=@,-]*")) {
            return value;
        }
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
