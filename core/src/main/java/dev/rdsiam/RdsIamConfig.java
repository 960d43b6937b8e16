package dev.rdsiam;

import dev.rdsiam.internal.config.DurationText;
import dev.rdsiam.internal.config.JdbcUrl;
import dev.rdsiam.spi.EngineBinding;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;
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
 * and {@link Builder#environment(Map)}. All of them validate in {@link Builder#build()}: a bad value fails there with
 * an {@link IllegalArgumentException} that names the key, the value (never a secret's) and the fix.
 */
public final class RdsIamConfig {

    /** The lifetime of an IAM auth token, fixed by RDS. */
    public static final Duration TOKEN_LIFETIME = Duration.ofMinutes(15);

    private static final Pattern ROLE_ARN = Pattern.compile("^arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}$");
    /**
     * {@code RDSIAM_} variables that belong to the project's tools, not to the configuration: the {@code rdsiam}
     * launcher's JVM options and the facts the testkit prints for an Aurora cluster.
     */
    public static final java.util.Set<String> TOOL_VARIABLES = java.util.Set.of("RDSIAM_JAVA_OPTS",
            "RDSIAM_CLUSTER_HOST", "RDSIAM_READER_HOST", "RDSIAM_INSTANCE_HOSTS", "RDSIAM_ROUTES");

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RdsIamConfig.class);
    private static final java.util.Set<String> WARNED_VARIABLES = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static final Pattern ACCESS_KEY_ID_SHAPE = Pattern.compile("^[A-Z0-9]{16,128}$");
    private static final Pattern ISSUED_KEY_ID = Pattern.compile("^A[SK]IA[A-Z0-9]{12,124}$");
    private static final Pattern SESSION_NAME = Pattern.compile("^[\\w+=,.@-]{2,64}$");
    private static final Pattern EXTERNAL_ID = Pattern.compile("^[\\w+=,.@:/-]{2,1224}$");
    private static final Pattern HOST_NAME = Pattern.compile("^[A-Za-z0-9_]([A-Za-z0-9_.-]{0,252})?\\.?$|^\\[?[0-9A-Fa-f:.]+]?$");

    private final Engine engine;
    private final RdsEndpoint endpoint;
    private final int port;
    private final String database;
    private final String user;
    private final String region;
    private final String connectHost;
    private final Integer connectPort;
    private final Duration connectTimeout;
    private final Duration tokenReuseWindow;
    private final Trust trust;
    private final Path trustPem;
    private final String name;
    private final String accessKeyId;
    private final String secretAccessKey;
    private final String sessionToken;
    private final String profile;
    private final AwsCredentialsProvider credentialsProvider;
    private final String roleArn;
    private final String externalId;
    private final String roleSessionName;
    private final Duration roleDuration;
    private final URI stsEndpoint;
    private final String stsRegion;
    private final Clock clock;
    private final Map<String, String> driverProperties;
    private final boolean metricsOff;
    private final Object meterRegistry;

    private RdsIamConfig(Builder b, RdsEndpoint endpoint, int port, String region) {
        this.engine = b.engine;
        this.endpoint = endpoint;
        this.port = port;
        this.database = b.database;
        this.user = b.user;
        this.region = region;
        this.connectHost = b.connectHost;
        this.connectPort = b.connectPort;
        this.connectTimeout = b.connectTimeout;
        this.tokenReuseWindow = b.tokenReuseWindow;
        this.trust = b.trust;
        this.trustPem = b.trustPem;
        this.name = b.name;
        this.accessKeyId = b.accessKeyId;
        this.secretAccessKey = b.secretAccessKey;
        this.sessionToken = b.sessionToken;
        this.profile = b.profile;
        this.credentialsProvider = b.credentialsProvider;
        this.roleArn = b.roleArn;
        this.externalId = b.externalId;
        this.roleSessionName = b.roleSessionName;
        this.roleDuration = b.roleDuration;
        this.stsEndpoint = b.stsEndpoint;
        this.stsRegion = b.stsRegion != null ? b.stsRegion : region;
        this.clock = b.clock;
        this.driverProperties = Collections.unmodifiableMap(new TreeMap<>(b.driverProperties));
        this.metricsOff = "off".equals(b.metrics);
        this.meterRegistry = b.meterRegistry;
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
        for (String k : new TreeMap<>(propertiesAsMap(props)).keySet()) {
            if (k.startsWith(p)) {
                b.set(k.substring(p.length()), props.getProperty(k));
            }
        }
        return b.build();
    }

    /**
     * Parses a {@code jdbc:rdsiam:postgresql://host:port/db?...} or {@code jdbc:rdsiam:mysql://...} URL.
     * Query parameters and {@code info} entries named {@code rdsiam.*} configure the library; {@code user} is the
     * database user; every other entry passes through to the driver (the engine binding refuses TLS downgrades).
     *
     * @param url the URL
     * @param info connection properties (may be null); not modified
     * @throws IllegalArgumentException for a malformed URL, a missing engine, or bad values
     */
    public static RdsIamConfig fromUrl(String url, Properties info) {
        return JdbcUrl.parse(url, propertiesAsMap(info)).build();
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

    /** The engine. */
    public Engine engine() {
        return engine;
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
        return Optional.ofNullable(database);
    }

    /** The database user. */
    public String user() {
        return user;
    }

    /** The signing region: configured, or read from the host name. */
    public String region() {
        return region;
    }

    /** The host to dial, if it differs from the identity host. */
    public Optional<String> connectHost() {
        return Optional.ofNullable(connectHost);
    }

    /** The port to dial, if the route differs from the identity. */
    public Optional<Integer> connectPort() {
        return Optional.ofNullable(connectPort);
    }

    /** The host actually dialled: {@link #connectHost()} or the identity host. */
    public String routeHost() {
        return connectHost != null ? connectHost : endpoint.host();
    }

    /** The port actually dialled: {@link #connectPort()} or the identity port. */
    public int routePort() {
        return connectPort != null ? connectPort : port;
    }

    /** Whether a route other than the identity is configured. */
    public boolean hasRoute() {
        return connectHost != null;
    }

    /** Bound on TCP connect and TLS handshake. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** How long a token is reused for new connections. */
    public Duration tokenReuseWindow() {
        return tokenReuseWindow;
    }

    /** The trust choice. */
    public Trust trust() {
        return trust;
    }

    /** The extra (or, with {@link Trust#PEM}, only) CA file. */
    public Optional<Path> trustPem() {
        return Optional.ofNullable(trustPem);
    }

    /** The DataSource name (log prefix). */
    public String name() {
        return name;
    }

    /** The static access key id, if static keys are configured. */
    public Optional<String> accessKeyId() {
        return Optional.ofNullable(accessKeyId);
    }

    /** The static secret key, if configured. A secret. */
    public Optional<String> secretAccessKey() {
        return Optional.ofNullable(secretAccessKey);
    }

    /** The static session token, if configured. A secret. */
    public Optional<String> sessionToken() {
        return Optional.ofNullable(sessionToken);
    }

    /** The named profile, if configured. */
    public Optional<String> profile() {
        return Optional.ofNullable(profile);
    }

    /** A caller-supplied credentials provider, if configured (then the caller owns and closes it). */
    public Optional<AwsCredentialsProvider> credentialsProvider() {
        return Optional.ofNullable(credentialsProvider);
    }

    /** The role to assume, if configured. */
    public Optional<String> roleArn() {
        return Optional.ofNullable(roleArn);
    }

    /** The external id for AssumeRole, if configured. */
    public Optional<String> externalId() {
        return Optional.ofNullable(externalId);
    }

    /** The AssumeRole session name. */
    public String roleSessionName() {
        return roleSessionName;
    }

    /** The AssumeRole session duration. */
    public Duration roleDuration() {
        return roleDuration;
    }

    /** The STS endpoint override, if configured. */
    public Optional<URI> stsEndpoint() {
        return Optional.ofNullable(stsEndpoint);
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

    /**
     * Where credentials come from, in words and without secrets, e.g. {@code profile 'ops'} or
     * {@code default credentials chain, then assume role arn:aws:iam::123456789012:role/db (external id set)}.
     */
    public String credentialsDescription() {
        String base;
        if (credentialsProvider != null) {
            base = "caller-supplied provider " + credentialsProvider.getClass().getSimpleName();
        } else if (profile != null) {
            base = "profile " + Redaction.quote(profile);
        } else if (accessKeyId != null) {
            base = (sessionToken != null ? "static session credentials " : "static keys ") + maskKeyId(accessKeyId);
        } else {
            base = "default credentials chain";
        }
        if (roleArn != null) {
            base += ", then assume role " + roleArn + (externalId != null ? " (external id set)" : "");
        }
        return base;
    }

    /** Shows the first 4 and last 4 characters of an access key id. */
    static String maskKeyId(String keyId) {
        return keyId.length() <= 8 ? "****" : keyId.substring(0, 4) + "…" + keyId.substring(keyId.length() - 4);
    }

    /** A builder holding this configuration's values, to derive a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.engine = engine;
        b.host = endpoint.host();
        b.port = port;
        b.database = database;
        b.user = user;
        b.region = region;
        b.connectHost = connectHost;
        b.connectPort = connectPort;
        b.connectTimeout = connectTimeout;
        b.tokenReuseWindow = tokenReuseWindow;
        b.trust = trust;
        b.trustPem = trustPem;
        b.name = name;
        b.accessKeyId = accessKeyId;
        b.secretAccessKey = secretAccessKey;
        b.sessionToken = sessionToken;
        b.profile = profile;
        b.credentialsProvider = credentialsProvider;
        b.roleArn = roleArn;
        b.externalId = externalId;
        b.roleSessionName = roleSessionName;
        b.roleDuration = roleDuration;
        b.stsEndpoint = stsEndpoint;
        b.stsRegion = stsRegion.equals(region) ? null : stsRegion;
        b.clock = clock;
        b.metrics = metricsOff ? "off" : "auto";
        b.meterRegistry = meterRegistry;
        b.driverProperties.putAll(driverProperties);
        return b;
    }

    /** Whether meters are off ({@code rdsiam.metrics=off}). */
    public boolean metricsOff() {
        return metricsOff;
    }

    /** The Micrometer {@code MeterRegistry} given to the builder, if any (typed {@code Object}: Micrometer is optional). */
    public Optional<Object> meterRegistry() {
        return Optional.ofNullable(meterRegistry);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("RdsIamConfig[");
        sb.append(engine).append("://").append(user).append('@').append(endpoint.host()).append(':').append(port);
        if (database != null) {
            sb.append('/').append(database);
        }
        sb.append(", type=").append(endpoint.type()).append(", region=").append(region);
        if (connectHost != null) {
            sb.append(", route=").append(connectHost).append(':').append(connectPort);
        }
        sb.append(", trust=").append(trust);
        if (trustPem != null) {
            sb.append(", trustPem=").append(trustPem);
        }
        sb.append(", credentials=").append(credentialsDescription());
        sb.append(", connectTimeout=").append(DurationText.format(connectTimeout));
        sb.append(", tokenReuseWindow=").append(DurationText.format(tokenReuseWindow));
        if (!driverProperties.isEmpty()) {
            sb.append(", driverProperties=").append(driverProperties.keySet());
        }
        if (metricsOff) {
            sb.append(", metrics=off");
        }
        return sb.append(", name=").append(name).append(']').toString();
    }

    /**
     * Builds a {@link RdsIamConfig}. Setters only record; {@link #build()} validates everything at once and reports
     * every problem in one message.
     */
    public static final class Builder {
        private Engine engine;
        private String host;
        private Integer port;
        private String database;
        private String user;
        private String region;
        private String connectHost;
        private Integer connectPort;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration tokenReuseWindow = Duration.ofMinutes(10);
        private Trust trust = Trust.AUTO;
        private Path trustPem;
        private String name = "rdsiam";
        private String accessKeyId;
        private String secretAccessKey;
        private String sessionToken;
        private String profile;
        private AwsCredentialsProvider credentialsProvider;
        private String roleArn;
        private String externalId;
        private String roleSessionName = "rdsiam";
        private Duration roleDuration = Duration.ofHours(1);
        private URI stsEndpoint;
        private String stsRegion;
        private Clock clock = Clock.systemUTC();
        private String metrics = "auto";
        private Object meterRegistry;
        private final Map<String, String> driverProperties = new TreeMap<>();
        private final List<String> parseErrors = new ArrayList<>();

        private Builder() {
        }

        /** The engine (required). */
        public Builder engine(Engine engine) {
            this.engine = engine;
            return this;
        }

        /** The real RDS/Aurora/RDS Proxy endpoint name (required). */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** The endpoint's port as RDS knows it; default 5432/3306 by engine. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The database name. */
        public Builder database(String database) {
            this.database = database;
            return this;
        }

        /** The database user (required). */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        /** The signing region; default: read from the host name. */
        public Builder region(String region) {
            this.region = region;
            return this;
        }

        /** Dial this host instead of the identity host (tunnel, NLB). Needs {@link #connectPort(int)}. */
        public Builder connectHost(String connectHost) {
            this.connectHost = connectHost;
            return this;
        }

        /** The port to dial on {@link #connectHost(String)}. */
        public Builder connectPort(int connectPort) {
            this.connectPort = connectPort;
            return this;
        }

        /** Bound on TCP connect and TLS handshake; default 10 s. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /** How long a token is reused for new connections; default 10 min, must be less than 15 min. */
        public Builder tokenReuseWindow(Duration tokenReuseWindow) {
            this.tokenReuseWindow = tokenReuseWindow;
            return this;
        }

        /** The trust choice; default {@link Trust#AUTO}. */
        public Builder trust(Trust trust) {
            this.trust = trust;
            return this;
        }

        /** An extra (or, with {@link Trust#PEM}, the only) PEM file of CA certificates. */
        public Builder trustPem(Path trustPem) {
            this.trustPem = trustPem;
            return this;
        }

        /** The DataSource name, used as log prefix; default {@code rdsiam}. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Static access key id (with {@link #secretAccessKey(String)}). */
        public Builder accessKeyId(String accessKeyId) {
            this.accessKeyId = accessKeyId;
            return this;
        }

        /** Static secret access key (with {@link #accessKeyId(String)}). */
        public Builder secretAccessKey(String secretAccessKey) {
            this.secretAccessKey = secretAccessKey;
            return this;
        }

        /** Session token of static temporary credentials. */
        public Builder sessionToken(String sessionToken) {
            this.sessionToken = sessionToken;
            return this;
        }

        /** A named profile from the AWS config/credentials files. */
        public Builder profile(String profile) {
            this.profile = profile;
            return this;
        }

        /**
         * Uses the caller's credentials provider (then the caller owns it: the DataSource does not close it). Excludes
         * profile and static keys; may be combined with {@link #roleArn(String)} as the source credentials.
         */
        public Builder credentialsProvider(AwsCredentialsProvider credentialsProvider) {
            this.credentialsProvider = credentialsProvider;
            return this;
        }

        /** Assume this role with STS and sign tokens with its session credentials. */
        public Builder roleArn(String roleArn) {
            this.roleArn = roleArn;
            return this;
        }

        /** External ID for AssumeRole. */
        public Builder externalId(String externalId) {
            this.externalId = externalId;
            return this;
        }

        /** AssumeRole session name; default {@code rdsiam}. */
        public Builder roleSessionName(String roleSessionName) {
            this.roleSessionName = roleSessionName;
            return this;
        }

        /** AssumeRole session duration, 15 min to 12 h; default 1 h. */
        public Builder roleDuration(Duration roleDuration) {
            this.roleDuration = roleDuration;
            return this;
        }

        /** STS endpoint override. */
        public Builder stsEndpoint(URI stsEndpoint) {
            this.stsEndpoint = stsEndpoint;
            return this;
        }

        /** STS region; default the signing region. */
        public Builder stsRegion(String stsRegion) {
            this.stsRegion = stsRegion;
            return this;
        }

        /** The clock for token times and cache decisions (tests inject a fixed or moving clock). */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Meters on or off: {@code auto} (default: into the registry given with {@link #meterRegistry(Object)}, else
         * Micrometer's global registry, when Micrometer is on the class path) or {@code off}.
         */
        public Builder metrics(String metrics) {
            this.metrics = metrics;
            return this;
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
            RdsIamProperty p = RdsIamProperty.forKey(key).orElseThrow(() -> unknownKey(key));
            return set(p, value);
        }

        /** Sets a key of the catalogue from its text form. A bad value is reported by {@link #build()}. */
        public Builder set(RdsIamProperty p, String value) {
            try {
                apply(p, value == null ? null : value.trim());
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
            for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
                if (!e.getKey().startsWith("RDSIAM_") || e.getValue() == null || e.getValue().isEmpty()) {
                    continue;
                }
                RdsIamProperty p = byVar.get(e.getKey());
                if (p != null) {
                    set(p, e.getValue());
                } else if (!TOOL_VARIABLES.contains(e.getKey()) && WARNED_VARIABLES.add(e.getKey())) {
                    LOG.warn("ignoring environment variable {}: it is no setting of rds-iam-jdbc{}", e.getKey(),
                            nearestVariable(e.getKey()).map(v -> " (did you mean " + v + "?)").orElse(""));
                }
            }
            return this;
        }

        /** The known variable nearest to an unknown {@code RDSIAM_} one, for the warning. */
        static Optional<String> nearestVariable(String variable) {
            String key = variable.substring("RDSIAM_".length()).replace("_", "");
            return RdsIamProperty.closest(key).map(RdsIamProperty::environmentVariable);
        }

        private static IllegalArgumentException unknownKey(String key) {
            String hint = RdsIamProperty.closest(key).map(p -> ": did you mean '" + p.prefixedKey() + "'?")
                    .orElse(": see the configuration table in the README for valid keys");
            return new IllegalArgumentException("unknown property " + Redaction.quote(RdsIamProperty.PREFIX + key) + hint);
        }

        private void apply(RdsIamProperty p, String v) {
            String k = p.prefixedKey();
            if (v == null || v.isEmpty()) {
                throw new IllegalArgumentException(k + " is empty: give a value or leave the key out");
            }
            switch (p) {
                case ACCESS_KEY_ID:
                    accessKeyId = v;
                    break;
                case CONNECT_HOST:
                    connectHost = v;
                    break;
                case CONNECT_PORT:
                    connectPort = parsePort(k, v);
                    break;
                case CONNECT_TIMEOUT:
                    connectTimeout = DurationText.parse(k, v);
                    break;
                case DATABASE:
                    database = v;
                    break;
                case ENGINE:
                    engine = Engine.fromKey(v);
                    break;
                case EXTERNAL_ID:
                    externalId = v;
                    break;
                case HOST:
                    host = v;
                    break;
                case METRICS:
                    if (!RdsIamProperty.METRICS.allowedValues().contains(v)) {
                        throw new IllegalArgumentException(k + " " + Redaction.quote(v) + " is not valid: use auto or "
                                + "off");
                    }
                    metrics = v;
                    break;
                case NAME:
                    name = v;
                    break;
                case PORT:
                    port = parsePort(k, v);
                    break;
                case PROFILE:
                    profile = v;
                    break;
                case REGION:
                    region = v;
                    break;
                case ROLE_ARN:
                    roleArn = v;
                    break;
                case ROLE_DURATION:
                    roleDuration = DurationText.parse(k, v);
                    break;
                case ROLE_SESSION_NAME:
                    roleSessionName = v;
                    break;
                case SECRET_ACCESS_KEY:
                    secretAccessKey = v;
                    break;
                case SESSION_TOKEN:
                    sessionToken = v;
                    break;
                case STS_ENDPOINT:
                    try {
                        stsEndpoint = new URI(v);
                    } catch (URISyntaxException e) {
                        throw new IllegalArgumentException(k + " " + Redaction.quote(v) + " is not a URI: use e.g. "
                                + "https://sts.eu-west-1.amazonaws.com", e);
                    }
                    break;
                case STS_REGION:
                    stsRegion = v;
                    break;
                case TOKEN_REUSE_WINDOW:
                    tokenReuseWindow = DurationText.parse(k, v);
                    break;
                case TRUST:
                    trust = Trust.fromKey(v);
                    break;
                case TRUST_PEM:
                    try {
                        trustPem = Path.of(v);
                    } catch (InvalidPathException e) {
                        throw new IllegalArgumentException(k + " " + Redaction.quote(v) + " is not a valid path", e);
                    }
                    break;
                case USER:
                    user = v;
                    break;
                default:
                    throw new IllegalStateException("no reader for " + p);
            }
        }

        private static int parsePort(String key, String v) {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " " + Redaction.quote(v) + " is not a number: use a port from 1 to 65535", e);
            }
        }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException listing every problem, each naming its key and the fix
         */
        public RdsIamConfig build() {
            List<String> errors = new ArrayList<>(parseErrors);
            RdsEndpoint endpoint = null;
            if (engine == null) {
                errors.add("rdsiam.engine is required: set it to postgresql or mysql (or use a jdbc:rdsiam:postgresql:// "
                        + "or jdbc:rdsiam:mysql:// URL)");
            }
            if (host == null || host.isBlank()) {
                errors.add("rdsiam.host is required: set it to the RDS endpoint name, e.g. "
                        + "mydb.c0ffee000000.us-east-1.rds.amazonaws.com");
            } else {
                String h = host.trim();
                String hostProblem = hostProblem(h);
                if (hostProblem != null) {
                    errors.add("rdsiam.host " + Redaction.quote(host) + " " + hostProblem);
                } else {
                    endpoint = RdsEndpoint.parse(h);
                }
            }
            int p = port != null ? port : engine != null ? engine.defaultPort() : 0;
            if (port != null && (port < 1 || port > 65535)) {
                errors.add("rdsiam.port " + port + " is out of range: use a port from 1 to 65535 (the endpoint's port, "
                        + "e.g. 5432 or 3306)");
            }
            if (user == null || user.isBlank()) {
                errors.add("rdsiam.user is required: the database user that logs in with IAM");
            } else if (!user.equals(user.trim())) {
                errors.add("rdsiam.user " + Redaction.quote(user) + " has leading or trailing spaces: remove them (user names are "
                        + "matched exactly, including case)");
            }
            if (database != null && database.isBlank()) {
                errors.add("rdsiam.database is blank: give a name or leave it out");
            }
            String signingRegion = resolveRegion(endpoint, errors);
            if (stsRegion != null && !RdsEndpoint.isRegionName(stsRegion)) {
                errors.add("rdsiam.stsRegion " + Redaction.quote(stsRegion) + " is not a region name: use e.g. us-east-1");
            }
            checkRoute(errors);
            checkDurations(errors);
            checkMisplacedSecrets(errors);
            checkCredentials(errors);
            checkTrust(errors);
            if (name == null || name.isBlank()) {
                errors.add("rdsiam.name is blank: give the DataSource a name for its log lines, or leave it out");
            }
            if (metrics == null || !RdsIamProperty.METRICS.allowedValues().contains(metrics)) {
                errors.add("rdsiam.metrics " + Redaction.quote(String.valueOf(metrics)) + " is not valid: use auto or "
                        + "off");
            }
            if (meterRegistry != null && !dev.rdsiam.internal.metrics.Instruments.Micrometer.isRegistry(meterRegistry)) {
                errors.add("meterRegistry is a " + meterRegistry.getClass().getName() + ": pass an "
                        + "io.micrometer.core.instrument.MeterRegistry (with io.micrometer:micrometer-core on the "
                        + "class path), or leave it out");
            }
            if (clock == null) {
                errors.add("clock is null: pass a java.time.Clock, or leave it out for the system clock");
            }
            for (String k : driverProperties.keySet()) {
                if (k.equalsIgnoreCase("password")) {
                    errors.add("driver property 'password' is not used: the IAM token is the password; remove it");
                } else if (k.startsWith(RdsIamProperty.PREFIX)) {
                    errors.add("driver property " + Redaction.quote(k) + " looks like a library key: set it as a library property "
                            + "(builder method or rdsiam.* key), not as a driver property");
                }
            }
            if (engine != null && errors.isEmpty()) {
                EngineBinding.find(engine).ifPresent(binding -> {
                    try {
                        binding.validateDriverProperties(driverProperties);
                    } catch (IllegalArgumentException e) {
                        errors.add(e.getMessage());
                    }
                });
            }
            if (!errors.isEmpty()) {
                // the last safety net: whatever a check quoted, nothing that looks like a secret leaves build()
                String text = errors.size() == 1 ? errors.get(0)
                        : errors.size() + " configuration problems: " + String.join("; ", errors);
                throw new IllegalArgumentException(scrubSecrets(text));
            }
            return new RdsIamConfig(this, endpoint, p, signingRegion);
        }

        private static String hostProblem(String h) {
            if (h.contains("://")) {
                return "must be a host name, not a URL: drop the scheme";
            }
            if (h.contains("/")) {
                return "must be a host name: drop the path";
            }
            if (h.indexOf(':') >= 0 && h.indexOf(':') == h.lastIndexOf(':')) {
                return "contains a port: put the port in rdsiam.port";
            }
            if (h.contains(" ")) {
                return "contains a space";
            }
            if (!HOST_NAME.matcher(h).matches()) {
                return "is not a valid host name";
            }
            return null;
        }

        private String resolveRegion(RdsEndpoint endpoint, List<String> errors) {
            String fromHost = endpoint == null ? null : endpoint.region().orElse(null);
            if (region != null) {
                String r = region.trim();
                if (!RdsEndpoint.isRegionName(r)) {
                    errors.add("rdsiam.region " + Redaction.quote(region) + " is not a region name: use e.g. us-east-1 or eu-west-1");
                    return null;
                }
                if (fromHost != null && !fromHost.equals(r)) {
                    errors.add("rdsiam.region " + Redaction.quote(r) + " contradicts the host's region '" + fromHost
                            + "': tokens must be signed for the endpoint's region; remove rdsiam.region or fix the host");
                    return null;
                }
                return r;
            }
            if (fromHost != null) {
                return fromHost;
            }
            if (endpoint != null) {
                String why = endpoint.type() == EndpointType.GLOBAL_WRITER
                        ? "an Aurora Global writer name carries no region"
                        : Redaction.quote(endpoint.host()) + " is not an RDS host name";
                errors.add("rdsiam.region is required: " + why + "; set rdsiam.region to the region of the database "
                        + "(the token is signed for it)");
            }
            return null;
        }

        private void checkRoute(List<String> errors) {
            if (connectHost != null) {
                String problem = hostProblem(connectHost.trim());
                if (connectHost.isBlank() || problem != null) {
                    errors.add("rdsiam.connectHost " + Redaction.quote(connectHost) + " " + (problem == null ? "is blank" : problem));
                }
                if (connectPort == null) {
                    errors.add("rdsiam.connectHost " + Redaction.quote(connectHost) + " needs rdsiam.connectPort: the port of the "
                            + "tunnel or NLB listener (e.g. 8888 for SSM port forwarding)");
                }
            } else if (connectPort != null) {
                errors.add("rdsiam.connectPort " + connectPort + " needs rdsiam.connectHost: the host of the tunnel or "
                        + "NLB (e.g. 127.0.0.1 for SSM port forwarding)");
            }
            if (connectPort != null && (connectPort < 1 || connectPort > 65535)) {
                errors.add("rdsiam.connectPort " + connectPort + " is out of range: use a port from 1 to 65535");
            }
        }

        private void checkDurations(List<String> errors) {
            if (connectTimeout == null || connectTimeout.isZero() || connectTimeout.isNegative()) {
                errors.add("rdsiam.connectTimeout " + show(connectTimeout) + " must be positive: 0 would wait forever "
                        + "on a security group that drops packets; use e.g. 10s");
            } else if (connectTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
                errors.add("rdsiam.connectTimeout " + show(connectTimeout) + " is longer than 5m: use e.g. 10s");
            }
            if (tokenReuseWindow == null || tokenReuseWindow.compareTo(Duration.ofSeconds(1)) < 0) {
                errors.add("rdsiam.tokenReuseWindow " + show(tokenReuseWindow) + " is too short: use 1s to 14m (e.g. 10m)");
            } else if (tokenReuseWindow.compareTo(TOKEN_LIFETIME) >= 0) {
                errors.add("rdsiam.tokenReuseWindow " + show(tokenReuseWindow) + " must be less than 15m, the "
                        + "lifetime of a token: use e.g. 10m");
            }
        }

        private static String show(Duration d) {
            return d == null ? "null" : DurationText.format(d);
        }

        /** The given secrets, verbatim, and anything that looks like one, removed from a message. */
        private String scrubSecrets(String text) {
            String t = text;
            for (String secret : new String[] {secretAccessKey, sessionToken}) {
                if (secret != null && secret.trim().length() >= 8) {
                    t = t.replace(secret.trim(), "(the value of a secret key; not shown)");
                }
            }
            return Redaction.scrub(t);
        }

        /**
         * A value that looks like a secret access key, session token or IAM token in a key that is not secret was
         * pasted into the wrong line: refuse it (so that it is neither used nor shown) and say where it belongs.
         */
        private void checkMisplacedSecrets(List<String> errors) {
            Map<RdsIamProperty, String> shown = new java.util.EnumMap<>(RdsIamProperty.class);
            shown.put(RdsIamProperty.ACCESS_KEY_ID, accessKeyId);
            shown.put(RdsIamProperty.HOST, host);
            shown.put(RdsIamProperty.CONNECT_HOST, connectHost);
            shown.put(RdsIamProperty.USER, user);
            shown.put(RdsIamProperty.DATABASE, database);
            shown.put(RdsIamProperty.PROFILE, profile);
            shown.put(RdsIamProperty.REGION, region);
            shown.put(RdsIamProperty.STS_REGION, stsRegion);
            shown.put(RdsIamProperty.ROLE_ARN, roleArn);
            shown.put(RdsIamProperty.ROLE_SESSION_NAME, roleSessionName);
            shown.put(RdsIamProperty.NAME, name);
            shown.put(RdsIamProperty.EXTERNAL_ID, externalId);
            shown.forEach((key, value) -> {
                if (Redaction.looksSecret(value)) {
                    errors.add(key.prefixedKey() + " holds " + Redaction.quote(value) + ": "
                            + Redaction.whereItBelongs(value) + "; check for swapped or misplaced lines ("
                            + key.prefixedKey() + " takes " + misplacedHint(key) + ")");
                }
            });
            for (Map.Entry<String, String> e : driverProperties.entrySet()) {
                if (Redaction.looksSecret(e.getValue()) && !e.getKey().toLowerCase(Locale.ROOT).contains("password")) {
                    errors.add("driver property " + Redaction.quote(e.getKey()) + " holds "
                            + Redaction.quote(e.getValue()) + ": AWS keys go in rdsiam.accessKeyId, "
                            + "rdsiam.secretAccessKey and rdsiam.sessionToken, or better in a profile or the default "
                            + "credentials chain");
                }
            }
            if (secretAccessKey != null && ISSUED_KEY_ID.matcher(secretAccessKey.trim()).matches()) {
                errors.add("rdsiam.secretAccessKey holds a value shaped like an access key id ("
                        + secretAccessKey.trim().length() + " characters, AKIA.../ASIA...): rdsiam.accessKeyId and "
                        + "rdsiam.secretAccessKey look swapped");
            }
        }

        private static String misplacedHint(RdsIamProperty key) {
            switch (key) {
                case ACCESS_KEY_ID:
                    return "the 20-character AKIA.../ASIA... id, not the secret key";
                case HOST:
                case CONNECT_HOST:
                    return "a host name";
                case REGION:
                case STS_REGION:
                    return "a region name such as eu-west-1";
                case ROLE_ARN:
                    return "arn:aws:iam::ACCOUNT_ID:role/ROLE_NAME";
                default:
                    return "no credentials";
            }
        }

        private void checkCredentials(List<String> errors) {
            boolean staticKeys = accessKeyId != null || secretAccessKey != null || sessionToken != null;
            if (profile != null && staticKeys) {
                errors.add("rdsiam.profile " + Redaction.quote(profile) + " and static keys (rdsiam.accessKeyId/secretAccessKey) are "
                        + "both set: choose one");
            }
            if (credentialsProvider != null && (profile != null || staticKeys)) {
                errors.add("a credentials provider and rdsiam.profile/static keys are both set: choose one");
            }
            if (profile != null && profile.isBlank()) {
                errors.add("rdsiam.profile is blank: name a profile from ~/.aws/config or leave it out");
            }
            if (accessKeyId != null && secretAccessKey == null) {
                errors.add("rdsiam.accessKeyId is set without rdsiam.secretAccessKey: set both, or neither to use the "
                        + "default credentials chain");
            }
            if (secretAccessKey != null && accessKeyId == null) {
                errors.add("rdsiam.secretAccessKey is set without rdsiam.accessKeyId: set both");
            }
            if (sessionToken != null && (accessKeyId == null || secretAccessKey == null)) {
                errors.add("rdsiam.sessionToken is set without rdsiam.accessKeyId and rdsiam.secretAccessKey: set all "
                        + "three");
            }
            if (accessKeyId != null && !Redaction.looksSecret(accessKeyId)
                    && !ACCESS_KEY_ID_SHAPE.matcher(accessKeyId).matches()) {
                errors.add("rdsiam.accessKeyId " + Redaction.quote(accessKeyId) + " does not look like an access key id (e.g. "
                        + "AKIA... or ASIA...): check for spaces or a swapped secret key");
            }
            if (roleArn != null) {
                if (!ROLE_ARN.matcher(roleArn).matches()) {
                    errors.add("rdsiam.roleArn " + Redaction.quote(roleArn) + " is not an IAM role ARN: use "
                            + "arn:aws:iam::ACCOUNT_ID:role/ROLE_NAME");
                }
            } else {
                if (externalId != null) {
                    errors.add("rdsiam.externalId is set without rdsiam.roleArn: set the role to assume");
                }
                if (!"rdsiam".equals(roleSessionName)) {
                    errors.add("rdsiam.roleSessionName is set without rdsiam.roleArn: set the role to assume");
                }
                if (!Duration.ofHours(1).equals(roleDuration)) {
                    errors.add("rdsiam.roleDuration is set without rdsiam.roleArn: set the role to assume");
                }
            }
            if (externalId != null && !EXTERNAL_ID.matcher(externalId).matches()) {
                errors.add("rdsiam.externalId must be 2 to 1224 characters of letters, digits and +=,.@:/-");
            }
            if (roleSessionName == null || !SESSION_NAME.matcher(roleSessionName).matches()) {
                errors.add("rdsiam.roleSessionName " + Redaction.quote(roleSessionName) + " must be 2 to 64 characters of letters, "
                        + "digits and +=,.@-");
            }
            if (roleDuration == null || roleDuration.compareTo(Duration.ofMinutes(15)) < 0
                    || roleDuration.compareTo(Duration.ofHours(12)) > 0) {
                errors.add("rdsiam.roleDuration " + show(roleDuration) + " is out of range: STS allows 15m to 12h");
            }
            if (stsEndpoint != null) {
                String scheme = stsEndpoint.getScheme() == null ? "" : stsEndpoint.getScheme().toLowerCase(Locale.ROOT);
                if (!(scheme.equals("https") || scheme.equals("http")) || stsEndpoint.getHost() == null) {
                    errors.add("rdsiam.stsEndpoint " + Redaction.quote(String.valueOf(stsEndpoint)) + " must be an absolute http(s) URL, e.g. "
                            + "https://sts.eu-west-1.amazonaws.com");
                }
            }
        }

        private void checkTrust(List<String> errors) {
            if (trust == null) {
                errors.add("rdsiam.trust is null: use auto, rds-bundle, system or pem");
                return;
            }
            if (trust == Trust.PEM && trustPem == null) {
                errors.add("rdsiam.trust=pem needs rdsiam.trustPem: the PEM file of the CA certificates to trust");
            }
            if (trustPem != null && !Files.isReadable(trustPem)) {
                errors.add("rdsiam.trustPem " + Redaction.quote(String.valueOf(trustPem)) + " is not a readable file: check the path");
            }
        }
    }
}
