package dev.rdsiam.awswrapper.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import software.amazon.jdbc.HostSpec;
import software.amazon.jdbc.JdbcCallable;
import software.amazon.jdbc.plugin.iam.IamAuthConnectionPlugin;
import software.amazon.jdbc.util.FullServicesContainer;

/**
 * The wrapper plugin that logs every physical connection in with the DataSource's tokens: for whatever host the
 * wrapper connects to ({@code connect} for the application's connections, {@code forceConnect} for the failover and
 * monitoring ones), the token is signed for that host, TLS is verified against it, and its route is dialled.
 *
 * <p>It extends the wrapper's IAM plugin only so that the wrapper sees IAM in use (its blue/green switchover then
 * passes the blue/green host names as {@code iamHost}); none of the IAM plugin's own code runs: it mints, caches and
 * logs nothing.
 */
final class RdsIamPlugin extends IamAuthConnectionPlugin {

    private final WrapperFront front;

    RdsIamPlugin(FullServicesContainer services, WrapperFront front) {
        super(services);
        this.front = front;
    }

    @Override
    public Connection connect(String driverProtocol, HostSpec hostSpec, Properties props,
            boolean isInitialConnection, JdbcCallable<Connection, SQLException> connectFunc) throws SQLException {
        return front.login(hostSpec, props, connectFunc);
    }

    @Override
    public Connection forceConnect(String driverProtocol, HostSpec hostSpec, Properties props,
            boolean isInitialConnection, JdbcCallable<Connection, SQLException> forceConnectFunc)
            throws SQLException {
        return front.login(hostSpec, props, forceConnectFunc);
    }

    @Override
    public String toString() {
        return "RdsIamPlugin[" + front + "]";
    }
}
