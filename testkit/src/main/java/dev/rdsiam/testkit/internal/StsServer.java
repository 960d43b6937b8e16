package dev.rdsiam.testkit.internal;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local STS: {@code AssumeRole} and {@code GetCallerIdentity} in the Query protocol with the real XML
 * responses, SigV4 header signatures verified against the kit's known keys.
 */
public final class StsServer implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(StsServer.class);
    private static final String NS = "https://sts.amazonaws.com/doc/2011-06-15/";
    private static final Duration MAX_REQUEST_SKEW = Duration.ofMinutes(15);
    private static final long MIN_DURATION = 900;
    private static final long MAX_DURATION = 43_200;
    private static final long CHAINED_MAX_DURATION = 3_600;
    private static final AtomicInteger THREADS = new AtomicInteger();

    /** A role that may be assumed; {@code externalId} is {@code null} when none is required. */
    public record Role(String arn, String externalId) {
        @Override
        public String toString() {
            return "Role[" + arn + (externalId == null ? "" : ", external id required") + "]";
        }
    }

    private final CredentialStore credentials;
    private final Clock clock;
    private final String accountId;
    private final Duration defaultDuration;
    private final Map<String, Role> roles = new ConcurrentHashMap<>();
    private HttpServer server;
    private final int port;
    private final Object hangLock = new Object();
    private volatile boolean hanging;
    private volatile boolean closed;
    private final ExecutorService executor;
    private volatile Duration forcedDuration;

    /**
     * Starts the server on 127.0.0.1.
     *
     * @param credentials     the known keys; sessions are added here
     * @param clock           the kit's clock
     * @param accountId       the account id in ARNs
     * @param defaultDuration session lifetime when the caller asks for none
     * @throws IOException if the port cannot be bound
     */
    public StsServer(CredentialStore credentials, Clock clock, String accountId, Duration defaultDuration)
            throws IOException {
        this.credentials = credentials;
        this.clock = clock;
        this.accountId = accountId;
        this.defaultDuration = defaultDuration;
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "localrds-sts-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.server = listen(0);
        this.port = server.getAddress().getPort();
    }

    private HttpServer listen(int onPort) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 50);
        http.setExecutor(executor);
        http.createContext("/", this::handle);
        http.start();
        return http;
    }

    /** @return {@code http://127.0.0.1:PORT} */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /**
     * Switches an outage on or off: refusing (nothing listens on the port) or hanging (requests are read and
     * never answered).
     *
     * @param refusing whether to stop listening
     * @param hang     whether to leave requests unanswered
     */
    public synchronized void outage(boolean refusing, boolean hang) {
        if (closed) {
            return;
        }
        synchronized (hangLock) {
            hanging = hang;
            hangLock.notifyAll();
        }
        if (refusing && server != null) {
            server.stop(0);
            server = null;
        } else if (!refusing && server == null) {
            try {
                server = listen(port);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot listen again on the STS port " + port, e);
            }
        }
    }

    /**
     * Registers an assumable role.
     *
     * @param role the role
     */
    public void addRole(Role role) {
        roles.put(role.arn(), role);
    }

    /**
     * Forces the lifetime of sessions issued from now on, whatever the caller asks for.
     *
     * @param duration the lifetime, or {@code null} to honour the request again
     */
    public void forceSessionDuration(Duration duration) {
        this.forcedDuration = duration;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (hanging) {
                synchronized (hangLock) {
                    while (hanging && !closed) {
                        try {
                            hangLock.wait(1000);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }
                // the caller has given up by now; an answer would be read as from a later request
                return;
            }
            String requestId = UUID.randomUUID().toString();
            if (!"POST".equals(exchange.getRequestMethod()) && !"GET".equals(exchange.getRequestMethod())) {
                send(exchange, 405, error("Sender", "InvalidAction", "Unsupported method", requestId));
                return;
            }
            Map<String, String> form = new HashMap<>();
            String raw = new String(body, StandardCharsets.UTF_8);
            if (exchange.getRequestURI().getRawQuery() != null) {
                raw = raw.isEmpty() ? exchange.getRequestURI().getRawQuery() : raw;
            }
            for (String pair : raw.split("&")) {
                if (!pair.isEmpty()) {
                    int eq = pair.indexOf('=');
                    form.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            Instant now = clock.instant();
            CallerCheck caller = authenticate(exchange, body, now);
            if (caller.errorCode != null) {
                LOG.info("STS {} refused: {}", form.get("Action"), caller.errorCode);
                send(exchange, 403, error("Sender", caller.errorCode, caller.errorMessage, requestId));
                return;
            }
            String action = form.getOrDefault("Action", "");
            switch (action) {
                case "GetCallerIdentity":
                    send(exchange, 200, "<GetCallerIdentityResponse xmlns=\"" + NS + "\">\n"
                            + "  <GetCallerIdentityResult>\n"
                            + "    <Arn>" + xml(caller.key.principalArn()) + "</Arn>\n"
                            + "    <UserId>" + xml(caller.key.principalId()) + "</UserId>\n"
                            + "    <Account>" + xml(accountId) + "</Account>\n"
                            + "  </GetCallerIdentityResult>\n"
                            + "  <ResponseMetadata>\n    <RequestId>" + requestId + "</RequestId>\n"
                            + "  </ResponseMetadata>\n</GetCallerIdentityResponse>\n");
                    return;
                case "AssumeRole":
                    assumeRole(exchange, form, caller.key, now, requestId);
                    return;
                default:
                    send(exchange, 400, error("Sender", "InvalidAction",
                            "Could not find operation " + action + " for version " + form.get("Version"),
                            requestId));
            }
        } catch (RuntimeException e) {
            LOG.warn("STS request failed: {}", e.toString());
            throw e;
        }
    }

    private void assumeRole(HttpExchange exchange, Map<String, String> form, CredentialStore.Key caller,
                            Instant now, String requestId) throws IOException {
        String roleArn = form.get("RoleArn");
        String sessionName = form.get("RoleSessionName");
        if (roleArn == null || sessionName == null || !sessionName.matches("[\\w+=,.@-]{2,64}")) {
            send(exchange, 400, error("Sender", "ValidationError",
                    "RoleArn and a valid RoleSessionName are required", requestId));
            return;
        }
        long requested = defaultDuration.getSeconds();
        if (form.containsKey("DurationSeconds")) {
            try {
                requested = Long.parseLong(form.get("DurationSeconds"));
            } catch (NumberFormatException e) {
                requested = -1;
            }
            if (requested < MIN_DURATION || requested > MAX_DURATION) {
                send(exchange, 400, error("Sender", "ValidationError",
                        "1 validation error detected: Value '" + form.get("DurationSeconds")
                                + "' at 'durationSeconds' failed to satisfy constraint: Member must have value "
                                + "between 900 and 43200", requestId));
                return;
            }
            if (caller.isSession() && requested > CHAINED_MAX_DURATION) {
                send(exchange, 400, error("Sender", "ValidationError",
                        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by "
                                + "role chaining.", requestId));
                return;
            }
        }
        Role role = roles.get(roleArn);
        if (role == null || (role.externalId() != null
                && !SigV4.constantTimeEquals(role.externalId(), form.get("ExternalId")))) {
            LOG.info("STS AssumeRole of {} denied ({})", roleArn, role == null ? "unknown role" : "external id");
            send(exchange, 403, error("Sender", "AccessDenied", "User: " + caller.principalArn()
                    + " is not authorized to perform: sts:AssumeRole on resource: " + roleArn, requestId));
            return;
        }
        Duration lifetime = forcedDuration != null ? forcedDuration : Duration.ofSeconds(requested);
        Instant expiration = now.plus(lifetime).truncatedTo(ChronoUnit.SECONDS);
        String roleName = roleArn.substring(roleArn.lastIndexOf('/') + 1);
        String roleId = "AROA" + CredentialStore.randomId(17);
        String assumedArn = "arn:aws:sts::" + accountId + ":assumed-role/" + roleName + "/" + sessionName;
        CredentialStore.Key key = credentials.issueSession(expiration, assumedArn, roleId + ":" + sessionName);
        LOG.info("STS issued session {} for {} until {}", key.accessKeyId(), assumedArn, expiration);
        send(exchange, 200, "<AssumeRoleResponse xmlns=\"" + NS + "\">\n"
                + "  <AssumeRoleResult>\n"
                + "    <AssumedRoleUser>\n"
                + "      <AssumedRoleId>" + xml(key.principalId()) + "</AssumedRoleId>\n"
                + "      <Arn>" + xml(assumedArn) + "</Arn>\n"
                + "    </AssumedRoleUser>\n"
                + "    <Credentials>\n"
                + "      <AccessKeyId>" + key.accessKeyId() + "</AccessKeyId>\n"
                + "      <SecretAccessKey>" + xml(key.secretAccessKey()) + "</SecretAccessKey>\n"
                + "      <SessionToken>" + xml(key.sessionToken()) + "</SessionToken>\n"
                + "      <Expiration>" + expiration + "</Expiration>\n"
                + "    </Credentials>\n"
                + "  </AssumeRoleResult>\n"
                + "  <ResponseMetadata>\n    <RequestId>" + requestId + "</RequestId>\n  </ResponseMetadata>\n"
                + "</AssumeRoleResponse>\n");
    }

    /** Result of checking the caller's signature. */
    private static final class CallerCheck {
        CredentialStore.Key key;
        String errorCode;
        String errorMessage;

        static CallerCheck fail(String code, String message) {
            CallerCheck c = new CallerCheck();
            c.errorCode = code;
            c.errorMessage = message;
            return c;
        }
    }

    private CallerCheck authenticate(HttpExchange exchange, byte[] body, Instant now) {
        Headers headers = exchange.getRequestHeaders();
        String authorization = headers.getFirst("Authorization");
        String amzDate = headers.getFirst("X-Amz-Date");
        if (authorization == null || amzDate == null) {
            return CallerCheck.fail("MissingAuthenticationToken", "Request is missing Authentication Token");
        }
        if (!authorization.startsWith(SigV4.ALGORITHM + " ")) {
            return CallerCheck.fail("IncompleteSignature", "Unsupported signing algorithm");
        }
        Map<String, String> parts = new HashMap<>();
        for (String part : authorization.substring(SigV4.ALGORITHM.length() + 1).split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                parts.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
            }
        }
        String credential = parts.get("Credential");
        String signedHeaders = parts.get("SignedHeaders");
        String signature = parts.get("Signature");
        if (credential == null || signedHeaders == null || signature == null) {
            return CallerCheck.fail("IncompleteSignature", "Authorization header requires Credential, "
                    + "SignedHeaders and Signature");
        }
        String[] scope = credential.split("/", -1);
        if (scope.length != 5 || !"aws4_request".equals(scope[4])) {
            return CallerCheck.fail("IncompleteSignature", "Malformed credential scope");
        }
        if (!"sts".equals(scope[3])) {
            return CallerCheck.fail("SignatureDoesNotMatch",
                    "Credential should be scoped to correct service: 'sts'.");
        }
        Instant signedAt;
        try {
            signedAt = Instant.from(SigV4.AMZ_DATE.parse(amzDate));
        } catch (DateTimeParseException e) {
            return CallerCheck.fail("IncompleteSignature", "Malformed X-Amz-Date");
        }
        if (Duration.between(signedAt, now).abs().compareTo(MAX_REQUEST_SKEW) > 0) {
            return CallerCheck.fail("SignatureDoesNotMatch", "Signature expired: " + amzDate
                    + " is now earlier or later than the allowed 15 minutes.");
        }
        CredentialStore.Key key = credentials.find(scope[0]);
        if (key == null) {
            return CallerCheck.fail("InvalidClientTokenId", "The security token included in the request is invalid.");
        }
        String sessionToken = headers.getFirst("X-Amz-Security-Token");
        if (key.isSession()) {
            if (!SigV4.constantTimeEquals(key.sessionToken(), sessionToken)) {
                return CallerCheck.fail("InvalidClientTokenId",
                        "The security token included in the request is invalid.");
            }
            if (!now.isBefore(key.expiration())) {
                return CallerCheck.fail("ExpiredToken", "The security token included in the request is expired");
            }
        }
        List<String> names = List.of(signedHeaders.split(";"));
        if (!names.contains("host")) {
            return CallerCheck.fail("SignatureDoesNotMatch", "'Host' must be a signed header");
        }
        StringBuilder canonicalHeaders = new StringBuilder();
        for (String name : names) {
            List<String> values = headers.get(name);
            if (values == null) {
                return CallerCheck.fail("SignatureDoesNotMatch", "Signed header " + name + " is missing");
            }
            List<String> trimmed = new ArrayList<>();
            for (String v : values) {
                trimmed.add(v.trim().replaceAll(" +", " "));
            }
            canonicalHeaders.append(name.toLowerCase(Locale.ROOT)).append(':').append(String.join(",", trimmed))
                    .append('\n');
        }
        String payloadHash = Objects.requireNonNullElse(headers.getFirst("X-Amz-Content-Sha256"),
                SigV4.sha256Hex(body));
        String canonicalRequest = exchange.getRequestMethod() + "\n" + canonicalPath(exchange.getRequestURI())
                + "\n" + canonicalQuery(exchange.getRequestURI().getRawQuery()) + "\n" + canonicalHeaders + "\n"
                + signedHeaders + "\n" + payloadHash;
        String scopeText = scope[1] + "/" + scope[2] + "/" + scope[3] + "/" + scope[4];
        String expected = SigV4.signature(SigV4.signingKey(key.secretAccessKey(), scope[1], scope[2], scope[3]),
                SigV4.stringToSign(amzDate, scopeText, canonicalRequest));
        if (!SigV4.constantTimeEquals(expected, signature)) {
            return CallerCheck.fail("SignatureDoesNotMatch", "The request signature we calculated does not match "
                    + "the signature you provided. Check your AWS Secret Access Key and signing method. "
                    + "Consult the service documentation for details.");
        }
        CallerCheck ok = new CallerCheck();
        ok.key = key;
        return ok;
    }

    private static String canonicalPath(URI uri) {
        String path = uri.getRawPath();
        if (path == null || path.isEmpty()) {
            return "/";
        }
        StringBuilder out = new StringBuilder();
        for (String segment : path.split("/", -1)) {
            if (out.length() > 0 || !segment.isEmpty()) {
                out.append('/');
            }
            out.append(SigV4.uriEncode(SigV4.percentDecode(segment)));
        }
        String result = out.toString();
        return result.isEmpty() ? "/" : result.startsWith("/") ? result : "/" + result;
    }

    private static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String> pairs = new ArrayList<>();
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = SigV4.percentDecode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : SigV4.percentDecode(pair.substring(eq + 1));
            pairs.add(SigV4.uriEncode(name) + "=" + SigV4.uriEncode(value));
        }
        pairs.sort(null);
        return String.join("&", pairs);
    }

    private static String error(String type, String code, String message, String requestId) {
        return "<ErrorResponse xmlns=\"" + NS + "\">\n  <Error>\n    <Type>" + type + "</Type>\n    <Code>" + code
                + "</Code>\n    <Message>" + xml(message) + "</Message>\n  </Error>\n  <RequestId>" + requestId
                + "</RequestId>\n</ErrorResponse>\n";
    }

    private static void send(HttpExchange exchange, int status, String xmlBody) throws IOException {
        byte[] bytes = xmlBody.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    @Override
    public synchronized void close() {
        closed = true;
        synchronized (hangLock) {
            hanging = false;
            hangLock.notifyAll();
        }
        if (server != null) {
            server.stop(0);
        }
        executor.shutdownNow();
    }
}
