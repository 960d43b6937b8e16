package dev.rdsiam.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** libpq's own client through the gateway: {@code sslmode=verify-full} against the identity name. */
@Tag("postgresql")
class PsqlTest {

    @RegisterExtension
    static final LocalRdsExtension RDS = LocalRdsExtension.postgres();

    static Path psql() {
        Optional<Path> found = List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).stream()
                .map(dir -> Path.of(dir, "psql")).filter(Files::isExecutable).findFirst();
        if (found.isEmpty()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail("psql is not installed but CI=true: install postgresql-client");
            }
            Assumptions.abort("psql is not installed (apt-get install postgresql-client); skipping");
        }
        return found.get();
    }

    private static ProcessResult run(LocalRds rds, String password, String sql) throws Exception {
        String conninfo = "host=" + rds.identityHost() + " hostaddr=" + rds.route().host() + " port="
                + rds.route().port() + " dbname=" + rds.database() + " user=" + rds.dbUser()
                + " sslmode=verify-full sslrootcert=" + rds.caPemFile() + " connect_timeout=10";
        ProcessBuilder pb = new ProcessBuilder(psql().toString(), conninfo, "-X", "-A", "-t", "-v",
                "ON_ERROR_STOP=1", "-c", sql);
        pb.environment().put("PGPASSWORD", password);
        pb.environment().remove("PGSERVICEFILE");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new ProcessResult(p.exitValue(), out);
    }

    private record ProcessResult(int exit, String output) {
    }

    @Test
    void psql_connectsWithVerifyFull_andAnSdkToken(LocalRds rds) throws Exception {
        ProcessResult r = run(rds, SdkTokens.token(rds), "select current_user || '@' || current_database()");
        assertThat(r.output().trim()).isEqualTo("iam_user@appdb");
        assertThat(r.exit()).isZero();
        AuthAttempt attempt = rds.lastAuthAttempt();
        assertThat(attempt.accepted()).isTrue();
        assertThat(attempt.sniHostName()).isEqualTo(rds.identityHost());
    }

    @Test
    void psql_showsThePamError_forABadToken(LocalRds rds) throws Exception {
        ProcessResult r = run(rds, "not-a-token", "select 1");
        assertThat(r.exit()).isNotZero();
        assertThat(r.output()).contains("PAM authentication failed for user \"iam_user\"");
        assertThat(rds.lastAuthAttempt().reason()).isEqualTo(RejectReason.MALFORMED);
    }

    @Test
    void psql_refusesAnUntrustedCertificate_beforeSendingThePassword(LocalRds rds) throws Exception {
        rds.faults().certificate(ServerCertificate.UNTRUSTED_CA);
        ProcessResult r = run(rds, SdkTokens.token(rds), "select 1");
        assertThat(r.exit()).isNotZero();
        assertThat(r.output()).contains("certificate verify failed");
        assertThat(rds.awaitLastAuthAttempt(java.time.Duration.ofSeconds(5)).passwordReceived()).isFalse();
    }
}
