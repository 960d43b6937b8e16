package dev.rdsiam.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;

/**
 * B1, the honest part: bytes allocated by the calling thread per pooled query (borrow, {@code SELECT 1}, return), for
 * ours, the raw driver and the AWS wrapper, each behind a HikariCP pool of the same size against the same server as
 * B1's throughput. All three pools live in one JVM and take turns in rounds, so the JIT has seen every contender
 * equally; each round runs a warm-up before the counted queries. The count is
 * {@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}: exact for this thread, not disturbed by the
 * pool's housekeeping or the GC, unlike a whole-JVM allocation rate.
 *
 * <p>Usage: {@code AllocPerQuery <engine> <rounds> <warmupQueries> <countedQueries> <resultsFile>}.
 */
public final class AllocPerQuery {

    private static final List<String> CONTENDERS = List.of("ours", "raw", "wrapper");

    private AllocPerQuery() {
    }

    public static void main(String[] args) throws Exception {
        KitInfo kit = KitInfo.load(Probe.engine(args[0]));
        int rounds = Integer.parseInt(args[1]);
        int warmup = Integer.parseInt(args[2]);
        int counted = Integer.parseInt(args[3]);
        Path out = Path.of(args[4]);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        threads.setThreadAllocatedMemoryEnabled(true);

        Map<String, HikariDataSource> pools = new LinkedHashMap<>();
        Map<String, StringJoiner> samples = new LinkedHashMap<>();
        Properties results = new Properties();
        try {
            for (String c : CONTENDERS) {
                pools.put(c, Contenders.pool(c, kit, kit.direct(), PooledHotPath.POOL_SIZE));
                samples.put(c, new StringJoiner(","));
            }
            // round -1 is a warm-up of every contender (the JIT's first compilations allocate differently)
            for (int r = -1; r < rounds; r++) {
                for (int i = 0; i < CONTENDERS.size(); i++) {
                    String c = CONTENDERS.get((r + 1 + i) % CONTENDERS.size());
                    HikariDataSource pool = pools.get(c);
                    run(pool, warmup);
                    long before = threads.getCurrentThreadAllocatedBytes();
                    run(pool, counted);
                    long bytes = threads.getCurrentThreadAllocatedBytes() - before;
                    if (r >= 0) {
                        samples.get(c).add(Double.toString((double) bytes / counted));
                    }
                }
            }
            for (String c : CONTENDERS) {
                results.setProperty(c + ".bytes_per_query", samples.get(c).toString());
            }
        } catch (SQLException | RuntimeException e) {
            results.setProperty("error", Probe.describe(e, kit));
        } finally {
            for (HikariDataSource p : pools.values()) {
                p.close();
            }
        }
        Probe.write(results, out);
        System.exit(0);
    }

    private static void run(HikariDataSource pool, int queries) throws SQLException {
        for (int q = 0; q < queries; q++) {
            try (Connection c = pool.getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT 1");
                 ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getInt(1) != 1) {
                    throw new IllegalStateException("SELECT 1 did not return 1");
                }
            }
        }
    }
}
