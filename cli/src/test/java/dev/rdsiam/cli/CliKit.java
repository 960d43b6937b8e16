package dev.rdsiam.cli;

import dev.rdsiam.Engine;
import dev.rdsiam.testkit.LocalRds;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** One LocalRds (embedded PostgreSQL behind the IAM gateway) for this module's tests, and in-process CLI runs. */
final class CliKit {

    private static LocalRds rds;

    /** Names the tests asked to resolve that are not IP literals or localhost (answered "unknown host"). */
    static final List<String> UNRESOLVED = new CopyOnWriteArrayList<>();

    /**
     * Resolves IP literals and localhost only: tests never send a DNS query for a realistic name; everything else
     * is reported as not resolving.
     */
    static final HostResolver OFFLINE = host -> {
        if (Doctor.isIpLiteral(host) || host.equalsIgnoreCase("localhost")) {
            return InetAddress.getAllByName(host);
        }
        UNRESOLVED.add(host);
        throw new UnknownHostException(host + ": not looked up in tests");
    };

    private CliKit() {
    }

    static synchronized LocalRds rds() {
        if (rds == null) {
            rds = LocalRds.builder().engine(Engine.POSTGRESQL).start();
            Runtime.getRuntime().addShutdownHook(new Thread(rds::close));
        }
        return rds;
    }

    /** The RDSIAM_* environment that reaches the kit: identity name, gateway route, its CA, its keys, its STS. */
    static Map<String, String> env() {
        return env(rds());
    }

    /** The RDSIAM_* environment that reaches this kit. */
    static Map<String, String> env(LocalRds k) {
        Map<String, String> env = new TreeMap<>();
        env.put("RDSIAM_ENGINE", "postgresql");
        env.put("RDSIAM_HOST", k.identityHost());
        env.put("RDSIAM_PORT", Integer.toString(k.identityPort()));
        env.put("RDSIAM_DATABASE", k.database());
        env.put("RDSIAM_USER", k.dbUser());
        env.put("RDSIAM_CONNECT_HOST", k.route().host());
        env.put("RDSIAM_CONNECT_PORT", Integer.toString(k.route().port()));
        env.put("RDSIAM_TRUST", "pem");
        env.put("RDSIAM_TRUST_PEM", k.caPemFile().toString());
        env.put("RDSIAM_ACCESS_KEY_ID", k.credentials().accessKeyId());
        env.put("RDSIAM_SECRET_ACCESS_KEY", k.credentials().secretAccessKey());
        env.put("RDSIAM_STS_ENDPOINT", k.stsEndpoint().toString());
        env.put("RDSIAM_CONNECT_TIMEOUT", "5s");
        return env;
    }

    /** A loopback port where nothing listens (bound, then closed). */
    static int closedPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What one in-process run printed and returned. */
    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }

    /**
     * Runs the CLI in this JVM with the offline resolver, capturing stdout, stderr and System.err. Without an
     * {@code RDSIAM_STS_ENDPOINT} of its own, the run gets a loopback port where nothing listens: the commands that
     * ask STS (doctor, token and env for the clock, policy for the account) never reach AWS from a test.
     */
    static Run run(Map<String, String> env, String... args) {
        if (!env.containsKey("RDSIAM_STS_ENDPOINT")) {
            env = new TreeMap<>(env);
            env.put("RDSIAM_STS_ENDPOINT", "http://127.0.0.1:" + closedPort());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream systemErr = System.err;
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        System.setErr(errStream); // logs (slf4j-simple writes to System.err) are checked for secrets too
        int exit;
        try {
            exit = Main.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8), errStream, OFFLINE);
        } finally {
            System.setErr(systemErr);
        }
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
