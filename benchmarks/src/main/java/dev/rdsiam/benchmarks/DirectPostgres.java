package dev.rdsiam.benchmarks;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A PostgreSQL server that speaks TLS itself, for B1: the pooled hot path never logs in, so it is measured against
 * the server directly instead of through the testkit's gateway, whose byte relay would otherwise dominate a
 * {@code SELECT 1}. Logins over TLS are not checked ({@code hostssl ... trust}); logins without TLS are refused
 * except for the setup user. Every contender logs in the same way, and none of it is timed.
 *
 * <p>There is no MySQL counterpart: the embedded MariaDB 11.4 misreads a clear-text password longer than about 250
 * bytes in the first handshake packet (it then takes part of the password for the database name), and an IAM token
 * is several hundred bytes, sent exactly there by ours and by the AWS wrapper ({@code mysql_clear_password} from the
 * start). The testkit's gateway reads it correctly, so B1 for MySQL runs through the gateway, for every contender
 * alike.
 */
final class DirectPostgres implements AutoCloseable {

    /** The database every contender uses. */
    static final String DATABASE = "appdb";

    private final EmbeddedPostgres postgres;

    private DirectPostgres(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /**
     * Starts the server with {@code certs}' server certificate.
     *
     * @param certs the certificate the server presents
     * @param user  the login user to create
     */
    static DirectPostgres start(BenchCertificates certs, String user) {
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("ssl", "on")
                    .setServerConfig("ssl_cert_file", certs.serverCertPem().toString())
                    .setServerConfig("ssl_key_file", certs.serverKeyPem().toString())
                    .setDataDirectoryCustomizer(d -> {
                        try {
                            Files.writeString(d.toPath().resolve("pg_hba.conf"),
                                    "# written by rdsiam-benchmarks: TLS logins are not checked\n"
                                            + "local all all trust\n"
                                            + "hostnossl all postgres 127.0.0.1/32 trust\n"
                                            + "hostssl all all 127.0.0.1/32 trust\n",
                                    StandardCharsets.US_ASCII);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .start();
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pg.getPort()
                    + "/postgres?sslmode=disable", "postgres", "");
                 Statement s = c.createStatement()) {
                s.execute("CREATE ROLE " + user + " LOGIN");
                s.execute("CREATE DATABASE " + DATABASE + " OWNER " + user);
            } catch (SQLException e) {
                pg.close();
                throw new IllegalStateException("cannot prepare the direct PostgreSQL: " + e.getMessage(), e);
            }
            return new DirectPostgres(pg);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the direct PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** The server's port on 127.0.0.1. */
    int port() {
        return postgres.getPort();
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            System.err.println("stopping the direct PostgreSQL: " + e.getMessage());
        }
    }
}
