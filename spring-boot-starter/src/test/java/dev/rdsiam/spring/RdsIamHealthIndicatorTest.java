package dev.rdsiam.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rdsiam.Engine;
import dev.rdsiam.jdbc.DataSourceStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the health details say of a status; the UP/DOWN cycle against LocalRds is in the Spring Boot sample. */
class RdsIamHealthIndicatorTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void credentials_areWords_withoutEvenAMaskedKeyId() {
        assertThat(RdsIamHealthIndicator.credentialsInWords("static keys AKIA…WXYZ")).isEqualTo("static keys");
        assertThat(RdsIamHealthIndicator.credentialsInWords("static session credentials ASIA…1234, then assume role "
                + "arn:aws:iam::123456789012:role/db")).isEqualTo("static session credentials, then assume role "
                + "arn:aws:iam::123456789012:role/db");
        assertThat(RdsIamHealthIndicator.credentialsInWords("profile 'ops'")).isEqualTo("profile 'ops'");
    }

    @Test
    void details_tellTheLastLogin_tokenAgeAndExpiry_andCertificateExpiry() {
        DataSourceStatus.Attempt ok = new DataSourceStatus.Attempt(NOW.minusSeconds(30), "ok", Duration.ofMillis(42),
                Optional.empty());
        DataSourceStatus.Attempt refused = new DataSourceStatus.Attempt(NOW.minusSeconds(5), "auth_rejected",
                Duration.ofMillis(7), Optional.of("PAM authentication failed for user \"app\"; check rds_iam"));
        DataSourceStatus s = new DataSourceStatus("orders", Engine.POSTGRESQL, "orders.example.com", 5432,
                "static keys AKIA…WXYZ", List.of(ok, refused), Optional.of(NOW.minusSeconds(90)),
                Optional.of(NOW.plusSeconds(810)), 1, 3, Optional.of(NOW.plus(Duration.ofDays(300))),
                Optional.of(NOW.plus(Duration.ofDays(3000))));

        Map<String, Object> d = RdsIamHealthIndicator.details(s, NOW);

        assertThat(d).containsEntry("status", "UP").containsEntry("lastLogin", "auth_rejected")
                .containsEntry("diagnosis", "PAM authentication failed for user \"app\"; check rds_iam")
                .containsEntry("recentFailures", "1 of 2").containsEntry("tokenAge", "PT1M30S")
                .containsEntry("tokenExpiresIn", "PT13M30S").containsEntry("credentials", "static keys")
                .containsEntry("serverCertificateExpiresAt", "2027-09-27T10:00:00Z")
                .containsEntry("endpoint", "orders.example.com:5432");
        assertThat(d.values()).allSatisfy(v -> assertThat(String.valueOf(v)).doesNotContain("AKIA", "WXYZ"));
    }
}
