package dev.rdsiam;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The public credentials facade: it signs as a DataSource does and remembers the credentials that signed. */
class CredentialsTest {

    private static final String KEY_ID = "AKIAIOSFODNN7EXAMPLE";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    private static final RdsIamConfig CONFIG = RdsIamConfig.builder().engine(Engine.POSTGRESQL)
            .host("orders.c0ffee000000.eu-west-1.rds.amazonaws.com").user("app")
            .accessKeyId(KEY_ID).secretAccessKey(SECRET).build();

    @Test
    void aSignedToken_leavesTheCredentialsThatSignedIt_andNoSecretInText() {
        try (Credentials credentials = Credentials.of(CONFIG)) {
            assertThat(credentials.lastResolved()).isEmpty();
            AuthToken token;
            try (AuthTokenProvider tokens = credentials.tokenProvider()) {
                token = tokens.token();
            }
            assertThat(token.user()).isEqualTo("app");
            assertThat(token.value()).contains("X-Amz-Credential=" + KEY_ID);
            assertThat(credentials.lastResolved()).hasValueSatisfying(c ->
                    assertThat(c.accessKeyId()).isEqualTo(KEY_ID));
            // closing the token provider left the credentials usable
            assertThat(credentials.provider().resolveCredentials().accessKeyId()).isEqualTo(KEY_ID);
            assertThat(credentials.toString()).doesNotContain(SECRET).doesNotContain(KEY_ID);
            assertThat(credentials.description()).doesNotContain(SECRET);
        }
    }
}
