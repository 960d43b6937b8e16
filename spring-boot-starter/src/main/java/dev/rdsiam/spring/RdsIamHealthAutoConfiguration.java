package dev.rdsiam.spring;

import java.util.Map;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The {@code rdsiam} health component ({@link RdsIamHealthIndicator}), when Spring Boot's health support is on the
 * class path and {@code management.health.rdsiam.enabled} is not {@code false}.
 *
 * <pre>
 * management.endpoint.health.show-components=always
 * management.endpoint.health.show-details=always
 * </pre>
 */
@AutoConfiguration(after = {RdsIamAutoConfiguration.class, DataSourceAutoConfiguration.class})
@ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnBean(DataSource.class)
@ConditionalOnEnabledHealthIndicator("rdsiam")
public final class RdsIamHealthAutoConfiguration {

    /**
     * @param dataSources the application's DataSources by bean name
     * @return the indicator
     */
    @Bean
    @ConditionalOnMissingBean(name = {"rdsiamHealthIndicator", "rdsiamHealthContributor"})
    public RdsIamHealthIndicator rdsiamHealthIndicator(Map<String, DataSource> dataSources) {
        return new RdsIamHealthIndicator(dataSources);
    }
}
