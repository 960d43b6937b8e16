package dev.rdsiam.postgresql;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.rdsiam.Engine;
import dev.rdsiam.RdsIam;
import dev.rdsiam.testkit.contract.BindingKit;
import java.sql.Connection;
import java.sql.PreparedStatement;
import org.junit.jupiter.api.Test;

/** Nothing of the library on the pooled hot path: the pool's proxy wraps the driver's own connection. */
class PgPooledConnectionTest {

    private final BindingKit kit = BindingKit.of(Engine.POSTGRESQL);

    @Test
    void pooled_handsOutTheDriversOwnConnection_behindOnlyHikarisProxy() throws Exception {
        try (HikariDataSource pool = RdsIam.pooledDataSource(kit.config().name("unwrap").build(), h -> {
            h.setMaximumPoolSize(1);
            h.setMinimumIdle(0);
        });
                Connection c = pool.getConnection()) {
            assertThat(c.getClass().getName()).startsWith("com.zaxxer.hikari.pool.HikariProxyConnection");
            Connection driverOwn = c.unwrap(Connection.class);
            assertThat(driverOwn.getClass()).isSameAs(org.postgresql.jdbc.PgConnection.class);
            assertThat(c.unwrap(org.postgresql.PGConnection.class)).isSameAs(driverOwn);
            try (PreparedStatement ps = c.prepareStatement("select 1")) {
                assertThat(ps.unwrap(PreparedStatement.class).getClass().getName()).isEqualTo("org.postgresql.jdbc.PgPreparedStatement");
                assertThat(ps.getConnection()).isSameAs(c);
            }
            assertThat(driverOwn.isValid(5)).isTrue();
        }
    }
}
