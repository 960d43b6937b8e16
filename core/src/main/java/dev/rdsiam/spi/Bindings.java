package dev.rdsiam.spi;

import dev.rdsiam.Engine;
import java.util.Iterator;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/** The {@link ServiceLoader} lookup of {@link EngineBinding}s, without a cache. */
final class Bindings {

    private Bindings() {
    }

    static Optional<EngineBinding> find(Engine engine) {
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
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }
}
