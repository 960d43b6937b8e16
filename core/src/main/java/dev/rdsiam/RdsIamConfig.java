package dev.rdsiam;

import dev.rdsiam.internal.config.JdbcUrl;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The immutable, validated configuration of one IAM-authenticated database endpoint.
 *
 * <pre>{@code
 * RdsIamConfig config = RdsIamConfig.builder()
 *     .engine(Engine.POSTGRESQL).host("orders.c0ffee.eu-west-1.rds.amazonaws.com")
 *     .database("orders").user("app").build();
 * DataSource ds = RdsIam.pooledDataSource(config);
 * }</pre>
 *
 * <p>Front doors: {@link #builder()}, {@link #fromProperties(Properties, String)}, {@link #fromUrl(String, Properties)}
 * and {@link Builder#environment(Map)}. Every key, its default and its text form come from the one catalogue,
 * {@link RdsIamProperty}. All front doors validate in {@link Builder#build()}: a bad value fails there with an
 * {@link IllegalArgumentException} that names the key, the value (never a secret's, nor one that looks like a secret)
 * and the fix. Whether a configuration is valid does not depend on the class path: the engine binding (and its
 * refusal of TLS-weakening driver properties) is looked up when a DataSource is created.
 */
public final class RdsIamConfig {

    /** The lifetime of an IAM auth token, fixed by RDS. */
    public static final Duration TOKEN_LIFETIME = Duration.ofMinutes(15);

    /**
     * {@code RDSIAM_} variables that belong to the project's tools, not to the configuration: the {@code rdsiam}
     * launcher's JVM options and the facts the testkit prints for an Aurora cluster (its {@code RDSIAM_ROUTES} is
     * the key {@code rdsiam.routes}).
     */
    public static final Set<String> TOOL_VARIABLES = Set.of("RDSIAM_JAVA_OPTS", "RDSIAM_CLUSTER_HOST",
            "RDSIAM_READER_HOST", "RDSIAM_INSTANCE_HOSTS");

    private static final Logger LOG = LoggerFactory.getLogger(RdsIamConfig.class);
    private static final Set<String> WARNED_VARIABLES = ConcurrentHashMap.newKeySet();

    /**
     * The route to dial when it differs from the identity: an SSM port-forwarding tunnel, an NLB, a jump host.
     *
     * @param host the host to dial ({@code rdsiam.connectHost})
     * @param port the port to dial ({@code rdsiam.connectPort})
     */
    public record Route(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    /**
     * The STS AssumeRole whose session credentials sign the tokens.
     *
     * @param roleArn the role ({@code rdsiam.roleArn})
     * @param externalId the external id the role's trust policy asks for ({@code rdsiam.externalId}), if any
     * @param sessionName the session name ({@code rdsiam.roleSessionName})
     * @param duration the session duration ({@code rdsiam.roleDuration})
     */
    public record AssumeRole(String roleArn, Optional<String> externalId, String sessionName, Duration duration) {
    }

    /** The typed values by key, defaults applied; unmodifiable. */
    private final Map<RdsIamProperty, Object> values;
    private final RdsEndpoint endpoint;
    private final int port;
    private final String region;
    private final String stsRegion;
    private final Route route;
    private final AssumeRole assumeRole;
    private final AwsCredentialsProvider credentialsProvider;
    private final Clock clock;
    private final Object meterRegistry;
    private final Map<String, String> driverProperties;

    private RdsIamConfig(Builder b, ConfigChecks.Result checked) {
        this.values = Collections.unmodifiableMap(new EnumMap<>(b.values));
        this.endpoint = checked.endpoint();
        this.port = checked.port();
        this.region = checked.region();
        String sts = (String) values.get(RdsIamProperty.STS_REGION);
        this.stsRegion = sts != null ? sts : region;
        String connectHost = (String) values.get(RdsIamProperty.CONNECT_HOST);
        this.route = connectHost == null ? null
                : new Route(connectHost, (Integer) values.get(RdsIamProperty.CONNECT_PORT));
        String roleArn = (String) values.get(RdsIamProperty.ROLE_ARN);
        this.assumeRole = roleArn == null ? null : new AssumeRole(roleArn,
                Optional.ofNullable((String) values.get(RdsIamProperty.EXTERNAL_ID)),
                (String) values.get(RdsIamProperty.ROLE_SESSION_NAME),
                (Duration) values.get(RdsIamProperty.ROLE_DURATION));
        this.credentialsProvider = b.credentialsProvider;
        this.clock = b.clock;
        this.meterRegistry = b.meterRegistry;
        this.driverProperties = Collections.unmodifiableMap(new TreeMap<>(b.driverProperties));
    }

    /** A new builder with the defaults of the catalogue. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the keys of {@link RdsIamProperty} from properties, e.g. Spring's {@code rdsiam.*}.
     *
     * @param props the properties; not modified
     * @param prefix the prefix of our keys, e.g. {@code "rdsiam."}; keys without it are ignored. With an empty or
     *     null prefix every key must be one of ours.
     * @throws IllegalArgumentException for unknown keys with the prefix (with the closest valid key) and bad values
     */
    public static RdsIamConfig fromProperties(Properties props, String prefix) {
        Builder b = builder();
        String p = prefix == null ? "" : prefix;
        for (Map.Entry<String, String> e : propertiesAsMap(props).entrySet()) {
            if (e.getKey().startsWith(p)) {
                b.set(e.getKey().substring(p.length()), e.getValue());
            }
        }
        return b.build();
    }

    /**
     * Parses a {@code jdbc:rdsiam:postgresql://host:port/db?...} or {@code jdbc:rdsiam:mysql://...} URL.
     * Query parameters and {@code info} entries named {@code rdsiam.*} configure the library; {@code user} is the
     * database user; every other entry passes through to the driver (the engine binding refuses TLS downgrades when
     * the DataSource is created). The {@code jdbc:rdsiam:} driver reads URLs through this same method.
     *
     * @param url the URL
     * @param info connection properties (may be null); not modified
     * @throws IllegalArgumentException for a malformed URL, a missing engine, or bad values
     */
    public static RdsIamConfig fromUrl(String url, Properties info) {
        JdbcUrl.Parsed parsed = JdbcUrl.parse(url, propertiesAsMap(info));
        Builder b = builder().engine(parsed.engine()).host(parsed.host());
        parsed.libraryKeys().forEach(b::set);
        parsed.user().ifPresent(b::user);
        b.driverProperties(parsed.driverProperties());
        return b.build();
    }

    private static Map<String, String> propertiesAsMap(Properties props) {
        Map<String, String> m = new TreeMap<>();
        if (props != null) {
            for (String k : props.stringPropertyNames()) {
                m.put(k, props.getProperty(k));
            }
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    private <T> T get(RdsIamProperty p) {
        return (T) values.get(p);
    }

    /** The engine. */
    public Engine engine() {
        return get(RdsIamProperty.ENGINE);
    }

    /** The identity endpoint (the real RDS/Aurora/proxy name), as parsed. */
    public RdsEndpoint endpoint() {
        return endpoint;
    }

    /** The identity host name (signed into tokens, checked against certificates). */
    public String host() {
        return endpoint.host();
    }

    /** The identity port (signed into tokens). */
    public int port() {
        return port;
    }

    /** The database name, if set. */
    public Optional<String> database() {
        return Optional.ofNullable(get(RdsIamProperty.DATABASE));
    }

    /** The database user. */
    public String user() {
        return get(RdsIamProperty.USER);
    }

    /** The signing region: configured, or read from the host name. */
    public String region() {
        return region;
    }

    /** The route to dial, if it differs from the identity. */
    public Optional<Route> route() {
        return Optional.ofNullable(route);
    }

    /** The host to dial, if it differs from the identity host. */
    public Optional<String> connectHost() {
        return route().map(Route::host);
    }

    /** The port to dial, if the route differs from the identity. */
    public Optional<Integer> connectPort() {
        return route().map(Route::port);
    }

    /** The host actually dialled: {@link #connectHost()} or the identity host. */
    public String routeHost() {
        return route != null ? route.host() : endpoint.host();
    }

    /** The port actually dialled: {@link #connectPort()} or the identity port. */
    public int routePort() {
        return route != null ? route.port() : port;
    }

    /** Whether a route other than the identity is configured. */
    public boolean hasRoute() {
        return route != null;
    }

    /**
     * The routes per endpoint name ({@code rdsiam.routes}), names in lower case; empty when none are configured.
     * The route of {@link #host()} may also be given as {@code connectHost}/{@code connectPort}.
     */
    public Map<String, Route> routes() {
        Map<String, Route> r = get(RdsIamProperty.ROUTES);
        return r == null ? Map.of() : r;
    }

    /**
     * The route to dial for a connection to the endpoint {@code identityHost}: its entry in {@link #routes()}, the
     * {@code connectHost} route for the configured host, or empty (dial the name directly).
     *
     * @param identityHost the endpoint name the connection is signed for and verified against
     */
    public Optional<Route> routeFor(String identityHost) {
        String name = identityHost.toLowerCase(java.util.Locale.ROOT);
        Route r = routes().get(name);
        if (r != null) {
            return Optional.of(r);
        }
        return name.equals(endpoint.host().toLowerCase(java.util.Locale.ROOT)) ? route() : Optional.empty();
    }

    /**
     * The AWS Advanced JDBC Wrapper plugin codes ({@code rdsiam.wrapperPlugins}) in the order given; empty when the
     * DataSource connects through the engine's driver alone.
     */
    public List<String> wrapperPlugins() {
        List<String> l = get(RdsIamProperty.WRAPPER_PLUGINS);
        return l == null ? List.of() : l;
    }

    /** Bound on TCP connect, TLS handshake and each read of the login. */
    public Duration connectTimeout() {
        return get(RdsIamProperty.CONNECT_TIMEOUT);
    }

    /** How long a token is reused for new connections. */
    public Duration tokenReuseWindow() {
        return get(RdsIamProperty.TOKEN_REUSE_WINDOW);
    }

    /** The trust choice. */
    public Trust trust() {
        return get(RdsIamProperty.TRUST);
    }

    /** The extra (or, with {@link Trust#PEM}, only) CA file. */
    public Optional<Path> trustPem() {
        return Optional.ofNullable(get(RdsIamProperty.TRUST_PEM));
    }

    /** The DataSource name (log prefix, meter tag). */
    public String name() {
        return get(RdsIamProperty.NAME);
    }

    /** The static access key id, if static keys are configured. */
    public Optional<String> accessKeyId() {
        return Optional.ofNullable(get(RdsIamProperty.ACCESS_KEY_ID));
    }

    /** The static secret key, if configured. A secret. */
    public Optional<String> secretAccessKey() {
        return Optional.ofNullable(get(RdsIamProperty.SECRET_ACCESS_KEY));
    }

    /** The static session token, if configured. A secret. */
    public Optional<String> sessionToken() {
        return Optional.ofNullable(get(RdsIamProperty.SESSION_TOKEN));
    }

    /** The named profile, if configured. */
    public Optional<String> profile() {
        return Optional.ofNullable(get(RdsIamProperty.PROFILE));
    }

    /** A caller-supplied credentials provider, if configured (then the caller owns and closes it). */
    public Optional<AwsCredentialsProvider> credentialsProvider() {
        return Optional.ofNullable(credentialsProvider);
    }

    /** The role to assume with STS, if configured. */
    public Optional<AssumeRole> assumeRole() {
        return Optional.ofNullable(assumeRole);
    }

    /** The STS endpoint override, if configured. */
    public Optional<URI> stsEndpoint() {
        return Optional.ofNullable(get(RdsIamProperty.STS_ENDPOINT));
    }

    /** The STS region (defaults to {@link #region()}). */
    public String stsRegion() {
        return stsRegion;
    }

    /** The clock used for token times and cache decisions. */
    public Clock clock() {
        return clock;
    }

    /** Properties passed through to the JDBC driver, sorted by key. */
    public Map<String, String> driverProperties() {
        return driverProperties;
    }

    /** Whether meters are off ({@code rdsiam.metrics=off}). */
    public boolean metricsOff() {
        return "off".equals(get(RdsIamProperty.METRICS));
    }

    /** The Micrometer {@code MeterRegistry} given to the builder, if any (typed {@code Object}: Micrometer is optional). */
    public Optional<Object> meterRegistry() {
        return Optional.ofNullable(meterRegistry);
    }

    /**
     * Where credentials come from, in words and without secrets, e.g. {@code profile 'ops'} or
     * {@code default credentials chain, then assume role arn:aws:iam::123456789012:role/db (external id set)}.
     */
    public String credentialsDescription() {
        String base;
        if (credentialsProvider != null) {
            base = "caller-supplied provider " + credentialsProvider.getClass().getSimpleName();
        } else if (profile().isPresent()) {
            base = "profile " + Redaction.quote(profile().get());
        } else if (accessKeyId().isPresent()) {
            base = (sessionToken().isPresent() ? "static session credentials " : "static keys ")
                    + Redaction.maskKeyId(accessKeyId().get());
        } else {
            base = "default credentials chain";
        }
        if (assumeRole != null) {
            base += ", then assume role " + assumeRole.roleArn()
                    + (assumeRole.externalId().isPresent() ? " (external id set)" : "");
        }
        return base;
    }

    /** A builder holding this configuration's values, to derive a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.values.putAll(values);
        b.values.put(RdsIamProperty.HOST, endpoint.host());
        if (stsRegion.equals(region)) {
            b.values.remove(RdsIamProperty.STS_REGION);
        }
        b.credentialsProvider = credentialsProvider;
        b.clock = clock;
        b.meterRegistry = meterRegistry;
        b.driverProperties.putAll(driverProperties);
        return b;
    }

    /**
     * The keys that differ from their defaults, in catalogue order, with secrets as {@code ****} and the access key
     * id masked; the credentials source in words; the names (not the values) of driver properties.
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("RdsIamConfig[");
        sb.append(engine().key()).append("://").append(user()).append('@').append(endpoint.host()).append(':')
                .append(port);
        database().ifPresent(d -> sb.append('/').append(d));
        sb.append(", type=").append(endpoint.type()).append(", region=").append(region);
        if (route != null) {
            sb.append(", route=").append(route);
        }
        sb.append(", credentials=").append(credentialsDescription());
        Set<RdsIamProperty> shownAbove = Set.of(RdsIamProperty.ENGINE, RdsIamProperty.USER, RdsIamProperty.HOST,
                RdsIamProperty.PORT, RdsIamProperty.DATABASE, RdsIamProperty.REGION, RdsIamProperty.CONNECT_HOST,
                RdsIamProperty.CONNECT_PORT, RdsIamProperty.ACCESS_KEY_ID, RdsIamProperty.PROFILE,
                RdsIamProperty.ROLE_ARN, RdsIamProperty.EXTERNAL_ID, RdsIamProperty.NAME);
        for (Map.Entry<RdsIamProperty, Object> e : values.entrySet()) {
            RdsIamProperty p = e.getKey();
            boolean always = p == RdsIamProperty.TRUST || p == RdsIamProperty.CONNECT_TIMEOUT
                    || p == RdsIamProperty.TOKEN_REUSE_WINDOW;
            if (!shownAbove.contains(p) && (always || !Objects.equals(e.getValue(), p.parsedDefault()))) {
                sb.append(", ").append(p.key()).append('=').append(p.display(p.format(e.getValue())));
            }
        }
        if (!driverProperties.isEmpty()) {
            sb.append(", driverProperties=").append(driverProperties.keySet());
        }
        return sb.append(", name=").append(name()).append(']').toString();
    }

    /**
     * Builds a {@link RdsIamConfig}. Setters only record; {@link #build()} validates everything at once and reports
     * every problem in one message. Defaults come from the catalogue ({@link RdsIamProperty#defaultValue()}).
     */
    public static final class Builder {
        private final EnumMap<RdsIamProperty, Object> values = new EnumMap<>(RdsIamProperty.class);
        private AwsCredentialsProvider credentialsProvider;
        private Clock clock = Clock.systemUTC();
        private Object meterRegistry;
        private final Map<String, String> driverProperties = new TreeMap<>();
        private final List<String> parseErrors = new ArrayList<>();

        private Builder() {
            for (RdsIamProperty p : RdsIamProperty.values()) {
                Object d = p.parsedDefault();
                if (d != null) {
                    values.put(p, d);
                }
            }
        }

        private Builder put(RdsIamProperty p, Object value) {
            if (value == null) {
                Object d = p.parsedDefault();
                if (d == null) {
                    values.remove(p);
                } else {
                    values.put(p, d);
                }
            } else {
                values.put(p, value);
            }
            return this;
        }

        /** The engine (required). */
        public Builder engine(Engine engine) {
            return put(RdsIamProperty.ENGINE, engine);
        }

        /** The real RDS/Aurora/RDS Proxy endpoint name (required). */
        public Builder host(String host) {
            return put(RdsIamProperty.HOST, host);
        }

        /** The endpoint's port as RDS knows it; default 5432/3306 by engine. */
        public Builder port(int port) {
            return put(RdsIamProperty.PORT, port);
        }

        /** The database name. */
        public Builder database(String database) {
            return put(RdsIamProperty.DATABASE, database);
        }

        /** The database user (required). */
        public Builder user(String user) {
            return put(RdsIamProperty.USER, user);
        }

        /** The signing region; default: read from the host name. */
        public Builder region(String region) {
            return put(RdsIamProperty.REGION, region);
        }

        /** Dial this host instead of the identity host (tunnel, NLB, jump host). Needs {@link #connectPort(int)}. */
        public Builder connectHost(String connectHost) {
            return put(RdsIamProperty.CONNECT_HOST, connectHost);
        }

        /**
         * Routes per endpoint name ({@code rdsiam.routes}): for a cluster whose instances are each reached through
         * their own tunnel or NLB listener.
         */
        public Builder routes(Map<String, Route> routes) {
            if (routes == null || routes.isEmpty()) {
                return put(RdsIamProperty.ROUTES, null);
            }
            StringBuilder sb = new StringBuilder();
            routes.forEach((n, r) -> sb.append(sb.length() == 0 ? "" : ",").append(n).append('=')
                    .append(r.host().indexOf(':') >= 0 ? "[" + r.host() + "]" : r.host()).append(':').append(r.port()));
            return set(RdsIamProperty.ROUTES.key(), sb.toString());
        }

        /**
         * Connect through the AWS Advanced JDBC Wrapper with these of its plugin codes ({@code rdsiam.wrapperPlugins},
         * e.g. {@code "failover2", "efm2"}); none: the engine's driver alone.
         */
        public Builder wrapperPlugins(String... codes) {
            return codes == null || codes.length == 0 ? put(RdsIamProperty.WRAPPER_PLUGINS, null)
                    : set(RdsIamProperty.WRAPPER_PLUGINS.key(), String.join(",", codes));
        }

        /** The port to dial on {@link #connectHost(String)}. */
        public Builder connectPort(int connectPort) {
            return put(RdsIamProperty.CONNECT_PORT, connectPort);
        }

        /** Bound on the TCP connect, the TLS handshake and each read of the login; default 10s. */
        public Builder connectTimeout(Duration connectTimeout) {
            return put(RdsIamProperty.CONNECT_TIMEOUT, connectTimeout);
        }

        /** How long a minted token is reused for new connections; default 10m, less than 15m. */
        public Builder tokenReuseWindow(Duration tokenReuseWindow) {
            return put(RdsIamProperty.TOKEN_REUSE_WINDOW, tokenReuseWindow);
        }

        /** Which CAs are trusted; default {@link Trust#AUTO}. */
        public Builder trust(Trust trust) {
            return put(RdsIamProperty.TRUST, trust);
        }

        /** A PEM file of extra CA certificates (the only ones with {@link Trust#PEM}). */
        public Builder trustPem(Path trustPem) {
            return put(RdsIamProperty.TRUST_PEM, trustPem);
        }

        /** The DataSource's name (log prefix, meter tag); default {@code rdsiam}. */
        public Builder name(String name) {
            return put(RdsIamProperty.NAME, name);
        }

        /** A static access key id (tests, local development). Needs {@link #secretAccessKey(String)}. */
        public Builder accessKeyId(String accessKeyId) {
            return put(RdsIamProperty.ACCESS_KEY_ID, accessKeyId);
        }

        /** A static secret access key. A secret: never logged or shown. */
        public Builder secretAccessKey(String secretAccessKey) {
            return put(RdsIamProperty.SECRET_ACCESS_KEY, secretAccessKey);
        }

        /** The session token of static temporary credentials. A secret: never logged or shown. */
        public Builder sessionToken(String sessionToken) {
            return put(RdsIamProperty.SESSION_TOKEN, sessionToken);
        }

        /** A named AWS profile (credential_process, IAM Roles Anywhere, SSO, role chains). */
        public Builder profile(String profile) {
            return put(RdsIamProperty.PROFILE, profile);
        }

        /**
         * A credentials provider of the caller's (it owns and closes it); excludes {@link #profile(String)} and static
         * keys.
         */
        public Builder credentialsProvider(AwsCredentialsProvider credentialsProvider) {
            this.credentialsProvider = credentialsProvider;
            return this;
        }

        /** A role to assume with STS, on top of the other credentials. */
        public Builder roleArn(String roleArn) {
            return put(RdsIamProperty.ROLE_ARN, roleArn);
        }

        /** The external id of the role to assume. Needs {@link #roleArn(String)}. */
        public Builder externalId(String externalId) {
            return put(RdsIamProperty.EXTERNAL_ID, externalId);
        }

        /** The AssumeRole session name; default {@code rdsiam}. Needs {@link #roleArn(String)}. */
        public Builder roleSessionName(String roleSessionName) {
            return put(RdsIamProperty.ROLE_SESSION_NAME, roleSessionName);
        }

        /** The AssumeRole session duration, 15m to 12h; default 1h. Needs {@link #roleArn(String)}. */
        public Builder roleDuration(Duration roleDuration) {
            return put(RdsIamProperty.ROLE_DURATION, roleDuration);
        }

        /** An STS endpoint override (VPC interface endpoint, local STS). */
        public Builder stsEndpoint(URI stsEndpoint) {
            return put(RdsIamProperty.STS_ENDPOINT, stsEndpoint);
        }

        /** The region of the STS endpoint; default the signing region. */
        public Builder stsRegion(String stsRegion) {
            return put(RdsIamProperty.STS_REGION, stsRegion);
        }

        /**
         * Meters on or off: {@code auto} (default: into the registry given with {@link #meterRegistry(Object)}, else
         * Micrometer's global registry, when Micrometer is on the class path) or {@code off}.
         */
        public Builder metrics(String metrics) {
            return set(RdsIamProperty.METRICS, metrics);
        }

        /**
         * The Micrometer {@code io.micrometer.core.instrument.MeterRegistry} for this DataSource's meters (Spring
         * Boot's, Quarkus', your own). Typed {@code Object} so that the API does not need Micrometer; anything else
         * fails {@link #build()}.
         */
        public Builder meterRegistry(Object meterRegistry) {
            this.meterRegistry = meterRegistry;
            return this;
        }

        /** The clock for token times and cache decisions (tests inject a fixed or moving clock). */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** A property passed through to the JDBC driver. */
        public Builder driverProperty(String key, String value) {
            driverProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Properties passed through to the JDBC driver. */
        public Builder driverProperties(Map<String, String> properties) {
            properties.forEach(this::driverProperty);
            return this;
        }

        /**
         * Sets a key of the catalogue from its text form, e.g. {@code set("connectTimeout", "5s")}.
         *
         * @throws IllegalArgumentException at once for an unknown key (naming the closest valid one); a bad value is
         *     reported by {@link #build()} together with any other problem
         */
        public Builder set(String key, String value) {
            RdsIamProperty p = RdsIamProperty.forKey(key).orElseThrow(() -> RdsIamProperty.unknownKey(key));
            return set(p, value);
        }

        /** Sets a key of the catalogue from its text form. A bad value is reported by {@link #build()}. */
        public Builder set(RdsIamProperty p, String value) {
            try {
                values.put(p, p.parse(value == null ? null : value.trim()));
            } catch (IllegalArgumentException e) {
                parseErrors.add(e.getMessage());
            }
            return this;
        }

        /**
         * Reads {@code RDSIAM_*} variables (see {@link RdsIamProperty#environmentVariable()}) from an environment
         * map, e.g. {@code System.getenv()}. Other variables are ignored. The environment is shared with other tools,
         * so an {@code RDSIAM_} variable that is no key of the library is not fatal: it is logged once per JVM at WARN
         * with the nearest known variable (a bad <em>value</em> of a known variable still fails {@link #build()}).
         * Variables of the project's own tools ({@link #TOOL_VARIABLES}) are known and pass silently.
         */
        public Builder environment(Map<String, String> env) {
            Map<String, RdsIamProperty> byVar = new TreeMap<>();
            for (RdsIamProperty p : RdsIamProperty.values()) {
                byVar.put(p.environmentVariable(), p);
            }
            for (String name : new TreeSet<>(env.keySet())) {
                String value = env.get(name);
                if (!name.startsWith("RDSIAM_") || value == null || value.isEmpty()) {
                    continue;
                }
                RdsIamProperty p = byVar.get(name);
                if (p != null) {
                    set(p, value);
                } else if (!TOOL_VARIABLES.contains(name) && WARNED_VARIABLES.add(name)) {
                    LOG.warn("ignoring environment variable {}: it is no setting of rds-iam-jdbc{}", name,
                            nearestVariable(name).map(v -> " (did you mean " + v + "?)").orElse(""));
                }
            }
            return this;
        }

        /** The known variable nearest to an unknown {@code RDSIAM_} one, for the warning. */
        static Optional<String> nearestVariable(String variable) {
            String key = variable.substring("RDSIAM_".length()).replace("_", "");
            return RdsIamProperty.closest(key).map(RdsIamProperty::environmentVariable);
        }


        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException listing every problem, each naming its key and the fix
         */
        public RdsIamConfig build() {
            List<String> errors = new ArrayList<>(parseErrors);
            ConfigChecks.Result checked = ConfigChecks.run(values, new ConfigChecks.Extras(credentialsProvider != null,
                    clock != null, meterRegistry, driverProperties), errors);
            if (!errors.isEmpty()) {
                // the last safety net: whatever a check quoted, nothing that looks like a secret leaves build()
                String text = errors.size() == 1 ? errors.get(0)
                        : errors.size() + " configuration problems: " + String.join("; ", errors);
                throw new IllegalArgumentException(ConfigChecks.scrubSecrets(text, values));
            }
            return new RdsIamConfig(this, checked);
        }
    }
}
