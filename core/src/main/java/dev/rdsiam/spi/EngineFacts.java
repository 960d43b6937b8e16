package dev.rdsiam.spi;

import java.sql.SQLException;
import java.util.Optional;

/**
 * What an engine's driver says when a login fails, for the advice that {@link dev.rdsiam.diagnostics.Diagnosis}
 * composes once for every engine: network and TLS failures, then RDS Proxy's missing credentials, then the
 * engine's own server conditions, throttling, a rejected token, a missing database, and no TLS offered. A binding
 * supplies the predicates on its driver's error codes and texts, and the database-side statements in its dialect;
 * the sentences around them are the core's.
 *
 * <pre>{@code
 * public SQLException diagnose(SQLException e, AuthToken token) {
 *     return Diagnosis.diagnose(e, token, config, facts);
 * }
 * }</pre>
 */
public interface EngineFacts {

    /**
     * Whether the server rejected the login credentials (the token), so that a freshly minted token may succeed.
     * RDS Proxy's "no credentials for the role" is not one.
     *
     * @param e the failure
     * @return true for a rejected login
     */
    boolean isAuthFailure(SQLException e);

    /**
     * What the database needs for an IAM login of {@code user}, in the engine's dialect.
     *
     * @param user the database user
     * @return e.g. {@code the database user exists and has the rds_iam role (CREATE USER "app"; GRANT rds_iam TO
     *     "app"; ...)}
     */
    String loginGrant(String user);

    /**
     * Whether the login succeeded but the database is missing or not allowed to the user.
     *
     * @param e the failure
     * @return true for a missing or forbidden database
     */
    boolean isDatabaseUnavailable(SQLException e);

    /**
     * How the engine lets {@code user} use {@code database}.
     *
     * @param database the database name, or {@code DB} when none is configured
     * @param user the database user
     * @return e.g. {@code that the user may connect to it (GRANT CONNECT ON DATABASE "orders" TO "app")}
     */
    String databaseGrant(String database, String user);

    /**
     * Whether the server refused new connections because too many arrive (throttling, or no free connection).
     *
     * @param e the failure
     * @return true when the advice is to open fewer new connections
     */
    boolean isThrottled(SQLException e);

    /**
     * Whether the failure says the server offers no TLS (so the token was never sent).
     *
     * @param e the failure
     * @return true when TLS was not offered or required and missing
     */
    boolean isTlsNotOffered(SQLException e);

    /**
     * Advice for a server condition only this engine has (for example MySQL's blocked host), checked after the
     * network and proxy advice and before throttling. The default knows none.
     *
     * @param e the failure
     * @return the advice, or empty
     */
    default Optional<String> engineAdvice(SQLException e) {
        return Optional.empty();
    }

    /**
     * The kind, for meters and the DataSource's status, of a condition only this engine names (for example MySQL's
     * {@code host_blocked}, {@code too_many_connections}); checked after the proxy's refusal and before the kinds
     * every engine has ({@code throttled}, {@code database_unavailable}, {@code tls_not_offered}). The default knows
     * none.
     *
     * @param e the failure
     * @return the kind, or empty
     */
    default Optional<String> engineKind(SQLException e) {
        return Optional.empty();
    }
}
