package dev.rdsiam.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rdsiam.RdsIamProperty;
import java.io.InputStream;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataProperty;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataRepository;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataRepositoryJsonBuilder;
import org.springframework.boot.configurationmetadata.ValueHint;

/** The metadata the build generates, read with Spring Boot's own metadata reader, as IDEs read it. */
class ConfigurationMetadataTest {

    private static final Pattern KEY_ID = Pattern.compile("\\b(AKIA|ASIA)[A-Z0-9]{12,}\\b");

    private static Map<String, ConfigurationMetadataProperty> properties() throws Exception {
        try (InputStream in = ConfigurationMetadataTest.class.getClassLoader()
                .getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("generated at build time").isNotNull();
            ConfigurationMetadataRepository repo = ConfigurationMetadataRepositoryJsonBuilder.create(in).build();
            return repo.getAllProperties();
        }
    }

    @Test
    void everyCatalogueKey_hasMetadata_withDescriptionDefaultAndAllowedValues() throws Exception {
        Map<String, ConfigurationMetadataProperty> all = properties();
        for (RdsIamProperty p : RdsIamProperty.values()) {
            String name = RdsIamProperties.springName(p).toString();
            ConfigurationMetadataProperty m = all.get(name);
            assertThat(m).as(name).isNotNull();
            assertThat(m.getDescription()).as(name).startsWith(p.description())
                    .contains(p.prefixedKey(), p.environmentVariable());
            assertThat(m.getDefaultValue()).as(name).isEqualTo(p.defaultValue().orElse(null));
            assertThat(m.getHints().getValueHints()).extracting(ValueHint::getValue).as(name)
                    .containsExactlyElementsOf(p.allowedValues());
        }
        assertThat(all.keySet().stream().filter(k -> k.startsWith("rdsiam."))).hasSize(RdsIamProperty.values().length);
        assertThat(all.get("rdsiam.connect-timeout").getType()).isEqualTo("java.time.Duration");
        assertThat(all.get("rdsiam.connect-port").getType()).isEqualTo("java.lang.Integer");
        assertThat(all.get("management.health.rdsiam.enabled").getDefaultValue()).isEqualTo(true);
    }

    @Test
    void noDescription_carriesAKeyIdOrSignature() throws Exception {
        for (ConfigurationMetadataProperty m : properties().values()) {
            assertThat(m.getDescription()).as(m.getId()).doesNotContainPattern(KEY_ID)
                    .doesNotContain("X-Amz-Signature", "X-Amz-Security-Token");
            assertThat(String.valueOf(m.getDefaultValue())).as(m.getId()).doesNotContainPattern(KEY_ID);
        }
    }
}
