package dev.rdsiam.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rdsiam.RdsIamConfig;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * Start-up behaviour that needs no database: which configuration applies, how keys bind, and what bad input says.
 * Logins through the starter are tested in the Spring Boot sample, against LocalRds.
 */
class RdsIamAutoConfigurationTest {

    private static final String URL = "spring.datasource.url=jdbc:rdsiam:postgresql://"
            + "orders.cluster-c9akciq32.eu-west-1.rds.amazonaws.com/orders";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(RdsIamAutoConfiguration.class, DataSourceAutoConfiguration.class));

    @Test
    void unknownKey_failsStartUp_namingTheKeyAsWritten_andTheNearestKey() {
        runner.withPropertyValues(URL, "spring.datasource.username=app", "rdsiam.conectHost=127.0.0.1")
                .run(context -> {
                    assertThat(context).hasFailed().getFailure().rootCause()
                            .isInstanceOf(InvalidRdsIamConfigurationException.class)
                            .hasMessageContaining("unknown property 'rdsiam.conectHost'")
                            .hasMessageContaining("did you mean 'rdsiam.connectHost'?");
                    FailureAnalysis report = new RdsIamFailureAnalyzer().analyze(context.getStartupFailure());
                    assertThat(report).as("Boot's start-up failure report").isNotNull();
                    assertThat(report.getDescription()).contains("unknown property 'rdsiam.conectHost'");
                    assertThat(report.getAction()).contains("Correct the setting named above");
                });
    }

    @Test
    void unknownKey_inKebabForm_isNamedAsWritten() {
        runner.withPropertyValues(URL, "spring.datasource.username=app", "rdsiam.token-reuse-windw=5m")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("unknown property 'rdsiam.token-reuse-windw'")
                        .hasMessageContaining("did you mean 'rdsiam.tokenReuseWindow'?"));
    }

    @Test
    void valueOfTheWrongKind_namesTheKey_theExpectedForm_andWhereItWasSet() {
        runner.withPropertyValues(URL, "spring.datasource.username=app", "rdsiam.connect-timeout=soon")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("rdsiam.connectTimeout")
                        .hasMessageContaining("10s")
                        .hasMessageContaining("is set in"));
    }

    @Test
    void password_isRefused() {
        runner.withPropertyValues(URL, "spring.datasource.username=app", "spring.datasource.password=hunter2")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("remove spring.datasource.password")
                        .hasMessageNotContaining("hunter2"));
    }

    @Test
    void hikariUserOrUrl_isRefused_namingTheKey() {
        runner.withPropertyValues(URL, "spring.datasource.username=app", "spring.datasource.hikari.username=other")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("spring.datasource.hikari.username is set: remove it"));
    }

    @Test
    void anotherDriverClass_isRefused() {
        runner.withPropertyValues(URL, "spring.datasource.username=app",
                        "spring.datasource.driver-class-name=org.postgresql.Driver")
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("remove spring.datasource.driver-class-name"));
    }

    @Test
    void backsOff_whenTheApplicationDefinesItsDataSource() {
        runner.withUserConfiguration(OwnDataSource.class).withPropertyValues(URL, "spring.datasource.username=app")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).getBean(DataSource.class).isSameAs(context.getBean("own"));
                });
    }

    @Test
    void staysAway_fromOtherUrls_andWithoutRdsIamKeys() {
        assertThat(new RdsIamAutoConfiguration.OnRdsIamDataSource().getMatchOutcome(
                contextOf(Map.of("spring.datasource.url", "jdbc:postgresql://localhost/db")), null).isMatch())
                .isFalse();
        assertThat(new RdsIamAutoConfiguration.OnRdsIamDataSource().getMatchOutcome(
                contextOf(Map.of("RDSIAM_HOST", "db.internal")), null).isMatch()).isTrue();
    }

    @Test
    void rdsiamKeys_bindInEveryRelaxedForm_ontoTheCatalogue() {
        StandardEnvironment env = environment(Map.of("rdsiam.connectHost", "127.0.0.1", "rdsiam.connect-port", "15432",
                "rdsiam.name", "orders-app"), Map.of("RDSIAM_CONNECT_TIMEOUT", "3s", "RDSIAM_JAVA_OPTS", "-Xmx1g"));
        env.getPropertySources().addFirst(new MapPropertySource("app", Map.of(
                "spring.datasource.url", "jdbc:rdsiam:postgresql://orders.cluster-c9akciq32.eu-west-1.rds.amazonaws.com/orders",
                "spring.datasource.username", "app")));
        RdsIamConfig config = RdsIamAutoConfiguration.config(env, null);
        assertThat(config.connectHost()).contains("127.0.0.1");
        assertThat(config.connectPort()).contains(15432);
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.name()).isEqualTo("orders-app");
        assertThat(config.user()).isEqualTo("app");
        assertThat(config.database()).contains("orders");
    }

    @Test
    void urlKeysInTheEnvironment_mayRepeatTheUrl_butNotContradictIt() {
        String host = "orders.cluster-c9akciq32.eu-west-1.rds.amazonaws.com";
        Map<String, Object> app = Map.of("spring.datasource.url", "jdbc:rdsiam:postgresql://" + host + "/orders",
                "spring.datasource.username", "app");
        RdsIamConfig same = RdsIamAutoConfiguration.config(environment(app,
                Map.of("RDSIAM_HOST", host, "RDSIAM_DATABASE", "orders", "RDSIAM_USER", "app")), null);
        assertThat(same.host()).isEqualTo(host);
        assertThatThrownBy(() -> RdsIamAutoConfiguration.config(environment(app, Map.of("RDSIAM_DATABASE", "billing")),
                null)).hasMessageContaining("rdsiam.database is 'billing' but spring.datasource.url says 'orders'")
                .hasMessageContaining("is set in");
        assertThatThrownBy(() -> RdsIamAutoConfiguration.config(environment(app, Map.of("RDSIAM_USER", "other")),
                null)).hasMessageContaining("spring.datasource.username and rdsiam.user name different users");
    }

    @Test
    void rdsiamKeysAlone_configureTheDataSource_withoutAUrl() {
        StandardEnvironment env = environment(Map.of("rdsiam.engine", "mysql",
                "rdsiam.host", "orders.cluster-c9akciq32.eu-west-1.rds.amazonaws.com", "rdsiam.database", "orders",
                "spring.datasource.username", "app",
                "spring.datasource.hikari.data-source-properties.rdsiam.tokenReuseWindow", "5m"), Map.of());
        RdsIamConfig config = RdsIamAutoConfiguration.config(env, null);
        assertThat(config.engine().key()).isEqualTo("mysql");
        assertThat(config.port()).isEqualTo(3306);
        assertThat(config.user()).isEqualTo("app");
        assertThat(config.tokenReuseWindow()).isEqualTo(Duration.ofMinutes(5));
    }

    private static StandardEnvironment environment(Map<String, Object> props, Map<String, Object> variables) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        env.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        env.getPropertySources().addFirst(new MapPropertySource("test", props));
        env.getPropertySources().addLast(new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
        return env;
    }

    private static org.springframework.context.annotation.ConditionContext contextOf(Map<String, Object> variables) {
        StandardEnvironment env = environment(Map.of(), variables);
        org.springframework.context.support.GenericApplicationContext ctx =
                new org.springframework.context.support.GenericApplicationContext();
        ctx.setEnvironment(env);
        return new org.springframework.context.annotation.ConditionContext() {
            @Override
            public org.springframework.beans.factory.support.BeanDefinitionRegistry getRegistry() {
                return ctx;
            }

            @Override
            public org.springframework.beans.factory.config.ConfigurableListableBeanFactory getBeanFactory() {
                return ctx.getBeanFactory();
            }

            @Override
            public org.springframework.core.env.Environment getEnvironment() {
                return env;
            }

            @Override
            public org.springframework.core.io.ResourceLoader getResourceLoader() {
                return ctx;
            }

            @Override
            public ClassLoader getClassLoader() {
                return getClass().getClassLoader();
            }
        };
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnDataSource {
        @Bean
        DataSource own() {
            return new SimpleDriverDataSource();
        }
    }
}
