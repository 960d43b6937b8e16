package dev.rdsiam.testing;

import dev.rdsiam.AuthToken;
import dev.rdsiam.Engine;
import dev.rdsiam.spi.Connector;
import dev.rdsiam.spi.ConnectorContext;
import dev.rdsiam.spi.EngineBinding;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * A binding for the MySQL engine in core's own tests, where no driver is on the class path: each login attempt takes
 * the next scripted outcome. It exercises the DataSource's token and retry logic; real logins are tested in the
 * engine modules against real servers.
 */
public final class ScriptedBinding implements EngineBinding {

    /** The outcomes of the next login attempts; an empty script means success. */
    public static final Deque<String> SCRIPT = new ArrayDeque<>();
    /** The tokens presented, in order. */
    public static final List<AuthToken> PRESENTED = Collections.synchronizedList(new ArrayList<>());

    /** Outcome: the server rejects the credentials (SQLState 28000). */
    public static final String REJECT = "reject";
    /** Outcome: the network fails (SQLState 08001). */
    public static final String NETWORK = "network";

    /** Clears script and record. */
    public static void reset() {
        SCRIPT.clear();
        PRESENTED.clear();
    }

    @Override
    public Engine engine() {
        return Engine.MYSQL;
    }

    @Override
    public void validateDriverProperties(Map<String, String> driverProperties) {
        if ("DISABLED".equalsIgnoreCase(driverProperties.get("sslMode"))) {
            throw new IllegalArgumentException("sslMode=DISABLED is refused: the token is a credential");
        }
    }

    @Override
    public Connector connector(ConnectorContext context) {
        return new Connector() {
            @Override
            public Connection connect(String user, AuthToken token) throws SQLException {
                PRESENTED.add(token);
                String outcome;
                synchronized (SCRIPT) {
                    outcome = SCRIPT.poll();
                }
                if (REJECT.equals(outcome)) {
                    throw new SQLException("Access denied for user '" + user + "'@'10.0.0.1' (using password: YES)",
                            "28000", 1045);
                }
                if (NETWORK.equals(outcome)) {
                    throw new SQLException("Communications link failure", "08001");
                }
                return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                            switch (method.getName()) {
                                case "toString":
                                    return "ScriptedConnection[" + user + "]";
                                case "isClosed":
                                    return false;
                                case "hashCode":
                                    return System.identityHashCode(proxy);
                                case "equals":
                                    return proxy == args[0];
                                default:
                                    return null;
                            }
                        });
            }

            @Override
            public boolean isAuthFailure(SQLException e) {
                return "28000".equals(e.getSQLState());
            }

            @Override
            public SQLException diagnose(SQLException e, AuthToken token) {
                SQLException d = new SQLException(e.getMessage() + " — check the IAM policy for " + token.user() + "@"
                        + token.host() + ":" + token.port(), e.getSQLState(), e.getErrorCode(), e);
                return d;
            }
        };
    }
}
