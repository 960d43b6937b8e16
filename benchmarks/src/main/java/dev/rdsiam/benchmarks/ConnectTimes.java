package dev.rdsiam.benchmarks;

import dev.rdsiam.AuthTokenProvider;
import dev.rdsiam.RdsIam;
import dev.rdsiam.jdbc.RdsIamDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * B2: time to open one new physical connection with verified TLS and an IAM token, through the testkit's gateway (so
 * the token is really checked). Contenders: ours (unpooled DataSource), the driver's own file-based trust, the AWS
 * wrapper, and the limit (the raw driver with one prebuilt {@code SSLContext}). The contenders take turns, one
 * connection each per round, with the starting contender rotating, so that drift on a shared machine hits all of them
 * alike. Only the open is timed; the close follows untimed. Tokens come from warm caches in every contender (the
 * first round is warm-up), so this is the cost of TLS, login and each contender's own machinery.
 *
 * <p>Usage: {@code ConnectTimes <engine> <warmupRounds> <rounds> <resultsFile>}.
 */
public final class ConnectTimes {

    private ConnectTimes() {
    }

    public static void main(String[] args) throws Exception {
        KitInfo kit = KitInfo.load(Probe.engine(args[0]));
        int warmup = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        Path out = Path.of(args[3]);
        KitInfo.Target gateway = kit.gateway();
        Properties results = new Properties();

        try (RdsIamDataSource ours = RdsIam.dataSource(Contenders.ours(kit, gateway, CountingCredentials.of(kit)));
             AuthTokenProvider tokens = RdsIam.tokenProvider(
                     Contenders.ours(kit, gateway, CountingCredentials.of(kit)))) {
            Driver driver = Contenders.driver(kit.engine());
            String url = Contenders.driverUrl(kit, gateway);
            Map<String, Probe.Opener> all = new LinkedHashMap<>();
            all.put("ours", ours::getConnection);
            all.put("driver_file_trust", () -> driver.connect(url,
                    Contenders.fileTrust(kit, gateway, tokens.token().value())));
            all.put("limit", () -> driver.connect(url, Contenders.limit(kit, gateway, tokens.token().value())));
            try {
                Driver wrapper = Contenders.wrapperDriver();
                Contenders.wrapperCredentials(CountingCredentials.of(kit));
                String wrapperUrl = Contenders.wrapperUrl(kit, gateway);
                Properties wrapperProps = Contenders.wrapper(kit, gateway);
                all.put("wrapper", () -> {
                    Properties copy = new Properties();
                    copy.putAll(wrapperProps);
                    return wrapper.connect(wrapperUrl, copy);
                });
            } catch (RuntimeException | LinkageError e) {
                results.setProperty("wrapper.error", Probe.describe(e, kit));
            }

            // every contender must work before anything is timed; one that does not is reported, not timed
            List<String> names = new ArrayList<>();
            List<Probe.Opener> openers = new ArrayList<>();
            for (Map.Entry<String, Probe.Opener> e : all.entrySet()) {
                try (Connection c = e.getValue().open()) {
                    if (!c.isValid(5)) {
                        throw new IllegalStateException("connection is not valid");
                    }
                    names.add(e.getKey());
                    openers.add(e.getValue());
                } catch (Exception ex) {
                    results.setProperty(e.getKey() + ".error", Probe.describe(ex, kit));
                }
            }

            int n = openers.size();
            long[][] samples = new long[n][rounds];
            for (int r = 0; r < warmup + rounds; r++) {
                for (int j = 0; j < n; j++) {
                    int i = (r + j) % n;
                    long t0 = System.nanoTime();
                    Connection c = openers.get(i).open();
                    long t1 = System.nanoTime();
                    c.close();
                    if (r >= warmup) {
                        samples[i][r - warmup] = t1 - t0;
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                results.setProperty(names.get(i) + ".samples_ns", Probe.join(samples[i], rounds));
            }
        }
        Probe.write(results, out);
    }
}
