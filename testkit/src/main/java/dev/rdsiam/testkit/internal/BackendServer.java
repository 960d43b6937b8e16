package dev.rdsiam.testkit.internal;

import dev.rdsiam.Engine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;

/**
 * A real database server the gateway relays to, with an admin login. Provisions IAM-mapped users: each gets a
 * random backend password that only the gateway knows.
 */
public final class BackendServer {

    private final Engine engine;
    private final String host;
    private final int port;
    private final String adminUser;
    private final String adminPassword;
    private final Map<String, String> passwords = new ConcurrentHashMap<>();
    private final SSLContext tls;

    /**
     * Describes a server.
     *
     * @param engine        the engine
     * @param host          host
     * @param port          port
     * @param adminUser     admin user
     * @param adminPassword admin password
     */
    public BackendServer(Engine engine, String host, int port, String adminUser, String adminPassword) {
        this(engine, host, port, adminUser, adminPassword, null);
    }

    /**
     * Describes a server the gateway reaches over TLS.
     *
     * @param engine        the engine
     * @param host          host
     * @param port          port
     * @param adminUser     admin user
     * @param adminPassword admin password
     * @param tls           the client TLS context for the gateway's leg, or {@code null} for plain TCP
     */
    public BackendServer(Engine engine, String host, int port, String adminUser, String adminPassword,
                         SSLContext tls) {
        this.tls = tls;
        this.engine = engine;
        this.host = host;
        this.port = port;
        this.adminUser = adminUser;
        this.adminPassword = adminPassword;
    }

    /** @return the engine */
    public Engine engine() {
        return engine;
    }

    /** @return the host */
    public String host() {
        return host;
    }

    /** @return the port */
    public int port() {
        return port;
    }

    /** @return the admin user */
    public String adminUser() {
        return adminUser;
    }

    /** @return the admin password */
    public String adminPassword() {
        return adminPassword;
    }

    /** @return the client TLS context of the gateway's leg, or {@code null} for plain TCP */
    public SSLContext tls() {
        return tls;
    }

    /** @return the backend password per provisioned user (live view) */
    public Map<String, String> passwords() {
        return passwords;
    }

    /**
     * A JDBC URL for a database on this server (plain TCP, as the gateway reaches it).
     *
     * @param database the database
     * @return {@code jdbc:postgresql://...} or {@code jdbc:mysql://...}
     */
    public String jdbcUrl(String database) {
        return engine == Engine.POSTGRESQL
                ? "jdbc:postgresql://" + host + ":" + port + "/" + database + "?sslmode=disable"
                : "jdbc:mysql://" + host + ":" + port + "/" + database + "?sslMode=DISABLED&allowPublicKeyRetrieval=true";
    }

    /**
     * Creates (or updates) a login user and a database it may use. Idempotent; a user keeps its password
     * across calls so that kits sharing this server do not lock each other out.
     *
     * @param user     the user name
     * @param database the database name
     */
    public synchronized void provision(String user, String database) {
        String password = passwords.computeIfAbsent(user, u -> CredentialStore.randomPassword(24));
        try {
            if (engine == Engine.POSTGRESQL) {
                provisionPostgres(user, password, database);
            } else {
                provisionMysql(user, password, database);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create user " + user + " and database " + database
                    + " on the backend " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    private PgBackendClient pgAdmin(String database) throws IOException {
        PgBackendClient c = PgBackendClient.login(host, port, adminUser, adminPassword,
                Map.of("database", database), 30_000);
        c.awaitReady();
        return c;
    }

    private void provisionPostgres(String user, String password, String database) throws IOException {
        String role = PgBackendClient.ident(user);
        try (PgBackendClient admin = pgAdmin("postgres")) {
            boolean exists = !admin.query("SELECT 1 FROM pg_roles WHERE rolname = "
                    + PgBackendClient.literal(user)).isEmpty();
            admin.query((exists ? "ALTER ROLE " : "CREATE ROLE ") + role + " LOGIN PASSWORD "
                    + PgBackendClient.literal(password));
            admin.query("DO $$ BEGIN CREATE ROLE rds_iam NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
            admin.query("GRANT rds_iam TO " + role);
            if (admin.query("SELECT 1 FROM pg_database WHERE datname = " + PgBackendClient.literal(database))
                    .isEmpty()) {
                admin.query("CREATE DATABASE " + PgBackendClient.ident(database) + " OWNER " + role);
            }
            admin.query("GRANT ALL PRIVILEGES ON DATABASE " + PgBackendClient.ident(database) + " TO " + role);
        }
        try (PgBackendClient admin = pgAdmin(database)) {
            admin.query("GRANT ALL ON SCHEMA public TO " + role);
        }
    }

    private void provisionMysql(String user, String password, String database) throws IOException {
        try (MySqlBackendClient admin = MySqlBackendClient.login(host, port, adminUser, adminPassword, null,
                MySqlBackendClient.ADMIN_CAPABILITIES, MySqlBackendClient.UTF8MB4_GENERAL_CI, 16 * 1024 * 1024,
                30_000)) {
            String account = MySqlBackendClient.literal(user) + "@'%'";
            admin.query("CREATE USER IF NOT EXISTS " + account + " IDENTIFIED BY "
                    + MySqlBackendClient.literal(password));
            admin.query("ALTER USER " + account + " IDENTIFIED BY " + MySqlBackendClient.literal(password));
            admin.query("CREATE DATABASE IF NOT EXISTS " + MySqlBackendClient.ident(database));
            admin.query("GRANT ALL PRIVILEGES ON " + MySqlBackendClient.ident(database) + ".* TO " + account);
        }
    }

    @Override
    public String toString() {
        return "BackendServer[" + engine + " " + host + ":" + port + ", admin " + adminUser + "]";
    }
}
