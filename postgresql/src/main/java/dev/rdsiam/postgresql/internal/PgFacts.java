package dev.rdsiam.postgresql.internal;

import static dev.rdsiam.diagnostics.Diagnosis.mentions;

import dev.rdsiam.diagnostics.Diagnosis;
import dev.rdsiam.spi.EngineFacts;
import java.sql.SQLException;

/**
 * What pgjdbc and PostgreSQL say when a login fails: SQLStates {@code 28000}/{@code 28P01} (rejected password),
 * {@code 3D000} (no such database), {@code 53300} (too many connections), RDS's throttling texts, and pgjdbc's
 * "does not support SSL".
 *
 * <pre>{@code
 * Diagnosis.diagnose(e, token, config, PgFacts.INSTANCE);
 * }</pre>
 */
public final class PgFacts implements EngineFacts {

    /** The one instance (it holds nothing). */
    public static final PgFacts INSTANCE = new PgFacts();

    private PgFacts() {
    }

    @Override
    public boolean isAuthFailure(SQLException e) {
        String state = e.getSQLState();
        return ("28000".equals(state) || "28P01".equals(state)) && !Diagnosis.isProxyWithoutCredentials(e);
    }

    @Override
    public String loginGrant(String user) {
        return "the database user exists and has the rds_iam role (CREATE USER \"" + user + "\"; GRANT rds_iam TO \""
                + user + "\"; user names are case-sensitive)";
    }

    @Override
    public boolean isDatabaseUnavailable(SQLException e) {
        return "3D000".equals(e.getSQLState());
    }

    @Override
    public String databaseGrant(String database, String user) {
        return "that the user may connect to it (GRANT CONNECT ON DATABASE \"" + database + "\" TO \"" + user + "\")";
    }

    @Override
    public boolean isThrottled(SQLException e) {
        return mentions(e, "too many competing requests") || mentions(e, "rate limit");
    }

    /** Whether the server has no free connection slot (SQLState 53300). */
    boolean isTooManyConnections(SQLException e) {
        return "53300".equals(e.getSQLState());
    }

    /** PostgreSQL's "too many connections" (53300). */
    @Override
    public java.util.Optional<String> engineKind(SQLException e) {
        return isTooManyConnections(e) ? java.util.Optional.of("too_many_connections") : java.util.Optional.empty();
    }

    @Override
    public boolean isTlsNotOffered(SQLException e) {
        return mentions(e, "does not support ssl");
    }
}
