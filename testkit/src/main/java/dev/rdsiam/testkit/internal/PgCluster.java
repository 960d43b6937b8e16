package dev.rdsiam.testkit.internal;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embedded PostgreSQL servers in streaming replication: one primary and hot standbys made from a cold copy of its
 * data directory ({@code standby.signal} plus {@code primary_conninfo}). The copy is kept, so that the starting
 * roles can be restored quickly by copying it again.
 *
 * <p>Every server carries the Aurora catalogue functions in {@code pg_catalog} (see {@link #CATALOGUE}): they read
 * the node's own id from the setting {@code localaurora.instance_id} and the live roles from a file the kit
 * rewrites at every role change ({@code localaurora.topology_file}), so a read-only standby answers as well.
 */
public final class PgCluster implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(PgCluster.class);
    /** The superuser the kit logs in as (trust on 127.0.0.1). */
    private static final String SUPERUSER = "postgres";
    private static final String ADMIN = "rdsiam_admin";

    /**
     * The catalogue functions, created in {@code template1} (so every later database has them) and
     * {@code postgres}. The topology file holds one line per live instance: {@code ID writer} or {@code ID reader}.
     */
    static final String CATALOGUE = ""
            + "CREATE OR REPLACE FUNCTION pg_catalog.aurora_db_instance_identifier() RETURNS text\n"
            + "LANGUAGE sql STABLE AS $f$ SELECT pg_catalog.current_setting('localaurora.instance_id') $f$;\n"
            + "CREATE OR REPLACE FUNCTION pg_catalog.aurora_version() RETURNS text\n"
            + "LANGUAGE sql IMMUTABLE AS $f$ SELECT '16.4.localaurora'::text $f$;\n"
            + "CREATE OR REPLACE FUNCTION pg_catalog.aurora_replica_status()\n"
            + "RETURNS TABLE(server_id text, session_id text, durable_lsn bigint, highest_lsn_rcvd bigint,\n"
            + "  current_read_lsn bigint, cur_replay_latency_in_usec bigint, active_txns text, is_current boolean,\n"
            + "  last_transport_error integer, last_error_timestamp timestamptz, last_update_timestamp timestamptz,\n"
            + "  cpu double precision, replica_lag_in_msec double precision)\n"
            + "LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $f$\n"
            + "  SELECT split_part(l, ' ', 1),\n"
            + "         CASE WHEN split_part(l, ' ', 2) = 'writer' THEN 'MASTER_SESSION_ID'\n"
            + "              ELSE (md5(split_part(l, ' ', 1)))::uuid::text END,\n"
            + "         NULL::bigint, NULL::bigint, NULL::bigint, 0::bigint, NULL::text,\n"
            + "         split_part(l, ' ', 1) = current_setting('localaurora.instance_id'),\n"
            + "         0, NULL::timestamptz, now(), 1.0::double precision,\n"
            + "         CASE WHEN split_part(l, ' ', 2) = 'writer' THEN NULL ELSE 0.0::double precision END\n"
            + "  FROM regexp_split_to_table(pg_read_file(current_setting('localaurora.topology_file')), E'\\n') AS l\n"
            + "  WHERE l <> ''\n"
            + "$f$;\n";

    private final Path dir;
    private final Path snapshot;
    private final Path topologyFile;
    private final List<String> ids;
    private final int[] ports;
    private final EmbeddedPostgres[] servers;
    private final String adminPassword = CredentialStore.randomPassword(24);
    private final BackendServer primaryBackend;
    private final BackendTls tls;
    private final long firstStartMillis;

    /**
     * Creates the primary (node 0), provisions it, takes the copy and starts the standbys.
     *
     * @param dir          a private working directory
     * @param ids          the instance ids; the first becomes the primary
     * @param users        IAM-mapped users to create
     * @param database     the database to create
     * @param topologyFile the file the catalogue reads (written by the caller before queries run)
     * @throws IOException if a server cannot start
     */
    public PgCluster(Path dir, List<String> ids, List<String> users, String database, Path topologyFile)
            throws IOException {
        long start = System.nanoTime();
        this.dir = dir;
        this.ids = List.copyOf(ids);
        this.topologyFile = topologyFile;
        this.snapshot = dir.resolve("snapshot");
        this.ports = new int[ids.size()];
        Files.createDirectories(dir);
        this.tls = new BackendTls(dir);
        this.servers = new EmbeddedPostgres[ids.size()];
        for (int i = 0; i < ports.length; i++) {
            ports[i] = freePort();
        }
        set(0, startNode(0, -1));
        long initialized = System.nanoTime();
        try (PgBackendClient admin = superuser(0, "postgres")) {
            admin.query("CREATE ROLE " + ADMIN + " SUPERUSER LOGIN PASSWORD " + PgBackendClient.literal(adminPassword));
            admin.query(CATALOGUE);
        }
        try (PgBackendClient admin = superuser(0, "template1")) {
            admin.query(CATALOGUE);
        }
        primaryBackend = new BackendServer(dev.rdsiam.Engine.POSTGRESQL, "127.0.0.1", ports[0], ADMIN,
                adminPassword, tls.clientContext());
        for (String user : users) {
            primaryBackend.provision(user, database);
        }
        long provisioned = System.nanoTime();
        stop(0);
        copyTree(nodeDir(0), snapshot);
        for (int i = 1; i < ids.size(); i++) {
            copyTree(snapshot, nodeDir(i));
        }
        long copied = System.nanoTime();
        startAll();
        firstStartMillis = (System.nanoTime() - start) / 1_000_000;
        LOG.info("PostgreSQL cluster of {} started in {} ms (initdb and first start {} ms, catalogue and users {} ms, "
                + "copies {} ms, primary and standbys streaming {} ms; primary {} on 127.0.0.1:{})", ids.size(),
                firstStartMillis, (initialized - start) / 1_000_000, (provisioned - initialized) / 1_000_000,
                (copied - provisioned) / 1_000_000, (System.nanoTime() - copied) / 1_000_000, ids.get(0), ports[0]);
    }

    /** Starts node 0 as the primary and the others, in parallel, as its standbys; waits until they stream. */
    private void startAll() throws IOException {
        List<CompletableFuture<EmbeddedPostgres>> standbys = new ArrayList<>();
        for (int i = 1; i < servers.length; i++) {
            int node = i;
            standbys.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return startNode(node, 0);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
        }
        IOException failure = null;
        try {
            set(0, startNode(0, -1));
        } catch (IOException e) {
            failure = e;
        }
        for (int i = 1; i < servers.length; i++) {
            try {
                set(i, standbys.get(i - 1).join());
            } catch (CompletionException e) {
                IOException cause = e.getCause() instanceof UncheckedIOException u ? u.getCause()
                        : new IOException("cannot start " + ids.get(i) + ": " + e.getCause(), e.getCause());
                if (failure == null) {
                    failure = cause;
                } else {
                    failure.addSuppressed(cause);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        awaitStreaming(0, servers.length - 1);
    }

    private void set(int i, EmbeddedPostgres server) {
        synchronized (servers) {
            servers[i] = server;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        }
    }

    private Path nodeDir(int i) {
        return dir.resolve("node-" + i);
    }

    private EmbeddedPostgres startNode(int i, int primary) throws IOException {
        Path data = nodeDir(i);
        Files.deleteIfExists(data.resolve("epg-lock"));
        Files.deleteIfExists(data.resolve("postmaster.pid"));
        BackendTls certs = tls;
        return EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setServerConfig("ssl", "on")
                .setServerConfig("ssl_cert_file", certs.certFile().toAbsolutePath().toString())
                .setServerConfig("ssl_key_file", certs.keyFile().toAbsolutePath().toString())
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(true)
                .setPort(ports[i])
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("password_encryption", "scram-sha-256")
                .setServerConfig("wal_level", "replica")
                .setServerConfig("max_wal_senders", "10")
                .setServerConfig("wal_keep_size", "256")
                .setServerConfig("hot_standby", "on")
                // a standby may start before its primary listens: retry streaming soon, not after 5 s
                .setServerConfig("wal_retrieve_retry_interval", "100ms")
                .setServerConfig("fsync", "off")
                .setServerConfig("max_connections", "200")
                .setDataDirectoryCustomizer(d -> configure(d.toPath(), i, primary))
                .start();
    }

    private void configure(Path data, int i, int primary) {
        try {
            Files.writeString(data.resolve("pg_hba.conf"), "# written by rdsiam-testkit\n"
                    + "local all all trust\n"
                    + "host all postgres 127.0.0.1/32 trust\n"
                    + "host replication postgres 127.0.0.1/32 trust\n"
                    + "host all all 127.0.0.1/32 scram-sha-256\n", StandardCharsets.US_ASCII);
            StringBuilder auto = new StringBuilder("# written by rdsiam-testkit\n")
                    .append("localaurora.instance_id = '").append(ids.get(i)).append("'\n")
                    .append("localaurora.topology_file = '").append(topologyFile.toAbsolutePath()).append("'\n");
            Path signal = data.resolve("standby.signal");
            if (primary >= 0) {
                auto.append(conninfoLine(primary, i));
                Files.writeString(signal, "", StandardCharsets.US_ASCII);
            }
            Files.writeString(data.resolve("postgresql.auto.conf"), auto.toString(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String conninfoLine(int primary, int standby) {
        return "primary_conninfo = '" + conninfo(primary, standby) + "'\n";
    }

    private String conninfo(int primary, int standby) {
        return "host=127.0.0.1 port=" + ports[primary] + " user=" + SUPERUSER + " application_name="
                + ids.get(standby);
    }

    private PgBackendClient superuser(int i, String database) throws IOException {
        PgBackendClient c = PgBackendClient.login("127.0.0.1", ports[i], SUPERUSER, null,
                Map.of("database", database), 30_000);
        c.awaitReady();
        return c;
    }

    /**
     * Runs a statement as superuser on a node and returns the first column.
     *
     * @param i   the node
     * @param sql the statement
     * @return the first column of every row
     * @throws IOException on error
     */
    public List<String> query(int i, String sql) throws IOException {
        try (PgBackendClient c = superuser(i, "postgres")) {
            return c.query(sql);
        }
    }

    private void awaitStreaming(int primary, int standbys) throws IOException {
        if (standbys == 0) {
            return;
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            List<String> rows = query(primary, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'");
            if (Integer.parseInt(rows.get(0)) >= standbys) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the standbys did not start streaming from " + ids.get(primary)
                        + " within 30 s");
            }
            sleep(50);
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    /** @return the backend of the first primary, holding the IAM users' passwords */
    public BackendServer primaryBackend() {
        return primaryBackend;
    }

    /**
     * @param i the node
     * @return the node's backend port on 127.0.0.1
     */
    public int port(int i) {
        return ports[i];
    }

    /** @return the admin superuser (password login) */
    public String adminUser() {
        return ADMIN;
    }

    /** @return the admin password */
    public String adminPassword() {
        return adminPassword;
    }

    /** @return how long the first start took, in milliseconds */
    public long firstStartMillis() {
        return firstStartMillis;
    }

    /**
     * @param i the node
     * @return whether its server runs
     */
    public boolean running(int i) {
        synchronized (servers) {
            return servers[i] != null;
        }
    }

    /**
     * Stops a node's server (fast shutdown: its sessions are terminated).
     *
     * @param i the node
     */
    public void stop(int i) {
        EmbeddedPostgres server;
        synchronized (servers) {
            server = servers[i];
            servers[i] = null;
        }
        if (server != null) {
            try {
                server.close();
            } catch (IOException | RuntimeException e) {
                LOG.debug("stopping {}: {}", ids.get(i), e.toString());
            }
        }
    }

    /**
     * Promotes a standby to primary and points the other running standbys at it.
     *
     * @param i the standby
     * @throws IOException if promotion fails
     */
    public synchronized void promote(int i) throws IOException {
        List<String> done = query(i, "SELECT pg_promote(true, 60)");
        if (!"t".equals(done.get(0))) {
            throw new IOException("pg_promote did not complete on " + ids.get(i));
        }
        int followers = 0;
        for (int j = 0; j < servers.length; j++) {
            if (j != i && running(j)) {
                query(j, "ALTER SYSTEM SET primary_conninfo = " + PgBackendClient.literal(conninfo(i, j)));
                query(j, "SELECT pg_reload_conf()");
                followers++;
            }
        }
        awaitStreaming(i, followers);
    }

    /**
     * Stops every server and starts them again from the copy: node 0 the primary, the others its standbys.
     *
     * @throws IOException if a server cannot start
     */
    public synchronized void rebuild() throws IOException {
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (int i = 0; i < servers.length; i++) {
            int node = i;
            stops.add(CompletableFuture.runAsync(() -> stop(node)));
        }
        stops.forEach(CompletableFuture::join);
        for (int i = 0; i < servers.length; i++) {
            deleteTree(nodeDir(i));
            copyTree(snapshot, nodeDir(i));
        }
        startAll();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                String name = p.getFileName().toString();
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                    // PostgreSQL refuses a data directory others can read
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
                } else if (!name.equals("epg-lock") && !name.equals("postmaster.pid")
                        && !name.equals("postmaster.opts")) {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /**
     * Deletes a directory and everything below it, as far as it can (what cannot be listed or deleted is logged at
     * DEBUG and left).
     *
     * @param root the directory; nothing happens when it does not exist
     */
    public static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        List<Path> all = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(root)) {
            paths.forEach(all::add);
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("cannot list {}: {}", root, e.toString());
        }
        all.sort(Comparator.reverseOrder());
        for (Path p : all) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                LOG.debug("cannot delete {}: {}", p, e.toString());
            }
        }
    }

    @Override
    public synchronized void close() {
        for (int i = 0; i < servers.length; i++) {
            stop(i);
        }
    }
}
