package dev.rdsiam.mysql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rdsiam.Engine;
import dev.rdsiam.RdsIam;
import dev.rdsiam.jdbc.RdsIamDataSource;
import dev.rdsiam.testkit.contract.BindingKit;
import java.sql.Connection;
import org.junit.jupiter.api.Test;

/**
 * Micrometer is optional: this module's test class path has none (as a user who does not ask for it), and a
 * DataSource with the default {@code rdsiam.metrics=auto} works and keeps its status without loading any of it.
 */
class MySqlWithoutMicrometerTest {

    @Test
    void withoutMicrometer_connectionsWork_andStatusIsKept() throws Exception {
        assertThatThrownBy(() -> Class.forName("io.micrometer.core.instrument.MeterRegistry"))
                .isInstanceOf(ClassNotFoundException.class);
        try (RdsIamDataSource ds = RdsIam.dataSource(BindingKit.of(Engine.MYSQL).config().build()); Connection c = ds.getConnection()) {
            assertThat(c.isValid(2)).isTrue();
            assertThat(ds.status().lastAttempt().orElseThrow().ok()).isTrue();
            assertThat(ds.status().tokensMinted()).isEqualTo(1);
        }
    }
}
