package dev.rdsiam.awswrapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.rdsiam.RdsIam;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.jdbc.RdsIamDataSource;
import dev.rdsiam.testkit.AuthAttempt;
import dev.rdsiam.testkit.LocalAurora;
import dev.rdsiam.testkit.LocalAuroraExtension;
import dev.rdsiam.testkit.RejectReason;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The AWS Advanced JDBC Wrapper's failover, monitoring and read/write splitting with this library's tokens, TLS
 * and routes, against a two-instance LocalAurora (a PostgreSQL primary and a hot standby).
 */
@Tag("postgresql")
class AuroraWrapperPostgresTest {

    @RegisterExtension
    static final LocalAuroraExtension AURORA = LocalAuroraExtension.postgres().shared("aws-wrapper-pg");

    @AfterAll
    static void releaseWrapper() {
        software.amazon.jdbc.Driver.releaseResources();
    }

    @Test
    void failoverUnderPoolLoad_resumesOnTheNewWriter_withTokensAndTlsForItsName(LocalAurora aurora)
            throws Exception {
        RdsIamConfig config = Clusters.config(aurora, "failover2", "efm2").name("failover").build();
        Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
        List<SQLException> seen = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        String newWriter;
        try (HikariDataSource pool = RdsIam.pooledDataSource(config, h -> {
            h.setMaximumPoolSize(4);
            h.setConnectionTimeout(30_000);
        })) {
            List<Thread> workers = new ArrayList<>();
            CountDownLatch warm = new CountDownLatch(4);
            for (int i = 0; i < 4; i++) {
                Thread t = new Thread(() -> {
                    boolean counted = false;
                    while (!stop.get()) {
                        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                            s.execute("CREATE TABLE IF NOT EXISTS wrapper_load (id bigserial, at timestamptz)");
                            s.execute("INSERT INTO wrapper_load (at) VALUES (now())");
                            served.computeIfAbsent(Clusters.whoAmI(c), k -> new AtomicInteger()).incrementAndGet();
                            if (!counted) {
                                counted = true;
                                warm.countDown();
                            }
                        } catch (SQLException e) {
                            seen.add(e);
                            try {
                                Thread.sleep(50);
                            } catch (InterruptedException ie) {
                                return;
                            }
                        }
                    }
                }, "load-" + i);
                t.start();
                workers.add(t);
            }
            assertThat(warm.await(60, TimeUnit.SECONDS)).as("every worker did work before the failover").isTrue();
            newWriter = aurora.failover();
            String newWriterId = newWriter.substring(0, newWriter.indexOf('.'));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (served.getOrDefault(newWriterId + " false", new AtomicInteger()).get() < 20
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            stop.set(true);
            for (Thread t : workers) {
                t.join(30_000);
            }
            assertThat(served.get(newWriterId + " false")).as("writes on the new writer %s (served: %s)", newWriter,
                    served).isNotNull().hasValueGreaterThanOrEqualTo(20);
            RdsIamDataSource ds = pool.unwrap(RdsIamDataSource.class);
            assertThat(ds.status().tokensMinted()).as("one token per name at most: %s", aurora.authAttempts().size())
                    .isLessThanOrEqualTo(aurora.routes().size());
        }
        // what the application saw: only the wrapper's failover signals
        assertThat(seen).allSatisfy(e -> assertThat(e.getSQLState()).as(String.valueOf(e))
                .isIn("08S02", "08007"));
        assertThat(seen).as("the in-flight work saw the failover").isNotEmpty();
        List<AuthAttempt> attempts = aurora.authAttempts();
        // a handshake cut by the dying writer is no refusal: every token the kit saw was accepted
        assertThat(attempts).as("no login was refused").filteredOn(AuthAttempt::passwordReceived).isNotEmpty()
                .allMatch(AuthAttempt::accepted);
        assertThat(attempts).filteredOn(a -> !a.accepted()).allSatisfy(a -> assertThat(a.reason())
                .as("only the old writer's dying sessions fail").isEqualTo(RejectReason.TLS_FAILED));
        assertThat(attempts).noneMatch(a -> a.reason() == RejectReason.WRONG_INSTANCE);
        // connections to the new writer: a token signed for its name (the kit refuses others) over TLS for its name
        assertThat(aurora.authAttempts(newWriter)).isNotEmpty().allMatch(AuthAttempt::accepted)
                .anyMatch(a -> a.tls() && newWriter.equalsIgnoreCase(a.sniHostName()));
    }

    @Test
    void readWriteSplitting_readOnlyWorkLandsOnTheReader(LocalAurora aurora) throws Exception {
        RdsIamConfig config = Clusters.config(aurora, "readWriteSplitting", "failover2").name("rws").build();
        try (RdsIamDataSource ds = RdsIam.dataSource(config); Connection c = ds.getConnection()) {
            assertThat(Clusters.whoAmI(c)).isEqualTo("localaurora-instance-1 false");
            c.setReadOnly(true);
            assertThat(Clusters.whoAmI(c)).isEqualTo("localaurora-instance-2 true");
            c.setReadOnly(false);
            assertThat(Clusters.whoAmI(c)).isEqualTo("localaurora-instance-1 false");
        }
        String reader = aurora.instanceHosts().get(1);
        assertThat(aurora.authAttempts(reader)).isNotEmpty().allMatch(AuthAttempt::accepted)
                .anyMatch(a -> reader.equalsIgnoreCase(a.sniHostName()));
    }

