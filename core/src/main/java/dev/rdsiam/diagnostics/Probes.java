package dev.rdsiam.diagnostics;

import dev.rdsiam.AuthToken;
import dev.rdsiam.AuthTokenProvider;
import dev.rdsiam.Credentials;
import dev.rdsiam.EndpointType;
import dev.rdsiam.RdsIam;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.Redaction;
import dev.rdsiam.TlsHandshake;
import dev.rdsiam.internal.net.ConnectFailure;
import dev.rdsiam.internal.net.Dialer;
import dev.rdsiam.internal.net.Elapsed;
import dev.rdsiam.internal.trust.HostnameMatcher;
import dev.rdsiam.internal.trust.IdentityTls;
import dev.rdsiam.internal.trust.TlsVerificationException;
import dev.rdsiam.internal.trust.TrustMaterial;
import dev.rdsiam.jdbc.RdsIamDataSource;
import dev.rdsiam.spi.EngineBinding;
import dev.rdsiam.spi.TlsPreamble;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLSocket;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * The probes of one configuration: each checks one step of a connection with the library's own code and says what
 * it found as a {@link ProbeResult}. They are meant to run in {@link Stage} order, as {@link Doctor} runs them, and
 * share what they learnt: the TLS probe uses the TCP probe's connection (or opens its own), the TCP probe's advice
 * knows the private addresses the DNS probe saw, and the login probe's advice names the account the credentials
 * probe learnt. Each probe is also usable on its own, for example a start-up self test:
 *
 * <pre>{@code
 * try (Probes probes = Probes.of(config)) {
 *     ProbeResult login = probes.login();
 *     if (login.status() == ProbeResult.Status.FAILED) {
 *         throw new IllegalStateException(login.diagnosis().orElse("login failed"));
 *     }
 * }
 * }</pre>
 *
 * <p>Every wait is bounded by the configuration's connect timeout (three times it, plus 5 s, for credentials and
 * the token). No result carries a token or a secret. Not safe for concurrent use; close it to release a connection
 * a TCP probe left open.
 */
public final class Probes implements AutoCloseable {

    private static final Duration CERTIFICATE_WARNING = Duration.ofDays(30);

    private final RdsIamConfig config;
    private final HostResolver resolver;
    private final boolean askCallerIdentity;
    private final UnaryOperator<String> hints;
    private final List<String> notes;

    private TrustMaterial trust;
    private Socket socket;
    private List<String> privateAddresses = new ArrayList<>();
    private String accountId;
    private Duration skew;

    Probes(RdsIamConfig config, HostResolver resolver, boolean askCallerIdentity, UnaryOperator<String> hints,
            List<String> notes) {
        this.config = Objects.requireNonNull(config, "config");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.askCallerIdentity = askCallerIdentity;
        this.hints = Objects.requireNonNull(hints, "hints");
        this.notes = List.copyOf(notes);
    }

    /**
     * The probes of a configuration, with the system resolver and {@code sts:GetCallerIdentity} asked by the
     * credentials probe.
     *
     * @param config the configuration
     * @return the probes, to be closed
     */
    public static Probes of(RdsIamConfig config) {
        return new Probes(config, HostResolver.system(), true, UnaryOperator.identity(), List.of());
    }

    /**
     * The same probes with another resolver for the DNS probe (nothing has run yet on the new instance).
     *
     * @param resolver the resolver
     * @return new probes
     */
    public Probes withResolver(HostResolver resolver) {
        return new Probes(config, resolver, askCallerIdentity, hints, notes);
    }

    /**
     * The same probes, with or without the credentials probe's call to {@code sts:GetCallerIdentity} (which tells
     * the account and the clock skew, and needs STS to be reachable).
     *
     * @param ask whether to ask STS
     * @return new probes
     */
    public Probes withCallerIdentity(boolean ask) {
        return new Probes(config, resolver, ask, hints, notes);
    }

    /**
     * The configuration probed.
     *
     * @return the configuration
     */
    public RdsIamConfig config() {
        return config;
    }

    /**
     * The account {@code sts:GetCallerIdentity} named in the credentials probe.
     *
     * @return the 12-digit account, if the credentials probe asked STS and it answered
     */
    public Optional<String> accountId() {
        return Optional.ofNullable(accountId);
    }

