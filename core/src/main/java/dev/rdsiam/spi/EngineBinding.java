package dev.rdsiam.spi;

import dev.rdsiam.Engine;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Binds one JDBC driver to the library. Implemented by the {@code rdsiam-postgresql} and {@code rdsiam-mysql}
 * modules and found with {@link ServiceLoader} ({@code META-INF/services/dev.rdsiam.spi.EngineBinding}).
 *
 * <pre>{@code
 * public final class PgBinding implements EngineBinding {
 *     public Engine engine() { return Engine.POSTGRESQL; }
 *     public Connector connector(ConnectorContext ctx) { return new PgConnector(ctx); }
 * }
 * }</pre>
 *
 * <p>A binding knows its driver's property names, TLS hooks, default settings and error codes, and nothing else.
 */
public interface EngineBinding {

    /** The engine this binding serves. */
    Engine engine();

    /**
     * Refuses driver properties that would weaken TLS or bypass the token (called when a DataSource is created,
     * before any network I/O).
     *
     * @throws IllegalArgumentException naming the property, why it is refused, and what to do
     */
    default void validateDriverProperties(Map<String, String> driverProperties) {
    }

    /**
     * The engine's exchange before TLS on a fresh connection, for the TLS probe of
     * {@link dev.rdsiam.diagnostics.Probes}. The default has none (the probe then says the binding cannot check TLS
     * on its own).
     *
     * @return the preamble, or empty
     */
    default Optional<TlsPreamble> tlsPreamble() {
        return Optional.empty();
    }

    /** Creates the connector of one DataSource: called once per DataSource, reused for every connection. */
    Connector connector(ConnectorContext context);

    /**
     * The binding for an engine on the class path, if any. Looked up anew on each call (a DataSource calls it once
     * when it is created): no static cache pins a binding or its class loader, so redeployed applications unload.
     *
     * @param engine the engine
     */
    static Optional<EngineBinding> find(Engine engine) {
        return Bindings.find(engine);
    }

}
