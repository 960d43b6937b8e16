package dev.rdsiam.testkit;

import dev.rdsiam.Engine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;
import software.amazon.awssdk.services.sts.model.StsException;

@Tag("postgresql")
class LocalStsTest {

    private static final String PARTNER_ROLE = "arn:aws:iam::123456789012:role/partner";

    @RegisterExtension
    static final LocalRdsExtension RDS = LocalRdsExtension.of(LocalRds.builder().engine(Engine.POSTGRESQL)
            .role(PARTNER_ROLE, "ext-42"));

    @Test
    void getCallerIdentity_namesTheStaticUser(LocalRds rds) {
        try (StsClient sts = SdkTokens.sts(rds)) {
            GetCallerIdentityResponse me = sts.getCallerIdentity();
            assertThat(me.account()).isEqualTo("123456789012");
            assertThat(me.arn()).isEqualTo("arn:aws:iam::123456789012:user/localrds-user");
            assertThat(me.userId()).startsWith("AIDA");
        }
    }

    @Test
    void assumeRole_issuesSessionCredentials_withRequestedDuration(LocalRds rds) {
        Instant before = Instant.now();
        try (StsClient sts = SdkTokens.sts(rds)) {
            AssumeRoleResponse r = sts.assumeRole(b -> b.roleArn(rds.defaultRoleArn()).roleSessionName("job-1")
                    .durationSeconds(900));
            assertThat(r.credentials().accessKeyId()).startsWith("ASIA");
            assertThat(r.credentials().sessionToken()).hasSizeGreaterThan(300);
            assertThat(r.credentials().expiration()).isBetween(before.plusSeconds(899), before.plusSeconds(902));
            assertThat(r.assumedRoleUser().arn())
                    .isEqualTo("arn:aws:sts::123456789012:assumed-role/localrds-iam/job-1");
            AwsSessionCredentials session = AwsSessionCredentials.create(r.credentials().accessKeyId(),
                    r.credentials().secretAccessKey(), r.credentials().sessionToken());
            try (StsClient asRole = SdkTokens.sts(rds.stsEndpoint(), session)) {
                assertThat(asRole.getCallerIdentity().arn()).isEqualTo(r.assumedRoleUser().arn());
            }
        }
    }

    @Test
    void assumeRoleCredentialsProvider_ofTheSdk_worksAgainstTheLocalSts(LocalRds rds) {
        try (StsClient sts = SdkTokens.sts(rds);
             StsAssumeRoleCredentialsProvider provider = StsAssumeRoleCredentialsProvider.builder().stsClient(sts)
                     .refreshRequest(b -> b.roleArn(PARTNER_ROLE).roleSessionName("partner-job").externalId("ext-42"))
                     .build()) {
            assertThat(provider.resolveCredentials().accessKeyId()).startsWith("ASIA");
        }
    }

    @Test
    void assumeRole_isDenied_forUnknownRole(LocalRds rds) {
        try (StsClient sts = SdkTokens.sts(rds)) {
            assertThatThrownBy(() -> sts.assumeRole(b -> b.roleArn("arn:aws:iam::123456789012:role/nope")
                    .roleSessionName("sess")))
                    .isInstanceOfSatisfying(StsException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                    });
        }
    }

    @Test
    void assumeRole_isDenied_forWrongExternalId(LocalRds rds) {
        try (StsClient sts = SdkTokens.sts(rds)) {
            assertThatThrownBy(() -> sts.assumeRole(b -> b.roleArn(PARTNER_ROLE).roleSessionName("sess")
                    .externalId("wrong")))
                    .isInstanceOfSatisfying(StsException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
        }
    }

    @Test
    void unknownCaller_isRejectedWithInvalidClientTokenId(LocalRds rds) {
        try (StsClient sts = SdkTokens.sts(rds.stsEndpoint(),
                AwsBasicCredentials.create("AKIAUNKNOWN000000000", "secret"))) {
            assertThatThrownBy(sts::getCallerIdentity)
                    .isInstanceOfSatisfying(StsException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidClientTokenId");
                    });
        }
    }

    @Test
    void wrongSecret_isRejectedWithSignatureDoesNotMatch(LocalRds rds) {
        try (StsClient sts = SdkTokens.sts(rds.stsEndpoint(),
                AwsBasicCredentials.create(rds.credentials().accessKeyId(), "wrong-secret"))) {
            assertThatThrownBy(sts::getCallerIdentity)
                    .isInstanceOfSatisfying(StsException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch"));
        }
    }

    @Test
    void forcedShortSessions_expireByTheKitsClock(LocalRds rds) throws Exception {
        rds.forceSessionDuration(Duration.ofSeconds(1));
        AwsSessionCredentials session = SdkTokens.assumeDefaultRole(rds);
        Thread.sleep(1100);
        try (StsClient asRole = SdkTokens.sts(rds.stsEndpoint(), session)) {
            assertThatThrownBy(asRole::getCallerIdentity)
                    .isInstanceOfSatisfying(StsException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ExpiredToken"));
        }
    }

    @Test
    void credentials_toStringHidesTheSecret(LocalRds rds) {
        assertThat(rds.credentials().toString()).doesNotContain(rds.credentials().secretAccessKey());
    }

    @Test
    void stsRefusing_failsAssumeRoleWithAConnectError_thenRecovers(LocalRds rds) {
        rds.faults().stsOutage(StsOutage.REFUSING);
        try (StsClient sts = SdkTokens.sts(rds)) {
            assertThatThrownBy(() -> sts.getCallerIdentity())
                    .isInstanceOf(software.amazon.awssdk.core.exception.SdkClientException.class)
                    .hasRootCauseInstanceOf(java.net.ConnectException.class);
        }
        rds.faults().stsOutage(StsOutage.NONE);
        try (StsClient sts = SdkTokens.sts(rds)) {
            assertThat(sts.getCallerIdentity().account()).isEqualTo("123456789012");
        }
    }

    @Test
    void stsHanging_acceptsButNeverAnswers_soTheCallTimesOut(LocalRds rds) {
        rds.faults().stsOutage(StsOutage.HANGING);
        try (StsClient sts = StsClient.builder().endpointOverride(rds.stsEndpoint())
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        SdkTokens.static_(rds)))
                .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofMillis(800)))
                .build()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> sts.getCallerIdentity()).satisfies(e -> assertThat(e.getClass().getName())
                    .contains("Timeout"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(700));
        }
        rds.faults().stsOutage(StsOutage.NONE);
        try (StsClient sts = SdkTokens.sts(rds)) {
            assertThat(sts.getCallerIdentity().account()).isEqualTo("123456789012");
        }
    }
}
