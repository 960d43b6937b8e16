package dev.rdsiam.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.rdsiam.RdsIam;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.jdbc.RdsIamDataSource;
import dev.rdsiam.Engine;
import dev.rdsiam.testkit.LocalRds;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.util.Locale;

/**
 * What the library's Micrometer meters cost, meters on against off in the same run, on PostgreSQL through LocalRds:
 * B2 (open one new verified connection with a warm token; the two DataSources take turns, the first one rotating)
 * as a ratio of medians with a bootstrap interval, and B1's pooled hot path (borrow and return a connection of a
 * HikariCP pool) as bytes allocated per borrow on this thread. Micrometer is on this probe's class path only (the
 * other benchmarks run without it). LocalRds runs in this JVM, alike for both sides.
 *
 * <p>Usage: {@code MeterCost [rounds]} (default 400); prints one line per measure.
 */
public final class MeterCost {

    private static final int BORROWS = 200_000;

    private MeterCost() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        int warmup = Math.max(20, rounds / 10);
        try (LocalRds rds = LocalRds.builder().engine(Engine.POSTGRESQL).database("bench").start()) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            RdsIamConfig off = config(rds, "meters-off").toBuilder().metrics("off").build();
            RdsIamConfig on = config(rds, "meters-on").toBuilder().meterRegistry(registry).build();

            try (RdsIamDataSource dsOff = RdsIam.dataSource(off); RdsIamDataSource dsOn = RdsIam.dataSource(on)) {
                RdsIamDataSource[] both = {dsOn, dsOff};
                double[][] samples = new double[2][rounds];
                for (int r = 0; r < warmup + rounds; r++) {
                    for (int j = 0; j < 2; j++) {
                        int i = (r + j) % 2;
                        long t0 = System.nanoTime();
                        Connection c = both[i].getConnection();
                        long t1 = System.nanoTime();
                        c.close();
                        if (r >= warmup) {
                            samples[i][r - warmup] = t1 - t0;
                        }
                    }
                }
                Stats.Interval ci = Stats.ratioOfMediansInterval(samples[0], samples[1], 17);
                System.out.printf(Locale.ROOT, "B2 meters on / off: median %.3f ms / %.3f ms, ratio %.4f "
                                + "(95%% interval %.4f..%.4f), %d rounds; meters counted %.0f connections%n",
                        Stats.median(samples[0]) / 1e6, Stats.median(samples[1]) / 1e6,
                        Stats.ratioOfMedians(samples[0], samples[1]), ci.low(), ci.high(), rounds,
                        registry.get("rdsiam.connections").tag("outcome", "ok").counter().count());
            }

            try (HikariDataSource poolOff = RdsIam.pooledDataSource(config(rds, "pool-off").toBuilder().metrics("off")
                    .build(), h -> h.setMaximumPoolSize(2));
                 HikariDataSource poolOn = RdsIam.pooledDataSource(config(rds, "pool-on").toBuilder()
                         .meterRegistry(registry).build(), h -> h.setMaximumPoolSize(2))) {
                for (int k = 0; k < 3; k++) { // warm up both, then measure each twice, alternating
                    allocatedPerBorrow(poolOn);
                    allocatedPerBorrow(poolOff);
                }
                double on1 = allocatedPerBorrow(poolOn);
                double off1 = allocatedPerBorrow(poolOff);
                double on2 = allocatedPerBorrow(poolOn);
                double off2 = allocatedPerBorrow(poolOff);
                System.out.printf(Locale.ROOT, "B1 hot path, bytes allocated per borrow: meters on %.1f / %.1f, "
                        + "off %.1f / %.1f (%d borrows each)%n", on1, on2, off1, off2, BORROWS);
            }
        } finally {
            LocalRds.stopEmbeddedServers();
        }
    }

    private static double allocatedPerBorrow(HikariDataSource pool) throws Exception {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < BORROWS; i++) {
            pool.getConnection().close();
        }
        return (threads.getThreadAllocatedBytes(id) - before) / (double) BORROWS;
    }

    private static RdsIamConfig config(LocalRds rds, String name) {
        return RdsIamConfig.builder().engine(dev.rdsiam.Engine.POSTGRESQL).host(rds.identityHost())
                .port(rds.identityPort()).database(rds.database()).user(rds.dbUser())
                .connectHost(rds.route().host()).connectPort(rds.route().port())
                .set("trust", "pem").trustPem(rds.caPemFile()).name(name)
                .accessKeyId(rds.credentials().accessKeyId()).secretAccessKey(rds.credentials().secretAccessKey())
                .build();
    }
}
