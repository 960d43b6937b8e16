package dev.rdsiam;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.rdsiam.jdbc.RdsIamDataSource;
import dev.rdsiam.jdbc.RdsIamDriver;
import dev.rdsiam.testing.CapturingAppender;
import dev.rdsiam.testing.MutableClock;
import dev.rdsiam.testing.ScriptedBinding;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Runs the token-handling paths with all logging captured at TRACE (ours and the AWS SDK's), collects every
 * {@code toString} and exception text they produce, and fails on any token, signature, secret key or session token.
 */
class SecretsNeverLeakTest {

    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static final String STS_SECRET = "stsIssuedSecretKey0123456789";
    private static final String STS_SESSION = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN";
    private static final String STATIC_SESSION = "FwoGZXIvYXdzSTATICSESSION";

    private final List<String> texts = new ArrayList<>();
    private final List<String> tokenValues = new ArrayList<>();

    private void collect(Object o) {
        texts.add(String.valueOf(o));
    }

    private void collect(Throwable t) {
        StringWriter sw = new StringWriter();
        t.printStackTrace(new PrintWriter(sw));
        texts.add(sw.toString());
    }

    @Test
    void tokenHandling_leaksNoSecretIntoLogsToStringOrMessages() throws Exception {
        CapturingAppender.clear();
        ScriptedBinding.reset();
        MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

        // static session credentials: config, provider, DataSource with a rejected cached token and a retry
        RdsIamConfig config = RdsIamConfig.builder().engine(Engine.MYSQL)
                .host("shop.c0ffee000000.us-east-1.rds.amazonaws.com").user("app")
                .accessKeyId("ASIAIOSFODNN7EXAMPLE").secretAccessKey(SECRET).sessionToken(STATIC_SESSION)
                .clock(clock).build();
        collect(config);
        try (RdsIamDataSource ds = RdsIam.dataSource(config)) {
            collect(ds);
            ds.getConnection();
            ScriptedBinding.SCRIPT.add(ScriptedBinding.REJECT);
            collect(ds.getConnection());
            ScriptedBinding.SCRIPT.add(ScriptedBinding.REJECT);
            ScriptedBinding.SCRIPT.add(ScriptedBinding.REJECT);
            try {
                ds.getConnection();
            } catch (SQLException e) {
                collect(e);
            }
            collect(ds.tokenProvider());
        }
        for (AuthToken t : ScriptedBinding.PRESENTED) {
            tokenValues.add(t.value());
            collect(t);
        }

        // assume role through an STS on 127.0.0.1: success, then refusal
        WireMockServer sts = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
        sts.start();
        try {
            Instant expires = Instant.now().truncatedTo(ChronoUnit.SECONDS).plus(Duration.ofHours(1));
            sts.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "text/xml")
                    .withBody("<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>"
                            + "<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/r/rdsiam</Arn>"
                            + "<AssumedRoleId>AROAX:rdsiam</AssumedRoleId></AssumedRoleUser><Credentials>"
                            + "<AccessKeyId>ASIASTSISSUED0000001</AccessKeyId><SecretAccessKey>" + STS_SECRET
                            + "</SecretAccessKey><SessionToken>" + STS_SESSION + "</SessionToken><Expiration>" + expires
                            + "</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>")));
            RdsIamConfig assume = RdsIamConfig.builder().engine(Engine.MYSQL)
                    .host("app.proxy-c0ffee000000.us-east-1.rds.amazonaws.com").user("app")
                    .accessKeyId("AKIAIOSFODNN7EXAMPLE").secretAccessKey(SECRET)
                    .roleArn("arn:aws:iam::123456789012:role/r").stsEndpoint(URI.create(sts.baseUrl())).build();
            collect(assume);
            try (AuthTokenProvider tokens = RdsIam.tokenProvider(assume)) {
                AuthToken t = tokens.token();
                tokenValues.add(t.value());
                collect(t);
                collect(tokens);
            }
            sts.resetAll();
            sts.stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(403)
                    .withBody("<ErrorResponse><Error><Code>AccessDenied</Code><Message>denied</Message></Error>"
                            + "</ErrorResponse>")));
            try (AuthTokenProvider tokens = RdsIam.tokenProvider(assume)) {
                tokens.token();
            } catch (TokenUnavailableException e) {
                collect(e);
            }
        } finally {
            sts.stop();
        }

        // the driver front door, including a refused password
        Properties info = new Properties();
        info.setProperty("user", "app");
        info.setProperty("password", "hunter2-password");
        try {
            DriverManager.getConnection("jdbc:rdsiam:mysql://shop.c0ffee000000.us-east-1.rds.amazonaws.com/shop", info);
        } catch (SQLException e) {
            collect(e);
        }
        collect(RdsIamConfig.fromUrl("jdbc:rdsiam:mysql://shop.c0ffee000000.us-east-1.rds.amazonaws.com/shop"
                + "?rdsiam.accessKeyId=AKIAIOSFODNN7EXAMPLE&rdsiam.secretAccessKey=" + SECRET.replace("/", "%2F")
                + "&user=app", null));

        List<String> all = new ArrayList<>(texts);
        all.addAll(CapturingAppender.lines());
        assertThat(tokenValues).hasSizeGreaterThanOrEqualTo(4);
        assertThat(CapturingAppender.lines()).as("something was logged").isNotEmpty();
        for (String line : all) {
            assertThat(line).doesNotContain("X-Amz-Signature=").doesNotContain("X-Amz-Security-Token=")
                    .doesNotContain(SECRET).doesNotContain(STS_SECRET).doesNotContain(STS_SESSION)
                    .doesNotContain(STATIC_SESSION).doesNotContain("hunter2-password");
            for (String token : tokenValues) {
                assertThat(line).doesNotContain(token);
            }
        }
    }
}
