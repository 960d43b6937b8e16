package dev.rdsiam.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rdsiam.Engine;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.Trust;
import dev.rdsiam.internal.trust.TestPki;
import dev.rdsiam.testing.CapturingAppender;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectorContextTest {

    private static RdsIamConfig config(Path pem, String name) {
        return RdsIamConfig.builder().engine(Engine.MYSQL).host(TestPki.DB_HOST).user("app").trust(Trust.PEM)
                .trustPem(pem).name(name).build();
    }

    private static List<String> warnings(String name) {
        return CapturingAppender.lines().stream().filter(l -> l.contains(name + " - "))
                .filter(l -> l.contains("expire within 30 days")).collect(Collectors.toList());
    }

    @Test
    void trustedCertificateExpiringWithin30Days_isWarnedOncePerDataSource(@TempDir Path dir) {
        Instant now = Instant.now();
        TestPki.Ca soon = TestPki.ca("Expiring Root", now.minus(Duration.ofDays(300)), now.plus(Duration.ofDays(10)));
        Path pem = soon.writePem(dir.resolve("soon.pem"));

        new ConnectorContext(config(pem, "expiring-ds"));

        assertThat(warnings("expiring-ds")).hasSize(1).first().asString().contains("CN=Expiring Root");
    }

    @Test
    void trustWithLongLivedCertificates_isNotWarned(@TempDir Path dir) {
        Instant now = Instant.now();
        TestPki.Ca fine = TestPki.ca("Fine Root", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(3650)));

        new ConnectorContext(config(fine.writePem(dir.resolve("fine.pem")), "fine-ds"));

        assertThat(warnings("fine-ds")).isEmpty();
    }

    @Test
    void theRdsBundle_hasNothingAboutToExpire() {
        RdsIamConfig c = RdsIamConfig.builder().engine(Engine.MYSQL).host(TestPki.DB_HOST).user("app")
                .name("bundle-ds").build();
        ConnectorContext ctx = new ConnectorContext(c);

        assertThat(ctx.trustDescription()).startsWith("Amazon RDS CA bundle");
        assertThat(warnings("bundle-ds")).isEmpty();
    }
}
