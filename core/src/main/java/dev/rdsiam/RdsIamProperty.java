package dev.rdsiam;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The one catalogue of configuration keys. Every front door (builder, properties, {@code jdbc:rdsiam:} URLs,
 * environment variables) reads it; so do validation, masking, {@code Driver.getPropertyInfo} and the README table.
 *
 * <pre>{@code
 * Properties p = new Properties();
 * p.setProperty("rdsiam." + RdsIamProperty.HOST.key(), "mydb.c0ffee.us-east-1.rds.amazonaws.com");
 * RdsIamConfig config = RdsIamConfig.fromProperties(p, "rdsiam.");
 * }</pre>
 *
 * <p>Keys are lowerCamelCase; in properties and URLs they carry the {@code rdsiam.} prefix, in the environment they
 * are {@code RDSIAM_} plus the key in upper snake case (see {@link #environmentVariable()}).
 */
public enum RdsIamProperty {

    ACCESS_KEY_ID("accessKeyId", Kind.STRING, null, false,
            "Static AWS access key id (tests, local development). Needs secretAccessKey; excludes profile."),
    CONNECT_HOST("connectHost", Kind.STRING, null, false,
            "Dial this host instead of the identity host: an SSM port-forwarding tunnel (127.0.0.1), an NLB name, a "
                    + "jump host. The token and the TLS host-name check still use host. Needs connectPort."),
    CONNECT_PORT("connectPort", Kind.INT, null, false,
            "Port to dial on connectHost (e.g. the local port of an SSM port-forwarding session)."),
    CONNECT_TIMEOUT("connectTimeout", Kind.DURATION, "10s", false,
            "Bound on the TCP connect, on the TLS handshake and on each read of the login of every new connection "
                    + "(e.g. 10s, 500ms, PT5S)."),
    DATABASE("database", Kind.STRING, null, false, "Database (schema) name to connect to."),
    ENGINE("engine", Kind.CHOICE, null, false, "Database engine; taken from the URL in jdbc:rdsiam: URLs.",
            "postgresql", "mysql"),
    EXTERNAL_ID("externalId", Kind.STRING, null, false,
            "External ID passed to STS AssumeRole, when the role's trust policy requires one. Needs roleArn."),
    HOST("host", Kind.STRING, null, false,
            "The real RDS/Aurora/RDS Proxy endpoint name (the identity): signed into the token and checked against "
                    + "the server certificate."),
    METRICS("metrics", Kind.CHOICE, "auto", false,
            "Micrometer meters of this DataSource (tokens, credentials, connections by outcome, TLS), when Micrometer "
                    + "is on the class path: auto (the registry given to the builder, else Micrometer's global "
                    + "registry) or off.",
            "auto", "off"),
    NAME("name", Kind.STRING, "rdsiam", false, "Name of the DataSource, used as the prefix of its log lines."),
    PORT("port", Kind.INT, null, false,
            "Port of the endpoint as RDS knows it (signed into the token). Default: 5432 for postgresql, 3306 for mysql."),
    PROFILE("profile", Kind.STRING, null, false,
            "Named AWS profile (~/.aws/config): static keys, credential_process (IAM Roles Anywhere), SSO, role chains. "
                    + "Default: the SDK's default credentials chain."),
    REGION("region", Kind.STRING, null, false,
            "Region to sign the token for. Default: read from the host name; required for other names."),
    ROLE_ARN("roleArn", Kind.STRING, null, false,
            "Assume this IAM role with STS (from the default chain, profile or static keys) and sign with its session "
                    + "credentials."),
    ROLE_DURATION("roleDuration", Kind.DURATION, "1h", false,
            "Duration of the assumed-role session (15m to 12h, within the role's maximum)."),
    ROLE_SESSION_NAME("roleSessionName", Kind.STRING, "rdsiam", false, "Session name for STS AssumeRole."),
    ROUTES("routes", Kind.ROUTES, null, false,
            "Routes per endpoint name, for clusters reached through tunnels or NLBs: NAME=HOST:PORT,... (one per "
                    + "instance). The token and the TLS check use NAME; a name without a route is dialled directly; "
                    + "connectHost/connectPort remain the route of host."),
    SECRET_ACCESS_KEY("secretAccessKey", Kind.STRING, null, true, "Static AWS secret access key. Needs accessKeyId."),
    SESSION_TOKEN("sessionToken", Kind.STRING, null, true,
            "Session token of static temporary credentials. Needs accessKeyId and secretAccessKey."),
    STS_ENDPOINT("stsEndpoint", Kind.URI, null, false,
            "STS endpoint override (a VPC interface endpoint, or a local STS for tests), e.g. "
                    + "https://sts.eu-west-1.amazonaws.com."),
    STS_REGION("stsRegion", Kind.STRING, null, false, "Region of the STS endpoint. Default: region."),
    TOKEN_REUSE_WINDOW("tokenReuseWindow", Kind.DURATION, "10m", false,
            "How long a minted token is reused for new connections (less than 15m). A token is also renewed when the "
                    + "credentials that signed it are about to expire."),
    TRUST("trust", Kind.CHOICE, "auto", false,
            "Certificate authorities trusted for the server certificate: auto (RDS CA bundle; JDK trust store for RDS "
                    + "Proxy endpoints), rds-bundle, system, or pem (only trustPem).",
            "auto", "rds-bundle", "system", "pem"),
    TRUST_PEM("trustPem", Kind.PATH, null, false,
            "PEM file of extra CA certificates (GovCloud, China, a newer region, a local CA); the only trust with "
                    + "trust=pem."),
    USER("user", Kind.STRING, null, false, "Database user that logs in with IAM (rds_iam / AWSAuthenticationPlugin)."),
    WRAPPER_PLUGINS("wrapperPlugins", Kind.LIST, null, false,
            "Connect through the AWS Advanced JDBC Wrapper with these of its plugins, e.g. "
                    + "initialConnection,failover2,efm2 or readWriteSplitting,failover2: Aurora failover, monitoring, "
                    + "read/write splitting with this library's tokens, TLS and routes for every host the wrapper "
                    + "connects to. Needs dev.rdsiam:rdsiam-aws-wrapper; the wrapper's own iam and secrets plugins are "
                    + "refused (this library's plugin replaces them).",
            "initialConnection", "auroraConnectionTracker", "failover2", "failover", "efm2", "efm",
            "readWriteSplitting", "autoReadWriteSplitting", "srw", "bg", "auroraStaleDns", "customEndpoint",
            "fastestResponseStrategy", "limitless", "gdbFailover", "gdbReadWriteSplitting", "driverMetaData",
            "dataCache", "remoteQueryCache", "sqlParser", "kmsEncryption", "logQuery", "connectTime",
            "executionTime", "dev");

    /** How a property's text value is read. */
    public enum Kind {
        /** Free text. */
        STRING,
        /** A decimal integer. */
        INT,
        /** A duration: {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h} or ISO-8601 {@code PT10S}. */
        DURATION,
        /** One of {@link #allowedValues()}. */
        CHOICE,
        /** A file path. */
        PATH,
        /** An absolute http(s) URI. */
        URI,
        /** Comma-separated values, each one of {@link #allowedValues()}. */
        LIST,
        /** Comma-separated routes {@code NAME=HOST:PORT}. */
        ROUTES
    }

    /**
     * Plugin codes of the AWS Advanced JDBC Wrapper that {@link #WRAPPER_PLUGINS} refuses, with the reason: they
     * would supply the password themselves, which is this library's plugin's job.
     */
    static final java.util.Map<String, String> REFUSED_WRAPPER_PLUGINS = java.util.Map.of(
            "iam", "the wrapper's own IAM plugin",
            "awsSecretsManager", "the wrapper's Secrets Manager plugin",
            "awsSecretsManager2", "the wrapper's Secrets Manager plugin",
            "federatedAuth", "the wrapper's federated (ADFS) login plugin",
            "okta", "the wrapper's Okta login plugin");

    /** The prefix of keys in properties, URLs and Spring/Quarkus configuration. */
    public static final String PREFIX = "rdsiam.";

    private final String key;
    private final Kind kind;
    private final String defaultValue;
    private final boolean secret;
    private final String description;
    private final List<String> allowedValues;

    RdsIamProperty(String key, Kind kind, String defaultValue, boolean secret, String description,
            String... allowedValues) {
        this.key = key;
        this.kind = kind;
        this.defaultValue = defaultValue;
        this.secret = secret;
        this.description = description;
        this.allowedValues = Collections.unmodifiableList(Arrays.asList(allowedValues));
    }

    /** The key, lowerCamelCase, without prefix, e.g. {@code connectPort}. */
    public String key() {
        return key;
    }

    /** The key with the {@code rdsiam.} prefix, e.g. {@code rdsiam.connectPort}. */
    public String prefixedKey() {
        return PREFIX + key;
    }

    /** The environment variable read by programs that read their environment, e.g. {@code RDSIAM_CONNECT_PORT}. */
    public String environmentVariable() {
        return "RDSIAM_" + kebabCaseKey().replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /**
     * The key in kebab case, e.g. {@code connect-port}: the form of Spring's canonical property names and of the
     * command line's flags.
     */
    public String kebabCaseKey() {
        StringBuilder sb = new StringBuilder();
        for (char c : key.toCharArray()) {
            if (Character.isUpperCase(c)) {
                sb.append('-').append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** How the value is read. */
    public Kind kind() {
        return kind;
    }

    /** The default as text, if there is a fixed one. */
    public Optional<String> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** Whether the value is a secret: never shown in {@code toString}, logs or messages. */
    public boolean isSecret() {
        return secret;
    }

    /** One-sentence description (the README table and {@code Driver.getPropertyInfo} show it). */
    public String description() {
        return description;
    }

    /** For {@link Kind#CHOICE} and {@link Kind#LIST}: the allowed values; otherwise empty. */
    public List<String> allowedValues() {
        return allowedValues;
    }

    /**
     * Reads a text value the way this key is read by every front door (builder {@code set}, properties, URLs, the
     * environment): {@link Kind#STRING} as is, {@link Kind#INT} as an {@link Integer}, {@link Kind#DURATION} as a
     * {@link java.time.Duration}, {@link Kind#CHOICE} as the {@link Engine}, the {@link Trust} or the allowed text,
     * {@link Kind#PATH} as a {@link java.nio.file.Path}, {@link Kind#URI} as a {@link java.net.URI}.
     *
     * @param text the value, trimmed by the caller
     * @throws IllegalArgumentException naming the key as written ({@code rdsiam.connectTimeout}), the value (never a
     *     secret one, nor one that looks secret) and the accepted forms
     */
    public Object parse(String text) {
        String k = prefixedKey();
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException(k + " is empty: give a value or leave the key out");
        }
        switch (kind) {
            case INT:
                try {
                    return Integer.valueOf(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(k + " " + Redaction.quote(text)
                            + " is not a number: use a port from 1 to 65535", e);
                }
            case DURATION:
                return dev.rdsiam.internal.config.DurationText.parse(k, text);
            case CHOICE:
                if (this == ENGINE) {
                    return Engine.fromKey(text);
                }
                if (this == TRUST) {
                    return Trust.fromKey(text);
                }
                if (!allowedValues.contains(text)) {
                    throw new IllegalArgumentException(k + " " + Redaction.quote(text) + " is not valid: use "
                            + String.join(" or ", allowedValues));
                }
                return text;
            case PATH:
                try {
                    return java.nio.file.Path.of(text);
                } catch (java.nio.file.InvalidPathException e) {
                    throw new IllegalArgumentException(k + " " + Redaction.quote(text) + " is not a valid path", e);
                }
            case LIST:
                return parseList(k, text);
            case ROUTES:
                return parseRoutes(k, text);
            case URI:
                try {
                    return new java.net.URI(text);
                } catch (java.net.URISyntaxException e) {
                    throw new IllegalArgumentException(k + " " + Redaction.quote(text) + " is not a URI: use e.g. "
                            + "https://sts.eu-west-1.amazonaws.com", e);
                }
            default:
                return text;
        }
    }

    private List<String> parseList(String k, String text) {
        java.util.LinkedHashSet<String> codes = new java.util.LinkedHashSet<>();
        for (String raw : text.split(",")) {
            String code = raw.trim();
            if (code.isEmpty()) {
                continue;
            }
            String refused = REFUSED_WRAPPER_PLUGINS.get(code);
            if (refused != null) {
                throw new IllegalArgumentException(k + " lists '" + code + "', " + refused + ": this library's plugin "
                        + "supplies the token (per host, single flight, never logged) over verified TLS in its place; "
                        + "remove '" + code + "' from " + k);
            }
            if (!allowedValues.contains(code)) {
                throw new IllegalArgumentException(k + " lists " + Redaction.quote(code) + ", which is no plugin code "
                        + "of the AWS Advanced JDBC Wrapper 4.3: use some of " + String.join(", ", allowedValues));
            }
            codes.add(code);
        }
        if (codes.isEmpty()) {
            throw new IllegalArgumentException(k + " lists no plugin: give codes such as failover2,efm2, or leave "
                    + "the key out");
        }
        return List.copyOf(codes);
    }

    private static java.util.Map<String, RdsIamConfig.Route> parseRoutes(String k, String text) {
        java.util.Map<String, RdsIamConfig.Route> routes = new java.util.LinkedHashMap<>();
        for (String raw : text.split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int eq = entry.indexOf('=');
            int colon = entry.lastIndexOf(':');
            String shown = Redaction.quote(entry);
            if (eq <= 0 || colon < eq + 2 || colon == entry.length() - 1) {
                throw new IllegalArgumentException(k + " entry " + shown + " is not NAME=HOST:PORT: write e.g. "
                        + "instance-1.c0ffee.us-east-1.rds.amazonaws.com=127.0.0.1:15432");
            }
            String name = entry.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String host = entry.substring(eq + 1, colon).trim();
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            String nameProblem = ConfigChecks.hostProblem(name);
            String hostProblem = host.isEmpty() ? "is blank" : host.indexOf(':') >= 0 ? null
                    : ConfigChecks.hostProblem(host);
            if (nameProblem != null || hostProblem != null) {
                throw new IllegalArgumentException(k + " entry " + shown + ": the " + (nameProblem != null
                        ? "name " + nameProblem : "host " + hostProblem) + " (write NAME=HOST:PORT)");
            }
            int port;
            try {
                port = Integer.parseInt(entry.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(k + " entry " + shown + " has no port from 1 to 65535 after the "
                        + "last ':'");
            }
            if (routes.put(name, new RdsIamConfig.Route(host, port)) != null) {
                throw new IllegalArgumentException(k + " names '" + name + "' twice: give each name one route");
            }
        }
        if (routes.isEmpty()) {
            throw new IllegalArgumentException(k + " lists no route: write NAME=HOST:PORT,... or leave the key out");
        }
        return java.util.Collections.unmodifiableMap(routes);
    }

    /** The default, read with {@link #parse(String)}; null when the key has none (or it depends on the engine). */
    Object parsedDefault() {
        return defaultValue == null || kind == Kind.INT ? null : parse(defaultValue);
    }

    /** A typed value as text, the form {@link #parse} reads back: {@code 10s}, {@code rds-bundle}, {@code 5432}. */
    String format(Object value) {
        if (value instanceof java.time.Duration) {
            return dev.rdsiam.internal.config.DurationText.format((java.time.Duration) value);
        }
        if (value instanceof Engine) {
            return ((Engine) value).key();
        }
        if (value instanceof Trust) {
            return ((Trust) value).key();
        }
        if (value instanceof List) {
            return String.join(",", ((List<?>) value).stream().map(String::valueOf).toList());
        }
        if (value instanceof java.util.Map) {
            StringBuilder sb = new StringBuilder();
            ((java.util.Map<?, ?>) value).forEach((n, r) -> sb.append(sb.length() == 0 ? "" : ",").append(n)
                    .append('=').append(r));
            return sb.toString();
        }
        return String.valueOf(value);
    }

    /** The value as it may be shown: {@code ****} for secrets. */
    public String display(String value) {
        if (value == null) {
            return "null";
        }
        return secret ? "****" : value;
    }

    /** The error for a key with our prefix that is none of ours, naming the nearest key. */
    public static IllegalArgumentException unknownKey(String key) {
        String hint = closest(key).map(p -> ": did you mean '" + p.prefixedKey() + "'?")
                .orElse(": see the configuration table in the README for valid keys");
        return new IllegalArgumentException("unknown property " + Redaction.quote(PREFIX + key) + hint);
    }

    /** Finds a property by key (without prefix, exact case). */
    public static Optional<RdsIamProperty> forKey(String key) {
        for (RdsIamProperty p : values()) {
            if (p.key.equals(key)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * The known key closest to a misspelt one, for "did you mean" messages: case-insensitive, then by edit distance
     * (at most a third of the key's length).
     */
    public static Optional<RdsIamProperty> closest(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        for (RdsIamProperty p : values()) {
            if (k.length() >= 4 && p.key.toLowerCase(Locale.ROOT).startsWith(k)) {
                return Optional.of(p);
            }
        }
        RdsIamProperty best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (RdsIamProperty p : values()) {
            int d = distance(k, p.key.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = p;
            }
        }
        return bestDistance <= Math.max(2, key.length() / 3) ? Optional.ofNullable(best) : Optional.empty();
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
