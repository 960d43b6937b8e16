package dev.rdsiam.spi;

import dev.rdsiam.Engine;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
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
            // the library's own loader first; the context loader may be a child (or a stranger) whose providers
            // implement another copy of this interface: those are skipped, not fatal
            for (ClassLoader cl : new ClassLoader[] {EngineBinding.class.getClassLoader(),
                    Thread.currentThread().getContextClassLoader()}) {
                if (cl == null) {
                    continue;
                }
                Iterator<EngineBinding> it = ServiceLoader.load(EngineBinding.class, cl).iterator();
                for (int errors = 0; errors < 64; ) {
                    EngineBinding candidate;
                    try {
                        if (!it.hasNext()) {
                            break;
                        }
                        candidate = it.next();
                    } catch (ServiceConfigurationError e) {
                        errors++;
                        continue;
                    }
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
