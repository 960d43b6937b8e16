package dev.rdsiam.benchmarks;

import dev.rdsiam.Engine;
import dev.rdsiam.RdsIam;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.jdbc.RdsIamDataSource;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.StringJoiner;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.jdbc.authentication.AwsCredentialsManager;

/**
 * B5: the whole life of a short process (a batch job, a CLI, a function): a fresh JVM that opens one connection
 * with verified TLS, reads the first row of {@code select 1} and exits. The harness times the process from its start
 * to its exit; this program only does the work, the way an application would, and prints how long {@code main} took
 * to the first row (without the JVM's own start and exit).
 *
 * <ul>
 *   <li><b>ours</b>: {@link RdsIam#dataSource} with the kit's static keys ({@code accessKeyId}/{@code
 *       secretAccessKey}, the simplest credentials), the RDS bundle it ships plus the kit's CA;</li>
 *   <li><b>limit</b>: the raw driver with a token minted beforehand as a static password and the driver's own
 *       file-based trust of the same certificates (pgjdbc {@code sslrootcert}, Connector/J a PKCS12 trust store);</li>
 *   <li><b>wrapper</b>: the AWS wrapper with only its {@code iam} plugin, the kit's static keys through its
 *       credentials hook (no default chain), the driver's file-based trust.</li>
 * </ul>
 *
 * <p>Usage: {@code FirstRow <engine> <ours|limit|wrapper> <tokenFile> [memoryFile]}. The token file holds the limit's
 * password (the others ignore it); with {@code memoryFile}, the peak resident set ({@code VmHWM}) is written there
 * after the first row (those runs are not timed).
 */
public final class FirstRow {

