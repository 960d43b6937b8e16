package dev.rdsiam.testkit.contract;

import dev.rdsiam.Engine;
import dev.rdsiam.RdsIam;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.Trust;
import dev.rdsiam.jdbc.RdsIamDataSource;
import dev.rdsiam.testkit.AuthAttempt;
import dev.rdsiam.testkit.LocalRds;
import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One LocalRds per engine (the real database behind the IAM gateway) for an engine binding's tests, the clock they
 * move, and configurations that reach it. Started on first use, closed when the test JVM exits.
 *
 * <pre>{@code
 * BindingKit kit = BindingKit.of(Engine.POSTGRESQL);
 * try (RdsIamDataSource ds = RdsIam.dataSource(kit.config().build())) { ... }
 * }</pre>
 */
public final class BindingKit {

    private static final Map<Engine, BindingKit> KITS = new EnumMap<>(Engine.class);

    private final Engine engine;
    private final MovableClock clock = new MovableClock();
    private LocalRds rds;

    private BindingKit(Engine engine) {
        this.engine = engine;
    }

    /**
     * The kit of an engine.
     *
     * @param engine the engine
     * @return the kit, the same one for every call in this JVM
     */
    public static synchronized BindingKit of(Engine engine) {
        return KITS.computeIfAbsent(engine, BindingKit::new);
    }

    /** The clock of the kit's gateway and of every {@link #config()}. */
    public MovableClock clock() {
        return clock;
    }

    /** The running LocalRds, started on first use. */
    public synchronized LocalRds rds() {
        if (rds == null) {
            rds = LocalRds.builder().engine(engine).clock(clock).start();
            Runtime.getRuntime().addShutdownHook(new Thread(rds::close));
        }
        return rds;
    }

    /** Before each test: the clock back to the system's, no faults (hosts flushed), no recorded attempts. */
    public void reset() {
        LocalRds k = rds();
        clock.reset();
        k.faults().reset();
        k.clearAuthAttempts();
    }

    /** A configuration for the kit's instance name, routed to its gateway, trusting its CA. */
    public RdsIamConfig.Builder config() {
        LocalRds k = rds();
        return RdsIamConfig.builder()
                .engine(engine)
                .host(k.identityHost())
                .port(k.identityPort())
                .database(k.database())
                .user(k.dbUser())
                .connectHost(k.route().host())
                .connectPort(k.route().port())
                .trust(Trust.PEM)
                .trustPem(k.caPemFile())
                .accessKeyId(k.credentials().accessKeyId())
                .secretAccessKey(k.credentials().secretAccessKey())
                .connectTimeout(Duration.ofSeconds(5))
                .clock(clock);
    }

    /**
     * The failure of a first connection; the test fails if it connects.
     *
     * @param config the configuration
     * @return the driver's failure, with the library's diagnosis
     */
    public static SQLException failure(RdsIamConfig config) {
        try (RdsIamDataSource ds = RdsIam.dataSource(config); Connection c = ds.getConnection()) {
            throw new AssertionError("connected, but should not have: " + c);
        } catch (SQLException e) {
            return e;
        }
    }

    /**
     * The gateway's attempts once it has recorded at least one (or after 3 s): it records a refused TLS handshake on
     * its own thread, possibly after the client has already seen the failure.
     */
    public List<AuthAttempt> attemptsAfterFailure() {
        LocalRds k = rds();
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (k.authAttempts().isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return k.authAttempts();
    }

    /**
     * The test class path without one jar, for a class loader below the one that holds only that jar (a driver in
     * an application server's or Quarkus's parent loader).
     *
     * @param jar the jar left out, e.g. the driver's
     * @return the other entries
     * @throws MalformedURLException if an entry is not a path
     */
    public static URL[] classPathWithout(URL jar) throws MalformedURLException {
        List<URL> rest = new ArrayList<>();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : classPath.split(File.pathSeparator)) {
            URL u = Path.of(entry).toUri().toURL();
            if (!entry.isEmpty() && !u.sameFile(jar)) {
                rest.add(u);
            }
        }
        return rest.toArray(URL[]::new);
    }
}
