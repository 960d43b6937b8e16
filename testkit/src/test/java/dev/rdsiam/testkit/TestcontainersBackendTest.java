package dev.rdsiam.testkit;

import dev.rdsiam.Engine;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mysql.MySQLContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The real {@code postgres} and {@code mysql} images as backends. Skipped where there is no Docker. MySQL 8.4
 * creates users with caching_sha2_password, so this also covers the gateway's RSA full-authentication path.
 */
@Testcontainers(disabledWithoutDocker = true)
class TestcontainersBackendTest {

    @Container
    static final PostgreSQLContainer POSTGRES = new PostgreSQLContainer("postgres:17-alpine");

    @Container
    static final MySQLContainer MYSQL = new MySQLContainer("mysql:8.4");

    @Test
    void postgresContainer_behindTheGateway_acceptsAnSdkToken() throws Exception {
        try (LocalRds rds = LocalRds.builder().engine(Engine.POSTGRESQL)
                .backend(Backend.existing(POSTGRES.getHost(), POSTGRES.getFirstMappedPort(), POSTGRES.getUsername(),
                        POSTGRES.getPassword()))
                .start();
             Connection c = PgClients.connect(rds, SdkTokens.token(rds));
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select current_user")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("iam_user");
        }
    }

    @Test
    void mysqlContainer_behindTheGateway_acceptsAnSdkToken() throws Exception {
        try (LocalRds rds = LocalRds.builder().engine(Engine.MYSQL)
                .backend(Backend.existing(MYSQL.getHost(), MYSQL.getFirstMappedPort(), "root", MYSQL.getPassword()))
                .start();
             Connection c = MySqlClients.connect(rds, SdkTokens.token(rds));
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select current_user()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("iam_user@%");
        }
    }
}
