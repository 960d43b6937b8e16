package dev.rdsiam.spark;

/**
 * Spark's PostgreSQL dialect for {@code jdbc:rdsiam:postgresql://...} URLs (see {@link RdsIamDialect}).
 *
 * <pre>{@code
 * df.write().jdbc("jdbc:rdsiam:postgresql://HOST/DB", "totals", props);   // quoting and types as for jdbc:postgresql:
 * }</pre>
 *
 * <p>Registered in {@code META-INF/services/org.apache.spark.sql.jdbc.JdbcDialect}; Spark creates it.
 */
public final class RdsIamPostgresDialect extends RdsIamDialect {

    private static final long serialVersionUID = 1L;

    /** Creates the dialect (Spark's service loader does). */
    public RdsIamPostgresDialect() {
        super("postgresql");
    }
}
