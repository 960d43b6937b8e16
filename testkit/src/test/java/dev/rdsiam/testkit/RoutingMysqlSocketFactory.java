package dev.rdsiam.testkit;

import com.mysql.cj.conf.PropertySet;
import com.mysql.cj.protocol.StandardSocketFactory;
import java.io.Closeable;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Connector/J {@code socketFactory}: dials the route registered for the URL's host, so that the URL (and with it
 * {@code VERIFY_IDENTITY} and SNI) can use the identity name.
 */
public final class RoutingMysqlSocketFactory extends StandardSocketFactory {

    private static final Map<String, Route> ROUTES = new ConcurrentHashMap<>();

    /**
     * Registers where connections to {@code host:port} go.
     *
     * @param host  the URL host
     * @param port  the URL port
     * @param route the route
     */
    public static void route(String host, int port, Route route) {
        ROUTES.put(host + ":" + port, route);
    }

    @Override
    public <T extends Closeable> T connect(String hostname, int portNumber, PropertySet pset, int loginTimeout)
            throws IOException {
        Route route = ROUTES.get(hostname + ":" + portNumber);
        if (route == null) {
            return super.connect(hostname, portNumber, pset, loginTimeout);
        }
        return super.connect(route.host(), route.port(), pset, loginTimeout);
    }
}
