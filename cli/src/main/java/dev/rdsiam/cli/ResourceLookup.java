package dev.rdsiam.cli;

import dev.rdsiam.Credentials;
import dev.rdsiam.EndpointType;
import dev.rdsiam.RdsIamConfig;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.RdsClientBuilder;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBClusterEndpoint;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBProxy;
import software.amazon.awssdk.services.rds.model.DBProxyEndpoint;

/**
 * Finds the resource id (and the account) of an endpoint with the RDS API, for {@code rdsiam policy --lookup}:
 * {@code DescribeDBInstances} for instances, {@code DescribeDBClusters} for Aurora cluster endpoints (after
 * {@code DescribeDBClusterEndpoints} for custom endpoints), {@code DescribeDBProxies} for proxies (after
 * {@code DescribeDBProxyEndpoints} for custom proxy endpoints). Credentials come from the same source as tokens.
 *
 * <pre>{@code
 * ResourceLookup.Found f = new ResourceLookup(config, null).find();   // f.resourceId() "db-..."
 * }</pre>
 */
final class ResourceLookup {

    private final RdsIamConfig config;
    private final URI endpoint;

    /**
     * A lookup for one configuration.
     *
     * @param config the configuration (host, region, credentials)
     * @param endpoint the RDS API endpoint override, or null
     */
    ResourceLookup(RdsIamConfig config, URI endpoint) {
        this.config = Objects.requireNonNull(config, "config");
        this.endpoint = endpoint;
    }

    /** What the lookup found. */
    record Found(String resourceId, String accountId) {
    }

    /** A lookup that failed; the message names the missing permission or what else to check. */
    static final class LookupException extends Exception {
        private static final long serialVersionUID = 1L;

        LookupException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Asks the RDS API.
     *
     * @return the resource id and the account
     * @throws LookupException when the API refuses, the resource is missing, or the endpoint type has no lookup
     */
    Found find() throws LookupException {
        EndpointType type = config.endpoint().type();
        String name = config.endpoint().resourceName().orElse(null);
        if (name == null || type == EndpointType.SHARD_GROUP || type == EndpointType.GLOBAL_WRITER) {
            throw new LookupException("--lookup cannot find the resource of " + config.host() + " ("
                    + (name == null ? "not an RDS endpoint name" : type.name().toLowerCase(java.util.Locale.ROOT)
                    .replace('_', ' ') + " endpoint") + "): pass --resource-id and --account-id", null);
        }
        Duration timeout = config.connectTimeout();
        try (Credentials credentials = Credentials.of(config)) {
            RdsClientBuilder b = RdsClient.builder()
                    .region(Region.of(config.region()))
                    .credentialsProvider(credentials.provider())
                    .httpClientBuilder(UrlConnectionHttpClient.builder()
                            .connectionTimeout(timeout)
                            .socketTimeout(timeout.plus(timeout)))
                    .overrideConfiguration(ClientOverrideConfiguration.builder()
                            .apiCallTimeout(timeout.multipliedBy(3)).build());
            if (endpoint != null) {
                b.endpointOverride(endpoint);
            }
            try (RdsClient rds = b.build()) {
                if (type.isProxy()) {
                    return proxy(rds, type, name);
                }
                if (type.isCluster()) {
                    return cluster(rds, type, name);
                }
                return instance(rds, name);
            }
        }
    }

    private Found instance(RdsClient rds, String name) throws LookupException {
        String action = "rds:DescribeDBInstances";
        List<DBInstance> found = call(action, "DB instance " + name,
                () -> rds.describeDBInstances(r -> r.dbInstanceIdentifier(name)).dbInstances());
        DBInstance i = first(found, action, "DB instance " + name);
        return new Found(require(i.dbiResourceId(), "DbiResourceId", action), account(i.dbInstanceArn()));
    }

