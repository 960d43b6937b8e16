package dev.rdsiam.spark;

import java.sql.Connection;
import java.sql.Date;
import java.sql.Driver;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.Locale;
import java.util.Properties;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.TableChange;
import org.apache.spark.sql.connector.catalog.functions.UnboundFunction;
import org.apache.spark.sql.connector.catalog.index.TableIndex;
import org.apache.spark.sql.connector.expressions.Expression;
import org.apache.spark.sql.connector.expressions.NamedReference;
import org.apache.spark.sql.connector.expressions.aggregate.AggregateFunc;
import org.apache.spark.sql.execution.datasources.jdbc.DriverRegistry;
import org.apache.spark.sql.execution.datasources.jdbc.JDBCOptions;
import org.apache.spark.sql.execution.datasources.jdbc.JdbcOptionsInWrite;
import org.apache.spark.sql.execution.datasources.v2.TableSampleInfo;
import org.apache.spark.sql.jdbc.JdbcDialect;
import org.apache.spark.sql.jdbc.JdbcDialects;
import org.apache.spark.sql.jdbc.JdbcSQLQueryBuilder;
import org.apache.spark.sql.jdbc.JdbcType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import scala.Function1;
import scala.Option;
import scala.Tuple2;
import scala.collection.immutable.Map;
import scala.collection.immutable.Seq;

/**
 * A Spark {@link JdbcDialect} for {@code jdbc:rdsiam:<engine>:} URLs that behaves exactly as Spark's own dialect for
 * the engine: every overridable method forwards to the dialect Spark registers for {@code jdbc:<engine>:}.
 *
 * <pre>{@code
 * spark.read().format("jdbc")
 *     .option("url", "jdbc:rdsiam:postgresql://orders.c0ffee.eu-west-1.rds.amazonaws.com:5432/orders")
 *     .option("driver", "dev.rdsiam.jdbc.RdsIamDriver").option("user", "app").option("dbtable", "orders")
 *     .load();
 * }</pre>
 *
 * <p>Without it Spark gives {@code jdbc:rdsiam:} URLs its generic dialect: on MySQL column names are quoted with
 * double quotes (so a read returns the names as values), on PostgreSQL {@code fetchsize} does not stream and written
 * types differ. The two concrete dialects, {@link RdsIamPostgresDialect} and {@link RdsIamMysqlDialect}, are listed
 * in {@code META-INF/services/org.apache.spark.sql.jdbc.JdbcDialect}, so every Spark JVM that has this jar on its
 * class path (driver and executors) loads them when it first looks up a dialect: there is nothing to call.
 *
 * <p>One method is not forwarded as is: {@link #createConnectionFactory(JDBCOptions)} opens connections through the
 * registered driver itself unless the {@code connectionProvider} option names a provider, because Spark's
 * {@code basic} provider logs every connection property at DEBUG, static AWS keys included.
 */
public abstract class RdsIamDialect extends JdbcDialect {

    private static final long serialVersionUID = 1L;

    private final String prefix;
    private final String builtInUrl;
    private transient volatile JdbcDialect builtIn;

    /**
     * Creates a dialect for one engine.
     *
     * @param engine the engine's key in {@code jdbc:rdsiam:<engine>:} and in Spark's {@code jdbc:<engine>:}
     */
    protected RdsIamDialect(String engine) {
        this.prefix = "jdbc:rdsiam:" + engine + ":";
        this.builtInUrl = "jdbc:" + engine + ":";
    }

    /**
     * Whether the URL is a {@code jdbc:rdsiam:} URL of this dialect's engine (case-insensitive, as Spark's own).
     *
     * @param url the JDBC URL
     * @return {@code true} for {@code jdbc:rdsiam:<engine>:...}
     */
    @Override
    public boolean canHandle(String url) {
        return url.toLowerCase(Locale.ROOT).startsWith(prefix);
    }

