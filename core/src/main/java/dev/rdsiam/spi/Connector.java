package dev.rdsiam.spi;

import dev.rdsiam.AuthToken;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Opens physical connections for one DataSource with a given token. Created once per DataSource by
 * {@link EngineBinding#connector(ConnectorContext)}; must be safe for concurrent use.
 */
public interface Connector extends AutoCloseable {

    /**
     * Opens one physical connection to the configured route, verifying TLS against the identity host, logging in
     * as {@code user} with the token as password.
     *
     * @param user the database user
     * @param token the token to send as password
     * @throws SQLException as the driver reports it (the DataSource calls {@link #diagnose} on it)
     */
    Connection connect(String user, AuthToken token) throws SQLException;

    /** Whether the server rejected the login credentials, so that a freshly minted token may succeed. */
    boolean isAuthFailure(SQLException e);

    /**
     * Turns a failure into one whose message says what is wrong and what to check, keeping the SQLState and the
     * cause. The default returns {@code e} unchanged.
     */
    default SQLException diagnose(SQLException e, AuthToken token) {
        return e;
    }

    /**
     * The engine's own kind of a failure, for meters and the DataSource's status, when the engine can tell it:
     * one of {@code proxy_no_credentials}, {@code host_blocked}, {@code too_many_connections}, {@code throttled},
     * {@code database_unavailable}, {@code tls_not_offered}. Network, TLS and rejected-token failures are
     * classified by the core. The default knows none.
     */
    default java.util.Optional<String> failureKind(SQLException e) {
        return java.util.Optional.empty();
    }

    /** Releases what the connector holds. The default does nothing. */
    @Override
    default void close() {
    }
}
