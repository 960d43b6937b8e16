package dev.rdsiam.spring.internal;

import dev.rdsiam.RdsIamProperty;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes {@code META-INF/spring-configuration-metadata.json} from the one catalogue, {@link RdsIamProperty}, at
 * build time (the starter's pom runs it after compiling), so that an IDE completes and documents every
 * {@code rdsiam.*} key with its default and allowed values.
 *
 * <pre>
 * java -cp ... dev.rdsiam.spring.internal.ConfigurationMetadata target/classes/META-INF/spring-configuration-metadata.json
 * </pre>
 */
public final class ConfigurationMetadata {

    private static final String SOURCE_TYPE = "dev.rdsiam.RdsIamConfig";

    private ConfigurationMetadata() {
    }

    /**
     * @param args the file to write
     * @throws IOException when it cannot be written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: ConfigurationMetadata <output file>");
        }
        Path out = Path.of(args[0]);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, json(), StandardCharsets.UTF_8);
    }

    /** The metadata, as JSON. */
    public static String json() {
        List<String> properties = new ArrayList<>();
        List<String> hints = new ArrayList<>();
        for (RdsIamProperty p : RdsIamProperty.values()) {
            String name = springName(p);
            StringBuilder sb = new StringBuilder("    {\n");
            field(sb, "name", name).append(",\n");
            field(sb, "type", type(p)).append(",\n");
            field(sb, "description", description(p)).append(",\n");
            field(sb, "sourceType", SOURCE_TYPE);
            p.defaultValue().ifPresent(d -> field(sb.append(",\n"), "defaultValue", d));
            properties.add(sb.append("\n    }").toString());
            if (!p.allowedValues().isEmpty()) {
                List<String> values = new ArrayList<>();
                for (String v : p.allowedValues()) {
                    values.add("        {\n          \"value\": " + quote(v) + "\n        }");
                }
                hints.add("    {\n      \"name\": " + quote(name) + ",\n      \"values\": [\n"
                        + String.join(",\n", values) + "\n      ]\n    }");
            }
        }
        properties.add("    {\n      \"name\": \"management.health.rdsiam.enabled\",\n"
                + "      \"type\": \"java.lang.Boolean\",\n"
                + "      \"description\": \"Whether to enable the rdsiam health check (IAM logins, token, "
                + "certificate expiry of each IAM DataSource).\",\n"
                + "      \"defaultValue\": true\n    }");
        return "{\n  \"groups\": [\n    {\n      \"name\": \"rdsiam\",\n      \"type\": " + quote(SOURCE_TYPE) + ",\n"
                + "      \"description\": " + quote("rds-iam-jdbc: IAM-token, verified-TLS access to Amazon RDS and "
                + "Aurora (the keys of dev.rdsiam.RdsIamProperty).") + ",\n"
                + "      \"sourceType\": " + quote(SOURCE_TYPE) + "\n    }\n  ],\n"
                + "  \"properties\": [\n" + String.join(",\n", properties) + "\n  ],\n"
                + "  \"hints\": [\n" + String.join(",\n", hints) + "\n  ]\n}\n";
    }

    /** The canonical (kebab-case) Spring name, e.g. {@code rdsiam.connect-host}. */
    static String springName(RdsIamProperty p) {
        return RdsIamProperty.PREFIX + p.kebabCaseKey();
    }

    private static String type(RdsIamProperty p) {
        switch (p.kind()) {
            case INT:
                return "java.lang.Integer";
            case DURATION:
                return "java.time.Duration";
            case URI:
                return "java.net.URI";
            default:
                return "java.lang.String";
        }
    }

    private static String description(RdsIamProperty p) {
        StringBuilder sb = new StringBuilder(p.description());
        if (!p.allowedValues().isEmpty()) {
            sb.append(" One of: ").append(String.join(", ", p.allowedValues())).append('.');
        }
        if (p.isSecret()) {
            sb.append(" A secret: never shown in logs or messages; prefer the SDK's default credentials chain.");
        }
        sb.append(" Also ").append(p.prefixedKey()).append(" or the environment variable ")
                .append(p.environmentVariable()).append('.');
        return sb.toString();
    }

    private static StringBuilder field(StringBuilder sb, String name, String value) {
        return sb.append("      ").append(quote(name)).append(": ").append(quote(value));
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"':
                    sb.append("\\\"");
                    break;
                case '\\':
                    sb.append("\\\\");
                    break;
                case '\n':
                    sb.append("\\n");
                    break;
                default:
                    if (c < 0x20 || c > 0x7e) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        return sb.append('"').toString();
    }
}
