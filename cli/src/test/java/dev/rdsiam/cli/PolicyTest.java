package dev.rdsiam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code rdsiam policy}: documents for instance, cluster and proxy endpoints; the RDS lookup against a local stub. */
class PolicyTest {

    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    private HttpServer stub;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (stub != null) {
            stub.stop(0);
        }
    }

    private static String expected(String resource) {
        return "{\n"
                + "  \"Version\": \"2012-10-17\",\n"
                + "  \"Statement\": [\n"
                + "    {\n"
                + "      \"Sid\": \"RdsIamConnect\",\n"
                + "      \"Effect\": \"Allow\",\n"
                + "      \"Action\": \"rds-db:connect\",\n"
                + "      \"Resource\": \"" + resource + "\"\n"
                + "    }\n"
                + "  ]\n"
                + "}\n";
    }

    private static Map<String, String> keys() {
        Map<String, String> env = new TreeMap<>();
        env.put("RDSIAM_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
        env.put("RDSIAM_SECRET_ACCESS_KEY", SECRET);
        return env;
    }

    @Test
    void instance() {
        CliKit.Run run = CliKit.run(Map.of(), "policy", "--hostname", "orders.c0ffee000000.eu-west-1.rds.amazonaws.com",
                "--username", "app", "--account-id", "123456789012", "--resource-id", "db-ABCDEFGHIJKLMNOPQRSTUVWXY0");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).isEqualTo(expected(
                "arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXY0/app"));
        assertThat(JsonReader.parse(run.out())).isInstanceOf(Map.class);
    }

    @Test
    void auroraClusterReader() {
        CliKit.Run run = CliKit.run(Map.of(), "policy",
                "--hostname", "orders.cluster-ro-c0ffee000000.us-east-1.rds.amazonaws.com", "--username", "report",
                "--account-id", "123456789012", "--resource-id", "cluster-ABCDEFGHIJKLMNOPQRSTUVWXY0");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).isEqualTo(expected(
                "arn:aws:rds-db:us-east-1:123456789012:dbuser:cluster-ABCDEFGHIJKLMNOPQRSTUVWXY0/report"));
    }

    @Test
    void proxy_inChina() {
        CliKit.Run run = CliKit.run(Map.of(), "policy",
                "--hostname", "app.proxy-c0ffee000000.rds.cn-north-1.amazonaws.com.cn", "--username", "app",
                "--account-id", "210987654321", "--resource-id", "prx-0123456789abcdef0");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).isEqualTo(expected(
                "arn:aws-cn:rds-db:cn-north-1:210987654321:dbuser:prx-0123456789abcdef0/app"));
    }

    @Test
    void resourceIdOfTheWrongKind_isAUsageError_sayingWhichKindAndHowToFindIt() {
        CliKit.Run run = CliKit.run(Map.of(), "policy", "--hostname", "orders.cluster-c0ffee000000.eu-west-1.rds"
                + ".amazonaws.com", "--username", "app", "--account-id", "123456789012", "--resource-id",
                "db-ABCDEFGHIJKLMNOPQRSTUVWXY0");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("--resource-id 'db-ABCDEFGHIJKLMNOPQRSTUVWXY0' does not fit")
                .contains("starts with cluster-")
                .contains("aws rds describe-db-clusters --db-cluster-identifier orders");
    }

    /** What sourcing the testkit's environment (its Main prints these RDSIAM_* lines) leaves in a shell. */
    private static Map<String, String> testkitEnvironment() {
        Map<String, String> env = CliKit.env();
        env.put("RDSIAM_REGION", CliKit.rds().region());
        return env;
    }

    @Test
    void theReadmeExample_worksAfterTheTestkitsEnvironmentIsSourced_theFlagsWin() {
        CliKit.Run run = CliKit.run(testkitEnvironment(), "policy",
                "--hostname", "orders.c0ffee000000.eu-west-1.rds.amazonaws.com", "--username", "app",
                "--account-id", "123456789012", "--resource-id", "db-ABCDEFGHIJKLMNOPQRSTUVWXY0");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).isEqualTo(expected(
                "arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXY0/app"));
        assertThat(run.err()).isEqualTo("rdsiam policy: note: RDSIAM_REGION=" + CliKit.rds().region() + " is ignored: "
                + "the host orders.c0ffee000000.eu-west-1.rds.amazonaws.com given on the command line is in eu-west-1 "
                + "(the command line wins over RDSIAM_* variables)\n");
    }

    @Test
    void aRegionFlag_thatContradictsTheHostFlag_isStillAnError() {
        CliKit.Run run = CliKit.run(testkitEnvironment(), "policy",
                "--hostname", "orders.c0ffee000000.eu-west-1.rds.amazonaws.com", "--region", "us-east-1",
                "--username", "app", "--account-id", "123456789012", "--resource-id", "db-ABCDEFGHIJKLMNOPQRSTUVWXY0");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("rdsiam.region 'us-east-1' contradicts the host's region 'eu-west-1'");
    }

    @Test
    void withoutAccountId_theAccountIsTheCallers_fromGetCallerIdentity() {
        CliKit.Run run = CliKit.run(testkitEnvironment(), "policy",
                "--hostname", "orders.c0ffee000000.eu-west-1.rds.amazonaws.com", "--username", "app",
                "--resource-id", "db-ABCDEFGHIJKLMNOPQRSTUVWXY0");

        String account = CliKit.rds().accountId();
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).isEqualTo(expected(
                "arn:aws:rds-db:eu-west-1:" + account + ":dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXY0/app"));
        assertThat(run.err()).contains("rdsiam policy: note: account " + account + " is the caller's (arn:aws:iam::"
                + account + ":user/").contains("from sts:GetCallerIdentity")
                .contains("pass --account-id if the database is in another account")
                .doesNotContain(CliKit.rds().credentials().secretAccessKey());
    }

    @Test
    void withoutAccountId_andNoSts_isAUsageError_sayingWhy() {
        CliKit.Run run = CliKit.run(keys(), "policy", // CliKit gives it an STS endpoint where nothing listens
                "--hostname", "orders.c0ffee000000.eu-west-1.rds.amazonaws.com", "--username", "app",
                "--resource-id", "db-ABCDEFGHIJKLMNOPQRSTUVWXY0", "--connect-timeout", "1s");

        assertThat(run.exit()).as(run.toString()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("--account-id is required")
                .contains("asking STS for the caller's account did not work: sts:GetCallerIdentity failed")
                .contains("or pass --lookup").doesNotContain(SECRET);
    }

    @Test
    void missingResourceId_isAUsageError_pointingAtLookup() {
        CliKit.Run run = CliKit.run(Map.of(), "policy", "--hostname", "orders.c0ffee000000.eu-west-1.rds.amazonaws.com",
                "--username", "app", "--account-id", "123456789012");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--resource-id is required").contains("--lookup")
                .contains("aws rds describe-db-instances --db-instance-identifier orders");
    }

    private String startStub(int status, String xml) throws IOException {
        stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        stub.createContext("/", exchange -> {
            requests.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] body = xml.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/xml");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        stub.start();
        return "http://127.0.0.1:" + stub.getAddress().getPort();
    }

    @Test
    void lookup_findsTheInstanceResourceId_andTheAccount() throws IOException {
        String url = startStub(200, "<DescribeDBInstancesResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\">"
                + "<DescribeDBInstancesResult><DBInstances><DBInstance>"
                + "<DBInstanceIdentifier>orders</DBInstanceIdentifier>"
                + "<DbiResourceId>db-ABCDEFGHIJKLMNOPQRSTUVWXY0</DbiResourceId>"
                + "<DBInstanceArn>arn:aws:rds:eu-west-1:123456789012:db:orders</DBInstanceArn>"
                + "</DBInstance></DBInstances></DescribeDBInstancesResult>"
                + "<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>"
                + "</DescribeDBInstancesResponse>");

        CliKit.Run run = CliKit.run(keys(), "policy", "--hostname", "orders.c0ffee000000.eu-west-1.rds.amazonaws.com",
                "--username", "app", "--lookup", "--endpoint-url", url);

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).isEqualTo(expected(
                "arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-ABCDEFGHIJKLMNOPQRSTUVWXY0/app"));
        assertThat(requests).singleElement().asString().contains("Action=DescribeDBInstances")
                .contains("DBInstanceIdentifier=orders");
    }

    @Test
    void lookup_refused_namesTheMissingPermission() throws IOException {
        String url = startStub(403, "<ErrorResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\">"
                + "<Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: "
                + "arn:aws:iam::123456789012:user/dev is not authorized to perform: rds:DescribeDBClusters</Message>"
                + "</Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>");

        CliKit.Run run = CliKit.run(keys(), "policy", "--hostname",
                "orders.cluster-c0ffee000000.eu-west-1.rds.amazonaws.com", "--username", "app", "--lookup",
                "--endpoint-url", url);

        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("the RDS API refused rds:DescribeDBClusters for DB cluster orders")
                .contains("HTTP 403 AccessDenied")
                .contains("needs the IAM permission rds:DescribeDBClusters")
                .contains("--resource-id and --account-id")
                .doesNotContain(SECRET);
    }
}
