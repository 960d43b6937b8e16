package dev.rdsiam.samples.quarkus;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Orders, in plain JDBC on the Agroal pool Quarkus configures. Nothing here knows about IAM: every physical
 * connection the pool opens logs in with a token, because the URL is a {@code jdbc:rdsiam:} URL.
 */
@ApplicationScoped
public class OrderRepository {

    private final AgroalDataSource dataSource;

    /**
     * @param dataSource the default datasource
     */
    public OrderRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    void createSchema(@Observes StartupEvent started) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("create table if not exists orders ("
                    + "id bigint generated always as identity primary key, "
                    + "customer text not null, "
                    + "amount numeric(12, 2) not null, "
                    + "ordered_at timestamptz not null default now())");
        }
    }

    /**
     * Records an order.
     *
     * @param customer who ordered
     * @param amount   the total
     * @return its generated id
     * @throws SQLException if the database refuses it
     */
    public long add(String customer, BigDecimal amount) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("insert into orders (customer, amount) values (?, ?) "
                        + "returning id")) {
            s.setString(1, customer);
            s.setBigDecimal(2, amount);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /**
     * @param customer whose orders
     * @return the sum of their amounts, zero if none
     * @throws SQLException if the query fails
     */
    public BigDecimal total(String customer) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("select coalesce(sum(amount), 0) from orders "
                        + "where customer = ?")) {
            s.setString(1, customer);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getBigDecimal(1);
            }
        }
    }

    /**
     * @return how many orders there are
     * @throws SQLException if the query fails
     */
    public long count() throws SQLException {
        return single("select count(*) from orders", Long.class);
    }

    /**
     * @return the database user this application is logged in as (the IAM-mapped user)
     * @throws SQLException if the query fails
     */
    public String currentUser() throws SQLException {
        return single("select current_user", String.class);
    }

    private <T> T single(String sql, Class<T> type) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getObject(1, type);
        }
    }
}
