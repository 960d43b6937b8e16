package dev.rdsiam.testkit;

import dev.rdsiam.Engine;
import dev.rdsiam.testkit.internal.BackendServer;
import dev.rdsiam.testkit.internal.Certificates;
import dev.rdsiam.testkit.internal.CredentialStore;
import dev.rdsiam.testkit.internal.EmbeddedBackends;
import dev.rdsiam.testkit.internal.Forwarder;
import dev.rdsiam.testkit.internal.Gateway;
import dev.rdsiam.testkit.internal.GatewayContext;
import dev.rdsiam.testkit.internal.MySqlGateway;
import dev.rdsiam.testkit.internal.PgCluster;
import dev.rdsiam.testkit.internal.PgGateway;
import dev.rdsiam.testkit.internal.StsServer;
import dev.rdsiam.testkit.internal.TokenVerifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An offline Amazon Aurora PostgreSQL cluster with IAM database authentication: a real primary and hot standbys
 * (streaming replication between embedded PostgreSQL servers), one TLS gateway per instance that verifies IAM auth
 * tokens as {@link LocalRds} does, and a loopback port per DNS name: the cluster endpoint leads to the current
 * writer, the reader endpoint to a reader, each instance endpoint to its instance.
 *
 * <pre>{@code
 * try (LocalAurora aurora = LocalAurora.builder().instanceCount(2).start()) {
 *     Route writer = aurora.route(aurora.clusterHost());    // 127.0.0.1:PORT, leads to the writer
 *     // sign the token for the name you dial (aurora.clusterHost(), port aurora.identityPort())
 *     aurora.failover();                                    // writer crashes, the reader is promoted
 *     aurora.reset();                                       // starting roles again
 * }
 * }</pre>
 *
 * <p>Names are those RDS gives: cluster {@code NAME.cluster-ID.REGION.rds.amazonaws.com}, reader
 * {@code NAME.cluster-ro-ID.REGION.rds.amazonaws.com}, instances {@code INSTANCE.ID.REGION.rds.amazonaws.com}.
 * An instance's certificate names the instance plus the cluster endpoint while it is the writer, or the reader
 * endpoint while it is a reader (or the writer when no reader runs); a token is accepted only for a name that
 * leads to that instance at that moment (else {@link RejectReason#WRONG_INSTANCE}).
 *
 * <p>The servers answer {@code pg_catalog.aurora_db_instance_identifier()} and
 * {@code pg_catalog.aurora_replica_status()} from the live roles, as the AWS Advanced JDBC Wrapper reads them.
 *
 * <p>With {@link Builder#engine(Engine) engine(MYSQL)} the instance gateways share one embedded MariaDB: the same
 * names, certificates, tokens, routes and failover, read-only sessions on readers, but no replication and no
 * Aurora catalogue.
 */
public final class LocalAurora implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalAurora.class);
    private static final Pattern LABEL = Pattern.compile("[a-z]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern CLUSTER_ID = Pattern.compile("[a-z0-9]{1,63}");

    /** The role of an instance. */
    public enum Role {
        /** The instance accepts writes; the cluster endpoint leads to it. */
        WRITER,
        /** A read-only hot standby; the reader endpoint leads to it. */
        READER,
        /** Not reachable: its port refuses connections (after a failover, until {@link #reset()}). */
        DOWN
    }

    private final class Instance {
        final int index;
        final String id;
        final String host;
        final TokenVerifier verifier;
        final Certificates certificates;
        final Gateway gateway;
        final List<AuthAttempt> attempts = new CopyOnWriteArrayList<>();
        volatile Role role;

        Instance(int index, String id, String host, TokenVerifier verifier, Certificates certificates,
                 Gateway gateway) {
            this.index = index;
            this.id = id;
            this.host = host;
            this.verifier = verifier;
            this.certificates = certificates;
            this.gateway = gateway;
        }

        boolean reachable() {
            return role != Role.DOWN && gateway.listening();
        }
    }

    private final Engine engine;
    private final String region;
    private final String clusterHost;
    private final String readerHost;
    private final int identityPort;
    private final String database;
    private final String dbUser;
    private final String defaultRoleArn;
    private final StaticCredentials credentials;
    private final Clock clock;
    private final Faults faults = new Faults();
    private final List<AuthAttempt> attempts = new CopyOnWriteArrayList<>();
    private final Path tempDir;
    private final Path topologyFile;
    private final Certificates ca;
    private final StsServer sts;
    private final PgCluster cluster;
    private final BackendServer sharedBackend;
    private final List<Instance> instances = new ArrayList<>();
    private final Map<String, List<AuthAttempt>> instancesAttempts = new ConcurrentHashMap<>();
    private final Forwarder clusterRoute;
    private final Forwarder readerRoute;
    private final AtomicInteger readerTurn = new AtomicInteger();
    private final long startupMillis;
    private volatile boolean closed;

    private LocalAurora(Builder b) throws IOException {
        long start = System.nanoTime();
        this.engine = b.engine;
        this.identityPort = engine.defaultPort();
        this.region = b.region;
        String domain = b.clusterId + "." + region + ".rds.amazonaws.com";
        this.clusterHost = b.clusterName + ".cluster-" + domain;
        this.readerHost = b.clusterName + ".cluster-ro-" + domain;
        this.database = b.database;
        this.dbUser = b.dbUser;
        this.defaultRoleArn = "arn:aws:iam::" + b.accountId + ":role/localrds-iam";
        this.credentials = b.credentials != null ? b.credentials
                : new StaticCredentials("AKIA" + CredentialStore.randomId(16), CredentialStore.randomSecret());
        this.clock = b.clock;
        List<String> ids = b.instanceIds();
        this.tempDir = Files.createTempDirectory("localaurora-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        this.topologyFile = tempDir.resolve("topology");
        List<AutoCloseable> started = new ArrayList<>();
        try {
            List<String> hosts = new ArrayList<>();
            for (String id : ids) {
                hosts.add(id + "." + domain);
            }
            this.ca = new Certificates(tempDir, List.of(hosts.get(0)), "another-db." + domain);
            CredentialStore store = new CredentialStore();
            store.addStatic(credentials.accessKeyId(), credentials.secretAccessKey(),
                    "arn:aws:iam::" + b.accountId + ":user/localrds-user");
            this.sts = new StsServer(store, clock, b.accountId, b.sessionDuration);
            started.add(sts);
            sts.addRole(new StsServer.Role(defaultRoleArn, null));
            b.roles.forEach(sts::addRole);
            faults.onStsOutage(o -> sts.outage(o == StsOutage.REFUSING, o == StsOutage.HANGING));

            writeTopology(ids.get(0), ids.subList(1, ids.size()));
            Set<String> users = new LinkedHashSet<>();
            users.add(dbUser);
            users.addAll(b.extraDbUsers);
            if (engine == Engine.POSTGRESQL) {
                this.cluster = new PgCluster(tempDir.resolve("pg"), ids, new ArrayList<>(users), database,
                        topologyFile);
                started.add(cluster);
                this.sharedBackend = cluster.primaryBackend();
            } else {
                this.cluster = null;
                this.sharedBackend = EmbeddedBackends.get(Engine.MYSQL);
                for (String user : users) {
                    sharedBackend.provision(user, database);
                }
            }

            for (int i = 0; i < ids.size(); i++) {
                String host = hosts.get(i);
                TokenVerifier verifier = new TokenVerifier(List.of(host), identityPort, region, b.maxClockSkew,
                        store);
                Certificates certs = i == 0 ? ca : ca.sibling(List.of(host));
                List<AuthAttempt> own = new CopyOnWriteArrayList<>();
                GatewayContext ctx = new GatewayContext(engine, verifier, faults, clock, certs,
                        a -> record(host, own, a), "127.0.0.1",
                        cluster != null ? cluster.port(i) : sharedBackend.port(),
                        sharedBackend.passwords(), sharedBackend.tls());
                Gateway gateway = engine == Engine.POSTGRESQL ? new PgGateway(ctx, 0)
                        : new MySqlGateway(ctx, 0, b.mysqlServerVersion);
                started.add(gateway);
                Instance instance = new Instance(i, ids.get(i), host, verifier, certs, gateway);
                instance.role = i == 0 ? Role.WRITER : Role.READER;
                instancesAttempts.put(host, own);
                instances.add(instance);
            }
            this.clusterRoute = new Forwarder(clusterHost, this::writerPort);
            started.add(clusterRoute);
            this.readerRoute = new Forwarder(readerHost, this::readerPort);
            started.add(readerRoute);
            applyRoles();
        } catch (IOException | RuntimeException | Error e) {
            for (int i = started.size() - 1; i >= 0; i--) {
                try {
                    started.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            deleteTempDir();
            throw e;
        }
        this.startupMillis = (System.nanoTime() - start) / 1_000_000;
        LOG.info("LocalAurora {} ready in {} ms: {} instances, writer {}, routes {}",
                engine.name().toLowerCase(Locale.ROOT), startupMillis, instances.size(), instances.get(0).host,
                routes());
    }

    /**
     * Starts configuring a cluster.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    private void record(String host, List<AuthAttempt> own, AuthAttempt attempt) {
        own.add(attempt);
        synchronized (attempts) {
            attempts.add(attempt);
            attempts.notifyAll();
        }
        if (attempt.accepted()) {
            LOG.info("{} login of {} accepted (TLS {})", host, attempt.user(), attempt.tlsProtocol());
        } else {
            LOG.info("{} login of {} refused: {} (TLS {}, password sent: {})", host, attempt.user(),
                    attempt.reason(), attempt.tlsProtocol(), attempt.passwordReceived());
        }
    }

    // ---- roles and routes -------------------------------------------------------------------------------------

    private Instance writer() {
        for (Instance i : instances) {
            if (i.role == Role.WRITER) {
                return i;
            }
        }
        return null;
    }

    private List<Instance> liveReaders() {
        List<Instance> readers = new ArrayList<>();
        for (Instance i : instances) {
            if (i.role == Role.READER) {
                readers.add(i);
            }
        }
        return readers;
    }

    private int writerPort() {
        Instance w = writer();
        return w != null && w.reachable() ? w.gateway.port() : 0;
    }

    private int readerPort() {
        List<Instance> readers = new ArrayList<>();
        for (Instance r : liveReaders()) {
            if (r.reachable()) {
                readers.add(r);
            }
        }
        if (readers.isEmpty()) {
            return liveReaders().isEmpty() ? writerPort() : 0;
        }
        return readers.get(Math.floorMod(readerTurn.getAndIncrement(), readers.size())).gateway.port();
    }

    /** The names that lead to an instance now: its own, plus the cluster or reader endpoint by its role. */
    private List<String> namesOf(Instance i) {
        List<String> names = new ArrayList<>();
        names.add(i.host);
        if (i.role == Role.WRITER) {
            names.add(clusterHost);
            if (liveReaders().isEmpty()) {
                names.add(readerHost);
            }
        } else if (i.role == Role.READER) {
            names.add(readerHost);
        }
        return names;
    }

    private synchronized void applyRoles() throws IOException {
        Instance w = writer();
        List<String> readers = new ArrayList<>();
        for (Instance r : liveReaders()) {
            readers.add(r.id);
        }
        writeTopology(w == null ? null : w.id, readers);
        List<String> all = new ArrayList<>(routes().keySet());
        for (Instance i : instances) {
            List<String> names = namesOf(i);
            i.verifier.hosts(names, all);
            if (!names.equals(i.certificates.hostNames())) {
                i.certificates.reissue(names);
            }
            if (i.gateway instanceof MySqlGateway mysql) {
                mysql.readOnlySessions(i.role != Role.WRITER);
            }
        }
        clusterRoute.refresh();
        readerRoute.refresh();
    }

    private void writeTopology(String writerId, List<String> readerIds) throws IOException {
        StringBuilder text = new StringBuilder();
        if (writerId != null) {
            text.append(writerId).append(" writer\n");
        }
        for (String r : readerIds) {
            text.append(r).append(" reader\n");
        }
        Path tmp = topologyFile.resolveSibling("topology.tmp");
        Files.writeString(tmp, text.toString(), StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(tmp, topologyFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private Instance instance(String host) {
        String wanted = Objects.requireNonNull(host, "instanceHost").toLowerCase(Locale.ROOT);
        for (Instance i : instances) {
            if (i.host.equals(wanted) || i.id.equals(wanted)) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown instance '" + host + "': this cluster's instances are "
                + instanceHosts());
    }

    /**
     * Fails the writer over to the first running reader, as Aurora does when the writer crashes: the writer's
     * sessions are cut and its port refuses connections (it stays {@link Role#DOWN} until {@link #reset()}), the
     * reader's server is promoted ({@code pg_promote}), the other readers follow it, and the cluster endpoint
     * leads to it. Returns when the new writer accepts writes.
     *
     * @return the new writer's instance endpoint
     * @throws IllegalStateException if no reader runs
     */
    public synchronized String failover() {
        Instance old = writer();
        Instance target = null;
        for (Instance r : liveReaders()) {
            if (r.reachable()) {
                target = r;
                break;
            }
        }
        if (old == null || target == null) {
            throw new IllegalStateException("failover needs a writer and a running reader; roles now: " + roles()
                    + " (call reset() to restore the starting roles)");
        }
        long start = System.nanoTime();
        old.role = Role.DOWN;
        old.gateway.suspend();
        clusterRoute.refresh();
        try {
            if (cluster != null) {
                cluster.stop(old.index);
                cluster.promote(target.index);
            }
            target.role = Role.WRITER;
            applyRoles();
        } catch (IOException e) {
            throw new UncheckedIOException("failover to " + target.host + " failed: " + e.getMessage(), e);
        }
        LOG.info("LocalAurora failover from {} to {} in {} ms", old.host, target.host,
                (System.nanoTime() - start) / 1_000_000);
        return target.host;
    }

    /**
     * Restarts an instance as RDS does on a reboot: its sessions are cut, its port (and the cluster or reader
     * endpoint while it leads only there) refuses connections for {@code downtime}, then it accepts again. Blocks
     * until the instance is back. The database server itself keeps running; the sessions end when the gateway
     * cuts them.
     *
     * @param instanceHost the instance endpoint (or the instance id)
     * @param downtime     how long connections are refused
     * @throws IllegalArgumentException for an unknown instance
     * @throws IllegalStateException    if the instance is down
     */
    public void restart(String instanceHost, Duration downtime) {
        Instance i = instance(instanceHost);
        if (Objects.requireNonNull(downtime, "downtime").isNegative()) {
            throw new IllegalArgumentException("downtime must not be negative: " + downtime);
        }
        synchronized (this) {
            if (i.role == Role.DOWN) {
                throw new IllegalStateException(i.host + " is down after a failover; call reset() first");
            }
            i.gateway.suspend();
            clusterRoute.refresh();
            readerRoute.refresh();
        }
        try {
            Thread.sleep(downtime.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            synchronized (this) {
                try {
                    if (!closed && i.role != Role.DOWN) {
                        i.gateway.resume();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot listen again for " + i.host, e);
                }
                clusterRoute.refresh();
                readerRoute.refresh();
            }
        }
        LOG.info("LocalAurora {} restarted (down {} ms)", i.host, downtime.toMillis());
    }

    /**
     * Restarts an instance with one second of downtime.
     *
     * @param instanceHost the instance endpoint (or the instance id)
     * @see #restart(String, Duration)
     */
    public void restart(String instanceHost) {
        restart(instanceHost, Duration.ofSeconds(1));
    }

    /** Cuts every open session on every instance; new connections are accepted at once. */
    public void killSessions() {
        for (Instance i : instances) {
            i.gateway.cutSessions();
        }
    }

    /**
     * Restores the starting state between tests: faults off, recorded attempts cleared, session duration honoured
     * and, if a failover or restart changed anything, the starting roles (the first instance the writer, the
     * others its readers; the servers are started again from the copy taken at start, so data written since is
     * gone). Without a role change the data stays and this takes no time.
     */
    public synchronized void reset() {
        faults.reset();
        sts.forceSessionDuration(null);
        boolean changed = false;
        for (Instance i : instances) {
            Role wanted = i.index == 0 ? Role.WRITER : Role.READER;
            if (i.role != wanted) {
                changed = true;
            }
        }
        try {
            if (changed) {
                long start = System.nanoTime();
                for (Instance i : instances) {
                    i.gateway.suspend();
                }
                if (cluster != null) {
                    cluster.rebuild();
                }
                for (Instance i : instances) {
                    i.role = i.index == 0 ? Role.WRITER : Role.READER;
                }
                LOG.info("LocalAurora starting roles restored in {} ms", (System.nanoTime() - start) / 1_000_000);
            }
            for (Instance i : instances) {
                i.gateway.resume();
            }
            applyRoles();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restore the starting roles: " + e.getMessage(), e);
        }
        clearAuthAttempts();
    }

    // ---- facts ----------------------------------------------------------------------------------------------

    /** @return the engine */
    public Engine engine() {
        return engine;
    }

    /** @return the region tokens must be scoped to */
    public String region() {
        return region;
    }

    /** @return the cluster (writer) endpoint, {@code NAME.cluster-ID.REGION.rds.amazonaws.com} */
    public String clusterHost() {
        return clusterHost;
    }

    /** @return the reader endpoint, {@code NAME.cluster-ro-ID.REGION.rds.amazonaws.com} */
    public String readerHost() {
        return readerHost;
    }

    /** @return every instance endpoint, in the order the instances were named (the first is the starting writer) */
    public List<String> instanceHosts() {
        List<String> hosts = new ArrayList<>();
        for (Instance i : instances) {
            hosts.add(i.host);
        }
        return hosts;
    }

    /** @return the instance ids ({@code SERVER_ID} in {@code aurora_replica_status()}), in order */
    public List<String> instanceIds() {
        List<String> ids = new ArrayList<>();
        for (Instance i : instances) {
            ids.add(i.id);
        }
        return ids;
    }

    /** @return the current writer's instance endpoint, or {@code null} during a failover */
    public synchronized String writerHost() {
        Instance w = writer();
        return w == null ? null : w.host;
    }

    /** @return the instance endpoints of the running readers */
    public synchronized List<String> readerHosts() {
        List<String> hosts = new ArrayList<>();
        for (Instance r : liveReaders()) {
            hosts.add(r.host);
        }
        return hosts;
    }

    /** @return every instance endpoint with its role now, writer first */
    public synchronized Map<String, Role> roles() {
        Map<String, Role> roles = new LinkedHashMap<>();
        Instance w = writer();
        if (w != null) {
            roles.put(w.host, Role.WRITER);
        }
        for (Instance i : instances) {
            roles.putIfAbsent(i.host, i.role);
        }
        return roles;
    }

    /**
     * The certificate names an instance presents now.
     *
     * @param instanceHost the instance endpoint
     * @return the DNS names, the instance's own first
     */
    public List<String> certificateNames(String instanceHost) {
        return instance(instanceHost).certificates.hostNames();
    }

    /** @return the port tokens are signed for: 5432 or 3306 */
    public int identityPort() {
        return identityPort;
    }

    /**
     * Where to dial each name: the cluster endpoint, the reader endpoint, then every instance endpoint, each with
     * its own loopback port. The ports stay the same for the kit's lifetime; what they lead to follows the roles.
     *
     * @return name to {@code 127.0.0.1:PORT}, in that order
     */
    public Map<String, Route> routes() {
        Map<String, Route> routes = new LinkedHashMap<>();
        routes.put(clusterHost, new Route("127.0.0.1", clusterRoute.port()));
        routes.put(readerHost, new Route("127.0.0.1", readerRoute.port()));
        for (Instance i : instances) {
            routes.put(i.host, new Route("127.0.0.1", i.gateway.port()));
        }
        return routes;
    }

    /**
     * Where to dial one name.
     *
     * @param host the cluster, reader or an instance endpoint
     * @return {@code 127.0.0.1:PORT}
     * @throws IllegalArgumentException for a name that is not this cluster's
     */
    public Route route(String host) {
        Route route = routes().get(Objects.requireNonNull(host, "host").toLowerCase(Locale.ROOT));
        if (route == null) {
            throw new IllegalArgumentException("unknown host '" + host + "': this cluster's names are "
                    + routes().keySet());
        }
        return route;
    }

    /** @return the database created for {@link #dbUser()} */
    public String database() {
        return database;
    }

    /** @return the IAM-mapped database user */
    public String dbUser() {
        return dbUser;
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
        return ca.caPemFile();
    }

    /** @return a new KeyStore holding the local CA as a trusted certificate */
    public KeyStore trustStore() {
        return ca.trustStore();
    }

    /** @return the local CA as a PKCS12 trust store file, password {@link #trustStorePassword()} */
    public Path trustStoreFile() {
        return ca.trustStoreFile();
    }

    /** @return the password of {@link #trustStoreFile()} */
    public String trustStorePassword() {
        return Certificates.TRUST_STORE_PASSWORD;
    }

    /** @return the local STS endpoint */
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
    public LocalAurora addRole(String roleArn, String externalId) {
        sts.addRole(new StsServer.Role(Objects.requireNonNull(roleArn, "roleArn"), externalId));
        return this;
    }

    /**
     * Forces the lifetime of session credentials issued from now on.
     *
     * @param lifetime the lifetime, or {@code null} to honour {@code DurationSeconds} again
     * @return this
     */
    public LocalAurora forceSessionDuration(Duration lifetime) {
        sts.forceSessionDuration(lifetime);
        return this;
    }

    /**
     * A JDBC URL of an instance's server (plain TCP, no IAM), for assertions with the admin login.
     *
     * @param instanceHost the instance endpoint
     * @return the URL
     */
    public String backendJdbcUrl(String instanceHost) {
        Instance i = instance(instanceHost);
        if (cluster == null) {
            return sharedBackend.jdbcUrl(database);
        }
        return "jdbc:postgresql://127.0.0.1:" + cluster.port(i.index) + "/" + database + "?sslmode=disable";
    }

    /** @return the backend admin user (a superuser on every instance) */
    public String backendAdminUser() {
        return sharedBackend.adminUser();
    }

    /** @return the backend admin password */
    public String backendAdminPassword() {
        return sharedBackend.adminPassword();
    }

    /** @return the faults, shared by every instance (the IAM rate limit is counted per instance) */
    public Faults faults() {
        return faults;
    }

    /** @return every instance's login attempts so far, oldest first */
    public List<AuthAttempt> authAttempts() {
        return Collections.unmodifiableList(new ArrayList<>(attempts));
    }

    /**
     * @param instanceHost the instance endpoint
     * @return the login attempts the instance saw, oldest first
     */
    public List<AuthAttempt> authAttempts(String instanceHost) {
        return List.copyOf(instancesAttempts.get(instance(instanceHost).host));
    }

    /**
     * Waits for the first attempt (since the last {@link #clearAuthAttempts()}) and returns the most recent one.
     *
     * @param timeout how long to wait at most
     * @return the attempt
     * @throws IllegalStateException if none was recorded in time
     */
    public AuthAttempt awaitLastAuthAttempt(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (attempts) {
            while (attempts.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("no login attempt within " + timeout);
                }
                try {
                    attempts.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for a login attempt", e);
                }
            }
            return attempts.get(attempts.size() - 1);
        }
    }

    /** Forgets the recorded attempts. */
    public void clearAuthAttempts() {
        attempts.clear();
        instancesAttempts.values().forEach(List::clear);
    }

    /** @return the kit's clock */
    public Clock clock() {
        return clock;
    }

    /** @return how long {@link Builder#start()} took, in milliseconds */
    public long startupMillis() {
        return startupMillis;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        clusterRoute.close();
        readerRoute.close();
        for (Instance i : instances) {
            i.gateway.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        sts.close();
        deleteTempDir();
        LOG.info("LocalAurora stopped");
    }

    private void deleteTempDir() {
        // a server still shutting down (a JVM shutdown hook of its own) may write for a moment: a few passes
        for (int pass = 0; pass < 5 && Files.exists(tempDir); pass++) {
            if (pass > 0) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            PgCluster.deleteTree(tempDir);
        }
    }

    @Override
    public String toString() {
        return "LocalAurora[" + clusterHost + ", " + (closed ? "closed" : roles()) + "]";
    }

    /**
     * Configures and starts a {@link LocalAurora}.
     *
     * <pre>{@code
     * LocalAurora aurora = LocalAurora.builder().clusterName("orders").instances("orders-1", "orders-2").start();
     * }</pre>
     */
    public static final class Builder extends KitBuilder<Builder> {
        private String clusterName = "localaurora";
        private String clusterId = "c0ffee000000";
        private List<String> instanceIds;
        private int instanceCount = 2;

        private Builder() {
            super(Engine.POSTGRESQL);
        }

        /**
         * The engine (default {@link Engine#POSTGRESQL}: a primary and streaming hot standbys). With
         * {@link Engine#MYSQL} every instance gateway relays to one shared embedded MariaDB: names, certificates,
         * tokens, routes and failover behave as for PostgreSQL, a reader's sessions are read-only
         * ({@code SET SESSION TRANSACTION READ ONLY}), but there is no replication and no Aurora catalogue.
         *
         * @param engine the engine
         * @return this
         */
        @Override
        public Builder engine(Engine engine) {
            return super.engine(engine);
        }

        /**
         * The cluster name, the first label of the cluster and reader endpoints (default {@code localaurora}).
         *
         * @param name a DNS label
         * @return this
         */
        public Builder clusterName(String name) {
            this.clusterName = label(name, "clusterName");
            return this;
        }

        /**
         * The account-and-region id in every name, {@code c0ffee000000} by default (lower-case letters and digits
         * only, as RDS makes them and as the AWS JDBC wrapper's host pattern requires).
         *
         * @param id the id
         * @return this
         */
        public Builder clusterId(String id) {
            if (id == null || !CLUSTER_ID.matcher(id).matches()) {
                throw new IllegalArgumentException("clusterId must be lower-case letters and digits, like "
                        + "c0ffee000000: '" + id + "'");
            }
            this.clusterId = id;
            return this;
        }

        /**
         * The instance ids, in order; the first is the starting writer (default {@code NAME-instance-1},
         * {@code NAME-instance-2}).
         *
         * @param ids at least one DNS label, no duplicates
         * @return this
         */
        public Builder instances(String... ids) {
            List<String> list = new ArrayList<>();
            Set<String> seen = new LinkedHashSet<>();
            for (String id : Objects.requireNonNull(ids, "ids")) {
                String label = label(id, "instance");
                if (!seen.add(label)) {
                    throw new IllegalArgumentException("duplicate instance name '" + id + "': every instance needs "
                            + "its own name");
                }
                list.add(label);
            }
            if (list.isEmpty()) {
                throw new IllegalArgumentException("instances: a cluster needs at least one instance");
            }
            this.instanceIds = list;
            return this;
        }

        /**
         * How many instances, named {@code NAME-instance-1} ... (default 2: a writer and a reader).
         *
         * @param count at least 1
         * @return this
         */
        public Builder instanceCount(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("instances must be at least 1 (a writer): " + count);
            }
            if (count > 16) {
                throw new IllegalArgumentException("instances must be at most 16 (a writer and 15 readers, as in "
                        + "Aurora): " + count);
            }
            this.instanceCount = count;
            this.instanceIds = null;
            return this;
        }

        List<String> instanceIds() {
            if (instanceIds != null) {
                return instanceIds;
            }
            List<String> ids = new ArrayList<>();
            for (int i = 1; i <= instanceCount; i++) {
                ids.add(clusterName + "-instance-" + i);
            }
            return ids;
        }

        /**
         * Starts the servers (a primary and its standbys), the gateways, the routes and the STS.
         *
         * @return the running cluster
         * @throws UncheckedIOException if something cannot start
         */
        public LocalAurora start() {
            try {
                return new LocalAurora(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start LocalAurora: " + e.getMessage(), e);
            }
        }

        private static String label(String name, String what) {
            if (name == null || !LABEL.matcher(name).matches() || name.contains("--")) {
                throw new IllegalArgumentException(what + " must be a DNS label (lower-case letters, digits and "
                        + "single hyphens, starting with a letter, at most 63 characters): '" + name + "'");
            }
            return name;
        }
    }
}
