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
     * Opens one physical connection to the configured host (through its route), verifying TLS against it, logging
     * in as {@code user} with the token as password. Runs in a {@link ConnectionScope} for the configured host
     * unless one is open on this thread.
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

    /**
     * The driver's JDBC URL scheme after {@code jdbc:}, e.g. {@code postgresql}: for a front (the AWS wrapper) that
     * calls the driver itself, with {@link #driverProperties()}, inside {@link #driverCall}.
     *
     * @throws UnsupportedOperationException when the binding does not support such fronts (the default)
     */
    default String driverScheme() {
        throw new UnsupportedOperationException(getClass().getName() + " cannot serve a wrapper front");
    }

    /**
     * The properties every connection of this DataSource passes to the driver: the TLS and socket factories, the
     * timeouts, the user's pass-through properties; no user and no password. A copy.
     *
     * @throws UnsupportedOperationException when the binding does not support such fronts (the default)
     */
    default java.util.Properties driverProperties() {
        throw new UnsupportedOperationException(getClass().getName() + " cannot serve a wrapper front");
    }

    /**
     * Runs a call into the driver the way {@link #connect} does (for example with the class loader the driver must
     * find the factories in). The default just runs it.
     */
    default <T> T driverCall(ConnectionScope.Body<T> body) throws SQLException {
        return body.run();
    }

    /**
     * Finishes a physical connection the driver has just opened and logged in, as {@link #connect} does (for
     * example lifting the read bound of the login). The default returns it as is.
     */
    default Connection opened(Connection c) throws SQLException {
        return c;
    }

    /** Releases what the connector holds. The default does nothing. */
    @Override
    default void close() {
    }
}
