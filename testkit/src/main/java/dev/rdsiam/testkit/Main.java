package dev.rdsiam.testkit;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a {@link LocalRds} as a process until it is killed, for clients outside the JVM ({@code psql},
 * {@code mysql}, the AWS CLI...).
 *
 * <pre>{@code
 * eval "$(java -jar rdsiam-testkit-standalone.jar --engine postgresql | head -12)"
 * }</pre>
 *
 * <p>Prints the connection facts to stdout as shell-sourceable {@code KEY=VALUE} lines; everything else goes to
 * stderr.
 */
public final class Main {

    private static final String USAGE = "usage: java -jar rdsiam-testkit-standalone.jar --engine postgresql|mysql "
            + "[--region REGION] [--port GATEWAY_PORT] [--host IDENTITY_HOST]";

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
        boolean engineSet = false;
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if ("--help".equals(arg) || "-h".equals(arg)) {
                    System.err.println(USAGE);
                    return;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + arg);
                }
                String value = args[++i];
                switch (arg) {
                    case "--engine":
                        builder.engine(Engine.parse(value));
                        engineSet = true;
                        break;
                    case "--region":
                        builder.region(value);
                        break;
                    case "--port":
                        builder.gatewayPort(Integer.parseInt(value));
                        break;
                    case "--host":
                        builder.instanceHost(value);
                        break;
                    default:
                        throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            if (!engineSet) {
                throw new IllegalArgumentException("--engine is required");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
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
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        for (Map.Entry<String, String> e : facts(rds).entrySet()) {
            out.println(e.getKey() + "=" + shellQuote(e.getValue()));
        }
        out.flush();
        System.err.println("LocalRds " + rds.engine().name().toLowerCase(Locale.ROOT) + " ready in "
                + rds.startupMillis() + " ms; stop with Ctrl-C or kill");
        new CountDownLatch(1).await();
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

    static String shellQuote(String value) {
        if (value.matches("[A-Za-z0-9_./:+=@,-]*")) {
            return value;
        }
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
