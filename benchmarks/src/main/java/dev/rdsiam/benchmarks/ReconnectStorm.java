package dev.rdsiam.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.rdsiam.jdbc.RdsIamDataSource;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import software.amazon.jdbc.authentication.AwsCredentialsManager;

/**
 * B6: a reconnect storm. A warm HikariCP pool of {@value #POOL} connections through the gateway; the harness cuts
 * every session ({@code LocalRds.killSessions()}, as a database restart or a network blip does), then
 * {@value #POOL} threads each borrow a connection and run {@code SELECT 1}, retrying on failure, until all of them
 * hold a live connection at once. Timed from the cut to that moment, for several cuts in a row; counts the tokens
 * minted over the whole run (the first fill included) and in each recovery.
 *
 * <p>Talks to the harness over its standard streams: prints {@code READY} when the pool is full and idle, reads a
 * line once the harness has cut the sessions, prints {@code DONE} after the recovery. Logs go to standard error.
 *
 * <p>Usage: {@code ReconnectStorm <engine> <ours|wrapper> <trials> <resultsFile>}.
 */
public final class ReconnectStorm {

    /** Pool size and number of borrowing threads. */
    static final int POOL = 32;

    private ReconnectStorm() {
    }

    public static void main(String[] args) throws Exception {
        KitInfo kit = KitInfo.load(Probe.engine(args[0]));
        String contender = args[1];
        int trials = Integer.parseInt(args[2]);
        Path out = Path.of(args[3]);
        Properties results = new Properties();
        CountingCredentials credentials = CountingCredentials.of(kit);

        LongSupplier mints;
        HikariDataSource pool;
        long fill0 = System.nanoTime();
        if (contender.equals("ours")) {
            pool = Contenders.pool("ours", kit, kit.gateway(), POOL, credentials);
            RdsIamDataSource ds = pool.getDataSource().unwrap(RdsIamDataSource.class);
            mints = () -> ds.status().tokensMinted();
        } else if (contender.equals("wrapper")) {
            AtomicInteger asked = new AtomicInteger();
            AwsCredentialsManager.setCustomHandler((hostSpec, props) -> {
                asked.incrementAndGet();
                return credentials;
            });
            pool = Contenders.pool("wrapper", kit, kit.gateway(), POOL, null);
            mints = asked::get;
        } else {
            throw new IllegalArgumentException("contender must be ours or wrapper: " + contender);
        }
        BufferedReader harness = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        List<Long> times = new ArrayList<>();
        List<Long> recoveryMints = new ArrayList<>();
        List<Integer> failures = new ArrayList<>();
        String error = null;
        try {
            awaitFull(pool);
            results.setProperty("fill_ns", Long.toString(System.nanoTime() - fill0));
            results.setProperty("fill_mints", Long.toString(mints.getAsLong()));
            for (int t = 0; t < trials; t++) {
                awaitFull(pool);
                // idle for longer than Hikari's alive-bypass window (500 ms): borrowing checks the connection first,
                // as it would in an application that was quiet when the database went away
                Thread.sleep(700);
                long before = mints.getAsLong();
                System.out.println("READY");
                System.out.flush();
                if (harness.readLine() == null) {
                    throw new IllegalStateException("the harness went away");
                }
                long cut = System.nanoTime();
                AtomicInteger failed = new AtomicInteger();
                times.add(storm(pool, failed) - cut);
                recoveryMints.add(mints.getAsLong() - before);
                failures.add(failed.get());
                System.out.println("DONE");
                System.out.flush();
            }
        } catch (Exception e) {
            error = Probe.describe(e, kit);
            System.err.println("reconnect storm failed: " + error);
        } finally {
            pool.close();
        }
        results.setProperty("times_ns", join(times));
        results.setProperty("recovery_mints", join(recoveryMints));
        results.setProperty("failed_attempts", join(failures));
        results.setProperty("mints", Long.toString(mints.getAsLong()));
        results.setProperty("credential_resolutions", Integer.toString(credentials.resolutions()));
        if (error != null) {
            results.setProperty("error", error);
        }
        Probe.write(results, out);
        System.out.println("EXIT");
        System.exit(0);
    }

    /**
     * {@value #POOL} threads borrow, query and hold until all of them have a live connection.
     *
     * @return {@link System#nanoTime()} when the last of them had one
     */
    private static long storm(HikariDataSource pool, AtomicInteger failed) throws Exception {
        long[] allLiveAt = new long[1];
        CyclicBarrier allLive = new CyclicBarrier(POOL + 1, () -> allLiveAt[0] = System.nanoTime());
        CountDownLatch go = new CountDownLatch(1);
        AtomicReference<Exception> fatal = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < POOL; i++) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (true) {
                        try (Connection c = pool.getConnection()) {
                            selectOne(c);
                            allLive.await(60, TimeUnit.SECONDS);
                            return;
                        } catch (SQLException e) {
                            failed.incrementAndGet();
                            if (System.nanoTime() > deadline) {
                                throw e;
                            }
                        }
                    }
                } catch (Exception e) {
                    fatal.compareAndSet(null, e);
                    allLive.reset();
                }
            }, "storm-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        go.countDown();
        try {
            allLive.await(90, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (fatal.get() != null) {
                throw fatal.get();
            }
            throw e;
        }
        for (Thread t : threads) {
            t.join(10_000);
        }
        return allLiveAt[0];
    }

    private static void selectOne(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT 1")) {
            if (!r.next() || r.getInt(1) != 1) {
                throw new IllegalStateException("SELECT 1 did not return 1");
            }
        }
    }

    private static void awaitFull(HikariDataSource pool) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (pool.getHikariPoolMXBean() == null || pool.getHikariPoolMXBean().getIdleConnections() < POOL) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the pool did not fill to " + POOL + " idle connections in 60 s");
            }
            Thread.sleep(20);
        }
    }

    private static String join(List<? extends Number> values) {
        StringBuilder b = new StringBuilder();
        for (Number v : values) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(v);
        }
        return b.toString();
    }
}
