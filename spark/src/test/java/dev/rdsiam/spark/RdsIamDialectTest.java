package dev.rdsiam.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.internal.Logging;
import org.apache.spark.sql.jdbc.JdbcDialect;
import org.apache.spark.sql.jdbc.JdbcDialects;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The dialects without a database: registration, forwarding, and what they change against Spark's generic one. */
class RdsIamDialectTest {

    private static final List<DataType> TYPES = List.of(DataTypes.StringType, DataTypes.BinaryType,
            DataTypes.BooleanType, DataTypes.ByteType, DataTypes.ShortType, DataTypes.IntegerType,
            DataTypes.LongType, DataTypes.FloatType, DataTypes.DoubleType, DataTypes.DateType,
            DataTypes.TimestampType, DataTypes.TimestampNTZType, new DecimalType(20, 4),
            DataTypes.createArrayType(DataTypes.IntegerType));

    /** Every method a dialect can override, as this Spark declares them (Spark's logging trait aside). */
    private static List<Method> overridable() {
        List<Method> out = new ArrayList<>();
        for (Method m : JdbcDialect.class.getDeclaredMethods()) {
            int mod = m.getModifiers();
            if (!Modifier.isPublic(mod) || Modifier.isStatic(mod) || Modifier.isFinal(mod) || m.isSynthetic()
                    || m.getName().equals("canHandle") || isLogging(m)) {
                continue;
            }
            out.add(m);
        }
        return out;
    }

    private static boolean isLogging(Method m) {
        try {
            Logging.class.getMethod(m.getName(), m.getParameterTypes());
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    @Test
    void everyOverridableMethodOfThisSpark_isForwarded() {
        List<Method> methods = overridable();
        assertThat(methods).as("the surface read from Spark").hasSizeGreaterThan(60)
                .extracting(Method::getName)
                .contains("quoteIdentifier", "getJDBCType", "getCatalystType", "beforeFetch", "getFetchSize",
                        "isCascadingTruncateTable", "getTruncateQuery", "getJdbcSQLQueryBuilder", "classifyException",
                        "createConnectionFactory", "insertIntoTable", "createTable", "compileExpression");
        List<String> missing = new ArrayList<>();
        for (Method m : methods) {
            try {
                Method ours = RdsIamDialect.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
                assertThat(ours.getReturnType()).isEqualTo(m.getReturnType());
            } catch (NoSuchMethodException e) {
                missing.add(m.getName() + Arrays.toString(m.getParameterTypes()));
            }
        }
        assertThat(missing).as("JdbcDialect methods RdsIamDialect does not forward").isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "jdbc:rdsiam:postgresql://db.c0ffee.eu-west-1.rds.amazonaws.com:5432/orders, RdsIamPostgresDialect",
        "JDBC:RDSIAM:POSTGRESQL://h/db, RdsIamPostgresDialect",
        "jdbc:rdsiam:mysql://db.c0ffee.eu-west-1.rds.amazonaws.com:3306/shop, RdsIamMysqlDialect",
    })
    void sparkFindsOurDialect_throughItsServiceLoader(String url, String dialect) {
        assertThat(JdbcDialects.get(url).getClass().getSimpleName()).isEqualTo(dialect);
    }

    @Test
    void otherUrls_areNotOurs() {
        assertThat(JdbcDialects.get("jdbc:postgresql://h/db")).isNotInstanceOf(RdsIamDialect.class);
        assertThat(JdbcDialects.get("jdbc:mysql://h/db")).isNotInstanceOf(RdsIamDialect.class);
        assertThat(JdbcDialects.get("jdbc:rdsiam:oracle://h/db")).isNotInstanceOf(RdsIamDialect.class);
        assertThat(new RdsIamPostgresDialect().canHandle("jdbc:rdsiam:mysql://h/db")).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"postgresql", "mysql"})
    void answers_areSparksOwnForTheEngine_andDifferFromTheGenericDialect(String engine) {
        JdbcDialect ours = JdbcDialects.get("jdbc:rdsiam:" + engine + "://h/db");
        JdbcDialect sparks = JdbcDialects.get("jdbc:" + engine + "://h/db");
        JdbcDialect generic = JdbcDialects.get("jdbc:unknown-to-spark://h/db");
        assertThat(((RdsIamDialect) ours).builtIn()).isSameAs(sparks);

        for (DataType t : TYPES) {
            assertThat(ours.getJDBCType(t)).as(t.toString()).isEqualTo(sparks.getJDBCType(t));
        }
        assertThat(ours.quoteIdentifier("MixedCase")).isEqualTo(sparks.quoteIdentifier("MixedCase"));
        assertThat(ours.getTruncateQuery("t")).isEqualTo(sparks.getTruncateQuery("t"));
        assertThat(ours.isCascadingTruncateTable()).isEqualTo(sparks.isCascadingTruncateTable());
        assertThat(ours.getLimitClause(5)).isEqualTo(sparks.getLimitClause(5));
        assertThat(ours.supportsLimit()).isEqualTo(sparks.supportsLimit()).isTrue();
        assertThat(ours.compileValue("it's")).isEqualTo(sparks.compileValue("it's"));

        // what the generic dialect would do instead
        assertThat(generic.supportsLimit()).isFalse();
        // no answer: Spark falls back to its common types (BinaryType -> BLOB, BooleanType -> BIT(1))
        assertThat(generic.getJDBCType(DataTypes.BinaryType).isEmpty()).isTrue();
        assertThat(generic.getJDBCType(DataTypes.BooleanType).isEmpty()).isTrue();
        if (engine.equals("mysql")) {
            assertThat(ours.quoteIdentifier("MixedCase")).isEqualTo("`MixedCase`");
            assertThat(generic.quoteIdentifier("MixedCase")).isEqualTo("\"MixedCase\"");
        } else {
            assertThat(ours.getJDBCType(DataTypes.BinaryType).get().databaseTypeDefinition()).isEqualTo("BYTEA");
            assertThat(ours.getTruncateQuery("t")).isEqualTo("TRUNCATE TABLE ONLY t");
            assertThat(generic.getTruncateQuery("t")).isEqualTo("TRUNCATE TABLE t");
        }
    }

    @Test
    void survivesSerialization_asSparkShipsIt_andFindsItsBuiltInAgain() throws Exception {
        RdsIamDialect d = new RdsIamMysqlDialect();
        d.builtIn();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(d);
        }
        RdsIamDialect back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (RdsIamDialect) in.readObject();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertThat(back.quoteIdentifier("a")).isEqualTo("`a`");
        assertThat(back.builtIn()).isSameAs(JdbcDialects.get("jdbc:mysql:"));
    }

    @Test
    void toString_namesThePrefixes_only() {
        assertThat(new RdsIamPostgresDialect()).hasToString(
                "RdsIamPostgresDialect[jdbc:rdsiam:postgresql: -> Spark's dialect for jdbc:postgresql:]");
    }
}
