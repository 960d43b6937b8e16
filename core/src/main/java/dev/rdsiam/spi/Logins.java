package dev.rdsiam.spi;

import dev.rdsiam.AuthToken;
import dev.rdsiam.RdsIamConfig;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * What a DataSource offers a {@link WrapperConnector}: logins to any endpoint of the cluster with the DataSource's
 * tokens, TLS, routes, back-off, diagnosis and meters.
 */
public interface Logins {

    /** Opens one physical connection with a token (the front's driver call). */
    @FunctionalInterface
    interface Login {
        /**
         * Opens the connection, sending {@code token} as the password.
         *
         * @param token the token signed for the endpoint
         */
        Connection open(AuthToken token) throws SQLException;
    }

    /**
     * Opens one physical connection to the endpoint {@code host:port} as {@code user}: a token signed for that
     * endpoint (cached per endpoint and user, single flight), inside a {@link ConnectionScope} so that the driver's
     * factories verify TLS against {@code host} and dial its route; a login refused with a cached token is retried
     * once with a fresh one; failures come back diagnosed.
     *
     * @param host the endpoint name (instance, cluster, reader or custom endpoint, blue/green name)
     * @param port the endpoint's port
     * @param directRoute where to dial when {@code host} has no configured route (what the front was asked to
     *     connect to, e.g. an IP address), or null for {@code host} itself
     * @param user the database user
     * @param login the driver call
     */
    Connection login(String host, int port, RdsIamConfig.Route directRoute, String user, Login login)
            throws SQLException;
}
