package dev.rdsiam.jdbc;

import dev.rdsiam.AuthToken;
import dev.rdsiam.AuthTokenProvider;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.Redaction;
import dev.rdsiam.internal.metrics.Instruments;
import dev.rdsiam.internal.metrics.Outcome;
import dev.rdsiam.TokenUnavailableException;
import dev.rdsiam.diagnostics.Diagnosis;
import dev.rdsiam.internal.credentials.CredentialsSource;
import dev.rdsiam.internal.token.CachingTokenProvider;
import dev.rdsiam.internal.token.TokenSigner;
import dev.rdsiam.spi.ConnectionScope;
import dev.rdsiam.spi.Connector;
import dev.rdsiam.spi.ConnectorContext;
import dev.rdsiam.spi.EngineBinding;
import dev.rdsiam.spi.Logins;
import dev.rdsiam.spi.WrapperBinding;
import dev.rdsiam.spi.WrapperConnector;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.slf4j.LoggerFactory;

/**
 * An unpooled {@link DataSource}: every {@link #getConnection()} opens one physical connection, authenticated with a
 * current IAM auth token over verified TLS. Put a pool in front of it (see {@code RdsIam.pooledDataSource}).
 *
 * <pre>{@code
 * try (RdsIamDataSource ds = RdsIam.dataSource(config);
 *      Connection c = ds.getConnection()) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Tokens come from a per-DataSource cache; when the server rejects a login made with a reused token, the
 * DataSource mints a fresh token and retries once. Failures are {@link SQLException}s whose message says what to
 * check. The DataSource holds an AWS credentials provider: {@link #close()} it when done.
 */
public final class RdsIamDataSource implements DataSource, AutoCloseable {

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(RdsIamDataSource.class);

    private final RdsIamConfig config;
    private final CredentialsSource credentials;
    private final TokenSigner signer = new TokenSigner();
    private final CachingTokenProvider tokens;
    /** The token caches by endpoint (lower-case host, port) and user; {@link #tokens} is one of them. */
    private final Map<TokenKey, CachingTokenProvider> providers = new ConcurrentHashMap<>();
    private final Connector connector;
    private final WrapperConnector wrapper;
    private final ConnectorContext context;
    private final LoginBackoff backoff = new LoginBackoff();
    private final Instruments instruments;
    private final java.util.ArrayDeque<DataSourceStatus.Attempt> recent = new java.util.ArrayDeque<>();
    private volatile PrintWriter logWriter;
    private volatile int loginTimeoutSeconds;
    private volatile boolean closed;

    /**
     * Creates a DataSource with the engine binding found on the class path.
     *
     * @throws IllegalArgumentException when the binding of the engine is missing (naming the artifact to add), or
     *     when it refuses a driver property that would weaken TLS or take over the login
     */
    public static RdsIamDataSource create(RdsIamConfig config) {
        EngineBinding binding = EngineBinding.find(config.engine()).orElseThrow(() -> new IllegalArgumentException(
                "no driver binding for engine '" + config.engine() + "' on the class path: add the dependency "
                        + "dev.rdsiam:" + config.engine().artifactId() + " (it brings the JDBC driver)"));
        return new RdsIamDataSource(config, binding);
    }

    /**
     * Creates a DataSource with the given engine binding.
     *
     * @param config the configuration
     * @param binding the binding of {@code config.engine()}
     */
    public RdsIamDataSource(RdsIamConfig config, EngineBinding binding) {
        if (binding.engine() != config.engine()) {
            throw new IllegalArgumentException("binding for " + binding.engine() + " cannot serve engine "
                    + config.engine());
        }
        this.config = config;
        binding.validateDriverProperties(config.driverProperties()); // TLS-weakening options: refused before any I/O
        this.credentials = CredentialsSource.create(config);
        Connector c;
        Instruments meters = Instruments.NONE;
        try {
            this.context = new ConnectorContext(config);
            meters = Instruments.create(config, context.trustEarliestExpiry().orElse(null));
            Instruments m = meters;
            context.onHandshake((notAfter, nanos) -> m.tlsHandshake(nanos, notAfter));
            c = binding.connector(context);
        } catch (RuntimeException e) {
            meters.close();
            credentials.close();
            throw e;
        }
        this.instruments = meters;
        this.tokens = provider(config.host(), config.port(), config.user());
        this.connector = c;
        WrapperConnector w = null;
        if (!config.wrapperPlugins().isEmpty()) {
            try {
                WrapperBinding wb = WrapperBinding.find().orElseThrow(() -> new IllegalArgumentException(
                        "rdsiam.wrapperPlugins is set, but the AWS wrapper binding is not on the class path: add the "
                                + "dependency dev.rdsiam:rdsiam-aws-wrapper (it brings "
                                + "software.amazon.jdbc:aws-advanced-jdbc-wrapper), or remove rdsiam.wrapperPlugins"));
                w = wb.connector(context, c, this::login);
            } catch (RuntimeException e) {
                c.close();
                meters.close();
                credentials.close();
                throw e;
            }
        }
        this.wrapper = w;
        LOG.debug("{} - created: {}", config.name(), config);
    }

