package dev.rdsiam.spi;

import dev.rdsiam.Engine;
import java.util.Iterator;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/** The {@link ServiceLoader} lookup of {@link EngineBinding}s and the {@link WrapperBinding}, without a cache. */
final class Bindings {

    private Bindings() {
    }

    static Optional<EngineBinding> find(Engine engine) {
        return first(EngineBinding.class, b -> b.engine() == engine);
    }

    static Optional<WrapperBinding> findWrapper() {
        return first(WrapperBinding.class, b -> true);
    }

    private static <T> Optional<T> first(Class<T> type, java.util.function.Predicate<T> wanted) {
        // the library's own loader first; the context loader may be a child (or a stranger) whose providers
        // implement another copy of this interface: those are skipped, not fatal
        for (ClassLoader cl : new ClassLoader[] {type.getClassLoader(),
                Thread.currentThread().getContextClassLoader()}) {
            if (cl == null) {
                continue;
            }
            Iterator<T> it = ServiceLoader.load(type, cl).iterator();
            for (int errors = 0; errors < 64; ) {
                T candidate;
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    candidate = it.next();
                } catch (ServiceConfigurationError e) {
                    errors++;
                    continue;
                }
                if (wanted.test(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }
}
