package dev.rdsiam.spring;

import dev.rdsiam.RdsIamProperty;
import dev.rdsiam.Redaction;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The {@code rdsiam.*} keys of a Spring {@link Environment}, read against the one catalogue, {@link RdsIamProperty}:
 * no mirror of the keys is kept here. Each key binds with Spring's relaxed rules ({@code rdsiam.connectHost},
 * {@code rdsiam.connect-host}, {@code RDSIAM_CONNECT_HOST}) as text, and the text goes to
 * {@code RdsIamConfig.Builder.set}, so that values are parsed and their errors worded in one place.
 *
 * <pre>{@code
 * RdsIamProperties props = RdsIamProperties.of(environment); // fails on an unknown rdsiam.* key
 * props.values().forEach(builder::set);
 * }</pre>
 */
public final class RdsIamProperties {

    /** {@code rdsiam}, the root of our keys in Spring's configuration. */
    public static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of("rdsiam");

    private final Map<RdsIamProperty, String> values;
    private final Map<RdsIamProperty, String> origins;

    private RdsIamProperties(Map<RdsIamProperty, String> values, Map<RdsIamProperty, String> origins) {
        this.values = values;
        this.origins = origins;
    }

    /**
     * Reads the {@code rdsiam.*} keys of an environment.
     *
     * @throws IllegalArgumentException for a {@code rdsiam.*} key that is no key of the catalogue, naming the key as
     *     written, where it was set and the nearest known key. Environment variables are shared with other tools and
     *     not checked (an unknown {@code RDSIAM_*} variable is ignored, as the library does elsewhere).
     */
    public static RdsIamProperties of(Environment environment) {
        checkUnknownKeys(environment);
        Binder binder = Binder.get(environment);
        Map<RdsIamProperty, String> values = new EnumMap<>(RdsIamProperty.class);
        Map<RdsIamProperty, String> origins = new EnumMap<>(RdsIamProperty.class);
        for (RdsIamProperty p : RdsIamProperty.values()) {
            ConfigurationPropertyName name = springName(p);
            binder.bind(name, Bindable.of(String.class)).ifBound(v -> {
                values.put(p, v);
                origin(environment, name).ifPresent(o -> origins.put(p, o));
            });
        }
        return new RdsIamProperties(values, origins);
    }

    /** The canonical Spring name of a key: {@code rdsiam.connect-host} for {@code connectHost}. */
    public static ConfigurationPropertyName springName(RdsIamProperty p) {
        return ConfigurationPropertyName.of(RdsIamProperty.PREFIX + p.kebabCaseKey());
    }

    /** The values found, as text, by key. */
    public Map<RdsIamProperty, String> values() {
        return values;
    }

    /** Whether any {@code rdsiam.*} key is set. */
    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** The value of one key, as text. */
    public Optional<String> get(RdsIamProperty p) {
        return Optional.ofNullable(values.get(p));
    }

    /**
     * Where the keys named in a configuration error were set, e.g. {@code rdsiam.connectTimeout: class path resource
     * [application.properties] - 4:26}, to append to the error; empty when the message names none of them.
     */
    public String originsOf(String message) {
        List<String> lines = new ArrayList<>();
        origins.forEach((p, o) -> {
            if (message.contains(p.prefixedKey())) {
                lines.add(p.prefixedKey() + " is set in " + o);
            }
        });
        return lines.isEmpty() ? "" : " (" + String.join("; ", lines) + ")";
    }

    private static Optional<String> origin(Environment environment, ConfigurationPropertyName name) {
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            ConfigurationProperty property = source.getConfigurationProperty(name);
            if (property != null) {
                return Optional.ofNullable(property.getOrigin()).map(Object::toString);
            }
        }
        return Optional.empty();
    }

    private static void checkUnknownKeys(Environment environment) {
        Set<String> known = java.util.Arrays.stream(RdsIamProperty.values())
                .map(p -> p.key().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        Set<String> problems = new TreeSet<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (!(source instanceof IterableConfigurationPropertySource iterable)
                    || source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource) {
                continue;
            }
            iterable.stream().filter(ROOT::isAncestorOf).forEach(name -> {
                if (name.getNumberOfElements() == 2 && known.contains(name.getElement(1, Form.UNIFORM))) {
                    return;
                }
                problems.add(unknownKeyProblem(source, name));
            });
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    private static String unknownKeyProblem(ConfigurationPropertySource source, ConfigurationPropertyName name) {
        String written = IntStream.range(0, name.getNumberOfElements())
                .mapToObj(i -> name.getElement(i, Form.ORIGINAL)).collect(Collectors.joining("."));
        String rest = IntStream.range(1, name.getNumberOfElements())
                .mapToObj(i -> name.getElement(i, Form.UNIFORM)).collect(Collectors.joining());
        ConfigurationProperty property = source.getConfigurationProperty(name);
        String where = property != null && property.getOrigin() != null ? " (set in " + property.getOrigin() + ")"
                : "";
        String hint = RdsIamProperty.closest(rest).map(p -> ": did you mean '" + p.prefixedKey() + "'?")
                .orElse(": see the rdsiam.* keys your IDE completes, or the configuration table in the README");
        return "unknown property " + Redaction.quote(written) + where + hint;
    }
}