    private FirstRow() {
    }

    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        KitInfo kit = KitInfo.load(Engine.valueOf(args[0].toUpperCase(Locale.ROOT)));
        String contender = args[1];
        KitInfo.Target gateway = kit.gateway();
        int value;
        switch (contender) {
            case "ours":
                value = Ours.firstRow(kit, gateway);
                break;
            case "limit":
                value = Limit.firstRow(kit, gateway,
                        Files.readString(Path.of(args[2]), StandardCharsets.US_ASCII).trim());
                break;
            case "wrapper":
                value = Wrapper.firstRow(kit, gateway);
                break;
            default:
                throw new IllegalArgumentException("contender must be ours, limit or wrapper: " + contender);
        }
        long elapsed = System.nanoTime() - start;
        if (value != 1) {
            System.err.println("select 1 returned " + value);
            System.exit(3);
        }
        System.out.println("main_to_row_ns=" + elapsed);
        if (args.length > 3) {
            Files.writeString(Path.of(args[3]), peakResidentKiB() + "\n", StandardCharsets.US_ASCII);
        }
        // the same exit for every contender, whatever threads a driver has left behind
        System.exit(0);
    }

    /**
     * The class path of a contender's JVM: what that contender's application would have, taken from the harness's
     * class path. Ours: this module's classes and the runtime dependencies of {@code rdsiam-postgresql} /
     * {@code rdsiam-mysql} as a user's build resolves them (the lists beside their poms; no SLF4J binding: choosing
     * and starting one is the application's business). The limit: the driver (and what it needs). The wrapper: the
     * wrapper, the driver and the AWS SDK jars (its {@code iam} plugin signs with the SDK, which needs
     * {@code slf4j-api}). The limit and the wrapper also get {@code rdsiam-core}, only for the {@code Engine} type this
     * program reads the kit with. A larger class path costs every resource look-up that scans it (a
     * {@code ServiceLoader}), so a shared, bloated one would not be any contender's start-up.
     */
    static String classPath(String engine, String contender, String full) {
        boolean pg = engine.equals("postgresql");
        List<String> keep = new ArrayList<>(List.of("rdsiam-core-"));
        if (pg) {
            keep.addAll(List.of("postgresql-", "checker-qual-"));
        } else {
            keep.addAll(List.of("mysql-connector-j-", "protobuf-java-"));
        }
        switch (contender) {
            case "ours":
                keep.add(pg ? "rdsiam-postgresql-" : "rdsiam-mysql-");
                keep.addAll(runtimeDependencies(projectRoot(full).resolve(pg ? "postgresql/runtime-dependencies.txt"
                        : "mysql/runtime-dependencies-connector-9.7.0.txt")));
                break;
            case "wrapper":
                keep.addAll(List.of("aws-advanced-jdbc-wrapper-", "slf4j-api-", "reactive-streams-", "eventstream-"));
                keep.addAll(awsSdkJars(full));
                break;
            default:
                break;
        }
        StringJoiner cp = new StringJoiner(File.pathSeparator);
        for (String entry : full.split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            boolean jar = name.endsWith(".jar");
            if (!jar || keep.stream().anyMatch(k -> name.startsWith(k) && Character.isDigit(
                    name.charAt(Math.min(k.length(), name.length() - 1))))) {
                cp.add(entry);
            }
        }
        return cp.toString();
    }

    /** The project's root: where this module's classes are ({@code <root>/benchmarks/target/classes}). */
    private static Path projectRoot(String full) {
        for (String entry : full.split(File.pathSeparator)) {
            Path p = Path.of(entry).toAbsolutePath().normalize();
            if (p.endsWith(Path.of("benchmarks", "target", "classes"))) {
                return p.getParent().getParent().getParent();
            }
        }
        return Path.of("");
    }

    /** Jar name prefixes ({@code artifact-}) of a module's runtime dependency list (group:artifact:version:scope). */
    private static List<String> runtimeDependencies(Path list) {
        try {
            List<String> out = new ArrayList<>();
            for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
                String[] gav = line.trim().split(":");
                if (!line.startsWith("#") && gav.length >= 3) {
                    out.add(gav[1] + "-");
                }
            }
            if (out.isEmpty()) {
                throw new IllegalStateException(list + " lists no dependency");
            }
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + list, e);
        }
    }

    /** The AWS SDK jars on the class path (every {@code software/amazon/awssdk} artifact). */
    private static List<String> awsSdkJars(String full) {
        List<String> out = new ArrayList<>();
        for (String entry : full.split(File.pathSeparator)) {
            if (entry.contains("/software/amazon/awssdk/")) {
                String name = Path.of(entry).getFileName().toString();
                out.add(name.substring(0, name.lastIndexOf('-') + 1));
            }
        }
        return out;
    }

    // Each contender in a class of its own: the JVM resolves the types in the signatures of the main class's methods
    // (lambdas included) before main runs, and a contender's class path has only its own classes.

    /** Ours. */
    private static final class Ours {
        static int firstRow(KitInfo kit, KitInfo.Target target) throws SQLException {
            RdsIamConfig config = RdsIamConfig.builder()
                    .engine(kit.engine())
                    .host(kit.identityHost()).port(kit.identityPort())
                    .connectHost("127.0.0.1").connectPort(target.port())
                    .database(kit.database()).user(kit.user())
                    .region(kit.region())
                    .trustPem(target.caPem())
                    .accessKeyId(kit.accessKeyId()).secretAccessKey(kit.secretAccessKey())
                    .name("bench-ours")
                    .build();
            try (RdsIamDataSource ds = RdsIam.dataSource(config); Connection c = ds.getConnection()) {
                return selectOne(c);
            }
        }
    }

    /** The limit. */
    private static final class Limit {
        static int firstRow(KitInfo kit, KitInfo.Target target, String token) throws SQLException {
            Driver driver;
            if (kit.engine() == Engine.POSTGRESQL) {
                driver = new org.postgresql.Driver();
            } else {
                driver = new com.mysql.cj.jdbc.NonRegisteringDriver();
            }
            try (Connection c = driver.connect(DriverProperties.driverUrl(kit, target),
                    DriverProperties.fileTrust(kit, target, token))) {
                return selectOne(c);
            }
        }
    }

    /** The AWS wrapper. */
    private static final class Wrapper {
        static int firstRow(KitInfo kit, KitInfo.Target target) throws SQLException {
            StaticCredentialsProvider keys = StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(kit.accessKeyId(), kit.secretAccessKey()));
            AwsCredentialsManager.setCustomHandler((hostSpec, props) -> keys);
            Properties props = DriverProperties.wrapper(kit, target);
            try (Connection c = new software.amazon.jdbc.Driver().connect(DriverProperties.wrapperUrl(kit, target),
                    props)) {
                return selectOne(c);
            }
        }
    }

    private static int selectOne(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("select 1")) {
            r.next();
            return r.getInt(1);
        }
    }

    private static long peakResidentKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
