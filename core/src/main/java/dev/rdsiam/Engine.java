package dev.rdsiam;

import java.util.Locale;

/**
 * A database engine the library can connect to, with the facts core needs about it.
 *
 * <pre>{@code
 * RdsIamConfig.builder().engine(Engine.POSTGRESQL).host("mydb.abc.us-east-1.rds.amazonaws.com").user("app").build();
 * }</pre>
 *
 * <p>The driver-specific part of an engine lives in its binding module, found at run time; {@link #artifactId()}
 * names the artifact to add when it is missing.
 */
public enum Engine {
    /** PostgreSQL and Aurora PostgreSQL, through pgjdbc. */
    POSTGRESQL("postgresql", 5432, "rdsiam-postgresql"),
    /** MySQL and Aurora MySQL (and MariaDB on RDS), through MySQL Connector/J. */
    MYSQL("mysql", 3306, "rdsiam-mysql");

    private final String key;
    private final int defaultPort;
    private final String artifactId;

    Engine(String key, int defaultPort, String artifactId) {
        this.key = key;
        this.defaultPort = defaultPort;
        this.artifactId = artifactId;
    }

    /** The name used in properties and in {@code jdbc:rdsiam:<key>://} URLs. */
    public String key() {
        return key;
    }

    /** The engine's default port (5432 or 3306). */
    public int defaultPort() {
        return defaultPort;
    }

    /** The Maven artifact (group {@code dev.rdsiam}) that binds this engine's JDBC driver. */
    public String artifactId() {
        return artifactId;
    }

    /**
     * Parses {@code postgresql} or {@code mysql} (case-insensitive; {@code postgres}, {@code pg} and {@code aurora-*}
     * forms are not accepted, to keep one spelling).
     *
     * @throws IllegalArgumentException naming the allowed values
     */
    public static Engine fromKey(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (Engine e : values()) {
            if (e.key.equals(v)) {
                return e;
            }
        }
        throw new IllegalArgumentException("rdsiam.engine " + Redaction.quote(value) + " is not supported: use postgresql or mysql");
    }

    @Override
    public String toString() {
        return key;
    }
}
