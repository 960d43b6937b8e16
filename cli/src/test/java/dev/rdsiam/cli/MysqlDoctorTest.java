package dev.rdsiam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rdsiam.Engine;
import dev.rdsiam.testkit.LocalRds;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The MySQL preamble of the TLS stage (greeting, SSLRequest, error 1129) against LocalRds with MariaDB. */
class MysqlDoctorTest {

    private static LocalRds rds;

    @BeforeAll
    static void start() {
        rds = LocalRds.builder().engine(Engine.MYSQL).start();
    }

    @AfterAll
    static void stop() {
        rds.close();
    }

    private static Map<String, String> env() {
        Map<String, String> env = CliKit.env();
        env.put("RDSIAM_ENGINE", "mysql");
        env.put("RDSIAM_HOST", rds.identityHost());
        env.put("RDSIAM_PORT", Integer.toString(rds.identityPort()));
        env.put("RDSIAM_DATABASE", rds.database());
        env.put("RDSIAM_USER", rds.dbUser());
        env.put("RDSIAM_CONNECT_PORT", Integer.toString(rds.route().port()));
        env.put("RDSIAM_TRUST_PEM", rds.caPemFile().toString());
        env.put("RDSIAM_ACCESS_KEY_ID", rds.credentials().accessKeyId());
        env.put("RDSIAM_SECRET_ACCESS_KEY", rds.credentials().secretAccessKey());
        env.put("RDSIAM_STS_ENDPOINT", rds.stsEndpoint().toString());
        return env;
    }

    @Test
    void healthy_thenBlockedHost() {
        CliKit.Run healthy = CliKit.run(env(), "doctor");

        assertThat(healthy.exit()).as(healthy.toString()).isZero();
        assertThat(healthy.out()).contains("MySQL greeting from server 8.0.39-localrds")
                .contains("offers TLS; SSLRequest sent").containsPattern("\\[4/7\\] tls +ok")
                .contains("select 1     returned 1");

        rds.faults().maxConnectErrors(1);
        try {
            CliKit.run(env(), "doctor", "--no-sts"); // its own TLS probe is an interrupted handshake: now blocked
            CliKit.Run blocked = CliKit.run(env(), "doctor", "--no-sts");

            assertThat(blocked.exit()).as(blocked.toString()).isEqualTo(14);
            assertThat(blocked.out()).contains("refused the connection before TLS with MySQL error 1129")
                    .contains("FLUSH HOSTS").contains("max_connect_errors");
        } finally {
            rds.faults().reset();
        }
    }
}
