package dev.rdsiam.cli;

import dev.rdsiam.Engine;
import dev.rdsiam.RdsEndpoint;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.RdsIamProperty;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/**
 * The configuration options every command shares, read into a {@link RdsIamConfig} by the library's own front doors
 * ({@code environment}, {@code set(key, value)}). Later sources win: {@code RDSIAM_*} variables, then
 * {@code --properties FILE}, then {@code --property key=value}, then the named flags.
 *
 * <pre>{@code
 * rdsiam token --hostname orders.c0ffee.eu-west-1.rds.amazonaws.com --port 5432 --username app --region eu-west-1
 * }</pre>
 *
 * <p>The named flags are those of {@code aws rds generate-db-auth-token} ({@code --hostname --port --username
 * --region --profile}) plus the library's route, trust and assume-role settings.
 */
public final class ConfigOptions {

    private static final Pattern KEY_IN_MESSAGE = Pattern.compile("rdsiam\\.([A-Za-z]+)");

    private final List<String> notes = new ArrayList<>();

    @Option(names = {"--hostname", "--host"}, paramLabel = "HOST",
            description = "The real RDS/Aurora/RDS Proxy endpoint name (signed into the token, checked against the "
                    + "certificate). RDSIAM_HOST.")
    private String hostname;

    @Option(names = "--port", paramLabel = "PORT",
            description = "The endpoint's port as RDS knows it (default 5432 or 3306). RDSIAM_PORT.")
    private String port;

    @Option(names = {"--username", "--user"}, paramLabel = "USER",
            description = "The database user that logs in with IAM. RDSIAM_USER.")
    private String username;

    @Option(names = "--region", paramLabel = "REGION",
            description = "Signing region (default: read from the host name). RDSIAM_REGION.")
    private String region;

    @Option(names = "--profile", paramLabel = "PROFILE",
            description = "Named AWS profile (~/.aws/config). RDSIAM_PROFILE.")
    private String profile;

    @Option(names = "--role-arn", paramLabel = "ARN",
            description = "Assume this IAM role with STS first. RDSIAM_ROLE_ARN.")
    private String roleArn;

    @Option(names = "--external-id", paramLabel = "ID",
            description = "External id for the assumed role. RDSIAM_EXTERNAL_ID.")
    private String externalId;

    @Option(names = "--engine", paramLabel = "ENGINE",
            description = "postgresql or mysql. RDSIAM_ENGINE.")
    private String engine;

    @Option(names = {"--database", "--dbname"}, paramLabel = "NAME",
            description = "Database name. RDSIAM_DATABASE.")
    private String database;

    @Option(names = "--connect-host", paramLabel = "HOST",
            description = "Dial this host instead (SSM port forwarding: 127.0.0.1; an NLB name). RDSIAM_CONNECT_HOST.")
    private String connectHost;

    @Option(names = "--connect-port", paramLabel = "PORT",
            description = "The port to dial on --connect-host. RDSIAM_CONNECT_PORT.")
    private String connectPort;

    @Option(names = "--connect-timeout", paramLabel = "DURATION",
            description = "Bound on TCP connect and TLS handshake, e.g. 10s (default). RDSIAM_CONNECT_TIMEOUT.")
    private String connectTimeout;

    @Option(names = "--trust", paramLabel = "TRUST",
            description = "auto (default), rds-bundle, system or pem. RDSIAM_TRUST.")
    private String trust;

    @Option(names = "--trust-pem", paramLabel = "FILE",
            description = "PEM file of extra (with --trust pem: the only) CA certificates. RDSIAM_TRUST_PEM.")
    private String trustPem;

    @Option(names = "--property", paramLabel = "KEY=VALUE",
            description = "Any library key, e.g. --property stsEndpoint=https://sts.eu-west-1.amazonaws.com "
                    + "(repeatable; the rdsiam. prefix is optional).")
    private List<String> properties = new ArrayList<>();

    @Option(names = "--properties", paramLabel = "FILE",
            description = "A properties file of rdsiam.* keys.")
    private Path propertiesFile;

