package dev.rdsiam.mysql.internal;

import static dev.rdsiam.diagnostics.Diagnosis.mentions;

import dev.rdsiam.diagnostics.Diagnosis;
import dev.rdsiam.spi.EngineFacts;
import java.sql.SQLException;
import java.util.Optional;

/**
 * What Connector/J and MySQL say when a login fails: error 1045 (access denied), 1044/1049 (database not allowed or
 * missing), 1040 (too many connections), 1129 (host blocked), 3159 and the TLS texts.
 *
 * <pre>{@code
 * Diagnosis.diagnose(e, token, config, MySqlFacts.INSTANCE);
 * }</pre>
 */
public final class MySqlFacts implements EngineFacts {

    /** The one instance (it holds nothing). */
    public static final MySqlFacts INSTANCE = new MySqlFacts();

    private MySqlFacts() {
    }

    @Override
    public boolean isAuthFailure(SQLException e) {
        return e.getErrorCode() == 1045 && !Diagnosis.isProxyWithoutCredentials(e);
    }

    @Override
    public String loginGrant(String user) {
        return "the database user is created for IAM: CREATE USER '" + user + "'@'%' IDENTIFIED WITH "
                + "AWSAuthenticationPlugin AS 'RDS' (user names are case-sensitive)";
    }

    @Override
    public boolean isDatabaseUnavailable(SQLException e) {
        return e.getErrorCode() == 1044 || e.getErrorCode() == 1049;
    }

    @Override
    public String databaseGrant(String database, String user) {
        return "that the user has privileges on it (GRANT ALL ON `" + database + "`.* TO '" + user + "'@'%')";
    }

    @Override
    public boolean isThrottled(SQLException e) {
        return e.getErrorCode() == 1040 || mentions(e, "rate limit exceeded");
    }

    @Override
    public boolean isTlsNotOffered(SQLException e) {
        return e.getErrorCode() == 3159 || mentions(e, "ssl connection required") || mentions(e, "requires tls")
                || mentions(e, "server doesn't support ssl") || mentions(e, "does not support ssl");
    }

    /** Whether the server blocks this client's address after too many failed handshakes (error 1129). */
    boolean isHostBlocked(SQLException e) {
        return e.getErrorCode() == 1129 || mentions(e, "is blocked because of many connection errors");
    }

    /** MySQL's blocked host and its "too many connections" (1040, which {@link #isThrottled} also covers). */
    @Override
    public Optional<String> engineKind(SQLException e) {
        if (isHostBlocked(e)) {
            return Optional.of("host_blocked");
        }
        if (isThrottled(e)) {
            return Optional.of("too_many_connections");
        }
        return Optional.empty();
    }

    @Override
    public Optional<String> engineAdvice(SQLException e) {
        if (isHostBlocked(e)) {
            return Optional.of("the server blocks this client's address after too many failed connection "
                    + "handshakes (max_connect_errors); often NLB or load-balancer health checks that open TCP and "
                    + "close it, or clients that abort mid-handshake (do not retry in a tight loop). Unblock with "
                    + "TRUNCATE TABLE performance_schema.host_cache (MySQL 8.0.23+) or FLUSH HOSTS as the master "
                    + "user, raise max_connect_errors in the DB parameter group, and make the health check complete "
                    + "a login or check another port");
        }
        return Optional.empty();
    }
}
