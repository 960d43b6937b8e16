package dev.rdsiam.samples.springboot;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot application that reaches RDS/Aurora PostgreSQL with IAM auth by configuration alone: see
 * {@code application.properties} ({@code spring.datasource.url=jdbc:rdsiam:postgresql://...}, a user, no
 * password). On start it reports who it is logged in as and how many orders there are.
 *
 * <pre>
 * RDSIAM_HOST=orders.cluster-c9akciq32.eu-west-1.rds.amazonaws.com RDSIAM_DATABASE=orders RDSIAM_USER=app \
 *   java -jar target/spring-boot-sample.jar
 * </pre>
 */
@SpringBootApplication
public class OrdersApplication {

    private static final Logger LOG = LoggerFactory.getLogger(OrdersApplication.class);

    /**
     * Starts the application.
     *
     * @param args Spring Boot arguments ({@code --spring.profiles.active=localrds}, ...)
     */
    public static void main(String[] args) {
        SpringApplication.run(OrdersApplication.class, args);
    }

    /**
     * @param orders the repository
     * @return a runner that logs the login and the number of orders
     */
    @Bean
    ApplicationRunner report(OrderRepository orders) {
        return args -> LOG.info("logged in as {} with an IAM token (no password configured); {} orders",
                orders.currentUser(), orders.count());
    }
}
