package dev.rdsiam;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Inputs the property-based tests ({@code ConfigFuzzTest}) found mishandled, kept as fixed cases. */
class ParserEdgeCasesTest {

    private static Properties valid() {
        Properties p = new Properties();
        p.setProperty("rdsiam.engine", "postgresql");
        p.setProperty("rdsiam.host", "orders.cluster-c9akciq32.eu-west-1.rds.amazonaws.com");
        p.setProperty("rdsiam.user", "app");
        return p;
    }

    @Test
    void durationTooLongForMilliseconds_isRefusedNamingTheKey_notAnArithmeticException() {
        Properties p = valid();
        p.setProperty("rdsiam.roleArn", "arn:aws:iam::123456789012:role/app");
        p.setProperty("rdsiam.roleDuration", "PT9223372036854775807S");
        assertThatThrownBy(() -> RdsIamConfig.fromProperties(p, "rdsiam."))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rdsiam.roleDuration")
                .hasMessageContaining("STS allows 15m to 12h");
    }

    @Test
    void unknownTrust_namesTheKeyAsWritten() {
        Properties p = valid();
        p.setProperty("rdsiam.trust", "none");
        assertThatThrownBy(() -> RdsIamConfig.fromProperties(p, "rdsiam."))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("rdsiam.trust 'none' is not valid");
    }

    @Test
    void malformedPercentEscapeInAUrl_namesTheUrlAndWhere() {
        String host = "jdbc:rdsiam:postgresql://orders.cluster-c9akciq32.eu-west-1.rds.amazonaws.com";
        assertThatThrownBy(() -> RdsIamConfig.fromUrl(host + "/db?user=%", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the jdbc:rdsiam: URL has a malformed %-escape in the value of user: write a literal % "
                        + "as %25");
        assertThatThrownBy(() -> RdsIamConfig.fromUrl(host + "/d%zzb?user=app", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("malformed %-escape in the database name");
        assertThatThrownBy(() -> RdsIamConfig.fromUrl(host + "/db?user=app&rdsiam.%zz=1", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("malformed %-escape in a parameter name");
    }
}
