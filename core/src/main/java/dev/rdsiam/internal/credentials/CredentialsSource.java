package dev.rdsiam.internal.credentials;

import dev.rdsiam.RdsIamConfig;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sts.model.StsException;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The AWS credentials of one DataSource: one provider, built from the configuration, reused for every token, closed
 * with the DataSource. No provider here starts a thread (asynchronous refresh stays off).
 */
public final class CredentialsSource implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CredentialsSource.class);

    private final AwsCredentialsProvider provider;
    private final String description;
    private final List<AutoCloseable> owned;

    private CredentialsSource(AwsCredentialsProvider provider, String description, List<AutoCloseable> owned) {
        this.provider = provider;
        this.description = description;
        this.owned = owned;
    }

    /** Builds the provider the configuration asks for. Does no I/O: credentials are resolved on first use. */
    public static CredentialsSource create(RdsIamConfig config) {
        List<AutoCloseable> owned = new ArrayList<>();
        AwsCredentialsProvider base;
        if (config.credentialsProvider().isPresent()) {
            base = config.credentialsProvider().get();
        } else if (config.profile().isPresent()) {
            base = ProfileCredentialsProvider.builder().profileName(config.profile().get()).build();
            owned.add((AutoCloseable) base);
        } else if (config.accessKeyId().isPresent()) {
            String id = config.accessKeyId().get();
            String secret = config.secretAccessKey().orElseThrow();
            Optional<String> session = config.sessionToken();
            AwsCredentials creds = session.isPresent() ? AwsSessionCredentials.create(id, secret, session.get())
                    : AwsBasicCredentials.create(id, secret);
            base = StaticCredentialsProvider.create(creds);
        } else {
            base = DefaultCredentialsProvider.builder().asyncCredentialUpdateEnabled(false).build();
            owned.add((AutoCloseable) base);
        }
        AwsCredentialsProvider provider = base;
        if (config.assumeRole().isPresent()) {
            RdsIamConfig.AssumeRole role = config.assumeRole().get();
            Duration timeout = config.connectTimeout();
            var sts = StsClient.builder()
                    .region(Region.of(config.stsRegion()))
                    .credentialsProvider(base)
                    .httpClientBuilder(UrlConnectionHttpClient.builder()
                            .connectionTimeout(timeout)
                            .socketTimeout(timeout.plus(timeout)));
            config.stsEndpoint().map(URI::normalize).ifPresent(sts::endpointOverride);
            StsClient client = sts.build();
            AssumeRoleRequest.Builder request = AssumeRoleRequest.builder()
                    .roleArn(role.roleArn())
                    .roleSessionName(role.sessionName())
                    .durationSeconds((int) role.duration().getSeconds());
            role.externalId().ifPresent(request::externalId);
            StsAssumeRoleCredentialsProvider assume = StsAssumeRoleCredentialsProvider.builder()
                    .stsClient(client)
                    .refreshRequest(request.build())
                    .asyncCredentialUpdateEnabled(false)
                    .build();
            String endpoint = config.stsEndpoint().map(URI::toString)
                    .orElse("https://sts." + config.stsRegion() + ".amazonaws.com");
            provider = new AssumeRole(assume, role.roleArn(), role.externalId().isPresent(), endpoint);
            owned.add(0, assume);
            owned.add(1, client);
        }
        return new CredentialsSource(provider, config.credentialsDescription(), owned);
    }

    /** Turns STS refusals into messages that say what to check. */
    private static final class AssumeRole implements AwsCredentialsProvider {
        private final AwsCredentialsProvider delegate;
        private final String roleArn;
        private final boolean externalId;
        private final String endpoint;

        AssumeRole(AwsCredentialsProvider delegate, String roleArn, boolean externalId, String endpoint) {
            this.delegate = delegate;
            this.roleArn = roleArn;
            this.externalId = externalId;
            this.endpoint = endpoint;
        }

        @Override
        public AwsCredentials resolveCredentials() {
            try {
                return delegate.resolveCredentials();
            } catch (StsException e) {
                String code = e.awsErrorDetails() == null ? "" : " " + e.awsErrorDetails().errorCode();
                String detail = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
                throw SdkClientException.create("STS AssumeRole of " + roleArn + " was refused (HTTP " + e.statusCode()
                        + code + ": " + detail + "): check that the source credentials may call sts:AssumeRole on "
                        + "this role and that the role's trust policy accepts them"
                        + (externalId ? " with this external id" : " (does it require an external id?)"), e);
            } catch (SdkClientException e) {
                if (!unreachable(e)) {
                    throw e;
                }
                throw SdkClientException.create("STS at " + endpoint + " could not be reached for AssumeRole of "
                        + roleArn + " (" + e.getMessage() + "): new tokens need fresh role credentials; check that "
                        + "this machine reaches STS (security group, NACL, proxy, a VPC interface endpoint for STS, "
                        + "rdsiam.stsEndpoint and rdsiam.stsRegion); tokens already minted keep serving until they "
                        + "expire", e);
            }
        }

        private static boolean unreachable(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof java.io.IOException) {
                    return true;
                }
                if (t.getCause() == t) {
                    break;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return "AssumeRole[" + roleArn + "]";
        }
    }

    /** The provider: resolves (and refreshes) credentials on demand. */
    public AwsCredentialsProvider provider() {
        return provider;
    }

    /** Where the credentials come from, in words, without secrets. */
    public String description() {
        return description;
    }

    @Override
    public void close() {
        for (AutoCloseable c : owned) {
            try {
                if (c instanceof SdkAutoCloseable) {
                    ((SdkAutoCloseable) c).close();
                } else {
                    c.close();
                }
            } catch (Exception e) {
                LOG.debug("closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return "CredentialsSource[" + description + "]";
    }
}