    /** The named flags, by the key they set. */
    private Map<RdsIamProperty, String> flags() {
        Map<RdsIamProperty, String> m = new EnumMap<>(RdsIamProperty.class);
        put(m, RdsIamProperty.HOST, hostname);
        put(m, RdsIamProperty.PORT, port);
        put(m, RdsIamProperty.USER, username);
        put(m, RdsIamProperty.REGION, region);
        put(m, RdsIamProperty.PROFILE, profile);
        put(m, RdsIamProperty.ROLE_ARN, roleArn);
        put(m, RdsIamProperty.EXTERNAL_ID, externalId);
        put(m, RdsIamProperty.ENGINE, engine);
        put(m, RdsIamProperty.DATABASE, database);
        put(m, RdsIamProperty.CONNECT_HOST, connectHost);
        put(m, RdsIamProperty.CONNECT_PORT, connectPort);
        put(m, RdsIamProperty.CONNECT_TIMEOUT, connectTimeout);
        put(m, RdsIamProperty.TRUST, trust);
        put(m, RdsIamProperty.TRUST_PEM, trustPem);
        return m;
    }

    private static void put(Map<RdsIamProperty, String> m, RdsIamProperty p, String v) {
        if (v != null) {
            m.put(p, v);
        }
    }

    /**
     * The flag that sets a key, e.g. {@code --hostname} for {@code host}, or {@code --property KEY=...}.
     *
     * @param p the key
     * @return the flag
     */
    static String flagFor(RdsIamProperty p) {
        switch (p) {
            case HOST: return "--hostname";
            case PORT: return "--port";
            case USER: return "--username";
            case REGION: return "--region";
            case PROFILE: return "--profile";
            case ROLE_ARN: return "--role-arn";
            case EXTERNAL_ID: return "--external-id";
            case ENGINE: return "--engine";
            case DATABASE: return "--database";
            case CONNECT_HOST: return "--connect-host";
            case CONNECT_PORT: return "--connect-port";
            case CONNECT_TIMEOUT: return "--connect-timeout";
            case TRUST: return "--trust";
            case TRUST_PEM: return "--trust-pem";
            default: return "--property " + p.key() + "=...";
        }
    }

    /**
     * Builds the configuration.
     *
     * @param env the environment ({@code RDSIAM_*} variables)
     * @param defaultEngine the engine when none is configured, or null to require one
     * @return the validated configuration
     * @throws IllegalArgumentException naming the key, its flag and the fix
     */
    public RdsIamConfig build(Map<String, String> env, Engine defaultEngine) {
        notes.clear();
        try {
            // what the command line says (file, then --property, then the named flags: later wins), in order
            List<Map.Entry<RdsIamProperty, String>> explicit = new ArrayList<>();
            if (propertiesFile != null) {
                for (Map.Entry<String, String> e : readPropertiesFile(propertiesFile).entrySet()) {
                    explicit.add(Map.entry(property(e.getKey(), "--properties " + propertiesFile), e.getValue()));
                }
            }
            for (String kv : properties) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    // the argument is not echoed: it could be a secret typed with the wrong separator
                    throw new IllegalArgumentException("a --property argument has no '=' after its key: use "
                            + "--property KEY=VALUE, e.g. --property connectTimeout=5s");
                }
                explicit.add(Map.entry(property(kv.substring(0, eq).trim(), "--property"), kv.substring(eq + 1)));
            }
            explicit.addAll(flags().entrySet());
            Map<RdsIamProperty, String> last = new EnumMap<>(RdsIamProperty.class);
            explicit.forEach(e -> last.put(e.getKey(), e.getValue()));

