package dev.rdsiam;

import dev.rdsiam.internal.config.DurationText;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The cross-field rules of a configuration, in one place: each adds a message that names the key as the user writes
 * it ({@code rdsiam.connectPort}) and the fix, and never echoes a secret. {@link RdsIamConfig.Builder#build()} runs
 * them all and reports every problem at once.
 */
final class ConfigChecks {

    static final Pattern ROLE_ARN = Pattern.compile("^arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}$");
    private static final Pattern ACCESS_KEY_ID_SHAPE = Pattern.compile("^[A-Z0-9]{16,128}$");
    private static final Pattern ISSUED_KEY_ID = Pattern.compile("^A[SK]IA[A-Z0-9]{12,124}$");
    private static final Pattern SESSION_NAME = Pattern.compile("^[\\w+=,.@-]{2,64}$");
    private static final Pattern EXTERNAL_ID = Pattern.compile("^[\\w+=,.@:/-]{2,1224}$");
    private static final Pattern HOST_NAME =
            Pattern.compile("^[A-Za-z0-9_]([A-Za-z0-9_.-]{0,252})?\\.?$|^\\[?[0-9A-Fa-f:.]+]?$");

    /** The keys whose values are shown in messages and toString: a secret pasted into one of them is refused. */
    private static final List<RdsIamProperty> SHOWN = List.of(RdsIamProperty.ACCESS_KEY_ID, RdsIamProperty.HOST,
            RdsIamProperty.CONNECT_HOST, RdsIamProperty.USER, RdsIamProperty.DATABASE, RdsIamProperty.PROFILE,
            RdsIamProperty.REGION, RdsIamProperty.STS_REGION, RdsIamProperty.ROLE_ARN, RdsIamProperty.ROLE_SESSION_NAME,
            RdsIamProperty.NAME, RdsIamProperty.EXTERNAL_ID);

    private final EnumMap<RdsIamProperty, Object> v;
    private final List<String> errors;

    private ConfigChecks(EnumMap<RdsIamProperty, Object> values, List<String> errors) {
        this.v = values;
        this.errors = errors;
    }

    /** What {@link #run} found besides the messages: the parsed endpoint and the signing region. */
    record Result(RdsEndpoint endpoint, int port, String region) {
    }

    /**
     * Runs every rule over the values (defaults applied).
     *
     * @param values the typed values by key
     * @param extras the settings that are no keys: whether a credentials provider, a clock and a meter registry
     *     (and which kind) were given
     * @param errors where messages go
     */
    static Result run(EnumMap<RdsIamProperty, Object> values, Extras extras, List<String> errors) {
        return new ConfigChecks(values, errors).all(extras);
    }

    /** The builder settings that are not catalogue keys. */
    record Extras(boolean credentialsProvider, boolean clock, Object meterRegistry, Map<String, String> driverProperties) {
    }

    private String str(RdsIamProperty p) {
        return (String) v.get(p);
    }

    private Result all(Extras extras) {
        Engine engine = (Engine) v.get(RdsIamProperty.ENGINE);
        RdsEndpoint endpoint = null;
        String host = str(RdsIamProperty.HOST);
        checkMisplacedSecrets(extras.driverProperties());
        if (engine == null) {
            errors.add("rdsiam.engine is required: set it to postgresql or mysql (or use a jdbc:rdsiam:postgresql:// "
                    + "or jdbc:rdsiam:mysql:// URL)");
        }
        if (host == null || host.isBlank()) {
            errors.add("rdsiam.host is required: set it to the RDS endpoint name, e.g. "
                    + "mydb.c0ffee000000.us-east-1.rds.amazonaws.com");
        } else if (!Redaction.looksSecret(host)) {
            String h = host.trim();
            String problem = hostProblem(h);
            if (problem != null) {
                errors.add("rdsiam.host " + Redaction.quote(host) + " " + problem);
            } else {
                endpoint = RdsEndpoint.parse(h);
            }
        }
        Integer port = (Integer) v.get(RdsIamProperty.PORT);
        int p = port != null ? port : engine != null ? engine.defaultPort() : 0;
        if (port != null && (port < 1 || port > 65535)) {
            errors.add("rdsiam.port " + port + " is out of range: use a port from 1 to 65535 (the endpoint's port, "
                    + "e.g. 5432 or 3306)");
        }
        String user = str(RdsIamProperty.USER);
        if (user == null || user.isBlank()) {
            errors.add("rdsiam.user is required: the database user that logs in with IAM");
        } else if (!user.equals(user.trim()) && !Redaction.looksSecret(user)) {
            errors.add("rdsiam.user " + Redaction.quote(user) + " has leading or trailing spaces: remove them (user "
                    + "names are matched exactly, including case)");
        }
        String database = str(RdsIamProperty.DATABASE);
        if (database != null && database.isBlank()) {
            errors.add("rdsiam.database is blank: give a name or leave it out");
        }
        String region = resolveRegion(endpoint);
        String stsRegion = str(RdsIamProperty.STS_REGION);
        if (stsRegion != null && !Redaction.looksSecret(stsRegion) && !RdsEndpoint.isRegionName(stsRegion)) {
            errors.add("rdsiam.stsRegion " + Redaction.quote(stsRegion) + " is not a region name: use e.g. us-east-1");
        }
        checkRoute();
        checkWrapper(endpoint);
        checkDurations();
        checkCredentials(extras.credentialsProvider());
        checkTrust();
        String name = str(RdsIamProperty.NAME);
        if (name == null || name.isBlank()) {
            errors.add("rdsiam.name is blank: give the DataSource a name for its log lines, or leave it out");
        }
        if (!extras.clock()) {
            errors.add("clock is null: pass a java.time.Clock, or leave it out for the system clock");
        }
        Object registry = extras.meterRegistry();
        if (registry != null && !dev.rdsiam.internal.metrics.Instruments.Micrometer.isRegistry(registry)) {
            errors.add("meterRegistry is a " + registry.getClass().getName() + ": pass an "
                    + "io.micrometer.core.instrument.MeterRegistry (with io.micrometer:micrometer-core on the "
                    + "class path), or leave it out");
        }
        for (String k : extras.driverProperties().keySet()) {
            if (k.equalsIgnoreCase("password")) {
                errors.add("driver property 'password' is not used: the IAM token is the password; remove it");
            } else if (k.startsWith(RdsIamProperty.PREFIX)) {
                errors.add("driver property " + Redaction.quote(k) + " looks like a library key: set it as a library "
                        + "property (builder method or rdsiam.* key), not as a driver property");
            }
        }
        return new Result(endpoint, p, region);
    }

    static String hostProblem(String h) {
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

    private String resolveRegion(RdsEndpoint endpoint) {
        String fromHost = endpoint == null ? null : endpoint.region().orElse(null);
        String region = str(RdsIamProperty.REGION);
        if (region != null) {
            String r = region.trim();
            if (Redaction.looksSecret(region)) {
                return null;
            }
            if (!RdsEndpoint.isRegionName(r)) {
                errors.add("rdsiam.region " + Redaction.quote(region) + " is not a region name: use e.g. us-east-1 or "
                        + "eu-west-1");
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

    private void checkRoute() {
        String connectHost = str(RdsIamProperty.CONNECT_HOST);
        Integer connectPort = (Integer) v.get(RdsIamProperty.CONNECT_PORT);
        if (connectHost != null && !Redaction.looksSecret(connectHost)) {
            String problem = hostProblem(connectHost.trim());
            if (connectHost.isBlank() || problem != null) {
                errors.add("rdsiam.connectHost " + Redaction.quote(connectHost) + " "
                        + (problem == null ? "is blank" : problem));
            }
            if (connectPort == null) {
                errors.add("rdsiam.connectHost " + Redaction.quote(connectHost) + " needs rdsiam.connectPort: the port "
                        + "of the tunnel or NLB listener (e.g. 8888 for SSM port forwarding)");
            }
        } else if (connectHost == null && connectPort != null) {
            errors.add("rdsiam.connectPort " + connectPort + " needs rdsiam.connectHost: the host of the tunnel or "
                    + "NLB (e.g. 127.0.0.1 for SSM port forwarding)");
        }
        if (connectPort != null && (connectPort < 1 || connectPort > 65535)) {
            errors.add("rdsiam.connectPort " + connectPort + " is out of range: use a port from 1 to 65535");
        }
    }

    /** Wrapper plugins that open connections to other hosts than the configured one (instances, readers). */
    static final java.util.Set<String> TOPOLOGY_PLUGINS = java.util.Set.of("initialConnection", "failover",
            "failover2", "gdbFailover", "readWriteSplitting", "autoReadWriteSplitting", "srw", "gdbReadWriteSplitting",
            "auroraStaleDns", "customEndpoint", "fastestResponseStrategy", "limitless");

    @SuppressWarnings("unchecked")
    private void checkWrapper(RdsEndpoint endpoint) {
        Map<String, RdsIamConfig.Route> routes = (Map<String, RdsIamConfig.Route>) v.get(RdsIamProperty.ROUTES);
        String connectHost = str(RdsIamProperty.CONNECT_HOST);
        Integer connectPort = (Integer) v.get(RdsIamProperty.CONNECT_PORT);
        if (routes != null && endpoint != null && connectHost != null) {
            RdsIamConfig.Route own = routes.get(endpoint.host().toLowerCase(Locale.ROOT));
            if (own != null && !(own.host().equalsIgnoreCase(connectHost.trim()) && own.port() == connectPort)) {
                errors.add("rdsiam.routes gives rdsiam.host '" + endpoint.host() + "' the route " + own
                        + ", rdsiam.connectHost/connectPort another: give the route of the configured host once");
            }
        }
        List<String> plugins = (List<String>) v.get(RdsIamProperty.WRAPPER_PLUGINS);
        if (plugins == null) {
            return;
        }
        List<String> topology = plugins.stream().filter(TOPOLOGY_PLUGINS::contains).toList();
        if (topology.isEmpty()) {
            return;
        }
        if (endpoint != null && endpoint.type().isProxy()) {
            errors.add("rdsiam.wrapperPlugins " + String.join(",", topology) + " find and switch Aurora instances, "
                    + "but rdsiam.host is an RDS Proxy endpoint: the proxy fails over on its own and hides the "
                    + "instances; remove " + String.join(",", topology) + " (or connect to the cluster endpoint)");
        }
        if (connectHost != null && routes == null) {
            errors.add("rdsiam.connectHost routes only rdsiam.host, but rdsiam.wrapperPlugins "
                    + String.join(",", topology) + " connect to the cluster's instances too (after a failover, to "
                    + "another one): one tunnel cannot reach them all; give every instance its route in "
                    + "rdsiam.routes=INSTANCE=HOST:PORT,... or connect without a tunnel (from inside the VPC)");
        }
    }

    private void checkDurations() {
        Duration connectTimeout = (Duration) v.get(RdsIamProperty.CONNECT_TIMEOUT);
        if (connectTimeout == null || connectTimeout.isZero() || connectTimeout.isNegative()) {
            errors.add("rdsiam.connectTimeout " + show(connectTimeout) + " must be positive: 0 would wait forever "
                    + "on a security group that drops packets; use e.g. 10s");
        } else if (connectTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
            errors.add("rdsiam.connectTimeout " + show(connectTimeout) + " is longer than 5m: use e.g. 10s");
        }
        Duration reuse = (Duration) v.get(RdsIamProperty.TOKEN_REUSE_WINDOW);
        if (reuse == null || reuse.compareTo(Duration.ofSeconds(1)) < 0) {
            errors.add("rdsiam.tokenReuseWindow " + show(reuse) + " is too short: use 1s to 14m (e.g. 10m)");
        } else if (reuse.compareTo(RdsIamConfig.TOKEN_LIFETIME) >= 0) {
            errors.add("rdsiam.tokenReuseWindow " + show(reuse) + " must be less than 15m, the lifetime of a token: "
                    + "use e.g. 10m");
        }
    }

    private static String show(Duration d) {
        return d == null ? "null" : DurationText.format(d);
    }

    private boolean isDefault(RdsIamProperty p) {
        Object d = p.parsedDefault();
        return d != null && d.equals(v.get(p));
    }

    private void checkCredentials(boolean credentialsProvider) {
        String accessKeyId = str(RdsIamProperty.ACCESS_KEY_ID);
        String secretAccessKey = str(RdsIamProperty.SECRET_ACCESS_KEY);
        String sessionToken = str(RdsIamProperty.SESSION_TOKEN);
        String profile = str(RdsIamProperty.PROFILE);
        String roleArn = str(RdsIamProperty.ROLE_ARN);
        String externalId = str(RdsIamProperty.EXTERNAL_ID);
        String roleSessionName = str(RdsIamProperty.ROLE_SESSION_NAME);
        Duration roleDuration = (Duration) v.get(RdsIamProperty.ROLE_DURATION);
        URI stsEndpoint = (URI) v.get(RdsIamProperty.STS_ENDPOINT);
        boolean staticKeys = accessKeyId != null || secretAccessKey != null || sessionToken != null;
        if (profile != null && staticKeys) {
            errors.add("rdsiam.profile " + Redaction.quote(profile) + " and static keys (rdsiam.accessKeyId/"
                    + "secretAccessKey) are both set: choose one");
        }
        if (credentialsProvider && (profile != null || staticKeys)) {
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
            errors.add("rdsiam.accessKeyId " + Redaction.quote(accessKeyId) + " does not look like an access key id "
                    + "(e.g. AKIA... or ASIA...): check for spaces or a swapped secret key");
        }
        if (roleArn != null) {
            if (!Redaction.looksSecret(roleArn) && !ROLE_ARN.matcher(roleArn).matches()) {
                errors.add("rdsiam.roleArn " + Redaction.quote(roleArn) + " is not an IAM role ARN: use "
                        + "arn:aws:iam::ACCOUNT_ID:role/ROLE_NAME");
            }
        } else {
            if (externalId != null) {
                errors.add("rdsiam.externalId is set without rdsiam.roleArn: set the role to assume");
            }
            if (!isDefault(RdsIamProperty.ROLE_SESSION_NAME)) {
                errors.add("rdsiam.roleSessionName is set without rdsiam.roleArn: set the role to assume");
            }
            if (!isDefault(RdsIamProperty.ROLE_DURATION)) {
                errors.add("rdsiam.roleDuration is set without rdsiam.roleArn: set the role to assume");
            }
        }
        if (externalId != null && !Redaction.looksSecret(externalId) && !EXTERNAL_ID.matcher(externalId).matches()) {
            errors.add("rdsiam.externalId must be 2 to 1224 characters of letters, digits and +=,.@:/-");
        }
        if (roleSessionName == null
                || !Redaction.looksSecret(roleSessionName) && !SESSION_NAME.matcher(roleSessionName).matches()) {
            errors.add("rdsiam.roleSessionName " + Redaction.quote(roleSessionName) + " must be 2 to 64 characters of "
                    + "letters, digits and +=,.@-");
        }
        if (roleDuration == null || roleDuration.compareTo(Duration.ofMinutes(15)) < 0
                || roleDuration.compareTo(Duration.ofHours(12)) > 0) {
            errors.add("rdsiam.roleDuration " + show(roleDuration) + " is out of range: STS allows 15m to 12h");
        }
        if (stsEndpoint != null) {
            String scheme = stsEndpoint.getScheme() == null ? "" : stsEndpoint.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("https") || scheme.equals("http")) || stsEndpoint.getHost() == null) {
                errors.add("rdsiam.stsEndpoint " + Redaction.quote(String.valueOf(stsEndpoint)) + " must be an "
                        + "absolute http(s) URL, e.g. https://sts.eu-west-1.amazonaws.com");
            }
        }
    }

    private void checkTrust() {
        Trust trust = (Trust) v.get(RdsIamProperty.TRUST);
        Path trustPem = (Path) v.get(RdsIamProperty.TRUST_PEM);
        if (trust == null) {
            errors.add("rdsiam.trust is null: use auto, rds-bundle, system or pem");
            return;
        }
        if (trust == Trust.PEM && trustPem == null) {
            errors.add("rdsiam.trust=pem needs rdsiam.trustPem: the PEM file of the CA certificates to trust");
        }
        if (trustPem != null && !Files.isReadable(trustPem)) {
            errors.add("rdsiam.trustPem " + Redaction.quote(String.valueOf(trustPem)) + " is not a readable file: "
                    + "check the path");
        }
    }

    /**
     * A value that looks like a secret access key, session token or IAM token in a key that is not secret was
     * pasted into the wrong line: refuse it (so that it is neither used nor shown) and say where it belongs.
     */
    private void checkMisplacedSecrets(Map<String, String> driverProperties) {
        for (RdsIamProperty key : SHOWN) {
            Object value = v.get(key);
            if (value instanceof String && Redaction.looksSecret((String) value)) {
                errors.add(key.prefixedKey() + " holds " + Redaction.quote((String) value) + ": "
                        + Redaction.whereItBelongs((String) value) + "; check for swapped or misplaced lines ("
                        + key.prefixedKey() + " takes " + misplacedHint(key) + ")");
            }
        }
        for (Map.Entry<String, String> e : driverProperties.entrySet()) {
            if (Redaction.looksSecret(e.getValue()) && !e.getKey().toLowerCase(Locale.ROOT).contains("password")) {
                errors.add("driver property " + Redaction.quote(e.getKey()) + " holds " + Redaction.quote(e.getValue())
                        + ": AWS keys go in rdsiam.accessKeyId, rdsiam.secretAccessKey and rdsiam.sessionToken, or "
                        + "better in a profile or the default credentials chain");
            }
        }
        String secretAccessKey = str(RdsIamProperty.SECRET_ACCESS_KEY);
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

    /** The given secrets, verbatim, and anything that looks like one, removed from a message. */
    static String scrubSecrets(String text, EnumMap<RdsIamProperty, Object> values) {
        String t = text;
        for (RdsIamProperty p : RdsIamProperty.values()) {
            Object secret = p.isSecret() ? values.get(p) : null;
            if (secret instanceof String && ((String) secret).trim().length() >= 8) {
                t = t.replace(((String) secret).trim(), "(the value of a secret key; not shown)");
            }
        }
        return Redaction.scrub(t);
    }
}