    /**
     * Runs one probe, timing it; an unexpected exception fails the probe instead of escaping.
     *
     * @param stage the stage to probe
     * @return what it found
     */
    public ProbeResult run(Stage stage) {
        long start = System.nanoTime();
        Findings f = new Findings();
        try {
            switch (stage) {
                case CONFIGURATION -> configuration(f);
                case DNS -> dns(f);
                case TCP -> tcp(f);
                case TLS -> tls(f);
                case CREDENTIALS -> credentials(f);
                case TOKEN -> token(f);
                case LOGIN -> login(f);
                default -> throw new IllegalStateException("no stage " + stage);
            }
        } catch (RuntimeException e) {
            f.fail("unexpected failure: " + e);
        }
        return f.result(stage, Elapsed.since(start));
    }

    /**
     * What the configuration says: endpoint type, region, engine, route, trust, credentials source, timeout; fails
     * when the trust material cannot be loaded or no binding serves the engine.
     *
     * @return the result
     */
    public ProbeResult configuration() {
        return run(Stage.CONFIGURATION);
    }

    /**
     * Whether the route host resolves, and whether its addresses are private (reachable only inside the VPC).
     *
     * @return the result
     */
    public ProbeResult dns() {
        return run(Stage.DNS);
    }

    /**
     * Whether a TCP connection to the route opens; it stays open for {@link #tls()}.
     *
     * @return the result
     */
    public ProbeResult tcp() {
        return run(Stage.TCP);
    }

    /**
     * The engine's preamble and a TLS handshake verified against the identity host and the configured trust, over
     * the connection {@link #tcp()} opened (or a new one). The result carries the {@link TlsHandshake}.
     *
     * @return the result
     */
    public ProbeResult tls() {
        return run(Stage.TLS);
    }

    /**
     * Whether AWS credentials resolve, their kind and expiry, and (unless turned off) who they are and how far this
     * machine's clock is from STS's.
     *
     * @return the result, with the caller and the clock skew when STS answered
     */
    public ProbeResult credentials() {
        return run(Stage.CREDENTIALS);
    }

    /**
     * Whether a token is signed, for which host, port, user and region; its length and expiry (never its value).
     *
     * @return the result
     */
    public ProbeResult token() {
        return run(Stage.TOKEN);
    }

    /**
     * A login through the library's DataSource and {@code select 1}; on failure the DataSource's diagnosis.
     *
     * @return the result
     */
    public ProbeResult login() {
        return run(Stage.LOGIN);
    }

    /** Closes a connection the TCP probe left open. */
    @Override
    public void close() {
        closeSocket();
    }

    // configuration

    private void configuration(Findings f) {
        notes.forEach(n -> f.add("note", n));
        EndpointType type = config.endpoint().type();
        f.add("endpoint", config.host() + ":" + config.port() + " (" + describe(type) + ")");
        f.add("region", config.region() + (config.endpoint().region().isPresent() ? " (from the host name)"
                : " (configured)"));
        f.add("engine", config.engine() + ", user " + config.user()
                + config.database().map(d -> ", database " + d).orElse(""));
        if (config.hasRoute()) {
            f.add("route", config.routeHost() + ":" + config.routePort() + " (dialled instead of the "
                    + "endpoint; the token and the certificate check still use " + config.host() + ")");
        } else {
            f.add("route", "direct to " + config.host() + ":" + config.port());
        }
        try {
            trust = TrustMaterial.forChoice(config.trust(), config.trustPem().orElse(null), type.isProxy());
        } catch (IllegalArgumentException e) {
            f.fail(hints.apply(e.getMessage()));
            return;
        }
        f.add("trust", config.trust() + ": " + trust.description());
        f.add("credentials", config.credentialsDescription());
        f.add("timeout", Elapsed.format(config.connectTimeout()) + " for the TCP connect and for the TLS "
                + "handshake");
        if (EngineBinding.find(config.engine()).isEmpty()) {
            f.fail(noBinding());
        }
    }

