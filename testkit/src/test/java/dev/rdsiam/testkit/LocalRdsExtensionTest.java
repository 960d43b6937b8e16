package dev.rdsiam.testkit;

import dev.rdsiam.Engine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

@Tag("postgresql")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalRdsExtensionTest {

    @RegisterExtension
    static final LocalRdsExtension RDS = LocalRdsExtension.postgres().shared("extension-test");

    @Test
    @Order(1)
    void faultsSetInOneTest_areOn(LocalRds rds) {
        rds.faults().rejectAllTokens(true).authDelay(Duration.ofSeconds(1));
        assertThat(RDS.rds()).isSameAs(rds);
    }

    @Test
    @Order(2)
    void faults_areResetBeforeEachTest(LocalRds rds) {
        assertThat(rds.faults().rejectAllTokens()).isFalse();
        assertThat(rds.faults().authDelay()).isZero();
        assertThat(rds.authAttempts()).isEmpty();
    }

    @Nested
    class Inner {
        @Test
        void nestedClasses_seeTheSameKit(LocalRds rds) {
            assertThat(rds).isSameAs(RDS.rds());
        }
    }

    @Test
    @Order(3)
    void builder_refusesBadInput_withTheFixInTheMessage() {
        assertThatThrownBy(() -> LocalRds.builder().start()).hasMessageContaining("engine(Engine.POSTGRESQL)");
        assertThatThrownBy(() -> LocalRds.builder().region("useast1")).hasMessageContaining("us-east-1");
        assertThatThrownBy(() -> LocalRds.builder().role("role/x", null)).hasMessageContaining("arn:aws:iam::");
    }
}
