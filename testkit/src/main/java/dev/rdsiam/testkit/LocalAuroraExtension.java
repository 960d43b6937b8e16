package dev.rdsiam.testkit;

import java.util.Objects;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that runs a {@link LocalAurora} for a test class (or, with {@link #shared(String)}, for the
 * whole test run). Before each test it calls {@link LocalAurora#reset()}: faults off, attempts cleared and, after a
 * failover or restart, the starting roles restored.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalAuroraExtension AURORA = LocalAuroraExtension.postgres();
 *
 * @Test
 * void failsOver(LocalAurora aurora) { ... aurora.route(aurora.clusterHost()) ... aurora.failover() ... }
 * }</pre>
 *
 * <p>Register it in a {@code static} field: the cluster starts before all tests of the class.
 */
public final class LocalAuroraExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(LocalAuroraExtension.class);

    private final LocalAurora.Builder builder;
    private final String sharedKey;
    private LocalAurora aurora;
    private String startedBy;

    private LocalAuroraExtension(LocalAurora.Builder builder, String sharedKey) {
        this.builder = Objects.requireNonNull(builder, "builder");
        this.sharedKey = sharedKey;
    }

    /**
     * A two-instance PostgreSQL cluster with the defaults.
     *
     * @return the extension
     */
    public static LocalAuroraExtension postgres() {
        return of(LocalAurora.builder());
    }

    /**
     * A cluster configured by a builder (started in {@code beforeAll}).
     *
     * @param builder the configured builder
     * @return the extension
     */
    public static LocalAuroraExtension of(LocalAurora.Builder builder) {
        return new LocalAuroraExtension(builder, null);
    }

    /**
     * Shares one cluster between every test class that registers an extension with the same key; it is stopped
     * at the end of the test run.
     *
     * @param key the sharing key
     * @return a new extension with the same builder
     */
    public LocalAuroraExtension shared(String key) {
        return new LocalAuroraExtension(builder, Objects.requireNonNull(key, "key"));
    }

    /**
     * The running cluster.
     *
     * @return the cluster
     * @throws IllegalStateException outside the test class's lifetime
     */
    public LocalAurora aurora() {
        if (aurora == null) {
            throw new IllegalStateException("LocalAurora is not running: register LocalAuroraExtension with "
                    + "@RegisterExtension in a static field");
        }
        return aurora;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (aurora != null) {
            return;
        }
        if (sharedKey != null) {
            aurora = context.getRoot().getStore(NAMESPACE)
                    .computeIfAbsent(sharedKey, k -> new SharedCluster(builder.start()), SharedCluster.class).aurora;
        } else {
            aurora = builder.start();
        }
        startedBy = context.getUniqueId();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (aurora != null && context.getUniqueId().equals(startedBy)) {
            if (sharedKey == null) {
                aurora.close();
            }
            aurora = null;
            startedBy = null;
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        aurora().reset();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == LocalAurora.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return aurora();
    }

    /** A cluster kept in the root store; closed by JUnit at the end of the run. */
    private static final class SharedCluster implements AutoCloseable {
        private final LocalAurora aurora;

        SharedCluster(LocalAurora aurora) {
            this.aurora = aurora;
        }

        @Override
        public void close() {
            aurora.close();
        }
    }
}
