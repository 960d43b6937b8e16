package dev.rdsiam.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rdsiam.AuthToken;
import dev.rdsiam.AuthTokenProvider;
import dev.rdsiam.Engine;
import dev.rdsiam.RdsIam;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.spi.EngineFacts;
import java.sql.SQLException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The advice skeleton every binding shares: which fact wins, and that the engine supplies only its own words. */
class DiagnoseOrderTest {

    private static final RdsIamConfig CONFIG = RdsIamConfig.builder().engine(Engine.MYSQL)
            .host("orders.c0ffee000000.eu-west-1.rds.amazonaws.com").user("app").database("orders")
            .accessKeyId("AKIAIOSFODNN7EXAMPLE").secretAccessKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").build();

    /** Facts keyed on the vendor code: 1 auth, 2 database, 3 throttled, 4 no TLS, 5 the engine's own. */
    private static final EngineFacts FACTS = new EngineFacts() {
        @Override
        public boolean isAuthFailure(SQLException e) {
            return e.getErrorCode() == 1 && !Diagnosis.isProxyWithoutCredentials(e);
        }

        @Override
        public String loginGrant(String user) {
            return "GRANT-LOGIN " + user;
        }

        @Override
        public boolean isDatabaseUnavailable(SQLException e) {
            return e.getErrorCode() == 2;
        }

        @Override
        public String databaseGrant(String database, String user) {
            return "GRANT-DB " + database + " " + user;
        }

        @Override
        public boolean isThrottled(SQLException e) {
            return e.getErrorCode() == 3;
        }

        @Override
        public boolean isTlsNotOffered(SQLException e) {
            return e.getErrorCode() == 4;
        }

        @Override
        public Optional<String> engineAdvice(SQLException e) {
            return e.getErrorCode() == 5 ? Optional.of("ENGINE-OWN") : Optional.empty();
        }
    };

    private static AuthToken token() {
        try (AuthTokenProvider tokens = RdsIam.tokenProvider(CONFIG)) {
            return tokens.token();
        }
    }

    private static String advice(String message, int code) {
        return Diagnosis.diagnose(new SQLException(message, "28000", code), token(), CONFIG, FACTS).getMessage();
    }

    @Test
    void eachFact_getsTheCoreText_withTheEnginesWords() {
        assertThat(advice("denied", 1)).contains("rejected the IAM auth token").contains("GRANT-LOGIN app");
        assertThat(advice("no db", 2)).contains("the IAM login itself succeeded").contains("GRANT-DB orders app");
        assertThat(advice("busy", 3)).contains("new connections are being throttled");
        assertThat(advice("plain", 4)).contains("does not offer TLS, so the token was not sent");
        assertThat(advice("blocked", 5)).endsWith("— ENGINE-OWN");
    }

    @Test
    void proxyWithoutCredentials_winsOverAnAuthFailure_andTheEnginesOwnOverThrottling() {
        assertThat(advice("FATAL: no credentials for the role app", 1)).contains("the RDS Proxy has no database "
                + "credentials").doesNotContain("GRANT-LOGIN");
        SQLException unexplained = new SQLException("x", "08001", 9);
        assertThat((Object) Diagnosis.diagnose(unexplained, token(), CONFIG, FACTS)).isSameAs(unexplained);
    }
}
