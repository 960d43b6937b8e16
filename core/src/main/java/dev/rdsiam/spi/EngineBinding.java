package dev.rdsiam.spi;

import dev.rdsiam.Engine;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

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
     * Refuses driver properties that would weaken TLS or bypass the token (called from
     * {@code RdsIamConfig.Builder.build()}).
     *
     * @throws IllegalArgumentException naming the property, why it is refused, and what to do
     */
    default void validateDriverProperties(Map<String, String> driverProperties) {
    }

    /** Creates the connector of one DataSource: called once per DataSource, reused for every connection. */
    Connector connector(ConnectorContext context);

    /**
     * The binding for an engine on the class path, if any.
     *
     * @param engine the engine
     */
    static Optional<EngineBinding> find(Engine engine) {
        return Bindings.find(engine);
    }

    /** ServiceLoader lookup, cached per engine. */
    final class Bindings {
        private static final Map<Engine, EngineBinding> FOUND = new ConcurrentHashMap<>();

        private Bindings() {
        }

        static Optional<EngineBinding> find(Engine engine) {
            EngineBinding b = FOUND.get(engine);
            if (b != null) {
                return Optional.of(b);
            }
            for (ClassLoader cl : new ClassLoader[] {Thread.currentThread().getContextClassLoader(),
                    EngineBinding.class.getClassLoader()}) {
                if (cl == null) {
                    continue;
                }
                for (EngineBinding candidate : ServiceLoader.load(EngineBinding.class, cl)) {
                    if (candidate.engine() == engine) {
                        FOUND.putIfAbsent(engine, candidate);
                        return Optional.of(FOUND.get(engine));
                    }
                }
            }
            return Optional.empty();
        }
    }
}