            RdsIamConfig.Builder b = RdsIamConfig.builder();
            b.environment(environmentFor(env, last));
            explicit.forEach(e -> b.set(e.getKey(), e.getValue()));
            String engineVariable = env.get(RdsIamProperty.ENGINE.environmentVariable());
            boolean engineSet = last.containsKey(RdsIamProperty.ENGINE)
                    || (engineVariable != null && !engineVariable.isEmpty());
            if (!engineSet && defaultEngine != null) {
                b.engine(defaultEngine);
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(withFlagHints(e.getMessage()), e);
        }
    }

    /**
     * The environment, less {@code RDSIAM_REGION} when the command line names a host in another region (and no
     * region): the host given on the command line wins, and the region it carries with it.
     */
    private Map<String, String> environmentFor(Map<String, String> env, Map<RdsIamProperty, String> explicit) {
        String variable = RdsIamProperty.REGION.environmentVariable();
        String region = env.get(variable);
        String host = explicit.get(RdsIamProperty.HOST);
        if (region == null || region.isEmpty() || host == null || explicit.containsKey(RdsIamProperty.REGION)
                || host.trim().equalsIgnoreCase(String.valueOf(env.get(RdsIamProperty.HOST.environmentVariable()))
                        .trim())) {
            return env;
        }
        Optional<String> hostRegion;
        try {
            hostRegion = RdsEndpoint.parse(host.trim()).region();
        } catch (IllegalArgumentException e) {
            return env; // the build reports the host
        }
        if (hostRegion.isEmpty() || hostRegion.get().equals(region.trim())) {
            return env;
        }
        notes.add(variable + "=" + region.trim() + " is ignored: the host " + host.trim() + " given on the command "
                + "line is in " + hostRegion.get() + " (the command line wins over RDSIAM_* variables)");
        Map<String, String> out = new TreeMap<>(env);
        out.remove(variable);
        return out;
    }

    /**
     * What the last {@link #build} set aside, e.g. an {@code RDSIAM_REGION} that contradicts the host given by flag:
     * for standard error (or the doctor's configuration stage).
     *
     * @return notes, possibly none
     */
    List<String> notes() {
        return List.copyOf(notes);
    }

    private static RdsIamProperty property(String key, String where) {
        if (!key.matches("[A-Za-z.]+")) {
            // not echoed: a mistyped separator could put a secret in front of the '='
            throw new IllegalArgumentException(where + ": a key is not a key name (letters only, e.g. connectTimeout "
                    + "or rdsiam.connectTimeout)");
        }
        String k = key.startsWith(RdsIamProperty.PREFIX) ? key.substring(RdsIamProperty.PREFIX.length()) : key;
        return RdsIamProperty.forKey(k).orElseThrow(() -> new IllegalArgumentException(where + ": unknown key '"
                + key + "'" + RdsIamProperty.closest(k).map(p -> ": did you mean '" + p.prefixedKey() + "'?")
                .orElse(": valid keys are rdsiam." + String.join(", rdsiam.", keys()))));
    }

    private static List<String> keys() {
        List<String> out = new ArrayList<>();
        for (RdsIamProperty p : RdsIamProperty.values()) {
            out.add(p.key());
        }
        return out;
    }

    private static Map<String, String> readPropertiesFile(Path file) {
        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("--properties " + file + " cannot be read (" + e.getMessage()
                    + "): give a readable properties file of rdsiam.* keys", e);
        }
        Map<String, String> out = new TreeMap<>();
        for (String k : props.stringPropertyNames()) {
            if (!k.startsWith(RdsIamProperty.PREFIX)) {
                throw new IllegalArgumentException("--properties " + file + ": key '" + k + "' has no rdsiam. prefix:"
                        + " only rdsiam.* keys are read (e.g. rdsiam.host)");
            }
            out.put(k, props.getProperty(k));
        }
        return out;
    }

    /**
     * Adds to a library message which flag or variable sets each {@code rdsiam.*} key it names.
     *
     * @param message a message of the library
     * @return the message with hints
     */
    static String withFlagHints(String message) {
        if (message == null) {
            return "invalid configuration";
        }
        Set<RdsIamProperty> named = new LinkedHashSet<>();
        Matcher m = KEY_IN_MESSAGE.matcher(message);
        while (m.find()) {
            RdsIamProperty.forKey(m.group(1)).ifPresent(named::add);
        }
        if (named.isEmpty()) {
            return message;
        }
        Map<String, String> hints = new LinkedHashMap<>();
        for (RdsIamProperty p : named) {
            hints.put(p.prefixedKey(), flagFor(p) + " or " + p.environmentVariable());
        }
        StringBuilder sb = new StringBuilder(message).append(" [on the command line: ");
        boolean first = true;
        for (Map.Entry<String, String> h : hints.entrySet()) {
            sb.append(first ? "" : "; ").append(h.getKey()).append(" is ").append(h.getValue());
            first = false;
        }
        return sb.append(']').toString();
    }
}
