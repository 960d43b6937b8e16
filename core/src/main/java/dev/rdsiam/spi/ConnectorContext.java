package dev.rdsiam.spi;

import dev.rdsiam.RdsIamConfig;
import java.util.Objects;

/**
 * What a {@link Connector} gets from the DataSource that owns it: the configuration, and the state built once per
 * DataSource and shared by all its connections.
 */
public final class ConnectorContext {

    private final RdsIamConfig config;

    /**
     * Creates a context.
     *
     * @param config the validated configuration
     */
    public ConnectorContext(RdsIamConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** The configuration. */
    public RdsIamConfig config() {
        return config;
    }
}
