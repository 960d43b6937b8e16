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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
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
 * <p>The named flags come from the catalogue ({@link RdsIamProperty}): one for every key that is not a secret,
 * {@code --} and the key in kebab case ({@code --connect-host}, {@code --role-arn}), with the key's description,
 * allowed values, default and variable as its help; {@code host}, {@code user} and {@code database} take the names of
 * {@code aws rds generate-db-auth-token} ({@code --hostname --port --username --region --profile}) and of the
 * database clients. Secrets are set with {@code --property}, a properties file or the environment only.
 */
@Command(modelTransformer = ConfigOptions.CatalogueFlags.class)
public final class ConfigOptions {

    private static final Pattern KEY_IN_MESSAGE = Pattern.compile("rdsiam\\.([A-Za-z]+)");

    /** Flags named otherwise than the key, the primary first: those of {@code aws rds generate-db-auth-token}. */
    private static final Map<RdsIamProperty, List<String>> OTHER_NAMES = Map.of(
            RdsIamProperty.HOST, List.of("--hostname", "--host"),
            RdsIamProperty.USER, List.of("--username", "--user"),
            RdsIamProperty.DATABASE, List.of("--database", "--dbname"));

    private final List<String> notes = new ArrayList<>();

    /** What the named flags set, by key. */
    private final Map<RdsIamProperty, String> flags = new EnumMap<>(RdsIamProperty.class);

    @Option(names = "--property", paramLabel = "KEY=VALUE",
            description = "Any library key, e.g. --property stsEndpoint=https://sts.eu-west-1.amazonaws.com "
                    + "(repeatable; the rdsiam. prefix is optional).")
    private List<String> properties = new ArrayList<>();

    @Option(names = "--properties", paramLabel = "FILE",
            description = "A properties file of rdsiam.* keys.")
    private Path propertiesFile;

    /** What the named flags of the last parse set, by key. */
    Map<RdsIamProperty, String> flagValues() {
        return new EnumMap<>(flags);
    }

    /**
     * The flag that sets a key, e.g. {@code --hostname} for {@code host}, or {@code --property KEY=...} for a secret.
     *
     * @param p the key
     * @return the flag
     */
    static String flagFor(RdsIamProperty p) {
        return hasFlag(p) ? flagNames(p).get(0) : "--property " + p.key() + "=...";
    }

    /**
     * Whether a key has a flag of its own: every key but the secrets, which would show in process listings and
     * shell histories ({@code --property}, a properties file or the environment set them).
     */
    static boolean hasFlag(RdsIamProperty p) {
        return !p.isSecret();
    }

    /**
     * The names of a key's flag, the first the one messages name: {@code --} and the key in kebab case
     * ({@code connectHost}: {@code --connect-host}), except where {@code aws rds generate-db-auth-token} and the
     * database clients have a name of their own.
     */
    static List<String> flagNames(RdsIamProperty p) {
        return OTHER_NAMES.getOrDefault(p, List.of("--" + p.kebabCaseKey()));
    }

    /** The help of a key's flag, from the catalogue: description, allowed values, default, variable. */
    static String help(RdsIamProperty p) {
        StringBuilder sb = new StringBuilder(p.description());
        if (!p.allowedValues().isEmpty()) {
            sb.append(" One of: ").append(String.join(", ", p.allowedValues())).append('.');
        }
        p.defaultValue().ifPresent(d -> sb.append(" Default: ").append(d).append('.'));
        return sb.append(' ').append(p.environmentVariable()).append('.').toString();
    }

    /** The parameter's label in the usage: the last word of the key ({@code HOST}, {@code ARN}) or the kind. */
    private static String label(RdsIamProperty p) {
        switch (p.kind()) {
            case DURATION:
                return "DURATION";
            case PATH:
                return "FILE";
            case URI:
                return "URL";
            default:
                String k = p.key();
                int i = k.length() - 1;
                while (i > 0 && !Character.isUpperCase(k.charAt(i))) {
                    i--;
                }
                return k.substring(i).toUpperCase(Locale.ROOT);
        }
    }

    /**
     * Adds a flag for every key of the catalogue that {@link #hasFlag has one} to the command that mixes these
     * options in (or to these options as a command of their own), bound to that instance's {@link #flags}.
     */
    static final class CatalogueFlags implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            ConfigOptions options = spec.userObject() instanceof ConfigOptions ? (ConfigOptions) spec.userObject()
                    : null;
            for (CommandSpec mixin : spec.mixins().values()) {
                if (mixin.userObject() instanceof ConfigOptions) {
                    options = (ConfigOptions) mixin.userObject();
                }
            }
            if (options == null) {
                return spec;
            }
            for (RdsIamProperty p : RdsIamProperty.values()) {
                List<String> names = flagNames(p);
                if (hasFlag(p) && spec.findOption(names.get(0)) == null) {
                    spec.addOption(OptionSpec.builder(names.toArray(String[]::new))
                            .paramLabel(label(p))
                            .type(String.class)
                            // picocli reads descriptions as format strings with ${...} variables
                            .description(help(p).replace("%", "%%").replace("${", "$${"))
                            .setter(options.setter(p))
                            .getter(options.getter(p))
                            .build());
                }
            }
            return spec;
        }
    }

    private ISetter setter(RdsIamProperty p) {
        return new ISetter() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> T set(T value) {
                return (T) (value == null ? flags.remove(p) : flags.put(p, (String) value));
            }
        };
    }

    private IGetter getter(RdsIamProperty p) {
        return new IGetter() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> T get() {
                return (T) flags.get(p);
            }
        };
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
            explicit.addAll(flagValues().entrySet());
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
     * Builds the configuration for a command, or says on standard error why it cannot ({@code rdsiam token: ...});
     * the notes of the build follow there too.
     *
     * @param io the environment and standard error
     * @param command the command's name, for the messages
     * @param defaultEngine the engine when none is configured, or null to require one
     * @return the configuration, or null after a message (a usage error)
     */
    RdsIamConfig buildOrReport(Invocation io, String command, Engine defaultEngine) {
        RdsIamConfig config;
        try {
            config = build(io.env(), defaultEngine);
        } catch (IllegalArgumentException e) {
            io.err().println("rdsiam " + command + ": " + e.getMessage());
            return null;
        }
        notes().forEach(n -> io.err().println("rdsiam " + command + ": note: " + n));
        return config;
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
