package dev.rdsiam.testkit;

import dev.rdsiam.Engine;
import java.util.Objects;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that runs a {@link LocalRds} for a test class (or, with {@link #shared(String)}, for the whole
 * test run). Before each test the faults are reset and the recorded attempts cleared.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalRdsExtension RDS = LocalRdsExtension.postgres();
 *
 * @Test
 * void connects(LocalRds rds) { ... rds.route() ... RDS.rds().identityHost() ... }
 * }</pre>
 *
 * <p>Register it in a {@code static} field: the kit starts before all tests of the class.
 */
public final class LocalRdsExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LocalRdsExtension.class);

    private final LocalRds.Builder builder;
    private final String sharedKey;
    private LocalRds rds;
    private String startedBy;

    private LocalRdsExtension(LocalRds.Builder builder, String sharedKey) {
        this.builder = Objects.requireNonNull(builder, "builder");
        this.sharedKey = sharedKey;
    }

    /**
     * A PostgreSQL kit with the defaults.
     *
     * @return the extension
     */
    public static LocalRdsExtension postgres() {
        return of(LocalRds.builder().engine(Engine.POSTGRESQL));
    }

    /**
     * A MySQL kit with the defaults.
     *
     * @return the extension
     */
    public static LocalRdsExtension mysql() {
        return of(LocalRds.builder().engine(Engine.MYSQL));
    }

    /**
     * A kit configured by a builder (the builder is started in {@code beforeAll}).
     *
     * @param builder the configured builder
     * @return the extension
     */
    public static LocalRdsExtension of(LocalRds.Builder builder) {
        return new LocalRdsExtension(builder, null);
    }

    /**
     * Shares one kit between every test class that registers an extension with the same key; it is stopped at
     * the end of the test run.
     *
     * @param key the sharing key
     * @return a new extension with the same builder
     */
    public LocalRdsExtension shared(String key) {
        return new LocalRdsExtension(builder, Objects.requireNonNull(key, "key"));
    }

    /**
     * The running kit.
     *
     * @return the kit
     * @throws IllegalStateException outside the test class's lifetime
     */
    public LocalRds rds() {
        if (rds == null) {
            throw new IllegalStateException("LocalRds is not running: register LocalRdsExtension with "
                    + "@RegisterExtension in a static field");
        }
        return rds;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (rds != null) {
            return;
        }
        if (sharedKey != null) {
            rds = context.getRoot().getStore(NAMESPACE)
                    .computeIfAbsent(sharedKey, k -> new SharedKit(builder.start()), SharedKit.class).rds;
        } else {
            rds = builder.start();
        }
        startedBy = context.getUniqueId();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (rds != null && context.getUniqueId().equals(startedBy)) {
            if (sharedKey == null) {
                rds.close();
            }
            rds = null;
            startedBy = null;
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        LocalRds running = rds();
        running.faults().reset();
        running.forceSessionDuration(null);
        running.clearAuthAttempts();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == LocalRds.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return rds();
    }

    /** A kit kept in the root store; closed by JUnit at the end of the run. */
    private static final class SharedKit implements AutoCloseable {
        private final LocalRds rds;

        SharedKit(LocalRds rds) {
            this.rds = rds;
        }

        @Override
        public void close() {
            rds.close();
        }
    }
}
