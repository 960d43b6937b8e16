package dev.rdsiam.spi;

import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Binds a wrapping driver (the AWS Advanced JDBC Wrapper) to the library: implemented by the
 * {@code rdsiam-aws-wrapper} module, found with {@link ServiceLoader}
 * ({@code META-INF/services/dev.rdsiam.spi.WrapperBinding}) when a configuration sets {@code rdsiam.wrapperPlugins}.
 */
public interface WrapperBinding {

    /**
     * Creates the front of one DataSource.
     *
     * @param context the DataSource's context (configuration, TLS, routes)
     * @param engine the engine binding's connector: its driver scheme, driver properties and driver call
     * @param logins the DataSource's logins, for every physical connection the wrapper opens
     * @throws IllegalStateException when the wrapper cannot be used (naming what is missing)
     */
    WrapperConnector connector(ConnectorContext context, Connector engine, Logins logins);

    /**
     * The wrapper binding on the class path, if any; looked up anew on each call (no static cache).
     */
    static Optional<WrapperBinding> find() {
        return Bindings.findWrapper();
    }
}
