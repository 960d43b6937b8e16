package dev.rdsiam.testkit;

/**
 * The database engine a {@link LocalRds} speaks.
 *
 * <pre>{@code
 * LocalRds rds = LocalRds.builder().engine(Engine.POSTGRESQL).start();
 * int port = Engine.MYSQL.defaultPort(); // 3306
 * }</pre>
 */
public enum Engine {
    /** PostgreSQL wire protocol; backed by an embedded PostgreSQL by default. */
    POSTGRESQL(5432),
    /** MySQL wire protocol; backed by an embedded MariaDB by default. */
    MYSQL(3306);

    private final int defaultPort;

    Engine(int defaultPort) {
        this.defaultPort = defaultPort;
    }

    /**
     * The port RDS uses for this engine; the identity port tokens are signed for.
     *
     * @return 5432 or 3306
     */
    public int defaultPort() {
        return defaultPort;
    }

    /**
     * Parses a command-line engine name ({@code postgresql}, {@code postgres}, {@code pg}, {@code mysql}).
     *
     * @param name the name, case-insensitive
     * @return the engine
     * @throws IllegalArgumentException if the name is not known
     */
    public static Engine parse(String name) {
        switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "postgresql":
            case "postgres":
            case "pg":
                return POSTGRESQL;
            case "mysql":
            case "mariadb":
                return MYSQL;
            default:
                throw new IllegalArgumentException(
                        "unknown engine '" + name + "': use postgresql or mysql");
        }
    }
}
