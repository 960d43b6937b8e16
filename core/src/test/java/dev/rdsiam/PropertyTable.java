package dev.rdsiam;

/** Renders the configuration table of the README from the catalogue. */
final class PropertyTable {

    private PropertyTable() {
    }

    static String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| Key (`rdsiam.` prefix) | Environment | Default | Description |\n");
        sb.append("|---|---|---|---|\n");
        for (RdsIamProperty p : RdsIamProperty.values()) {
            String def = p.defaultValue().map(d -> "`" + d + "`").orElse("");
            if (p == RdsIamProperty.PORT) {
                def = "5432 / 3306";
            }
            String desc = p.description().replace("|", "\\|");
            if (!p.allowedValues().isEmpty()) {
                desc += (p.kind() == RdsIamProperty.Kind.LIST ? " Any of: " : " One of: ")
                        + String.join(", ", p.allowedValues()) + ".";
            }
            if (p.isSecret()) {
                desc += " **Secret**: never logged or shown.";
            }
            sb.append("| `").append(p.key()).append("` | `").append(p.environmentVariable()).append("` | ")
                    .append(def).append(" | ").append(desc).append(" |\n");
        }
        return sb.toString();
    }
}
