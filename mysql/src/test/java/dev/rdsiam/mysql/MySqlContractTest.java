package dev.rdsiam.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rdsiam.Engine;
import dev.rdsiam.testkit.contract.EngineContract;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The engine contract through real Connector/J and real MariaDB behind the IAM gateway. */
class MySqlContractTest extends EngineContract {

    MySqlContractTest() {
        super(Engine.MYSQL);
    }

    @Override
    protected String sessionUser(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("select current_user()")) {
            r.next();
            String user = r.getString(1);
            assertThat(user).as("user@host").contains("@");
            return user.substring(0, user.indexOf('@'));
        }
    }

    @Override
    protected String productName() {
        return "MySQL";
    }

    @Override
    protected String plusOneQuery() {
        return "select ? + 1";
    }

    @Override
    protected String sleepTwoSecondsQuery() {
        return "select sleep(2), 42";
    }

    @Override
    protected PassThrough passThrough() {
        return new PassThrough("sessionVariables=group_concat_max_len=4242", "select @@session.group_concat_max_len",
                "4242");
    }

    @Override
    protected void assertMissingDatabaseCode(SQLException e) {
        assertThat(e.getErrorCode()).isIn(1044, 1049);
    }

    @Override
    protected void assertRejectedTokenAdvice(SQLException e) {
        assertThat(e.getErrorCode()).isEqualTo(1045);
        assertThat(e.getMessage()).contains("Access denied for user '" + rds.dbUser() + "'")
                .contains("IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'");
    }
}