    /** The key of a token cache: the endpoint (host in lower case, port) and the database user. */
    private record TokenKey(String host, int port, String user) {
    }

    private CachingTokenProvider provider(String host, int port, String user) {
        return providers.computeIfAbsent(new TokenKey(host.toLowerCase(java.util.Locale.ROOT), port, user),
                k -> new CachingTokenProvider(config, host, port, user, credentials.provider(),
                        credentials.description(), signer, instruments));
    }

    /** The configuration. */
    public RdsIamConfig config() {
        return config;
    }

    /**
     * The tokens of the configured user, as every connection of this DataSource gets them (cached, single flight),
     * for a tool that needs the token itself (closing the returned provider does nothing: the DataSource owns it).
     * Counts are in {@link #status()}.
     */
    public AuthTokenProvider tokenProvider() {
        return new AuthTokenProvider() {
            @Override
            public AuthToken token() {
                return tokens.token();
            }

            @Override
            public void invalidate(AuthToken token) {
                tokens.invalidate(token);
            }

            @Override
            public String toString() {
                return tokens.toString();
            }
        };
    }

    /**
     * The most recent verified TLS handshake of this DataSource: protocol, cipher, the certificate and the name and
     * trust it was verified against.
     */
    public java.util.Optional<dev.rdsiam.TlsHandshake> lastTlsHandshake() {
        return context.lastHandshake();
    }

    /** The trust in words, e.g. {@code Amazon RDS CA bundle (108 certificates)}. */
    public String trustDescription() {
        return context.trustDescription();
    }

    /** Where the AWS credentials come from, in words, without secrets. */
    public String credentialsDescription() {
        return credentials.description();
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (wrapper != null) {
            requireOpen();
            return wrapper.connect(config.user());
        }
        return connect(tokens, config.user());
    }