    @Test
    void efm2Monitor_logsInWithTheDataSourcesTokens(LocalAurora aurora) throws Exception {
        RdsIamConfig config = Clusters.config(aurora, "efm2").name("efm2")
                .driverProperty("failureDetectionTime", "100")
                .driverProperty("failureDetectionInterval", "100")
                .driverProperty("failureDetectionCount", "30").build();
        aurora.clearAuthAttempts();
        try (RdsIamDataSource ds = RdsIam.dataSource(config); Connection c = ds.getConnection()) {
            Thread.sleep(500); // whatever the wrapper opens besides the application's connection, before monitoring
            int beforeMonitoring = aurora.authAttempts().size();
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_sleep(1.5)"); // longer than failureDetectionTime: efm2 monitors this query
            }
            List<AuthAttempt> attempts = aurora.authAttempts();
            assertThat(attempts).as("the efm2 monitor's own login").hasSizeGreaterThan(beforeMonitoring)
                    .allMatch(AuthAttempt::accepted).allMatch(AuthAttempt::tls);
            assertThat(ds.status().tokensMinted() + ds.status().tokensReused())
                    .as("every login took its token from the DataSource").isGreaterThanOrEqualTo(attempts.size());
        }
    }

    @Test
    void noTokenInAnyLogLine_wrapperFinestIncluded(LocalAurora aurora) throws Exception {
        Logger wrapperLog = Logger.getLogger("software.amazon.jdbc");
        Level before = wrapperLog.getLevel();
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(new java.util.logging.SimpleFormatter().formatMessage(r) + " " + r.getThrown());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        capture.setLevel(Level.ALL);
        wrapperLog.setLevel(Level.FINEST);
        wrapperLog.addHandler(capture);
        String token;
        try {
            RdsIamConfig config = Clusters.config(aurora, "failover2", "efm2").name("finest").build();
            try (RdsIamDataSource ds = RdsIam.dataSource(config); Connection c = ds.getConnection()) {
                assertThat(Clusters.whoAmI(c)).endsWith("false");
                token = ds.tokenProvider().token().value();
            }
        } finally {
            wrapperLog.removeHandler(capture);
            wrapperLog.setLevel(before);
        }
        assertThat(lines).as("the wrapper logged at FINEST").hasSizeGreaterThan(10);
        assertThat(lines).noneMatch(l -> l.contains(token) || l.contains("X-Amz-Signature")
                || l.contains("X-Amz-Credential"));
    }

    @Test
    void jdbcUrl_withWrapperPlugins_worksThroughDriverManager(LocalAurora aurora) throws Exception {
        Properties info = new Properties();
        Clusters.config(aurora).build(); // the same settings, as properties:
        info.setProperty("user", aurora.dbUser());
        info.setProperty("rdsiam.region", aurora.region());
        info.setProperty("rdsiam.accessKeyId", aurora.credentials().accessKeyId());
        info.setProperty("rdsiam.secretAccessKey", aurora.credentials().secretAccessKey());
        info.setProperty("rdsiam.trust", "pem");
        info.setProperty("rdsiam.trustPem", aurora.caPemFile().toString());
        StringBuilder routes = new StringBuilder();
        aurora.routes().forEach((n, r) -> routes.append(routes.length() == 0 ? "" : ",").append(n).append('=')
                .append(r.host()).append(':').append(r.port()));
        info.setProperty("rdsiam.routes", routes.toString());
        String url = "jdbc:rdsiam:postgresql://" + aurora.clusterHost() + ":" + aurora.identityPort() + "/"
                + aurora.database() + "?rdsiam.wrapperPlugins=failover2,efm2&clusterId=url-" + System.nanoTime()
                + "&rdsiam.name=url";
        try (Connection c = DriverManager.getConnection(url, info)) {
            assertThat(Clusters.whoAmI(c)).isEqualTo("localaurora-instance-1 false");
            assertThat(c).isInstanceOf(software.amazon.jdbc.wrapper.ConnectionWrapper.class);
        }
    }

    @Test
    void badInput_isRefusedAtBuild_orWhenTheDataSourceIsCreated(LocalAurora aurora) {
        assertThatThrownBy(() -> Clusters.config(aurora, "failover2", "iam").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rdsiam.wrapperPlugins lists 'iam', the wrapper's own IAM plugin")
                .hasMessageContaining("remove 'iam'");
        assertThatThrownBy(() -> Clusters.config(aurora, "failover3").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'failover3'").hasMessageContaining("failover2, failover");
        assertThatThrownBy(() -> Clusters.config(aurora, "failover2").routes(null).connectHost("127.0.0.1")
                .connectPort(15432).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one tunnel cannot reach them all").hasMessageContaining("rdsiam.routes");
        RdsIamConfig weakened = Clusters.config(aurora, "failover2").driverProperty("sslmode", "disable").build();
        assertThatThrownBy(() -> RdsIam.dataSource(weakened)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sslmode");
    }

    /** A class loader over the test class path, beside (not below) the application loader. */
    private static final class Isolated extends java.net.URLClassLoader {
        Isolated() throws Exception {
            super(classPath(), ClassLoader.getPlatformClassLoader());
        }

        private static java.net.URL[] classPath() throws Exception {
            List<java.net.URL> urls = new ArrayList<>();
            for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
                urls.add(java.nio.file.Path.of(e).toUri().toURL());
            }
            return urls.toArray(new java.net.URL[0]);
        }

        boolean loaded(String name) {
            return findLoadedClass(name) != null;
        }
    }

    @Test
    void withoutWrapperPlugins_noWrapperClassIsLoaded(LocalAurora aurora) throws Exception {
        Properties p = new Properties();
        p.setProperty("rdsiam.engine", "postgresql");
        p.setProperty("rdsiam.host", aurora.clusterHost());
        p.setProperty("rdsiam.database", aurora.database());
        p.setProperty("rdsiam.user", aurora.dbUser());
        p.setProperty("rdsiam.accessKeyId", aurora.credentials().accessKeyId());
        p.setProperty("rdsiam.secretAccessKey", aurora.credentials().secretAccessKey());
        p.setProperty("rdsiam.trust", "pem");
        p.setProperty("rdsiam.trustPem", aurora.caPemFile().toString());
        RdsIamConfig.Route r = Clusters.routes(aurora).get(aurora.clusterHost());
        p.setProperty("rdsiam.connectHost", r.host());
        p.setProperty("rdsiam.connectPort", String.valueOf(r.port()));
        try (Isolated loader = new Isolated()) {
            Class<?> configType = loader.loadClass("dev.rdsiam.RdsIamConfig");
            Object config = configType.getMethod("fromProperties", Properties.class, String.class)
                    .invoke(null, p, "rdsiam.");
            AutoCloseable ds = (AutoCloseable) loader.loadClass("dev.rdsiam.RdsIam")
                    .getMethod("dataSource", configType).invoke(null, config);
            try (ds; Connection c = (Connection) ds.getClass().getMethod("getConnection").invoke(ds)) {
                assertThat(Clusters.whoAmI(c)).isEqualTo("localaurora-instance-1 false");
            }
            assertThat(loader.loaded("dev.rdsiam.RdsIam")).as("the probe works").isTrue();
            assertThat(loader.loaded("org.postgresql.Driver")).as("the probe works").isTrue();
            for (String wrapperClass : List.of("software.amazon.jdbc.Driver", "software.amazon.jdbc.ConnectionPlugin",
                    "dev.rdsiam.awswrapper.AwsWrapperBinding", "dev.rdsiam.awswrapper.internal.WrapperFront")) {
                assertThat(loader.loaded(wrapperClass)).as(wrapperClass).isFalse();
            }
        }
    }

    @Test
    void closingTheDataSource_removesItsProfile(LocalAurora aurora) throws Exception {
        RdsIamConfig wrapped = Clusters.config(aurora, "failover2", "efm2").name("closing")
                .driverProperty("failureDetectionTime", "100").build();
        RdsIamDataSource ds = RdsIam.dataSource(wrapped);
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_sleep(0.5)"); // the monitors start
        }
        assertThat(wrapperThreads()).as("the wrapper's monitors run while the DataSource is open").isNotEmpty();
        // the profile's name is not exposed: look in the wrapper's registry
        long ours = profiles().stream().filter(n -> n.startsWith("rdsiam-closing-")).count();
        assertThat(ours).isEqualTo(1);
        ds.close();
        assertThat(profiles()).noneMatch(n -> n.startsWith("rdsiam-closing-"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!wrapperThreads().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(wrapperThreads()).as("closing the last wrapper DataSource stops the wrapper's threads").isEmpty();
        assertThatThrownBy(ds::getConnection).isInstanceOf(SQLException.class).hasMessageContaining("closed");
    }

    /** Live threads running code of the wrapper (its monitors, executors). */
    private static List<String> wrapperThreads() {
        List<String> names = new ArrayList<>();
        Thread.getAllStackTraces().forEach((t, stack) -> {
            for (StackTraceElement e : stack) {
                if (e.getClassName().startsWith("software.amazon.jdbc.")) {
                    names.add(t.getName());
                    return;
                }
            }
        });
        return names;
    }

    @SuppressWarnings("unchecked")
    private static java.util.Set<String> profiles() throws Exception {
        java.lang.reflect.Field f = software.amazon.jdbc.profile.DriverConfigurationProfiles.class
                .getDeclaredField("activeProfiles");
        f.setAccessible(true);
        return new java.util.HashSet<>(((Map<String, ?>) f.get(null)).keySet());
    }
}
