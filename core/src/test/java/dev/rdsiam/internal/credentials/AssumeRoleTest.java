package dev.rdsiam.internal.credentials;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.rdsiam.AuthToken;
import dev.rdsiam.AuthTokenProvider;
import dev.rdsiam.Engine;
import dev.rdsiam.RdsIam;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.TokenUnavailableException;
import dev.rdsiam.testing.MutableClock;
import dev.rdsiam.testing.SigV4PresignVerifier;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Assume-role against an STS emulated on 127.0.0.1: session credentials flow into the token and cap its reuse. */
class AssumeRoleTest {

    private static final String ROLE = "arn:aws:iam::123456789012:role/db-access";
    private static WireMockServer sts;

    @BeforeAll
    static void start() {
        sts = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        sts.start();
    }

    @AfterAll
    static void stop() {
        sts.stop();
    }

    @BeforeEach
    void reset() {
        sts.resetAll();
    }

    private static String assumeRoleXml(String keyId, String secret, String session, Instant expires) {
        return "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>"
                + "<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/db-access/rdsiam</Arn>"
                + "<AssumedRoleId>AROAEXAMPLEID:rdsiam</AssumedRoleId></AssumedRoleUser>"
                + "<Credentials><AccessKeyId>" + keyId + "</AccessKeyId><SecretAccessKey>" + secret
                + "</SecretAccessKey><SessionToken>" + session + "</SessionToken><Expiration>" + expires
                + "</Expiration></Credentials></AssumeRoleResult>"
                + "<ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>"
                + "</AssumeRoleResponse>";
    }

    private RdsIamConfig config(MutableClock clock) {
        return RdsIamConfig.builder().engine(Engine.POSTGRESQL).host("app.proxy-c0ffee000000.us-east-1.rds.amazonaws.com")
                .user("iam_user").accessKeyId("AKIAIOSFODNN7EXAMPLE")
                .secretAccessKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").roleArn(ROLE).externalId("ext-42")
                .stsEndpoint(URI.create(sts.baseUrl())).clock(clock).build();
    }

    private static void stubSessions(Instant firstExpiry, Instant secondExpiry) {
        sts.stubFor(post(urlEqualTo("/")).inScenario("refresh").whenScenarioStateIs(Scenario.STARTED)
                .withRequestBody(containing("Action=AssumeRole"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/xml")
                        .withBody(assumeRoleXml("ASIAFIRSTSESSION0001", "firstSecretKey", "FIRSTSESSIONTOKEN", firstExpiry)))
                .willSetStateTo("second"));
        sts.stubFor(post(urlEqualTo("/")).inScenario("refresh").whenScenarioStateIs("second")
                .withRequestBody(containing("Action=AssumeRole"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/xml")
                        .withBody(assumeRoleXml("ASIASECONDSESSION002", "secondSecretKey", "SECONDSESSIONTOKEN",
                                secondExpiry))));
    }

    @Test
    void sessionCredentials_flowIntoToken_andTheirExpiryCapsReuse() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        MutableClock clock = new MutableClock(now);
        Instant firstExpiry = now.plus(Duration.ofMinutes(4));
        stubSessions(firstExpiry, now.plus(Duration.ofHours(1)));

        try (AuthTokenProvider tokens = RdsIam.tokenProvider(config(clock))) {
            AuthToken first = tokens.token();
            Map<String, String> p = SigV4PresignVerifier.parameters(first.value());
            assertThat(p).containsEntry("X-Amz-Security-Token", "FIRSTSESSIONTOKEN");
            assertThat(p.get("X-Amz-Credential")).startsWith("ASIAFIRSTSESSION0001/");
            assertThat(SigV4PresignVerifier.signatureValid(first.value(), "firstSecretKey")).isTrue();
            assertThat(first.expiresAt()).isEqualTo(firstExpiry);

            clock.advance(Duration.ofMinutes(2).plusSeconds(59));
            assertThat(tokens.token()).isSameAs(first);

            clock.advance(Duration.ofSeconds(1)); // 1 minute before the session expires: no longer reused
            AuthToken second = tokens.token();
            assertThat(second).isNotSameAs(first);
            assertThat(second.issuedAt()).isEqualTo(now.plus(Duration.ofMinutes(3)));
        }
        sts.verify(postRequestedFor(urlEqualTo("/"))
                .withRequestBody(containing("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdb-access"))
                .withRequestBody(containing("ExternalId=ext-42"))
                .withRequestBody(containing("RoleSessionName=rdsiam"))
                .withRequestBody(containing("DurationSeconds=3600")));
    }

    @Test
    void renewedSession_isUsed_whenTheFirstIsAboutToExpire() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        // 40 s left: inside both our margin and the SDK's stale time, so the next token needs a new session
        stubSessions(now.plusSeconds(40), now.plus(Duration.ofHours(1)));

        try (AuthTokenProvider tokens = RdsIam.tokenProvider(config(new MutableClock(now)))) {
            AuthToken first = tokens.token();
            AuthToken second = tokens.token();

            assertThat(SigV4PresignVerifier.parameters(first.value())).containsEntry("X-Amz-Security-Token",
                    "FIRSTSESSIONTOKEN");
            assertThat(first.expiresAt()).isEqualTo(now.plusSeconds(40));
            assertThat(SigV4PresignVerifier.parameters(second.value())).containsEntry("X-Amz-Security-Token",
                    "SECONDSESSIONTOKEN");
            assertThat(SigV4PresignVerifier.signatureValid(second.value(), "secondSecretKey")).isTrue();
            assertThat(second.expiresAt()).isEqualTo(now.plus(Duration.ofMinutes(15)));
            assertThat(tokens.token()).isSameAs(second);
        }
    }

    @Test
    void stsAccessDenied_becomesClearError() {
        sts.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(403).withHeader("Content-Type", "text/xml")
                .withBody("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
                        + "<Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/ci is not authorized "
                        + "to perform: sts:AssumeRole on resource: " + ROLE + "</Message></Error>"
                        + "<RequestId>1a2b</RequestId></ErrorResponse>")));

        try (AuthTokenProvider tokens = RdsIam.tokenProvider(config(new MutableClock(Instant.now())))) {
            assertThatThrownBy(tokens::token)
                    .isInstanceOf(TokenUnavailableException.class)
                    .hasMessageContaining("STS AssumeRole of " + ROLE + " was refused (HTTP 403 AccessDenied")
                    .hasMessageContaining("is not authorized to perform: sts:AssumeRole")
                    .hasMessageContaining("trust policy")
                    .hasMessageNotContaining("wJalrXUtnFEMI");
        }
    }
}