    /**
     * Opens a connection as another database user (a token is minted for that user). The password must be null or
     * empty: the IAM token is the password.
     */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        if (password != null && !password.isEmpty()) {
            throw new SQLException("a password was given, but the IAM token is the password: configure no password "
                    + "(DataSource '" + config.name() + "')", "28000");
        }
        if (username == null || username.equals(config.user())) {
            return getConnection();
        }
        if (wrapper != null) {
            requireOpen();
            return wrapper.connect(username);
        }
        return connect(provider(config.host(), config.port(), username), username);
    }

    private void requireOpen() throws SQLException {
        if (closed) {
            throw new SQLException("DataSource '" + config.name() + "' is closed", "08003");
        }
    }

    private Connection connect(CachingTokenProvider provider, String user) throws SQLException {
        return login(provider, token -> connector.connect(user, token));
    }

    /** {@link Logins#login}: a physical connection to one endpoint of a cluster, for the wrapper front. */
    private Connection login(String host, int port, dev.rdsiam.RdsIamConfig.Route directRoute, String user,
            Logins.Login open) throws SQLException {
        return login(provider(host, port, user),
                token -> ConnectionScope.open(context, host, port, directRoute, () -> open.open(token)));
    }

    private Connection login(CachingTokenProvider provider, Logins.Login open) throws SQLException {
        requireOpen();
        awaitBackoff();
        CachingTokenProvider.Lease lease = lease(provider);
        try {
            Connection c = attempt(open, lease.token());
            backoff.succeeded();
            return c;
        } catch (SQLException first) {
            boolean refused = connector.isAuthFailure(first);
            // a cached token is retried once with a fresh one, unless fresh tokens were refused just before: then
            // the token is not what the server objects to (throttling, a missing grant) and a retry only hammers
            if (!refused || lease.minted() || backoff.consecutiveFailures() > 0) {
                if (refused) {
                    backoff.failed();
                }
                throw withThrottleHint(first, refused);
            }
            provider.invalidate(lease.token());
            CachingTokenProvider.Lease fresh = lease(provider);
            LOG.debug("{} - login with a cached token was rejected; retrying once with a {} token", config.name(),
                    fresh.minted() ? "freshly minted" : "newer");
            try {
                Connection c = attempt(open, fresh.token());
                backoff.succeeded();
                return c;
            } catch (SQLException second) {
                boolean refusedAgain = connector.isAuthFailure(second);
                if (refusedAgain) {
                    backoff.failed();
                }
                SQLException diagnosed = withThrottleHint(second, refusedAgain);
                diagnosed.addSuppressed(first);
                throw diagnosed;
            }
        }
    }

    /**
     * One physical connection attempt, counted and timed, its outcome kept for {@link #status()}; a failure is
     * thrown diagnosed (message with advice, same SQLState, vendor code and subclass, the driver's as cause).
     */
    private Connection attempt(Logins.Login open, AuthToken token) throws SQLException {
        long start = System.nanoTime();
        try {
            Connection c = open.open(token);
            record(Outcome.OK, start, null);
            return c;
        } catch (SQLException e) {
            SQLException diagnosed = connector.diagnose(e, token);
            record(Outcome.of(e, connector), start, diagnosed.getMessage());
            throw diagnosed;
        }
    }

    private void record(String outcome, long startNanos, String diagnosis) {
        long nanos = System.nanoTime() - startNanos;
        instruments.connection(outcome, nanos);
        DataSourceStatus.Attempt a = new DataSourceStatus.Attempt(config.clock().instant(), outcome,
                Duration.ofNanos(nanos), Optional.ofNullable(diagnosis).map(Redaction::scrub));
        synchronized (recent) {
            recent.addLast(a);
            while (recent.size() > DataSourceStatus.RECENT) {
                recent.removeFirst();
            }
        }
    }

    /**
     * A snapshot of this DataSource's health: recent connection attempts with outcome and diagnosis, the cached
     * token's age and expiry (never its value), the credentials source in words, certificate expiries.
     */
    public DataSourceStatus status() {
        List<DataSourceStatus.Attempt> attempts;
        synchronized (recent) {
            attempts = new ArrayList<>(recent);
        }
        Optional<AuthToken> current = tokens.current();
        return new DataSourceStatus(config.name(), config.engine(), config.host(), config.port(),
                credentials.description(), attempts, current.map(AuthToken::issuedAt),
                current.map(AuthToken::expiresAt), providers.values().stream().mapToLong(
                        CachingTokenProvider::mintedCount).sum(), providers.values().stream().mapToLong(
                        CachingTokenProvider::reusedCount).sum(),
                context.lastHandshake().map(h -> h.notAfter()), context.trustEarliestExpiry());
    }

    private void awaitBackoff() throws SQLException {
        try {
            long waited = backoff.await(loginTimeoutSeconds);
            if (waited > 0) {
                LOG.debug("{} - waited {} ms before this login: {} logins in a row were refused", config.name(),
                        waited / 1_000_000, backoff.consecutiveFailures());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting between refused logins (DataSource '" + config.name()
                    + "')", "08001", e);
        }
    }

    private SQLException withThrottleHint(SQLException e, boolean refused) {
        if (!refused || !backoff.inBurst()) {
            return e;
        }
        return Diagnosis.withAdvice(e, "the last " + LoginBackoff.BURST + " logins of DataSource '" + config.name()
                + "' were all refused within " + LoginBackoff.BURST_WINDOW_NANOS / 1_000_000_000L + " s: if they "
                + "worked before, RDS may be throttling new IAM logins (it advises under about 200 new IAM "
                + "connections per second, and a throttled login is refused like a bad token); this DataSource now "
                + "waits up to " + LoginBackoff.CAP_NANOS / 1_000_000_000L + " s between logins; open fewer new "
                + "connections at once (pool size, churn, many clients starting together) or use an RDS Proxy");
    }

    private CachingTokenProvider.Lease lease(CachingTokenProvider provider) throws SQLException {
        long start = System.nanoTime();
        try {
            return provider.acquire();
        } catch (TokenUnavailableException e) {
            SQLException failure = new SQLException(e.getMessage() + " (DataSource '" + config.name() + "')", "08001",
                    e);
            record(Outcome.of(e, connector), start, failure.getMessage());
            throw failure;
        }
    }

    /** Closes the credentials provider and the connector. Open connections stay open. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (wrapper != null) {
                wrapper.close();
            }
        } finally {
            closeRest();
        }
        LOG.debug("{} - closed (tokens minted: {})", config.name(), tokens.mintedCount());
    }

    private void closeRest() {
        try {
            connector.close();
        } finally {
            instruments.close();
            credentials.close();
        }
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    /**
     * The connect timeout of each step is {@code rdsiam.connectTimeout}; a login timeout (HikariCP sets its
     * {@code connectionTimeout} here) bounds the wait between refused logins to half of it.
     */
    @Override
    public void setLoginTimeout(int seconds) {
        this.loginTimeoutSeconds = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeoutSeconds;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("rds-iam-jdbc logs through SLF4J");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("RdsIamDataSource does not wrap " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    @Override
    public String toString() {
        return "RdsIamDataSource[" + config + "]";
    }
}
