package dev.rdsiam;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {

    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    @Test
    void secretsAreDescribedNotShown() {
        assertThat(Redaction.quote(SECRET)).isEqualTo("(40 characters that look like a secret access key; not shown)");
        assertThat(Redaction.quote("h:5432/?Action=connect&DBUser=app&X-Amz-Signature=abc"))
                .contains("look like an IAM auth token").doesNotContain("DBUser");
        String session = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJGMEQCIFakeSessionTokenValue0123456789";
        assertThat(Redaction.quote(session)).contains(session.length() + " characters").doesNotContain("IQoJ");
        assertThat(Redaction.looksSecret(SECRET.replace("/", "%2F"))).isTrue();
    }

    @Test
    void ordinaryValuesAreQuotedInFull() {
        for (String plain : new String[] {"eu-west-1", "orders.c0ffee000000.eu-west-1.rds.amazonaws.com", "app",
                "arn:aws:iam::123456789012:role/db-connect", "x".repeat(80), "1234567890".repeat(8)}) {
            assertThat(Redaction.quote(plain)).isEqualTo("'" + plain + "'");
            assertThat(Redaction.scrub("value " + plain + " here")).isEqualTo("value " + plain + " here");
        }
        assertThat(Redaction.quote(null)).isEqualTo("null");
        // an access key id is no secret, but is shown masked as everywhere else
        assertThat(Redaction.quote("AKIAIOSFODNN7EXAMPLE")).isEqualTo("'AKIA…MPLE'");
        assertThat(Redaction.scrub("key AKIAIOSFODNN7EXAMPLE used")).isEqualTo("key AKIA…MPLE used");
        // any 40 characters of base64 count as a secret access key, even without mixed case
        assertThat(Redaction.quote("A".repeat(39) + "a")).contains("look like a secret access key");
        // a message about the secret key is not mistaken for an assignment of it
        assertThat(Redaction.scrub("rdsiam.accessKeyId is set without rdsiam.secretAccessKey: set both"))
                .isEqualTo("rdsiam.accessKeyId is set without rdsiam.secretAccessKey: set both");
    }

    /** One masking of key ids for every place that shows one: descriptions, the doctor, quoted and scrubbed text. */
    @Test
    void keyIds_areMaskedOneWay_firstAndLastFour() {
        assertThat(Redaction.maskKeyId("AKIAIOSFODNN7EXAMPLE")).isEqualTo("AKIA…MPLE");
        assertThat(Redaction.maskKeyId("ASIAIOSFODNN7EXAMPLE")).isEqualTo("ASIA…MPLE");
        assertThat(Redaction.maskKeyId("123456789")).isEqualTo("1234…6789");
        assertThat(Redaction.maskKeyId("12345678")).isEqualTo("****");
        assertThat(Redaction.maskKeyId("")).isEqualTo("****");
        assertThat(Redaction.maskKeyId(null)).isEqualTo("****");
        for (String id : new String[] {"AKIAIOSFODNN7EXAMPLE", "ASIAZZZZZZZZZZZZ1234", "AROA0123456789ABCDEF"}) {
            assertThat(Redaction.quote(id)).isEqualTo("'" + Redaction.maskKeyId(id) + "'");
            assertThat(Redaction.scrub("key " + id + ".")).isEqualTo("key " + Redaction.maskKeyId(id) + ".");
        }
        RdsIamConfig config = RdsIamConfig.builder().host("orders.c0ffee000000.eu-west-1.rds.amazonaws.com")
                .user("app").engine(Engine.POSTGRESQL).accessKeyId("AKIAIOSFODNN7EXAMPLE").secretAccessKey(SECRET)
                .build();
        assertThat(config.credentialsDescription()).isEqualTo("static keys AKIA…MPLE");
    }

    @Test
    void scrubMasksAssignmentsRunsAndPresignedParameters() {
        String text = "jdbc:rdsiam:x://h/db?rdsiam.secretAccessKey=short&password=pw&rdsiam.sessionToken=tok"
                + "&rdsiam.region=eu-west-1 key " + SECRET + " token h:5432/?X-Amz-Credential=AKIA%2F20261122"
                + "&X-Amz-Signature=" + "ab".repeat(32);
        String scrubbed = Redaction.scrub(text);
        assertThat(scrubbed).doesNotContain("short").doesNotContain("=pw").doesNotContain("tok&")
                .doesNotContain(SECRET).doesNotContain("abab")
                .contains("rdsiam.secretAccessKey=****", "password=****", "rdsiam.sessionToken=****",
                        "rdsiam.region=eu-west-1", "X-Amz-Signature=****", "X-Amz-Credential=****",
                        "(40 characters that look like a secret access key; not shown)");
    }
}
