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
                "AKIAIOSFODNN7EXAMPLE", "arn:aws:iam::123456789012:role/db-connect",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "abcdefghijklmnopqrstuvwxyzabcdefghijklmn"}) {
            assertThat(Redaction.quote(plain)).isEqualTo("'" + plain + "'");
            assertThat(Redaction.scrub("value " + plain + " here")).isEqualTo("value " + plain + " here");
        }
        assertThat(Redaction.quote(null)).isEqualTo("null");
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
