package dev.rdsiam.benchmarks;

import dev.rdsiam.RdsIam;
import dev.rdsiam.jdbc.RdsIamDataSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.openjdk.jol.info.GraphLayout;

/**
 * Memory: the heap one configured {@link RdsIamDataSource} keeps, before any connection.
 *
 * <p>Two numbers. {@code retained_bytes}: the growth of the live heap (after full collections) when {@code count}
 * more DataSources exist, divided by {@code count}; objects shared between DataSources (classes, the JDK's security
 * providers) are not in it, so this is what one more DataSource costs. {@code graph_bytes}: JOL's size of everything
 * reachable from one DataSource, shared objects included: an upper bound. Run with the serial collector so that
 * "used heap after a full GC" is exact.
 *
 * <p>Usage: {@code DataSourceMemory <engine> <count> <resultsFile>}.
 */
public final class DataSourceMemory {

    private DataSourceMemory() {
    }

    public static void main(String[] args) throws Exception {
        KitInfo kit = KitInfo.load(Probe.engine(args[0]));
        int count = Integer.parseInt(args[1]);
        Path out = Path.of(args[2]);
        Properties results = new Properties();

        // one first, so that classes, caches and shared singletons exist before the baseline
        List<RdsIamDataSource> all = new ArrayList<>();
        all.add(newDataSource(kit));
        long before = liveHeap();
        for (int i = 0; i < count; i++) {
            all.add(newDataSource(kit));
        }
        long after = liveHeap();
        results.setProperty("retained_bytes", Long.toString((after - before) / count));
        results.setProperty("graph_bytes", Long.toString(GraphLayout.parseInstance(all.get(0)).totalSize()));
        results.setProperty("count", Integer.toString(count));
        for (RdsIamDataSource ds : all) {
            ds.close();
        }
        Probe.write(results, out);
    }

    private static RdsIamDataSource newDataSource(KitInfo kit) {
        return RdsIam.dataSource(Contenders.ours(kit, kit.gateway(), CountingCredentials.of(kit)));
    }

    private static long liveHeap() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        // a few rounds: finalizers and reference processing may free more on the next one
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }
}
