package dev.rdsiam.cli;

import dev.rdsiam.AuthToken;
import dev.rdsiam.AuthTokenProvider;
import dev.rdsiam.EndpointType;
import dev.rdsiam.RdsIam;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.TokenUnavailableException;
import dev.rdsiam.diagnostics.Diagnosis;
import dev.rdsiam.internal.credentials.CredentialsSource;
import dev.rdsiam.internal.net.ConnectFailure;
import dev.rdsiam.internal.net.Dialer;
import dev.rdsiam.internal.net.Elapsed;
import dev.rdsiam.internal.trust.HostnameMatcher;
import dev.rdsiam.internal.trust.IdentityTls;
import dev.rdsiam.internal.trust.TlsVerificationException;
import dev.rdsiam.internal.trust.TrustMaterial;
import dev.rdsiam.jdbc.RdsIamDataSource;
import dev.rdsiam.spi.EngineBinding;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Runs the doctor's stages in order and stops at the first failure. Each stage uses the library's own code:
 * {@link RdsIamConfig} for the configuration, {@link Dialer} for TCP, {@link IdentityTls} with the configuration's
 * {@link TrustMaterial} for TLS, {@link CredentialsSource} for credentials, {@link RdsIam#tokenProvider} for the
 * token and {@link RdsIam#dataSource} for the login.
 *
 * <pre>{@code
 * List<StageResult> results = new Doctor(io, options, false).run();
 * }</pre>
 */
final class Doctor {

    private static final Pattern IPV4 = Pattern.compile("^\\d{1,3}(\\.\\d{1,3}){3}$");
    private static final Pattern IPV6 = Pattern.compile("^\\[?[0-9A-Fa-f]*:[0-9A-Fa-f:.]*(%[\\w.]+)?]?$");
    private static final Duration CERTIFICATE_WARNING = Duration.ofDays(30);

    private final Invocation io;
    private final ConfigOptions options;
    private final boolean callerIdentity;

    private RdsIamConfig config;
    private TrustMaterial trust;
    private Socket socket;
    private List<String> privateAddresses = new ArrayList<>();
    private AwsCredentials credentials;
    private String accountId;
    private Duration skew;

    /**
     * A doctor for one run.
     *
     * @param io the environment, resolver and output
     * @param options the configuration options
     * @param callerIdentity whether to call {@code sts:GetCallerIdentity} in the credentials stage
     */
    Doctor(Invocation io, ConfigOptions options, boolean callerIdentity) {
        this.io = io;
        this.options = options;
        this.callerIdentity = callerIdentity;
    }

    /** What a stage found. */
    private static final class Findings {
        final List<String> lines = new ArrayList<>();
        StageResult.Status status = StageResult.Status.OK;

        Findings add(String line) {
            lines.add(line);
            return this;
        }

        Findings fail(String line) {
            lines.add(line);
            status = StageResult.Status.FAILED;
            return this;
        }

        Findings warn(String line) {
            lines.add(line);
            if (status == StageResult.Status.OK) {
                status = StageResult.Status.WARNING;
            }
            return this;
        }
    }

    /** Runs every stage; those after a failure are skipped. */
    List<StageResult> run() {
        return run(Stage.LOGIN);
    }

    /** Runs the stages up to {@code last}; those after a failure are skipped. */
    List<StageResult> run(Stage last) {
        List<StageResult> results = new ArrayList<>();
        Stage failed = null;
        try {
            for (Stage stage : Stage.values()) {
                if (stage.compareTo(last) > 0) {
                    break;
                }
                if (failed != null) {
                    results.add(new StageResult(stage, StageResult.Status.SKIPPED,
                            List.of("not run: stage " + failed.number() + " (" + failed.label() + ") failed"), 0));
                    continue;
                }
                long start = System.nanoTime();
                Findings f = new Findings();
                try {
                    run(stage, f);
                } catch (RuntimeException e) {
                    f.fail("unexpected failure: " + e);
                }
                results.add(new StageResult(stage, f.status, f.lines, Elapsed.since(start).toMillis()));
                if (f.status == StageResult.Status.FAILED) {
                    failed = stage;
                }
            }
        } finally {
            closeSocket();
        }
        return results;
    }

    private void run(Stage stage, Findings f) {
        switch (stage) {
            case CONFIGURATION:
                configuration(f);
                break;
            case DNS:
                dns(f);
                break;
            case TCP:
                tcp(f);
                break;
            case TLS:
                tls(f);
                break;
            case CREDENTIALS:
                credentials(f);
                break;
            case TOKEN:
                token(f);
                break;
            case LOGIN:
                login(f);
                break;
            default:
                throw new IllegalStateException("no stage " + stage);
        }
    }

    // 1 ------------------------------------------------------------------------------------------------------------

    private void configuration(Findings f) {
        try {
            config = options.build(io.env(), null);
        } catch (IllegalArgumentException e) {
            f.fail(e.getMessage());
            return;
        }
        options.notes().forEach(n -> f.add("note         " + n));
        EndpointType type = config.endpoint().type();
        f.add("endpoint     " + config.host() + ":" + config.port() + " (" + describe(type) + ")");
        f.add("region       " + config.region() + (config.endpoint().region().isPresent() ? " (from the host name)"
                : " (configured)"));
        f.add("engine       " + config.engine() + ", user " + config.user()
                + config.database().map(d -> ", database " + d).orElse(""));
        if (config.hasRoute()) {
            f.add("route        " + config.routeHost() + ":" + config.routePort() + " (dialled instead of the "
                    + "endpoint; the token and the certificate check still use " + config.host() + ")");
        } else {
            f.add("route        direct to " + config.host() + ":" + config.port());
        }
        try {
            trust = TrustMaterial.forChoice(config.trust(), config.trustPem().orElse(null), type.isProxy());
        } catch (IllegalArgumentException e) {
            f.fail(ConfigOptions.withFlagHints(e.getMessage()));
            return;
        }
        f.add("trust        " + config.trust() + ": " + trust.description());
        f.add("credentials  " + config.credentialsDescription());
        f.add("timeout      " + Elapsed.format(config.connectTimeout()) + " for the TCP connect and for the TLS "
                + "handshake");
        if (EngineBinding.find(config.engine()).isEmpty()) {
            f.fail("no driver binding for engine " + config.engine() + " on the class path: add dev.rdsiam:"
                    + config.engine().artifactId());
        }
    }

    private static String describe(EndpointType type) {
        switch (type) {
            case INSTANCE: return "a DB instance endpoint";
            case CLUSTER_WRITER: return "an Aurora cluster (writer) endpoint";
            case CLUSTER_READER: return "an Aurora cluster reader endpoint";
            case CLUSTER_CUSTOM: return "an Aurora custom cluster endpoint";
            case SHARD_GROUP: return "an Aurora Limitless shard group endpoint";
            case PROXY: return "an RDS Proxy endpoint";
            case PROXY_ENDPOINT: return "a custom RDS Proxy endpoint";
            case GLOBAL_WRITER: return "an Aurora Global Database writer endpoint";
            default: return "not an RDS name: custom DNS, an IP address or a tunnel";
        }
    }

    // 2 ------------------------------------------------------------------------------------------------------------

    private void dns(Findings f) {
        String route = config.routeHost();
        String what = config.hasRoute() ? "route host " : "endpoint ";
        if (isIpLiteral(route)) {
            f.add(what + route + " is an IP address: no lookup");
        } else {
            InetAddress[] addresses;
            try {
                addresses = resolve(route);
            } catch (UnknownHostException e) {
                if (config.hasRoute()) {
                    f.fail("the route host " + route + " does not resolve from here (" + reason(e) + "): check "
                            + "--connect-host (rdsiam.connectHost): the tunnel's address (127.0.0.1 for SSM port "
                            + "forwarding) or the NLB's DNS name");
                } else {
                    f.fail(route + " does not resolve from here (" + reason(e) + "): check the spelling; if it is a "
                            + "VPC-only name (a private hosted zone), connect through SSM port forwarding "
                            + "(--connect-host 127.0.0.1 --connect-port LOCAL_PORT), an NLB (--connect-host NLB_NAME "
                            + "--connect-port PORT) or a VPN into the VPC");
                }
                return;
            }
            f.add(what + route + " resolves to " + list(addresses));
            List<String> priv = privateOnes(addresses);
            if (!priv.isEmpty()) {
                privateAddresses = priv;
                f.add("private address " + String.join(", ", priv) + ": reachable only from inside the VPC (or over "
                        + "a VPN, VPC peering, Transit Gateway or Direct Connect); from outside, use SSM port "
                        + "forwarding (aws ssm start-session --document-name "
                        + "AWS-StartPortForwardingSessionToRemoteHost, then --connect-host 127.0.0.1 --connect-port "
                        + "LOCAL_PORT), an internet-facing NLB, or a VPN");
            }
        }
        if (config.hasRoute() && !isIpLiteral(config.host())) {
            try {
                InetAddress[] identity = resolve(config.host());
                f.add("endpoint " + config.host() + " resolves to " + list(identity) + " (not dialled: the route is)");
            } catch (UnknownHostException e) {
                f.add("endpoint " + config.host() + " does not resolve from here: fine, the route "
                        + config.routeHost() + ":" + config.routePort() + " is dialled and the name is only signed "
                        + "into the token and checked against the certificate");
            }
        }
    }

    private InetAddress[] resolve(String host) throws UnknownHostException {
        try {
            return bounded(() -> io.resolver().resolve(host), config.connectTimeout(), "dns-" + host);
        } catch (TimeoutException e) {
            throw new UnknownHostException("no answer within " + Elapsed.format(config.connectTimeout()));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownHostException) {
                throw (UnknownHostException) e.getCause();
            }
            UnknownHostException u = new UnknownHostException(String.valueOf(e.getCause()));
            u.initCause(e.getCause());
            throw u;
        }
    }

    private static String reason(UnknownHostException e) {
        return e.getMessage() == null ? "unknown host" : e.getMessage();
    }

    static boolean isIpLiteral(String host) {
        return IPV4.matcher(host).matches() || IPV6.matcher(host).matches();
    }

    private static String list(InetAddress[] addresses) {
        List<String> out = new ArrayList<>();
        for (InetAddress a : addresses) {
            out.add(a.getHostAddress());
        }
        return String.join(", ", out);
    }

    /** Addresses in 10/8, 172.16/12, 192.168/16, 100.64/10 (shared, CGNAT) or fc00::/7. */
    static List<String> privateOnes(InetAddress[] addresses) {
        List<String> out = new ArrayList<>();
        for (InetAddress a : addresses) {
            byte[] b = a.getAddress();
            boolean priv;
            if (a instanceof Inet4Address) {
                int b0 = b[0] & 0xff;
                int b1 = b[1] & 0xff;
                priv = b0 == 10 || (b0 == 172 && b1 >= 16 && b1 <= 31) || (b0 == 192 && b1 == 168)
                        || (b0 == 100 && b1 >= 64 && b1 <= 127);
            } else {
                priv = a instanceof Inet6Address && (b[0] & 0xfe) == 0xfc;
            }
            if (priv) {
                out.add(a.getHostAddress());
            }
        }
        return out;
    }

    // 3 ------------------------------------------------------------------------------------------------------------

    private void tcp(Findings f) {
        long start = System.nanoTime();
        try {
            socket = Dialer.dial(config.routeHost(), config.routePort(), config.connectTimeout());
        } catch (ConnectFailure e) {
            f.fail(e.getMessage());
            if (!privateAddresses.isEmpty() && e.kind() != ConnectFailure.Kind.REFUSED) {
                f.add("note: " + config.routeHost() + " resolves to the private address " + String.join(", ",
                        privateAddresses) + ": if this machine is outside the VPC, nothing can answer; use SSM port "
                        + "forwarding, an NLB or a VPN (see the dns stage)");
            }
            return;
        }
        InetAddress remote = socket.getInetAddress();
        f.add("connected to " + config.routeHost() + ":" + config.routePort()
                + (remote != null && !remote.getHostAddress().equals(config.routeHost())
                        ? " (" + remote.getHostAddress() + ")" : "")
                + " in " + Elapsed.format(Elapsed.since(start))
                + (config.hasRoute() ? ", the route to " + config.host() + ":" + config.port() : ""));
    }

    // 4 ------------------------------------------------------------------------------------------------------------

    private void tls(Findings f) {
        String route = config.routeHost() + ":" + config.routePort();
        Duration timeout = config.connectTimeout();
        SSLSocket ssl = null;
        try {
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            try {
                f.add(TlsPreamble.negotiate(config.engine(), socket, route));
            } catch (SocketTimeoutException e) {
                f.fail("the server at " + route + " accepted the TCP connection but did not answer the "
                        + config.engine() + " protocol within " + Elapsed.format(timeout) + ": check that the port "
                        + "is the database's (or that the tunnel forwards to it)");
                return;
            } catch (TlsPreamble.Refused e) {
                f.fail(e.getMessage());
                return;
            }
            ssl = new IdentityTls(trust).handshake(socket, config.host(), config.port(), timeout);
            socket = ssl;
            SSLSession session = ssl.getSession();
            f.add("protocol     " + session.getProtocol() + ", cipher " + session.getCipherSuite());
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate) {
                X509Certificate leaf = (X509Certificate) chain[0];
                f.add("certificate  " + leaf.getSubjectX500Principal().getName());
                f.add("issuer       " + leaf.getIssuerX500Principal().getName());
                f.add("names        " + String.join(", ", HostnameMatcher.dnsNames(leaf)));
                Instant notAfter = leaf.getNotAfter().toInstant();
                Instant now = config.clock().instant();
                f.add("valid until  " + notAfter);
                if (notAfter.isBefore(now.plus(CERTIFICATE_WARNING))) {
                    f.warn("the server certificate expires on " + notAfter + ", within 30 days: rotate the "
                            + "certificate of the DB instance (for RDS: modify its certificate authority)");
                }
            }
            f.add("verified     against the name " + config.host() + (config.hasRoute() ? " (not the route "
                    + config.routeHost() + ")" : "") + " and the trust " + trust.description());
        } catch (TlsVerificationException e) {
            f.fail(e.getMessage());
        } catch (IOException e) {
            f.fail("TLS to " + config.host() + " via " + route + " failed: " + e.getMessage());
        } finally {
            closeSocket();
        }
    }

    // 5 ------------------------------------------------------------------------------------------------------------

    private void credentials(Findings f) {
        f.add("source       " + config.credentialsDescription());
        try (CredentialsSource source = CredentialsSource.create(config)) {
            Duration bound = config.connectTimeout().multipliedBy(3).plusSeconds(5);
            try {
                credentials = bounded(() -> source.provider().resolveCredentials(), bound, "credentials");
            } catch (TimeoutException e) {
                f.fail("no AWS credentials within " + Elapsed.format(bound) + " from " + source.description()
                        + ": a credentials source is hanging (the instance metadata service off EC2, an SSO login "
                        + "waiting, a credential_process): set --profile, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY");
                return;
            } catch (ExecutionException e) {
                f.fail("no AWS credentials could be resolved from " + source.description() + ": "
                        + safeMessage(e.getCause()) + " — check the credentials source (aws sts "
                        + "get-caller-identity with the same settings; for SSO: aws sso login)");
                return;
            }
        }
        String id = credentials.accessKeyId();
        boolean session = credentials instanceof AwsSessionCredentials;
        f.add("access key   " + mask(id) + (session ? " (temporary session credentials)" : " (long-term keys)"));
        credentials.expirationTime().ifPresent(exp -> {
            Duration left = Duration.between(config.clock().instant(), exp);
            f.add("expire at    " + exp + " (in " + minutes(left) + ")");
            if (left.compareTo(Duration.ofMinutes(15)) < 0) {
                f.warn("the credentials expire in less than 15 minutes: tokens signed with them stop working at "
                        + exp + ", before their usual 15 minutes");
            }
        });
        if (!callerIdentity) {
            f.add("caller       not asked (--no-sts)");
            f.add("clock        not measured (--no-sts)");
            return;
        }
        try {
            CallerIdentity.Answer who = CallerIdentity.ask(config, credentials, config.connectTimeout(), true);
            accountId = who.account();
            f.add("caller       " + who.arn() + " (account " + who.account() + ")");
            f.add("IAM policy   the caller needs rds-db:connect on "
                    + Diagnosis.policyResource(config, config.user(), who.account()) + " (rdsiam policy prints it)");
            clock(f, who.skew());
        } catch (CallerIdentity.Failure e) {
            f.warn(e.getMessage() + ": the credentials may still sign valid tokens; without internet access use a "
                    + "VPC endpoint for STS (--property stsEndpoint=...), or skip this call with --no-sts");
            clock(f, e.skew());
        }
    }

    /** The clock line: the skew measured from STS's Date header, a warning above 5 minutes. */
    private void clock(Findings f, Optional<Duration> measured) {
        skew = measured.orElse(null);
        if (measured.isEmpty()) {
            f.add("clock        not measured: no Date header from STS");
        } else if (ClockSkew.worthAWarning(measured.get())) {
            f.warn("clock        " + ClockSkew.describe(measured.get()));
        } else {
            f.add("clock        " + ClockSkew.describe(measured.get()));
        }
    }

    private static String mask(String keyId) {
        return keyId == null || keyId.length() <= 8 ? "****"
                : keyId.substring(0, 4) + "…" + keyId.substring(keyId.length() - 4);
    }

    private static String minutes(Duration d) {
        long m = d.toMinutes();
        return m >= 120 ? (m / 60) + " h" : m + " min";
    }

    /** The message of an SDK or other failure, which never carries a secret. */
    private static String safeMessage(Throwable t) {
        if (t == null) {
            return "unknown failure";
        }
        String m = t.getMessage();
        boolean explained = t instanceof SdkException || t instanceof TokenUnavailableException;
        return (explained ? "" : t.getClass().getSimpleName() + ": ") + (m == null ? "" : m);
    }

    // 6 ------------------------------------------------------------------------------------------------------------

    private void token(Findings f) {
        AuthToken token;
        Duration bound = config.connectTimeout().multipliedBy(3).plusSeconds(5);
        try (AuthTokenProvider tokens = RdsIam.tokenProvider(config)) {
            token = bounded(tokens::token, bound, "token");
        } catch (TimeoutException e) {
            f.fail("no token within " + Elapsed.format(bound) + ": resolving the credentials hangs");
            return;
        } catch (ExecutionException e) {
            f.fail(safeMessage(e.getCause()));
            return;
        }
        f.add("signed for   " + token.user() + "@" + token.host() + ":" + token.port() + ", region " + token.region()
                + (config.hasRoute() ? " (the endpoint, not the route: as it must be)" : ""));
        f.add("signed at    " + token.issuedAt() + " by this machine's clock");
        f.add("token        " + token.length() + " characters, valid until " + token.expiresAt() + " (value not "
                + "shown; rdsiam token prints it)");
    }

    // 7 ------------------------------------------------------------------------------------------------------------

    private void login(Findings f) {
        long start = System.nanoTime();
        try (RdsIamDataSource ds = RdsIam.dataSource(config);
             Connection c = ds.getConnection();
             Statement st = c.createStatement()) {
            st.setQueryTimeout((int) Math.max(1, config.connectTimeout().toSeconds()));
            Duration took = Elapsed.since(start);
            int one;
            try (ResultSet rs = st.executeQuery("select 1")) {
                rs.next();
                one = rs.getInt(1);
            }
            DatabaseMetaData md = c.getMetaData();
            f.add("logged in    as " + config.user() + " in " + Elapsed.format(took) + " ("
                    + md.getDatabaseProductName() + " " + md.getDatabaseProductVersion() + ")");
            ds.lastTlsHandshake().ifPresent(h -> f.add("TLS          " + h.protocol() + ", certificate verified "
                    + "against " + h.verifiedName()));
            f.add("select 1     returned " + one);
        } catch (SQLException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (accountId != null) {
                // the binding's policy hint cannot know the account; stage 5 asked STS for it
                message = message.replace(Diagnosis.policyResource(config, config.user()),
                        Diagnosis.policyResource(config, config.user(), accountId));
            }
            f.fail(message + (e.getSQLState() == null ? "" : " (SQLState " + e.getSQLState() + ")"));
            if (skew != null) {
                f.add("clock        measured in stage 5: " + ClockSkew.describe(skew)
                        + (ClockSkew.worthAWarning(skew) ? " — the clock is check (4) above: fix it first" : ""));
            }
        } catch (IllegalArgumentException e) {
            f.fail(e.getMessage());
        }
    }

    // -------------------------------------------------------------------------------------------------------------

    /** Runs {@code task} on a daemon thread and waits at most {@code bound} (a hung lookup cannot hold the doctor). */
    private static <T> T bounded(Callable<T> task, Duration bound, String name)
            throws TimeoutException, ExecutionException {
        FutureTask<T> future = new FutureTask<>(task);
        Thread t = new Thread(future, "rdsiam-doctor-" + name);
        t.setDaemon(true);
        t.start();
        try {
            return future.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExecutionException("interrupted", e);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw e;
        }
    }

    private void closeSocket() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // nothing to do: the stage's result is already recorded
            }
            socket = null;
        }
    }

    /** The account id seen by sts:GetCallerIdentity, if it was asked. */
    String accountId() {
        return accountId;
    }

    /** The configuration, once stage 1 passed. */
    RdsIamConfig config() {
        return config;
    }
}
