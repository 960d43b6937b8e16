package dev.rdsiam.spark;

/**
 * Spark's MySQL dialect for {@code jdbc:rdsiam:mysql://...} URLs (see {@link RdsIamDialect}).
 *
 * <pre>{@code
 * df.write().jdbc("jdbc:rdsiam:mysql://HOST/DB", "totals", props);   // quoting and types as for jdbc:mysql:
 * }</pre>
 *
 * <p>Registered in {@code META-INF/services/org.apache.spark.sql.jdbc.JdbcDialect}; Spark creates it.
 */
public final class RdsIamMysqlDialect extends RdsIamDialect {

    private static final long serialVersionUID = 1L;

    /** Creates the dialect (Spark's service loader does). */
    public RdsIamMysqlDialect() {
        super("mysql");
    }
}
