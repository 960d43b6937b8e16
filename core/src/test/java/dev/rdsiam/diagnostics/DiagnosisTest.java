package dev.rdsiam.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiagnosisTest {

    @Test
    void withAdvice_keepsTheStandardSubclassStateCodeAndCause() {
        for (SQLException original : List.of(new SQLTimeoutException("slow", "HYT00", 7),
                new SQLTransientConnectionException("gone", "08006", 8),
                new SQLNonTransientConnectionException("refused", "08001", 9),
                new SQLInvalidAuthorizationSpecException("denied", "28000", 1045),
                new SQLException("plain", "XX000", 10))) {
            SQLException advised = Diagnosis.withAdvice(original, "check this");
            assertThat((Throwable) advised).isExactlyInstanceOf(original.getClass()).hasCause(original);
            assertThat(advised.getSQLState()).isEqualTo(original.getSQLState());
            assertThat(advised.getErrorCode()).isEqualTo(original.getErrorCode());
            assertThat(advised.getMessage()).isEqualTo(original.getMessage() + " — check this");
        }
    }

    @Test
    void withAdvice_doesNotRepeatAdviceTheMessageAlreadyCarries() {
        SQLException e = new SQLException("SSL error: h:5432: the certificate names other hosts", "08006");
        assertThat(Diagnosis.withAdvice(e, "h:5432: the certificate names other hosts").getMessage())
                .isEqualTo("SSL error: h:5432: the certificate names other hosts");
    }

    @Test
    void withAdvice_scrubsWhatLooksSecret() {
        SQLException e = new SQLException("login failed for h:5432/?Action=connect&X-Amz-Signature=" + "ab".repeat(32));
        assertThat(Diagnosis.withAdvice(e, "x").getMessage()).doesNotContain("abab").contains("X-Amz-Signature=****");
    }
}
