package dev.rdsiam.samples.springboot;

import java.math.BigDecimal;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Orders, through Spring's {@link JdbcClient} on the auto-configured pool. Nothing here knows about IAM: every
 * physical connection the pool opens logs in with a token, because the URL is a {@code jdbc:rdsiam:} URL.
 */
@Repository
public class OrderRepository {

    private final JdbcClient jdbc;

    /**
     * @param jdbc the client Spring Boot configures over the DataSource
     */
    public OrderRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Records an order.
     *
     * @param customer who ordered
     * @param amount   the total
     * @return the stored row, with its key and time
     */
    @Transactional
    public Order add(String customer, BigDecimal amount) {
        return jdbc.sql("insert into orders (customer, amount) values (:customer, :amount) "
                        + "returning id, customer, amount, ordered_at")
                .param("customer", customer)
                .param("amount", amount)
                .query(Order.class)
                .single();
    }

    /**
     * @param customer whose orders
     * @return them, oldest first
     */
    @Transactional(readOnly = true)
    public List<Order> byCustomer(String customer) {
        return jdbc.sql("select id, customer, amount, ordered_at from orders where customer = :customer order by id")
                .param("customer", customer)
                .query(Order.class)
                .list();
    }

    /** @return how many orders there are */
    @Transactional(readOnly = true)
    public long count() {
        return jdbc.sql("select count(*) from orders").query(Long.class).single();
    }

    /** @return the database user this application is logged in as (the IAM-mapped user) */
    public String currentUser() {
        return jdbc.sql("select current_user").query(String.class).single();
    }
}
