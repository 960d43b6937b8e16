package dev.rdsiam.spring;

import static org.assertj.core.api.Assertions.assertThat;

import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/** When the {@code rdsiam} health component exists; what it says of real DataSources is tested in the sample. */
class RdsIamHealthAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(RdsIamHealthAutoConfiguration.class))
            .withUserConfiguration(PlainDataSource.class);

    @Test
    void indicator_isNamedRdsiam_andUnknown_whenNoDataSourceWrapsTheLibrarys() {
        runner.run(context -> {
            assertThat(context).hasBean("rdsiamHealthIndicator");
            assertThat(context.getBean(RdsIamHealthIndicator.class).health().getStatus())
                    .isEqualTo(Status.UNKNOWN);
        });
    }

    @Test
    void indicator_isOff_whenDisabled_orWithoutHealthSupport() {
        runner.withPropertyValues("management.health.rdsiam.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("rdsiamHealthIndicator"));
        runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
                .run(context -> assertThat(context).doesNotHaveBean("rdsiamHealthIndicator"));
    }

    @Configuration(proxyBeanMethods = false)
    static class PlainDataSource {
        @Bean
        DataSource dataSource() {
            return new SimpleDriverDataSource();
        }
    }
}
