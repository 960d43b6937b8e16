package dev.rdsiam;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.rdsiam.jdbc.RdsIamDataSource;
import java.util.function.Consumer;

/** Builds HikariCP pools whose physical connections come from an {@link RdsIamDataSource}. */
final class HikariPools {

    private HikariPools() {
    }

    static HikariDataSource create(RdsIamConfig config, Consumer<HikariConfig> customizer) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName(config.name());
        customizer.accept(hc);
        if (hc.getJdbcUrl() != null || hc.getDriverClassName() != null || hc.getDataSourceClassName() != null
                || hc.getDataSource() != null) {
            throw new IllegalArgumentException("the HikariConfig customizer set a JDBC URL, driver or DataSource: "
                    + "leave them unset, the pool takes its connections from the IAM DataSource");
        }
        if (hc.getUsername() != null || hc.getPassword() != null) {
            throw new IllegalArgumentException("the HikariConfig customizer set a user name or password: set the user "
                    + "with rdsiam.user; the IAM token is the password");
        }
        RdsIamDataSource ds = RdsIamDataSource.create(config);
        hc.setDataSource(ds);
        try {
            return new Pool(hc, ds);
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
    }

    /** A Hikari pool that closes its IAM DataSource when it closes. */
    static final class Pool extends HikariDataSource {
        private final RdsIamDataSource iam;

        Pool(HikariConfig config, RdsIamDataSource iam) {
            super(config);
            this.iam = iam;
        }

        @Override
        public void close() {
            try {
                super.close();
            } finally {
                iam.close();
            }
        }
    }
}
