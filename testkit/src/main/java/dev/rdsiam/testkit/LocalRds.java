package dev.rdsiam.testkit;

import dev.rdsiam.Engine;
import dev.rdsiam.testkit.internal.BackendServer;
import dev.rdsiam.testkit.internal.Certificates;
import dev.rdsiam.testkit.internal.CredentialStore;
import dev.rdsiam.testkit.internal.EmbeddedBackends;
import dev.rdsiam.testkit.internal.Gateway;
import dev.rdsiam.testkit.internal.GatewayContext;
import dev.rdsiam.testkit.internal.MySqlGateway;
import dev.rdsiam.testkit.internal.PgGateway;
import dev.rdsiam.testkit.internal.RouteFaults;
import dev.rdsiam.testkit.internal.StsServer;
import dev.rdsiam.testkit.internal.TokenVerifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An offline RDS endpoint with IAM database authentication: a real database behind a TLS gateway on
 * {@code 127.0.0.1} that asks for the password in clear text and accepts only valid IAM auth tokens, plus a local
 * STS that issues session credentials the gateway accepts.
 *
 * <pre>{@code
 * try (LocalRds rds = LocalRds.builder().engine(Engine.POSTGRESQL).start()) {
 *     String token = tokenFor(rds.identityHost(), rds.identityPort(), rds.dbUser(), rds.credentials());
 *     // dial rds.route(), verify TLS against rds.caPemFile() for rds.identityHost(), password = token
 * }
 * }</pre>
 *
 * <p>Tokens must be signed for {@link #identityHost()} (or {@link #proxyHost()}) and {@link #identityPort()}
 * (5432 or 3306), never for the route. Every login attempt is recorded in {@link #authAttempts()}.
 */
public final class LocalRds implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalRds.class);

    private final Engine engine;
    private final String region;
    private final String instanceHost;
    private final String proxyHost;
    private final int identityPort;
    private final String database;
    private final String dbUser;
    private final String accountId;
    private final String defaultRoleArn;
    private final StaticCredentials credentials;
    private final Clock clock;
    private final Faults faults = new Faults();
    private final List<AuthAttempt> attempts = new CopyOnWriteArrayList<>();
    private final Path tempDir;
    private final Certificates certificates;
    private final StsServer sts;
    private final BackendServer backend;
    private final Gateway gateway;
    private final long startupMillis;
    private RouteFaults.DroppingPort droppingPort;
    private Integer refusedPort;
    private volatile boolean closed;

    private LocalRds(Builder b) throws IOException {
        long start = System.nanoTime();
        this.engine = b.engine;
        this.region = b.region;
        this.instanceHost = b.instanceHost != null ? b.instanceHost
                : "localrds.c0ffee000000." + region + ".rds.amazonaws.com";
        this.proxyHost = b.proxyHost != null ? b.proxyHost
                : "localrds.proxy-c0ffee000000." + region + ".rds.amazonaws.com";
        this.identityPort = b.identityPort > 0 ? b.identityPort : engine.defaultPort();
        this.database = b.database;
        this.dbUser = b.dbUser;
        this.accountId = b.accountId;
        this.defaultRoleArn = "arn:aws:iam::" + accountId + ":role/localrds-iam";
        this.credentials = b.credentials != null ? b.credentials
                : new StaticCredentials("AKIA" + CredentialStore.randomId(16), CredentialStore.randomSecret());
        this.clock = b.clock;
        this.tempDir = Files.createTempDirectory("localrds-");
        List<AutoCloseable> started = new ArrayList<>();
        try {
            Set<String> names = new LinkedHashSet<>();
            names.add(instanceHost);
            names.add(proxyHost);
            names.addAll(b.extraHostNames);
            this.certificates = new Certificates(tempDir, names,
                    "another-db.c0ffee000000." + region + ".rds.amazonaws.com");

            CredentialStore store = new CredentialStore();
            store.addStatic(credentials.accessKeyId(), credentials.secretAccessKey(),
                    "arn:aws:iam::" + accountId + ":user/localrds-user");
            this.sts = new StsServer(store, clock, accountId, b.sessionDuration);
            started.add(sts);
            faults.onStsOutage(o -> sts.outage(o == StsOutage.REFUSING, o == StsOutage.HANGING));
            sts.addRole(new StsServer.Role(defaultRoleArn, null));
            b.roles.forEach(sts::addRole);

            this.backend = b.backend.isEmbedded() ? EmbeddedBackends.get(engine)
                    : new BackendServer(engine, b.backend.host(), b.backend.port(), b.backend.adminUser(),
                    b.backend.adminPassword());
            Set<String> users = new LinkedHashSet<>();
            users.add(dbUser);
            users.addAll(b.extraDbUsers);
            for (String user : users) {
                backend.provision(user, database);
            }
            TokenVerifier verifier = new TokenVerifier(names, identityPort, region, b.maxClockSkew, store);
            GatewayContext ctx = new GatewayContext(engine, verifier, faults, clock, certificates, this::record,
                    backend.host(), backend.port(), backend.passwords(), backend.tls());
            if (engine == Engine.POSTGRESQL) {
                this.gateway = new PgGateway(ctx, b.gatewayPort);
            } else {
                MySqlGateway mysql = new MySqlGateway(ctx, b.gatewayPort, b.mysqlServerVersion);
                faults.onFlushHosts(mysql::flushHosts);
                this.gateway = mysql;
            }
        } catch (IOException | RuntimeException | Error e) {
            for (AutoCloseable c : started) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            deleteTempDir();
            throw e;
        }
        this.startupMillis = (System.nanoTime() - start) / 1_000_000;
        LOG.info("LocalRds {} ready in {} ms: {}:{} via 127.0.0.1:{}, STS {}", engine.name().toLowerCase(Locale.ROOT),
                startupMillis, instanceHost, identityPort, gateway.port(), sts.endpoint());
    }

    /**
     * Starts configuring a kit.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    private void record(AuthAttempt attempt) {
        synchronized (attempts) {
            attempts.add(attempt);
            attempts.notifyAll();
        }
        if (attempt.accepted()) {
            LOG.info("{} login of {} from {} accepted (TLS {})", engine, attempt.user(), attempt.clientAddress(),
                    attempt.tlsProtocol());
        } else {
            LOG.info("{} login of {} from {} refused: {} (TLS {}, password sent: {})", engine, attempt.user(),
                    attempt.clientAddress(), attempt.reason(), attempt.tlsProtocol(), attempt.passwordReceived());
        }
    }

    /** @return the engine */
    public Engine engine() {
        return engine;
    }

    /** @return the region tokens must be scoped to */
    public String region() {
        return region;
    }

    /** @return the instance endpoint name tokens and TLS host-name checks use; it does not resolve */
    public String identityHost() {
        return instanceHost;
    }

    /** @return the RDS Proxy-style endpoint name, also on the certificate and accepted in tokens */
    public String proxyHost() {
        return proxyHost;
    }

    /** @return the port tokens are signed for: 5432 or 3306 by default, not the gateway's port */
    public int identityPort() {
        return identityPort;
    }

    /** @return where to dial: 127.0.0.1 and the gateway's port */
    public Route route() {
        return new Route("127.0.0.1", gateway.port());
    }

    /** @return the database created for {@link #dbUser()} */
    public String database() {
        return database;
    }

    /** @return the IAM-mapped database user */
    public String dbUser() {
        return dbUser;
    }

    /** @return the account id in ARNs */
    public String accountId() {
        return accountId;
    }

    /** @return a role every known key may assume without an external id */
    public String defaultRoleArn() {
        return defaultRoleArn;
    }

    /** @return the static access key the kit accepts */
    public StaticCredentials credentials() {
        return credentials;
    }

    /** @return the local CA certificate as a PEM file (deleted on {@link #close()}) */
    public Path caPemFile() {
        return certificates.caPemFile();
    }

    /** @return a new KeyStore holding the local CA as a trusted certificate */
    public KeyStore trustStore() {
        return certificates.trustStore();
    }

    /** @return the local CA as a PKCS12 trust store file, password {@link #trustStorePassword()} */
    public Path trustStoreFile() {
        return certificates.trustStoreFile();
    }

    /** @return the password of {@link #trustStoreFile()} */
    public String trustStorePassword() {
        return Certificates.TRUST_STORE_PASSWORD;
    }

    /** @return the local STS endpoint, for {@code StsClient.builder().endpointOverride(...)} */
    public URI stsEndpoint() {
        return sts.endpoint();
    }

    /**
     * Registers a role the local STS lets every known key assume.
     *
     * @param roleArn    the role ARN
     * @param externalId the required external id, or {@code null}
     * @return this
     */
    public LocalRds addRole(String roleArn, String externalId) {
        sts.addRole(new StsServer.Role(Objects.requireNonNull(roleArn, "roleArn"), externalId));
        return this;
    }

    /**
     * Forces the lifetime of session credentials issued from now on (for example a few seconds, to test expiry).
     *
     * @param lifetime the lifetime, or {@code null} to honour {@code DurationSeconds} again
     * @return this
     */
    public LocalRds forceSessionDuration(Duration lifetime) {
        sts.forceSessionDuration(lifetime);
        return this;
    }

    /**
     * A JDBC URL of the backend database (plain TCP, no IAM), for assertions with the admin login.
     *
     * @return the URL
     */
    public String backendJdbcUrl() {
        return backend.jdbcUrl(database);
    }

    /** @return the backend admin user */
    public String backendAdminUser() {
        return backend.adminUser();
    }

    /** @return the backend admin password */
    public String backendAdminPassword() {
        return backend.adminPassword();
    }

    /** @return the faults, switchable while running */
    public Faults faults() {
        return faults;
    }

    /** @return the login attempts so far, oldest first */
    public List<AuthAttempt> authAttempts() {
        return Collections.unmodifiableList(new ArrayList<>(attempts));
    }

    /**
     * The most recent login attempt.
     *
     * @return the attempt
     * @throws IllegalStateException if there was none
     */
    public AuthAttempt lastAuthAttempt() {
        List<AuthAttempt> copy = authAttempts();
        if (copy.isEmpty()) {
            throw new IllegalStateException("no login attempt recorded yet");
        }
        return copy.get(copy.size() - 1);
    }

    /**
     * Waits until at least {@code count} attempts are recorded. Needed when the client gives up first (for example
     * it refuses the certificate): the client's exception can arrive before the gateway notices the hang-up.
     *
     * @param count   how many attempts to wait for
     * @param timeout how long to wait at most
     * @return the attempts, oldest first
     * @throws IllegalStateException if fewer were recorded in time
     */
    public List<AuthAttempt> awaitAuthAttempts(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (attempts) {
            while (attempts.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("expected " + count + " login attempts within " + timeout
                            + " but saw " + attempts.size());
                }
                try {
                    attempts.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for login attempts", e);
                }
            }
        }
        return authAttempts();
    }

    /**
     * Waits for the first attempt (since the last {@link #clearAuthAttempts()}) and returns the most recent one.
     *
     * @param timeout how long to wait at most
     * @return the attempt
     * @throws IllegalStateException if none was recorded in time
     */
    public AuthAttempt awaitLastAuthAttempt(Duration timeout) {
        List<AuthAttempt> all = awaitAuthAttempts(1, timeout);
        return all.get(all.size() - 1);
    }

    /** Forgets the recorded attempts. */
    public void clearAuthAttempts() {
        attempts.clear();
    }

    /**
     * A route where connects time out: the kernel drops the SYNs (like a security group without an inbound rule).
     *
     * @return 127.0.0.1 and the dropping port
     */
    public synchronized Route droppingRoute() {
        if (droppingPort == null) {
            try {
                droppingPort = new RouteFaults.DroppingPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new Route("127.0.0.1", droppingPort.port());
    }

    /**
     * A route where connects are refused (nothing listens).
     *
     * @return 127.0.0.1 and a closed port
     */
    public synchronized Route refusedRoute() {
        if (refusedPort == null) {
            try {
                refusedPort = RouteFaults.refusedPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new Route("127.0.0.1", refusedPort);
    }

    /**
     * Restarts the instance as RDS does on a reboot: open sessions are cut, connects are refused for
     * {@code downtime}, then accepted again. Blocks until the instance is back. The backend server itself keeps
     * running (it may be shared with other kits); the sessions end when the gateway cuts them.
     *
     * @param downtime how long connections are refused
     */
    public void restart(Duration downtime) {
        if (Objects.requireNonNull(downtime, "downtime").isNegative()) {
            throw new IllegalArgumentException("downtime must not be negative: " + downtime);
        }
        gateway.suspend();
        try {
            Thread.sleep(downtime.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                if (!closed) {
                    gateway.resume();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot listen again on " + route(), e);
            }
        }
        LOG.info("LocalRds restarted (down {} ms)", downtime.toMillis());
    }

    /** Cuts every open session (client and backend side); new connections are accepted at once. */
    public void killSessions() {
        gateway.cutSessions();
    }

    /** @return how many client sessions the gateway holds open now */
    public int openSessions() {
        return gateway.openSessions();
    }

    /** @return the kit's clock (the gateway adds {@link Faults#clockSkew()}) */
    public Clock clock() {
        return clock;
    }

    /** @return how long {@link Builder#start()} took, in milliseconds (including a first backend start) */
    public long startupMillis() {
        return startupMillis;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        gateway.close();
        sts.close();
        if (droppingPort != null) {
            droppingPort.close();
        }
        deleteTempDir();
        LOG.info("LocalRds {} stopped", engine.name().toLowerCase(Locale.ROOT));
    }

    /**
     * Stops the embedded PostgreSQL and MariaDB servers that kits of this JVM share (kits over them stop working; a
     * kit started later starts a new server). {@link #close()} leaves them running so that the next kit starts in
     * well under a second; a JVM shutdown stops them anyway. A program that returns from {@code main} instead of
     * calling {@code System.exit} calls this after closing its last kit: the process watcher of the embedded MariaDB
     * is not a daemon thread and would keep the JVM alive.
     */
    public static void stopEmbeddedServers() {
        EmbeddedBackends.stopAll();
    }

    private void deleteTempDir() {
        try (Stream<Path> files = Files.list(tempDir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(tempDir);
        } catch (IOException e) {
            LOG.debug("cannot delete {}: {}", tempDir, e.toString());
        }
    }

    @Override
    public String toString() {
        return "LocalRds[" + engine + ", " + instanceHost + ":" + identityPort + " via "
                + (closed ? "closed" : route()) + "]";
    }

    /**
     * Configures and starts a {@link LocalRds}; the engine is required.
     *
     * <pre>{@code
     * LocalRds rds = LocalRds.builder().engine(Engine.MYSQL).region("eu-west-1").start();
     * }</pre>
     *
     * <p>The settings it shares with {@link LocalAurora.Builder} (region, database, users, clock, keys, account,
     * roles, sessions) are checked in one place.
     */
    public static final class Builder extends KitBuilder<Builder> {
        private String instanceHost;
        private String proxyHost;
        private final List<String> extraHostNames = new ArrayList<>();
        private int identityPort;
        private int gatewayPort;
        private Backend backend = Backend.embedded();

        private Builder() {
            super(null);
        }

        /**
         * The instance endpoint name (default {@code localrds.c0ffee000000.<region>.rds.amazonaws.com}).
         *
         * @param host the DNS name
         * @return this
         */
        public Builder instanceHost(String host) {
            this.instanceHost = requireHost(host);
            return this;
        }

        /**
         * The proxy endpoint name (default {@code localrds.proxy-c0ffee000000.<region>.rds.amazonaws.com}).
         *
         * @param host the DNS name
         * @return this
         */
        public Builder proxyHost(String host) {
            this.proxyHost = requireHost(host);
            return this;
        }

        /**
         * A further endpoint name put on the certificate and accepted in tokens (for example a cluster or reader
         * endpoint).
         *
         * @param host the DNS name
         * @return this
         */
        public Builder addHostName(String host) {
            extraHostNames.add(requireHost(host));
            return this;
        }

        /**
         * The port tokens are signed for (default 5432 or 3306).
         *
         * @param port the port
         * @return this
         */
        public Builder identityPort(int port) {
            this.identityPort = requirePort(port, "identityPort");
            return this;
        }

        /**
         * The gateway's listening port on 127.0.0.1 (default: ephemeral).
         *
         * @param port the port, 0 for ephemeral
         * @return this
         */
        public Builder gatewayPort(int port) {
            if (port != 0) {
                requirePort(port, "gatewayPort");
            }
            this.gatewayPort = port;
            return this;
        }

        /**
         * The backend server (default {@link Backend#embedded()}).
         *
         * @param backend the backend
         * @return this
         */
        public Builder backend(Backend backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
            return this;
        }

        /**
         * Starts the backend (if embedded and not yet running), the STS and the gateway.
         *
         * @return the running kit
         * @throws IllegalStateException if no engine was set
         * @throws UncheckedIOException  if something cannot start
         */
        public LocalRds start() {
            if (engine == null) {
                throw new IllegalStateException("engine is required: call engine(Engine.POSTGRESQL) or "
                        + "engine(Engine.MYSQL)");
            }
            try {
                return new LocalRds(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start LocalRds: " + e.getMessage(), e);
            }
        }

        private static String requireHost(String host) {
            if (host == null || !host.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")) {
                throw new IllegalArgumentException("not a DNS name: '" + host + "'");
            }
            return host.toLowerCase(Locale.ROOT);
        }

        private static int requirePort(int port, String what) {
            if (port <= 0 || port > 65535) {
                throw new IllegalArgumentException(what + " must be 1..65535: " + port);
            }
            return port;
        }
    }
}
