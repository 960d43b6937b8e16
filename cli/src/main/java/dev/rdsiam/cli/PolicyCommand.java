package dev.rdsiam.cli;

import dev.rdsiam.EndpointType;
import dev.rdsiam.Engine;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.diagnostics.CallerIdentity;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code rdsiam policy}: prints the IAM policy that lets a caller log in as a database user: {@code rds-db:connect}
 * on {@code arn:PARTITION:rds-db:REGION:ACCOUNT:dbuser:RESOURCE_ID/USER}.
 *
 * <pre>{@code
 * rdsiam policy --hostname orders.c0ffee.eu-west-1.rds.amazonaws.com --username app \
 *     --account-id 123456789012 --resource-id db-ABCDEFGHIJKLMNOPQRSTUVWXY
 * rdsiam policy --hostname orders.c0ffee.eu-west-1.rds.amazonaws.com --username app --lookup
 * }</pre>
 *
 * <p>The resource id is the {@code DbiResourceId} ({@code db-...}) of an instance, the cluster resource id
 * ({@code cluster-...}) for Aurora cluster endpoints, and {@code prx-...} for an RDS Proxy. {@code --lookup} asks
 * the RDS API for it (and for the account). Without {@code --account-id} or {@code --lookup}, the account is the
 * caller's, from {@code sts:GetCallerIdentity} with the configured credentials (a note on standard error says so).
 */
