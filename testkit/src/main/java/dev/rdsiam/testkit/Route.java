package dev.rdsiam.testkit;

import java.util.Objects;

/**
 * Where to dial: a host and a port. The gateway's route is {@code 127.0.0.1} and an ephemeral port, while tokens
 * and TLS host-name checks use the identity host and port.
 *
 * <pre>{@code
 * Route route = rds.route();
 * new Socket(route.host(), route.port());
 * }</pre>
 *
 * @param host the host or IP address
 * @param port the port
 */
public record Route(String host, int port) {

    /**
     * Validates the fields.
     *
     * @param host the host or IP address
     * @param port the port
     */
    public Route {
        Objects.requireNonNull(host, "host");
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535: " + port);
        }
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