    /**
     * The dialect Spark uses for the engine's own URLs, which this one forwards to. Looked up on first use (not in
     * the constructor: Spark creates this dialect while it builds its registry).
     *
     * @return Spark's built-in dialect for the engine
     * @throws IllegalStateException if this Spark has no dialect of its own for the engine
     */
    public JdbcDialect builtIn() {
        JdbcDialect d = builtIn;
        if (d == null) {
            d = JdbcDialects.get(builtInUrl);
            if (d.canHandle(prefix) || !d.canHandle(builtInUrl + "//h/db")) {
                throw new IllegalStateException("Spark has no dialect of its own for " + builtInUrl + " URLs (found "
                        + d.getClass().getName() + "): " + getClass().getSimpleName() + " cannot serve " + prefix
                        + " URLs; use a Spark version with a built-in dialect for the engine");
            }
            builtIn = d;
        }
        return d;
    }

    /** Where this dialect's URLs start and which built-in dialect it stands for; no URL, no secrets. */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + prefix + " -> Spark's dialect for " + builtInUrl + "]";
    }

    // ---- connections ------------------------------------------------------------------------------------------

    /**
     * Opens connections through the registered driver with the connection properties, as Spark's {@code basic}
     * provider does but without its DEBUG line that prints every property (static AWS keys included). With the
     * {@code connectionProvider} option set, Spark's own factory chooses the provider.
     */
    @Override
    public Function1<Object, Connection> createConnectionFactory(JDBCOptions options) {
        if (options.connectionProviderName().isDefined()) {
            return builtIn().createConnectionFactory(options);
        }
        return new DirectConnectionFactory(options);
    }

    /** Registers the driver class and connects with the connection properties; keeps no secret of its own. */
    private static final class DirectConnectionFactory extends scala.runtime.AbstractFunction1<Object, Connection>
            implements java.io.Serializable {

        private static final long serialVersionUID = 1L;
        private final JDBCOptions options;

        DirectConnectionFactory(JDBCOptions options) {
            this.options = options;
        }

        @Override
        public Connection apply(Object partitionId) {
            String driverClass = options.driverClass();
            DriverRegistry.register(driverClass);
            Driver driver = DriverRegistry.get(driverClass);
            Properties props = options.asConnectionProperties();
            Connection c;
            try {
                c = driver.connect(options.url(), props);
            } catch (SQLException e) {
                // unchanged, as Spark's own factory lets it through (Scala has no checked exceptions)
                throw RdsIamDialect.<RuntimeException>rethrow(e);
            }
            if (c == null) {
                throw new IllegalArgumentException("The driver " + driverClass + " could not open a JDBC connection. "
                        + "Check the URL: " + options.getRedactUrl());
            }
            return c;
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T rethrow(Throwable t) throws T {
        throw (T) t;
    }

    // ---- everything else: Spark's dialect for the engine -------------------------------------------------------

    @Override
    public Option<DataType> getCatalystType(int sqlType, String typeName, int size, MetadataBuilder md) {
        return builtIn().getCatalystType(sqlType, typeName, size, md);
    }

    @Override
    public Option<JdbcType> getJDBCType(DataType dt) {
        return builtIn().getJDBCType(dt);
    }

    @Override
    public Timestamp convertJavaTimestampToTimestamp(Timestamp t) {
        return builtIn().convertJavaTimestampToTimestamp(t);
    }

    @Override
    public Date convertJavaDateToDate(Date d) {
        return builtIn().convertJavaDateToDate(d);
    }

    @Override
    public int getYearMonthIntervalAsMonths(String yearmonthStr) {
        return builtIn().getYearMonthIntervalAsMonths(yearmonthStr);
    }

    @Override
    public long getDayTimeIntervalAsMicros(String daytimeStr) {
        return builtIn().getDayTimeIntervalAsMicros(daytimeStr);
    }

    @Override
    public LocalDateTime convertJavaTimestampToTimestampNTZ(Timestamp t) {
        return builtIn().convertJavaTimestampToTimestampNTZ(t);
    }

    @Override
    public Timestamp convertTimestampNTZToJavaTimestamp(LocalDateTime ldt) {
        return builtIn().convertTimestampNTZToJavaTimestamp(ldt);
    }

    @Override
    public String quoteIdentifier(String colName) {
        return builtIn().quoteIdentifier(colName);
    }

    @Override
    public void createTable(Statement statement, String tableName, String strSchema, JdbcOptionsInWrite options) {
        builtIn().createTable(statement, tableName, strSchema, options);
    }

    @Override
    public String insertIntoTable(String table, StructField[] fields) {
        return builtIn().insertIntoTable(table, fields);
    }

    @Override
    public String getTableExistsQuery(String table) {
        return builtIn().getTableExistsQuery(table);
    }

    @Override
    public String getSchemaQuery(String table) {
        return builtIn().getSchemaQuery(table);
    }

    @Override
    public String getTruncateQuery(String table) {
        return builtIn().getTruncateQuery(table);
    }

    @Override
    public String getTruncateQuery(String table, Option<Object> cascade) {
        return builtIn().getTruncateQuery(table, cascade);
    }

    /** Scala's default for the {@code cascade} argument of {@link #getTruncateQuery(String, Option)}. */
    @Override
    public Option<Object> getTruncateQuery$default$2() {
        return builtIn().getTruncateQuery$default$2();
    }

    @Override
    public int getFetchSize(JDBCOptions options) {
        return builtIn().getFetchSize(options);
    }

    /** Deprecated in Spark, still called by it: forwarded as the rest. */
    @Override
    @Deprecated
    @SuppressWarnings("deprecation")
    public void beforeFetch(Connection connection, Map<String, String> properties) {
        builtIn().beforeFetch(connection, properties);
    }

    @Override
    public void beforeFetch(Connection connection, JDBCOptions options) {
        builtIn().beforeFetch(connection, options);
    }

    @Override
    public String escapeSql(String value) {
        return builtIn().escapeSql(value);
    }

    @Override
    public Object compileValue(Object value) {
        return builtIn().compileValue(value);
    }

    @Override
    public boolean isSupportedFunction(String funcName) {
        return builtIn().isSupportedFunction(funcName);
    }

    @Override
    public Option<String> compileExpression(Expression expr) {
        return builtIn().compileExpression(expr);
    }

    /** Deprecated in Spark, still called by it: forwarded as the rest. */
    @Override
    @Deprecated
    @SuppressWarnings("deprecation")
    public Option<String> compileAggregate(AggregateFunc aggFunction) {
        return builtIn().compileAggregate(aggFunction);
    }

    @Override
    public Seq<Tuple2<String, UnboundFunction>> functions() {
        return builtIn().functions();
    }

    @Override
    public void createSchema(Statement statement, String schema, String comment) {
        builtIn().createSchema(statement, schema, comment);
    }

    @Override
    public boolean schemasExists(Connection conn, JDBCOptions options, String schema) {
        return builtIn().schemasExists(conn, options, schema);
    }

    @Override
    public String[][] listSchemas(Connection conn, JDBCOptions options) {
        return builtIn().listSchemas(conn, options);
    }

    @Override
    public Option<Object> isCascadingTruncateTable() {
        return builtIn().isCascadingTruncateTable();
    }

    @Override
    public boolean isSyntaxErrorBestEffort(SQLException exception) {
        return builtIn().isSyntaxErrorBestEffort(exception);
    }

    /** Deprecated in Spark, still called by it: forwarded as the rest. */
    @Override
    @Deprecated
    @SuppressWarnings("deprecation")
    public String renameTable(String oldTable, String newTable) {
        return builtIn().renameTable(oldTable, newTable);
    }

    @Override
    public String renameTable(Identifier oldTable, Identifier newTable) {
        return builtIn().renameTable(oldTable, newTable);
    }

    @Override
    public String[] alterTable(String tableName, Seq<TableChange> changes, int dbMajorVersion) {
        return builtIn().alterTable(tableName, changes, dbMajorVersion);
    }

    @Override
    public String getAddColumnQuery(String tableName, String columnName, String dataType) {
        return builtIn().getAddColumnQuery(tableName, columnName, dataType);
    }

    @Override
    public String getRenameColumnQuery(String tableName, String columnName, String newName, int dbMajorVersion) {
        return builtIn().getRenameColumnQuery(tableName, columnName, newName, dbMajorVersion);
    }

    @Override
    public String getDeleteColumnQuery(String tableName, String columnName) {
        return builtIn().getDeleteColumnQuery(tableName, columnName);
    }

    @Override
    public String getUpdateColumnTypeQuery(String tableName, String columnName, String newDataType) {
        return builtIn().getUpdateColumnTypeQuery(tableName, columnName, newDataType);
    }

    @Override
    public String getUpdateColumnNullabilityQuery(String tableName, String columnName, boolean isNullable) {
        return builtIn().getUpdateColumnNullabilityQuery(tableName, columnName, isNullable);
    }

    @Override
    public String getTableCommentQuery(String table, String comment) {
        return builtIn().getTableCommentQuery(table, comment);
    }

    @Override
    public String getSchemaCommentQuery(String schema, String comment) {
        return builtIn().getSchemaCommentQuery(schema, comment);
    }

    @Override
    public String removeSchemaCommentQuery(String schema) {
        return builtIn().removeSchemaCommentQuery(schema);
    }

    @Override
    public String dropSchema(String schema, boolean cascade) {
        return builtIn().dropSchema(schema, cascade);
    }

    @Override
    public String dropTable(String table) {
        return builtIn().dropTable(table);
    }

    @Override
    public String createIndex(String indexName, Identifier tableIdent, NamedReference[] columns,
            java.util.Map<NamedReference, java.util.Map<String, String>> columnsProperties,
            java.util.Map<String, String> properties) {
        return builtIn().createIndex(indexName, tableIdent, columns, columnsProperties, properties);
    }

    @Override
    public boolean indexExists(Connection conn, String indexName, Identifier tableIdent, JDBCOptions options) {
        return builtIn().indexExists(conn, indexName, tableIdent, options);
    }

    @Override
    public String dropIndex(String indexName, Identifier tableIdent) {
        return builtIn().dropIndex(indexName, tableIdent);
    }

    @Override
    public TableIndex[] listIndexes(Connection conn, Identifier tableIdent, JDBCOptions options) {
        return builtIn().listIndexes(conn, tableIdent, options);
    }

    @Override
    public boolean isObjectNotFoundException(SQLException e) {
        return builtIn().isObjectNotFoundException(e);
    }

    @Override
    public Throwable classifyException(Throwable e, String errorClass, Map<String, String> messageParameters,
            String description, boolean isRuntime) {
        return builtIn().classifyException(e, errorClass, messageParameters, description, isRuntime);
    }

    /** Deprecated in Spark, still called by it: forwarded as the rest. */
    @Override
    @Deprecated
    @SuppressWarnings("deprecation")
    public AnalysisException classifyException(String message, Throwable e) {
        return builtIn().classifyException(message, e);
    }

    @Override
    public String getLimitClause(Integer limit) {
        return builtIn().getLimitClause(limit);
    }

    @Override
    public String getOffsetClause(Integer offset) {
        return builtIn().getOffsetClause(offset);
    }

    @Override
    public JdbcSQLQueryBuilder getJdbcSQLQueryBuilder(JDBCOptions options) {
        return builtIn().getJdbcSQLQueryBuilder(options);
    }

    @Override
    public boolean supportsLimit() {
        return builtIn().supportsLimit();
    }

    @Override
    public boolean supportsOffset() {
        return builtIn().supportsOffset();
    }

    /** Deprecated in Spark, still called by it: forwarded as the rest. */
    @Override
    @Deprecated
    @SuppressWarnings("deprecation")
    public boolean supportsTableSample() {
        return builtIn().supportsTableSample();
    }

    /** Deprecated in Spark, still called by it: forwarded as the rest. */
    @Override
    @Deprecated
    @SuppressWarnings("deprecation")
    public String getTableSample(TableSampleInfo sample) {
        return builtIn().getTableSample(sample);
    }

    @Override
    public Option<String> compileTableSample(TableSampleInfo sample) {
        return builtIn().compileTableSample(sample);
    }

    @Override
    public boolean supportsHint() {
        return builtIn().supportsHint();
    }

    @Override
    public boolean supportsJoin() {
        return builtIn().supportsJoin();
    }

    @Override
    public void updateExtraColumnMeta(Connection conn, ResultSetMetaData rsmd, int columnIdx,
            MetadataBuilder metadata) {
        builtIn().updateExtraColumnMeta(conn, rsmd, columnIdx, metadata);
    }

    @Override
    public String getFullyQualifiedQuotedTableName(Identifier ident) {
        return builtIn().getFullyQualifiedQuotedTableName(ident);
    }
}
