package dev.rdsiam.benchmarks;

import dev.rdsiam.RdsIam;
import dev.rdsiam.jdbc.RdsIamDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import software.amazon.jdbc.authentication.AwsCredentialsManager;

/**
 * B4: a cold start. In a fresh JVM, {@code threads} threads ask for a connection at the same instant on a cold token
 * cache, through the gateway. Counts the tokens minted and the credential resolutions, and times each thread from
 * the common start to its open connection (so class loading and the first TLS handshakes are in it, as in a real
 * application start). The connections stay open until every thread has one.
 *
 * <p>Mints: ours reports them through {@code RdsIamDataSource.status().tokensMinted()}; the AWS wrapper asks
 * its credentials hook for a provider exactly where it mints (and nowhere else), so the hook counts its mints.
 *
 * <p>Usage: {@code ColdStart <engine> <ours|wrapper> <threads> <resultsFile>}.
 */
public final class ColdStart {

    private ColdStart() {
    }

    public static void main(String[] args) throws Exception {
        KitInfo kit = KitInfo.load(Probe.engine(args[0]));
        String contender = args[1];
        int threads = Integer.parseInt(args[2]);
        Path out = Path.of(args[3]);
        KitInfo.Target gateway = kit.gateway();
        CountingCredentials credentials = CountingCredentials.of(kit);
        Properties results = new Properties();

        RdsIamDataSource ours = null;
        Probe.Opener opener;
        LongSupplier mints;
        if (contender.equals("ours")) {
            long b0 = System.nanoTime();
            RdsIamDataSource ds = RdsIam.dataSource(Contenders.ours(kit, gateway, credentials));
            results.setProperty("datasource_build_ns", Long.toString(System.nanoTime() - b0));
            ours = ds;
            opener = ds::getConnection;
            mints = () -> ds.status().tokensMinted();
        } else if (contender.equals("wrapper")) {
            AtomicInteger asked = new AtomicInteger();
            AwsCredentialsManager.setCustomHandler((hostSpec, props) -> {
                asked.incrementAndGet();
                return credentials;
            });
            Driver wrapper = Contenders.wrapperDriver();
            String url = Contenders.wrapperUrl(kit, gateway);
            Properties props = Contenders.wrapper(kit, gateway);
            opener = () -> {
                Properties copy = new Properties();
                copy.putAll(props);
                return wrapper.connect(url, copy);
            };
            mints = asked::get;
        } else {
            throw new IllegalArgumentException("contender must be ours or wrapper: " + contender);
        }

        long[] elapsed = new long[threads];
        Connection[] connections = new Connection[threads];
        String[] errors = new String[threads];
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        long[] start = new long[1];
        for (int i = 0; i < threads; i++) {
            int id = i;
            Thread t = new Thread(() -> {
                try {
                    ready.countDown();
                    go.await();
                    Connection c = opener.open();
                    elapsed[id] = System.nanoTime() - start[0];
                    connections[id] = c;
                } catch (Exception e) {
                    errors[id] = Probe.describe(e, kit);
                } finally {
                    done.countDown();
                }
            }, "cold-start-" + i);
            t.setDaemon(true);
            t.start();
        }
        ready.await();
        start[0] = System.nanoTime(); // published to the threads by go.countDown()
        go.countDown();
        boolean finished = done.await(5, TimeUnit.MINUTES);

        int ok = 0;
        long[] times = new long[threads];
        String firstError = null;
        for (int i = 0; i < threads; i++) {
            if (connections[i] != null) {
                times[ok++] = elapsed[i];
            } else if (firstError == null) {
                firstError = errors[i] != null ? errors[i] : "no connection within 5 minutes";
            }
        }
        results.setProperty("threads", Integer.toString(threads));
        results.setProperty("connected", Integer.toString(ok));
        results.setProperty("finished", Boolean.toString(finished));
        results.setProperty("times_ns", Probe.join(times, ok));
        results.setProperty("mints", Long.toString(mints.getAsLong()));
        results.setProperty("credential_resolutions", Integer.toString(credentials.resolutions()));
        if (firstError != null) {
            results.setProperty("error", firstError);
        }
        for (Connection c : connections) {
            if (c != null) {
                c.close();
            }
        }
        if (ours != null) {
            ours.close();
        }
        Probe.write(results, out);
    }
}
