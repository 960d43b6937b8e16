package dev.rdsiam.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rdsiam.Engine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The gateway's own PostgreSQL client against the embedded server with each password method it supports: the
 * test rewrites pg_hba.conf for three probe users and restores it afterwards.
 */
@Tag("postgresql")
class PgBackendAuthTest {

    private static BackendServer server;
    private static Path hbaFile;
    private static String originalHba;

    private static PgBackendClient admin() throws Exception {
        PgBackendClient c = PgBackendClient.login(server.host(), server.port(), server.adminUser(),
                server.adminPassword(), Map.of("database", "postgres"), 10_000);
        c.awaitReady();
        return c;
    }

    @BeforeAll
    static void probeUsers() throws Exception {
        server = EmbeddedBackends.get(Engine.POSTGRESQL);
        try (PgBackendClient admin = admin()) {
            hbaFile = Path.of(admin.query("SHOW hba_file").get(0));
            originalHba = Files.readString(hbaFile, StandardCharsets.US_ASCII);
            Files.writeString(hbaFile, "host all probe_md5 127.0.0.1/32 md5\n"
                    + "host all probe_clear 127.0.0.1/32 password\n" + originalHba, StandardCharsets.US_ASCII);
            admin.query("SELECT pg_reload_conf()");
            admin.query("DROP ROLE IF EXISTS probe_md5");
            admin.query("DROP ROLE IF EXISTS probe_clear");
            admin.query("DROP ROLE IF EXISTS probe_scram");
            admin.query("SET password_encryption = 'md5'");
            admin.query("CREATE ROLE probe_md5 LOGIN PASSWORD 'md5-secret'");
            admin.query("SET password_encryption = 'scram-sha-256'");
            admin.query("CREATE ROLE probe_clear LOGIN PASSWORD 'clear-secret'");
            admin.query("CREATE ROLE probe_scram LOGIN PASSWORD 'scram-secret'");
        }
    }

    @AfterAll
    static void restore() throws Exception {
        if (originalHba != null) {
            Files.writeString(hbaFile, originalHba, StandardCharsets.US_ASCII);
            try (PgBackendClient admin = admin()) {
                admin.query("SELECT pg_reload_conf()");
            }
        }
    }

    private static List<String> whoAmI(String user, String password) throws Exception {
        try (PgBackendClient c = PgBackendClient.login(server.host(), server.port(), user, password,
                Map.of("database", "postgres"), 10_000)) {
            c.awaitReady();
            return c.query("SELECT current_user");
        }
    }

    @Test
    void backendLogin_worksWithScramSha256() throws Exception {
        assertThat(whoAmI("probe_scram", "scram-secret")).containsExactly("probe_scram");
    }

    @Test
    void backendLogin_worksWithMd5() throws Exception {
        assertThat(whoAmI("probe_md5", "md5-secret")).containsExactly("probe_md5");
    }

    @Test
    void backendLogin_worksWithCleartextPassword() throws Exception {
        assertThat(whoAmI("probe_clear", "clear-secret")).containsExactly("probe_clear");
    }

    @Test
    void backendLogin_reportsTheServersError_forAWrongPassword() {
        assertThatThrownBy(() -> whoAmI("probe_scram", "wrong"))
                .isInstanceOf(PgBackendClient.ServerError.class)
                .hasMessageContaining("28P01");
    }
}
