package dev.rdsiam.benchmarks;

import dev.rdsiam.Engine;
import dev.rdsiam.RdsIam;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.jdbc.RdsIamDataSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
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
                value = ours(kit, gateway);
                break;
            case "limit":
                value = limit(kit, gateway, Files.readString(Path.of(args[2]), StandardCharsets.US_ASCII).trim());
                break;
            case "wrapper":
                value = wrapper(kit, gateway);
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

    private static int ours(KitInfo kit, KitInfo.Target target) throws SQLException {
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

    private static int limit(KitInfo kit, KitInfo.Target target, String token) throws SQLException {
        try (Connection c = Contenders.driver(kit.engine()).connect(Contenders.driverUrl(kit, target),
                Contenders.fileTrust(kit, target, token))) {
            return selectOne(c);
        }
    }

    private static int wrapper(KitInfo kit, KitInfo.Target target) throws SQLException {
        StaticCredentialsProvider keys = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(kit.accessKeyId(), kit.secretAccessKey()));
        AwsCredentialsManager.setCustomHandler((hostSpec, props) -> keys);
        Properties props = Contenders.wrapper(kit, target);
        try (Connection c = Contenders.wrapperDriver().connect(Contenders.wrapperUrl(kit, target), props)) {
            return selectOne(c);
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