@Command(name = "policy", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Prints the IAM policy granting rds-db:connect for a database user.",
            "Resource: arn:PARTITION:rds-db:REGION:ACCOUNT:dbuser:RESOURCE_ID/USER (db-... instance, cluster-... "
                + "Aurora cluster, prx-... RDS Proxy)."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:printed", "1:--lookup failed", "2:usage or configuration error"})
public final class PolicyCommand implements Callable<Integer> {

    private static final Pattern ACCOUNT = Pattern.compile("^\\d{12}$");
    private static final Pattern RESOURCE_ID = Pattern.compile("^(db|cluster|prx)-[A-Za-z0-9]+$");

    private final Invocation io;

    @Mixin
    private ConfigOptions options;

    @Option(names = "--account-id", paramLabel = "ACCOUNT", description = "The 12-digit AWS account of the database "
            + "(default: the caller's, from sts:GetCallerIdentity with the configured credentials).")
    private String accountId;

    @Option(names = "--resource-id", paramLabel = "ID",
            description = "db-... (DbiResourceId), cluster-... (DbClusterResourceId) or prx-... (proxy).")
    private String resourceId;

    @Option(names = "--lookup",
            description = "Look the resource id (and account) up with the RDS API (rds:DescribeDBInstances, "
                    + "rds:DescribeDBClusters or rds:DescribeDBProxies).")
    private boolean lookup;

    @Option(names = "--endpoint-url", paramLabel = "URL",
            description = "RDS API endpoint for --lookup (a VPC endpoint), like the AWS CLI's --endpoint-url.")
    private URI endpointUrl;

    /**
     * The command for one invocation.
     *
     * @param io the environment and output
     */
    public PolicyCommand(Invocation io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        RdsIamConfig config = options.buildOrReport(io, "policy", Engine.POSTGRESQL);
        if (config == null) {
            return Main.USAGE;
        }
        EndpointType type = config.endpoint().type();
        String account = accountId;
        String resource = resourceId;
        if (account != null && !ACCOUNT.matcher(account).matches()) {
            return usage("--account-id '" + account + "' is not a 12-digit AWS account id");
        }
        if (resource != null && !RESOURCE_ID.matcher(resource).matches()) {
            return usage("--resource-id '" + resource + "' is not an RDS resource id: use the DbiResourceId "
                    + "(db-...) of an instance, the DbClusterResourceId (cluster-...) of an Aurora cluster, or the "
                    + "prx-... id of an RDS Proxy");
        }
        if (resource != null) {
            String expected = expectedPrefix(type);
            if (expected != null && !resource.startsWith(expected)) {
                return usage("--resource-id '" + resource + "' does not fit " + config.host() + ", "
                        + describe(type) + ": its resource id starts with " + expected
                        + " (" + howToFind(type, config) + ")");
            }
        }
        if (lookup && (resource == null || account == null)) {
            try {
                ResourceLookup.Found found = new ResourceLookup(config, endpointUrl).find();
                resource = resource != null ? resource : found.resourceId();
                account = account != null ? account : found.accountId();
            } catch (ResourceLookup.LookupException e) {
                io.err().println("rdsiam policy: " + e.getMessage());
                return Main.FAILED;
            }
        }
        if (resource == null) {
            return usage("--resource-id is required for " + config.host() + " (" + describe(type) + "): "
                    + howToFind(type, config) + "; or pass --lookup to ask the RDS API");
        }
        if (account == null) {
            String why;
            try {
                CallerIdentity.Answer who = CallerIdentity.ask(config);
                account = who.account();
                io.err().println("rdsiam policy: note: account " + account + " is the caller's (" + who.arn()
                        + ", from sts:GetCallerIdentity): pass --account-id if the database is in another account");
                why = null;
            } catch (CallerIdentity.Failure e) {
                why = e.getMessage();
            }
            if (why != null) {
                return usage("--account-id is required: the 12-digit account of the database (asking STS for the "
                        + "caller's account did not work: " + why + "), or pass --lookup");
            }
        }
        String partition = config.endpoint().partition().orElse(partitionOf(config.region()));
        io.out().print(document(partition, config.region(), account, resource, config.user()));
        io.out().flush();
        return Main.OK;
    }

    private int usage(String message) {
        io.err().println("rdsiam policy: " + message);
        return Main.USAGE;
    }

    /**
     * The policy document.
     *
     * @param partition e.g. {@code aws}
     * @param region e.g. {@code eu-west-1}
     * @param account 12 digits
     * @param resourceId db-..., cluster-... or prx-...
     * @param user the database user
     * @return the JSON document, ending with a newline
     */
    static String document(String partition, String region, String account, String resourceId, String user) {
        String arn = "arn:" + partition + ":rds-db:" + region + ":" + account + ":dbuser:" + resourceId + "/" + user;
        return "{\n"
                + "  \"Version\": \"2012-10-17\",\n"
                + "  \"Statement\": [\n"
                + "    {\n"
                + "      \"Sid\": \"RdsIamConnect\",\n"
                + "      \"Effect\": \"Allow\",\n"
                + "      \"Action\": \"rds-db:connect\",\n"
                + "      \"Resource\": " + Json.quote(arn) + "\n"
                + "    }\n"
                + "  ]\n"
                + "}\n";
    }

    private static String expectedPrefix(EndpointType type) {
        if (type.isProxy()) {
            return "prx-";
        }
        if (type.isCluster()) {
            return "cluster-";
        }
        return type == EndpointType.INSTANCE ? "db-" : null;
    }

    private static String describe(EndpointType type) {
        if (type.isProxy()) {
            return "an RDS Proxy endpoint";
        }
        if (type.isCluster()) {
            return "an Aurora cluster endpoint";
        }
        return type == EndpointType.INSTANCE ? "a DB instance endpoint" : "not an RDS endpoint name";
    }

    private static String howToFind(EndpointType type, RdsIamConfig config) {
        String name = config.endpoint().resourceName().orElse("NAME");
        if (type.isProxy()) {
            return "aws rds describe-db-proxies --db-proxy-name " + name + " --query 'DBProxies[0].DBProxyArn' "
                    + "(the id after db-proxy:)";
        }
        if (type.isCluster()) {
            return "aws rds describe-db-clusters --db-cluster-identifier " + name
                    + " --query 'DBClusters[0].DbClusterResourceId'";
        }
        return "aws rds describe-db-instances --db-instance-identifier " + name
                + " --query 'DBInstances[0].DbiResourceId'";
    }

    private static String partitionOf(String region) {
        String r = region.toLowerCase(Locale.ROOT);
        if (r.startsWith("cn-")) {
            return "aws-cn";
        }
        if (r.startsWith("us-gov-")) {
            return "aws-us-gov";
        }
        if (r.startsWith("us-iso-")) {
            return "aws-iso";
        }
        if (r.startsWith("us-isob-")) {
            return "aws-iso-b";
        }
        return "aws";
    }
}
