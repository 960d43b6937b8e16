package dev.rdsiam.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rdsiam.Engine;
import dev.rdsiam.testkit.contract.EngineContract;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The engine contract through real pgjdbc and real PostgreSQL behind the IAM gateway. */
class PgContractTest extends EngineContract {

    PgContractTest() {
        super(Engine.POSTGRESQL);
    }

    @Override
    protected String sessionUser(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("select current_user")) {
            r.next();
            return r.getString(1);
        }
    }

    @Override
    protected String productName() {
        return "PostgreSQL";
    }

    @Override
    protected String plusOneQuery() {
        return "select ?::int + 1";
    }

    @Override
    protected String sleepTwoSecondsQuery() {
        return "select 0, 42 from pg_sleep(2)";
    }

    @Override
    protected PassThrough passThrough() {
        return new PassThrough("ApplicationName=pg-url-test", "select current_setting('application_name')",
                "pg-url-test");
    }

    @Override
    protected void assertMissingDatabaseCode(SQLException e) {
        assertThat(e.getSQLState()).isEqualTo("3D000");
    }

    @Override
    protected void assertRejectedTokenAdvice(SQLException e) {
        assertThat(e.getSQLState()).isEqualTo("28000");
        assertThat(e.getMessage()).contains("PAM authentication failed for user \"" + rds.dbUser() + "\"")
                .contains("GRANT rds_iam TO \"" + rds.dbUser() + "\"");
    }
}