    private String noBinding() {
        return "no driver binding for engine " + config.engine() + " on the class path: add dev.rdsiam:"
                + config.engine().artifactId();
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

    // dns

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
            List<String> priv = privateAddresses(addresses);
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
            return Bounded.run(() -> resolver.resolve(host), config.connectTimeout(), "doctor-dns-" + host);
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

    /**
     * Whether a host is an IPv4 or IPv6 literal (IPv6 optionally in brackets and with a zone): such a route needs no
     * lookup.
     *
     * @param host a host name or address
     * @return true for an IP literal
     */
    public static boolean isIpLiteral(String host) {
        return HostnameMatcher.isIpLiteral(host);
    }

    private static String list(InetAddress[] addresses) {
        List<String> out = new ArrayList<>();
        for (InetAddress a : addresses) {
            out.add(a.getHostAddress());
        }
        return String.join(", ", out);
    }

    /**
     * The private ones among some addresses: 10/8, 172.16/12, 192.168/16, 100.64/10 (shared, CGNAT) or fc00::/7,
     * which only answer inside a VPC or over a VPN.
     *
     * @param addresses the addresses
     * @return the private ones, as text, in order
     */
    public static List<String> privateAddresses(InetAddress[] addresses) {
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

    // tcp

    private void tcp(Findings f) {
        closeSocket();
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

    // tls

    private void tls(Findings f) {
        Optional<EngineBinding> binding = EngineBinding.find(config.engine());
        if (binding.isEmpty()) {
            f.fail(noBinding());
            return;
        }
        Optional<TlsPreamble> preamble = binding.get().tlsPreamble();
        if (preamble.isEmpty()) {
            f.fail("the binding for engine " + config.engine() + " has no TLS preamble: the TLS stage cannot run "
                    + "on its own; the login stage still checks TLS");
            return;
        }
        if (trust == null) {
            try {
                trust = TrustMaterial.forChoice(config.trust(), config.trustPem().orElse(null),
                        config.endpoint().type().isProxy());
            } catch (IllegalArgumentException e) {
                f.fail(hints.apply(e.getMessage()));
                return;
            }
        }
        if (socket == null) {
            try {
                socket = Dialer.dial(config.routeHost(), config.routePort(), config.connectTimeout());
            } catch (ConnectFailure e) {
                f.fail(e.getMessage());
                return;
            }
        }
        String route = config.routeHost() + ":" + config.routePort();
        Duration timeout = config.connectTimeout();
        try {
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            try {
                f.add(preamble.get().negotiate(socket, route));
            } catch (SocketTimeoutException e) {
                f.fail("the server at " + route + " accepted the TCP connection but did not answer the "
                        + config.engine() + " protocol within " + Elapsed.format(timeout) + ": check that the port "
                        + "is the database's (or that the tunnel forwards to it)");
                return;
            } catch (TlsPreamble.Refused e) {
                f.fail(e.getMessage());
                return;
            }
            SSLSocket ssl = new IdentityTls(trust).handshake(socket, config.host(), config.port(), timeout);
            socket = ssl;
            TlsHandshake h = TlsHandshake.of(ssl.getSession(), config.host(), trust.description());
            f.tlsHandshake = h;
            f.add("protocol", h.protocol() + ", cipher " + h.cipherSuite());
            if (h.notAfter() != null) {
                f.add("certificate", h.subject());
                f.add("issuer", h.issuer());
                f.add("names", String.join(", ", h.dnsNames()));
                Instant notAfter = h.notAfter();
                Instant now = config.clock().instant();
                f.add("valid until", notAfter.toString());
                if (notAfter.isBefore(now.plus(CERTIFICATE_WARNING))) {
                    f.warn("", "the server certificate expires on " + notAfter + ", within 30 days: rotate the "
                            + "certificate of the DB instance (for RDS: modify its certificate authority)");
                }
            }
            f.add("verified", "against the name " + config.host() + (config.hasRoute() ? " (not the route "
                    + config.routeHost() + ")" : "") + " and the trust " + trust.description());
        } catch (TlsVerificationException e) {
            f.fail(e.getMessage());
        } catch (IOException e) {
            f.fail("TLS to " + config.host() + " via " + route + " failed: " + e.getMessage());
        } finally {
            closeSocket();
        }
    }

    // credentials

    private void credentials(Findings f) {
        f.add("source", config.credentialsDescription());
        AwsCredentials credentials;
        try (Credentials source = Credentials.of(config)) {
            Duration bound = config.connectTimeout().multipliedBy(3).plusSeconds(5);
            try {
                credentials = Bounded.run(() -> source.provider().resolveCredentials(), bound, "doctor-credentials");
            } catch (TimeoutException e) {
                f.fail("no AWS credentials within " + Elapsed.format(bound) + " from " + source.description()
                        + ": a credentials source is hanging (the instance metadata service off EC2, an SSO login "
                        + "waiting, a credential_process): set --profile, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY");
                return;
            } catch (ExecutionException e) {
                f.fail("no AWS credentials could be resolved from " + source.description() + ": "
                        + Bounded.safeMessage(e.getCause()) + " — check the credentials source (aws sts "
                        + "get-caller-identity with the same settings; for SSO: aws sso login)");
                return;
            }
        }
        String id = credentials.accessKeyId();
        boolean session = credentials instanceof AwsSessionCredentials;
        f.add("access key", Redaction.maskKeyId(id) + (session ? " (temporary session credentials)" : " (long-term keys)"));
        credentials.expirationTime().ifPresent(exp -> {
            Duration left = Duration.between(config.clock().instant(), exp);
            f.add("expire at", exp + " (in " + minutes(left) + ")");
            if (left.compareTo(Duration.ofMinutes(15)) < 0) {
                f.warn("", "the credentials expire in less than 15 minutes: tokens signed with them stop working at "
                        + exp + ", before their usual 15 minutes");
            }
        });
        if (!askCallerIdentity) {
            f.add("caller", "not asked (--no-sts)");
            f.add("clock", "not measured (--no-sts)");
            return;
        }
        try {
            CallerIdentity.Answer who = CallerIdentity.ask(config, credentials, config.connectTimeout(), true);
            accountId = who.account();
            f.caller = who;
            f.add("caller", who.arn() + " (account " + who.account() + ")");
            f.add("IAM policy", "the caller needs rds-db:connect on "
                    + Diagnosis.policyResource(config, config.user(), who.account()) + " (rdsiam policy prints it)");
            clock(f, who.skew());
        } catch (CallerIdentity.Failure e) {
            f.warn("", e.getMessage() + ": the credentials may still sign valid tokens; without internet access use a "
                    + "VPC endpoint for STS (--property stsEndpoint=...), or skip this call with --no-sts");
            clock(f, e.skew());
        }
    }

    /** The clock line: the skew measured from STS's Date header, a warning above 5 minutes. */
    private void clock(Findings f, Optional<Duration> measured) {
        skew = measured.orElse(null);
        f.clockSkew = skew;
        if (measured.isEmpty()) {
            f.add("clock", "not measured: no Date header from STS");
        } else if (ClockSkew.worthAWarning(measured.get())) {
            f.warn("clock", ClockSkew.describe(measured.get()));
        } else {
            f.add("clock", ClockSkew.describe(measured.get()));
        }
    }

    private static String minutes(Duration d) {
        long m = d.toMinutes();
        return m >= 120 ? (m / 60) + " h" : m + " min";
    }

    // token

    private void token(Findings f) {
        AuthToken token;
        Duration bound = config.connectTimeout().multipliedBy(3).plusSeconds(5);
        try (AuthTokenProvider tokens = RdsIam.tokenProvider(config)) {
            token = Bounded.run(tokens::token, bound, "doctor-token");
        } catch (TimeoutException e) {
            f.fail("no token within " + Elapsed.format(bound) + ": resolving the credentials hangs");
            return;
        } catch (ExecutionException e) {
            f.fail(Bounded.safeMessage(e.getCause()));
            return;
        }
        f.tokenLength = token.length();
        f.tokenExpiresAt = token.expiresAt();
        f.add("signed for", token.user() + "@" + token.host() + ":" + token.port() + ", region " + token.region()
                + (config.hasRoute() ? " (the endpoint, not the route: as it must be)" : ""));
        f.add("signed at", token.issuedAt() + " by this machine's clock");
        f.add("token", token.length() + " characters, valid until " + token.expiresAt() + " (value not "
                + "shown; rdsiam token prints it)");
    }

    // login

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
            f.add("logged in", "as " + config.user() + " in " + Elapsed.format(took) + " ("
                    + md.getDatabaseProductName() + " " + md.getDatabaseProductVersion() + ")");
            ds.lastTlsHandshake().ifPresent(h -> {
                f.tlsHandshake = h;
                f.add("TLS", h.protocol() + ", certificate verified against " + h.verifiedName());
            });
            f.add("select 1", "returned " + one);
        } catch (SQLException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (accountId != null) {
                // the binding's policy hint cannot know the account; the credentials probe asked STS for it
                message = message.replace(Diagnosis.policyResource(config, config.user()),
                        Diagnosis.policyResource(config, config.user(), accountId));
            }
            f.fail(message + (e.getSQLState() == null ? "" : " (SQLState " + e.getSQLState() + ")"));
            if (skew != null) {
                f.add("clock", "measured in stage 5: " + ClockSkew.describe(skew)
                        + (ClockSkew.worthAWarning(skew) ? " — the clock is check (4) above: fix it first" : ""));
            }
        } catch (IllegalArgumentException e) {
            f.fail(e.getMessage());
        }
    }

    private void closeSocket() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // nothing to do: the probe's result is already recorded
            }
            socket = null;
        }
    }
}