    private Found cluster(RdsClient rds, EndpointType type, String name) throws LookupException {
        String clusterId = name;
        if (type == EndpointType.CLUSTER_CUSTOM) {
            String action = "rds:DescribeDBClusterEndpoints";
            List<DBClusterEndpoint> eps = call(action, "custom cluster endpoint " + name,
                    () -> rds.describeDBClusterEndpoints(r -> r.dbClusterEndpointIdentifier(name))
                            .dbClusterEndpoints());
            clusterId = require(first(eps, action, "custom cluster endpoint " + name).dbClusterIdentifier(),
                    "DBClusterIdentifier", action);
        }
        String id = clusterId;
        String action = "rds:DescribeDBClusters";
        List<DBCluster> found = call(action, "DB cluster " + id,
                () -> rds.describeDBClusters(r -> r.dbClusterIdentifier(id)).dbClusters());
        DBCluster c = first(found, action, "DB cluster " + id);
        return new Found(require(c.dbClusterResourceId(), "DbClusterResourceId", action), account(c.dbClusterArn()));
    }

    private Found proxy(RdsClient rds, EndpointType type, String name) throws LookupException {
        String proxyName = name;
        if (type == EndpointType.PROXY_ENDPOINT) {
            String action = "rds:DescribeDBProxyEndpoints";
            List<DBProxyEndpoint> eps = call(action, "proxy endpoint " + name,
                    () -> rds.describeDBProxyEndpoints(r -> r.dbProxyEndpointName(name)).dbProxyEndpoints());
            proxyName = require(first(eps, action, "proxy endpoint " + name).dbProxyName(), "DBProxyName", action);
        }
        String n = proxyName;
        String action = "rds:DescribeDBProxies";
        List<DBProxy> found = call(action, "RDS Proxy " + n, () -> rds.describeDBProxies(r -> r.dbProxyName(n))
                .dbProxies());
        String arn = require(first(found, action, "RDS Proxy " + n).dbProxyArn(), "DBProxyArn", action);
        int at = arn.lastIndexOf(':');
        return new Found(arn.substring(at + 1), account(arn));
    }

    /** One API call. */
    @FunctionalInterface
    private interface Call<T> {
        T run();
    }

    private <T> T call(String action, String what, Call<T> call) throws LookupException {
        try {
            return call.run();
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
            String message = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
            String said = "HTTP " + e.statusCode() + (code == null || code.isEmpty() ? "" : " " + code) + ": "
                    + message;
            if (e.statusCode() == 403 || (code != null && (code.contains("AccessDenied")
                    || code.contains("UnauthorizedOperation") || code.contains("NotAuthorized")))) {
                throw new LookupException("the RDS API refused " + action + " for " + what + " (" + said + "): the "
                        + "caller (" + config.credentialsDescription() + ") needs the IAM permission " + action
                        + " in " + config.region() + "; or pass --resource-id and --account-id instead of --lookup",
                        e);
            }
            if (e.statusCode() == 404 || (code != null && code.endsWith("NotFound"))) {
                throw new LookupException("the RDS API has no " + what + " in " + config.region() + " of the "
                        + "caller's account (" + said + "): check the host name, the region and the credentials "
                        + "(the resource may be in another account: pass --resource-id and --account-id)", e);
            }
            throw new LookupException(action + " for " + what + " failed (" + said + ")", e);
        } catch (SdkException e) {
            throw new LookupException(action + " for " + what + " failed: " + e.getMessage()
                    + " — check the credentials and the network path to the RDS API (--endpoint-url for a VPC "
                    + "endpoint)", e);
        }
    }

    private static <T> T first(List<T> found, String action, String what) throws LookupException {
        if (found == null || found.isEmpty()) {
            throw new LookupException(action + " returned no " + what + ": check the host name and region", null);
        }
        return found.get(0);
    }

    private static String require(String value, String field, String action) throws LookupException {
        if (value == null || value.isBlank()) {
            throw new LookupException(action + " returned no " + field + ": pass --resource-id", null);
        }
        return value;
    }

    /** The account of an ARN {@code arn:PARTITION:rds:REGION:ACCOUNT:...}, or null. */
    private static String account(String arn) {
        if (arn == null) {
            return null;
        }
        String[] parts = arn.split(":", 6);
        return parts.length >= 5 && parts[4].matches("\\d{12}") ? parts[4] : null;
    }
}
