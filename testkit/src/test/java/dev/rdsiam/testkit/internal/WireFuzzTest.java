package dev.rdsiam.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsUtilities;

/**
 * The gateways' parsers against random and damaged input: PostgreSQL startup packets and password messages, MySQL
 * packets and handshake responses, and the token verifier. Each reads its input, or fails the way its gateway treats
 * as a malformed client ({@link IOException} for PostgreSQL reads; {@link IOException},
 * {@link IllegalArgumentException} or {@link IndexOutOfBoundsException} for the MySQL handshake); the verifier
 * always answers with a reason and accepts only a token equivalent to one it signed. Nothing hangs.
 */
class WireFuzzTest {

    private static final int TRIES = 1000;
    private static final String SEED = "20261201";
    private static final long TIMEOUT_SECONDS = 5;

    private static final String HOST = "localrds.c0ffee000000.us-east-1.rds.amazonaws.com";
    private static final String USER = "iam_user";
    private static final String AKID = "AKIATESTKEY000000001";
    private static final String SECRET = "testsecret/0123456789+abcdefghijklmnopqrst";
    private static final String SESSION_AKID;
    private static final String SESSION_TOKEN;
    private static final CredentialStore STORE = new CredentialStore();
    private static final TokenVerifier VERIFIER;
    private static final String STATIC_TOKEN;
    private static final String SESSION_TOKEN_TOKEN;

    private static final ExecutorService RUNNER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "wire-fuzz");
        t.setDaemon(true);
        return t;
    });

    static {
        STORE.addStatic(AKID, SECRET, "arn:aws:iam::123456789012:user/test");
        CredentialStore.Key session = STORE.issueSession(Instant.now().plus(Duration.ofHours(1)),
                "arn:aws:sts::123456789012:assumed-role/r/s", "AROAEXAMPLE:s");
        SESSION_AKID = session.accessKeyId();
        SESSION_TOKEN = session.sessionToken();
        VERIFIER = new TokenVerifier(List.of(HOST), 5432, "us-east-1", Duration.ofMinutes(5), STORE);
        STATIC_TOKEN = mint(AwsBasicCredentials.create(AKID, SECRET));
        SESSION_TOKEN_TOKEN = mint(AwsSessionCredentials.create(SESSION_AKID, session.secretAccessKey(),
                SESSION_TOKEN));
    }

    private static String mint(software.amazon.awssdk.auth.credentials.AwsCredentials credentials) {
        return RdsUtilities.builder().region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(credentials)).build()
                .generateAuthenticationToken(b -> b.hostname(HOST).port(5432).username(USER));
    }

    private static Instant verifyAt(String token) {
        int i = token.indexOf("X-Amz-Date=") + "X-Amz-Date=".length();
        return Instant.from(SigV4.AMZ_DATE.parse(token.substring(i, i + 16))).plusSeconds(30);
    }

    /** What a call did: returned {@code value}, or threw {@code error}; fails the try on a hang. */
    private record Outcome<T>(T value, Throwable error) {
        boolean returned() {
            return error == null;
        }
    }

    private static <T> Outcome<T> run(Callable<T> call) {
        Future<T> f = RUNNER.submit(call);
        try {
            return new Outcome<>(f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS), null);
        } catch (ExecutionException e) {
            return new Outcome<>(null, e.getCause());
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new AssertionError("no answer within " + TIMEOUT_SECONDS + "s: the input makes the parser hang");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(b.length, 96); i++) {
            sb.append(String.format("%02x", b[i] & 0xff));
        }
        return sb + (b.length > 96 ? "…(" + b.length + " bytes)" : "");
    }

    // ---------------------------------------------------------------- PostgreSQL

    @Provide
    Arbitrary<byte[]> pgStartupStreams() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<Integer> code = Arbitraries.oneOf(Arbitraries.of(PgWire.PROTOCOL_3, PgWire.SSL_REQUEST,
                PgWire.GSSENC_REQUEST, PgWire.CANCEL_REQUEST, 0x00030001, 0x00020000), Arbitraries.integers());
        Arbitrary<byte[]> body = Arbitraries.bytes().array(byte[].class).ofMaxSize(200);
        Arbitrary<Integer> lengthDelta = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(0)),
                Tuple.of(1, Arbitraries.integers().between(-12, 12)), Tuple.of(1, Arbitraries.integers()));
        Arbitrary<byte[]> framed = Combinators.combine(code, body, lengthDelta).as((c, b, d) -> {
            byte[] payload = new PgWire.Builder().int32(c).raw(b).bytes();
            return new PgWire.Builder().int32(payload.length + 4 + d).raw(payload).bytes();
        });
        return Arbitraries.frequencyOf(Tuple.of(1, random), Tuple.of(3, framed));
    }

    @Property(tries = TRIES, seed = SEED)
    void pgStartupPacket_readsOrFailsWithIoException(@ForAll("pgStartupStreams") byte[] stream) {
        Outcome<Map<String, String>> o = run(() -> {
            byte[] body = PgWire.readStartupPacket(new ByteArrayInputStream(stream));
            PgWire.Cursor c = new PgWire.Cursor(body);
            c.int32();
            return PgWire.startupParams(c);
        });
        Statistics.label("outcome").collect(o.returned() ? "read" : o.error().getClass().getSimpleName());
        if (!o.returned()) {
            assertThat(o.error()).as("stream %s", hex(stream)).isInstanceOf(IOException.class);
        }
    }

    @Provide
    Arbitrary<Map<String, String>> startupParams() {
        Arbitrary<String> text = Arbitraries.strings().all().ofMaxLength(30)
                .filter(s -> s.indexOf('\0') < 0 && s.chars().noneMatch(ch -> Character.isSurrogate((char) ch)));
        Arbitrary<String> key = Arbitraries.oneOf(Arbitraries.of("user", "database", "application_name",
                "client_encoding", "options", "_pq_.x"), text.filter(s -> !s.isEmpty()));
        return Arbitraries.maps(key, text).ofMaxSize(8).map(LinkedHashMap::new);
    }

    @Property(tries = TRIES, seed = SEED)
    void pgStartupMessage_roundTrips(@ForAll("startupParams") Map<String, String> params) {
        byte[] message = PgWire.startupMessage(params);
        Outcome<Map<String, String>> o = run(() -> {
            byte[] body = PgWire.readStartupPacket(new ByteArrayInputStream(message));
            PgWire.Cursor c = new PgWire.Cursor(body);
            assertThat(c.int32()).isEqualTo(PgWire.PROTOCOL_3);
            return PgWire.startupParams(c);
        });
        Statistics.label("outcome").collect(o.returned() ? "read" : "refused (too long)");
        if (o.returned()) {
            assertThat(o.value()).isEqualTo(params);
        } else {
            // the gateway bounds a startup packet at 10000 bytes
            assertThat(o.error()).isInstanceOf(IOException.class);
            assertThat(message.length).isGreaterThan(10_000);
        }
    }

    @Provide
    Arbitrary<byte[]> pgMessageStreams() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<byte[]> payload = Arbitraries.oneOf(Arbitraries.bytes().array(byte[].class).ofMaxSize(300),
                Arbitraries.strings().ascii().ofMaxLength(300).map(s -> (s + "\0").getBytes(StandardCharsets.UTF_8)),
                Arbitraries.just((STATIC_TOKEN + "\0").getBytes(StandardCharsets.UTF_8)));
        Arbitrary<Character> type = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just('p')),
                Tuple.of(1, Arbitraries.chars().range('\0', '\u00ff')));
        Arbitrary<Integer> lengthDelta = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(0)),
                Tuple.of(1, Arbitraries.integers().between(-8, 8)), Tuple.of(1, Arbitraries.integers()));
        Arbitrary<byte[]> framed = Combinators.combine(type, payload, lengthDelta).as((t, p, d) -> {
            byte[] f = PgWire.frame(t, p);
            int len = p.length + 4 + d;
            f[1] = (byte) (len >>> 24);
            f[2] = (byte) (len >>> 16);
            f[3] = (byte) (len >>> 8);
            f[4] = (byte) len;
            return f;
        });
        return Arbitraries.frequencyOf(Tuple.of(1, random), Tuple.of(3, framed));
    }

    /** A password message: read, its token verified; a message that is not a valid token is never accepted. */
    @Property(tries = TRIES, seed = SEED)
    void pgPasswordMessage_readsAndVerifiesOrFailsWithIoException(@ForAll("pgMessageStreams") byte[] stream) {
        Outcome<Map.Entry<String, TokenVerifier.Result>> o = run(() -> {
            PgWire.Message m = PgWire.readMessage(new ByteArrayInputStream(stream));
            String token = TokenVerifier.tokenText(m.payload());
            return Map.entry(token, VERIFIER.verify(token, USER, verifyAt(STATIC_TOKEN)));
        });
        Statistics.label("outcome").collect(o.returned() ? (o.value().getValue().accepted() ? "accepted" : "rejected")
                : o.error().getClass().getSimpleName());
        if (!o.returned()) {
            assertThat(o.error()).as("stream %s", hex(stream)).isInstanceOf(IOException.class);
        } else if (o.value().getValue().accepted()) {
            assertThat(o.value().getKey()).as("accepted only the signed token").isEqualTo(STATIC_TOKEN);
        } else {
            assertThat(o.value().getValue().reason()).isNotNull();
        }
    }

    // ---------------------------------------------------------------- MySQL

    @Provide
    Arbitrary<byte[]> mysqlPacketStreams() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<byte[]> framed = Combinators.combine(Arbitraries.integers().between(0, 0xffffff),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(200), Arbitraries.integers().between(0, 255),
                Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(true)), Tuple.of(1, Arbitraries.just(false))))
                .as((len, body, seq, exact) -> {
                    int n = exact ? body.length : len;
                    return new MySqlWire.Builder().int1(n).int1(n >>> 8).int1(n >>> 16).int1(seq).raw(body).bytes();
                });
        return Arbitraries.frequencyOf(Tuple.of(1, random), Tuple.of(3, framed));
    }

    @Property(tries = TRIES, seed = SEED)
    void mysqlPacket_readsOrFailsWithIoException(@ForAll("mysqlPacketStreams") byte[] stream) {
        Outcome<MySqlWire.Packet> o = run(() -> MySqlWire.read(new ByteArrayInputStream(stream)));
        Statistics.label("outcome").collect(o.returned() ? "read" : o.error().getClass().getSimpleName());
        if (!o.returned()) {
            assertThat(o.error()).as("stream %s", hex(stream)).isInstanceOf(IOException.class);
        } else {
            int len = (stream[0] & 0xff) | (stream[1] & 0xff) << 8 | (stream[2] & 0xff) << 16;
            assertThat(o.value().payload()).hasSize(len);
            assertThat(o.value().sequence()).isEqualTo(stream[3] & 0xff);
        }
    }

    /** A HandshakeResponse41, well formed or damaged: capabilities, lengths and fields of every size. */
    @Provide
    Arbitrary<byte[]> handshakeResponses() {
        Arbitrary<Integer> caps = Arbitraries.oneOf(Arbitraries.integers(),
                Arbitraries.of(MySqlWire.CLIENT_PROTOCOL_41 | MySqlWire.CLIENT_SECURE_CONNECTION
                                | MySqlWire.CLIENT_PLUGIN_AUTH | MySqlWire.CLIENT_CONNECT_WITH_DB,
                        MySqlWire.CLIENT_PROTOCOL_41 | MySqlWire.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA
                                | MySqlWire.CLIENT_PLUGIN_AUTH,
                        MySqlWire.CLIENT_PROTOCOL_41, 0));
        Arbitrary<String> user = Arbitraries.strings().ascii().ofMaxLength(40).map(s -> s.replace('\0', 'x'));
        Arbitrary<byte[]> auth = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<Long> declaredLength = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(-1L)),
                Tuple.of(1, Arbitraries.longs()), Tuple.of(1, Arbitraries.of(0xfbL, 0xffffL, 0xffffffL,
                        0x7fffffffL, 0x80000000L, 0xffffffffL, 0x1_0000_0005L, Long.MAX_VALUE, Long.MIN_VALUE)));
        Arbitrary<String> tail = Arbitraries.oneOf(Arbitraries.just(""),
                Arbitraries.strings().ascii().ofMaxLength(20).map(s -> s + "\0mysql_clear_password\0"));
        Arbitrary<Integer> cut = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just(Integer.MAX_VALUE)),
                Tuple.of(1, Arbitraries.integers().between(0, 400)));
        return Combinators.combine(caps, user, auth, declaredLength, tail, cut).as((c, u, a, len, t, k) -> {
            MySqlWire.Builder b = new MySqlWire.Builder().int4(c).int4(0x1000000).int1(45).zeros(23).cstring(u);
            if ((c & MySqlWire.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA) != 0) {
                b.lenenc(len == -1L ? a.length : len).raw(a);
            } else if ((c & MySqlWire.CLIENT_SECURE_CONNECTION) != 0) {
                b.int1(len == -1L ? Math.min(a.length, 255) : (int) (long) len).raw(a);
            } else {
                b.raw(a).int1(0);
            }
            byte[] bytes = b.raw(t.getBytes(StandardCharsets.US_ASCII)).bytes();
            return k >= bytes.length ? bytes : java.util.Arrays.copyOf(bytes, k);
        });
    }

    @Property(tries = TRIES, seed = SEED)
    void mysqlHandshakeResponse_parsesOrFailsAsMalformed(@ForAll("handshakeResponses") byte[] payload) {
        Outcome<MySqlGateway.HandshakeResponse> o = run(() -> MySqlGateway.HandshakeResponse.parse(payload));
        Statistics.label("outcome").collect(o.returned() ? "parsed" : o.error().getClass().getSimpleName());
        if (!o.returned()) {
            assertThat(o.error()).as("payload %s", hex(payload))
                    .isInstanceOfAny(IllegalArgumentException.class, IndexOutOfBoundsException.class);
        } else {
            assertThat(o.value().user).isNotNull();
            assertThat(o.value().authData).isNotNull();
            assertThat(o.value().authData.length).isLessThanOrEqualTo(payload.length);
        }
        Statistics.label("outcome").coverage(c -> c.check("parsed").percentage(p -> p > 20));
    }

    // ---------------------------------------------------------------- the token verifier

    /** Ways a token is damaged in transit or by hand. */
    @Provide
    Arbitrary<List<Tuple.Tuple3<String, Integer, Character>>> mutations() {
        Arbitrary<String> op = Arbitraries.of("delete", "insert", "replace", "swapCase", "duplicateParam",
                "dropParam", "percentEncode", "truncate");
        Arbitrary<Character> ch = Arbitraries.oneOf(Arbitraries.chars().ascii(), Arbitraries.of('%', '&', '=', '/',
                '?', ':', '+', ' ', '\0', 'é'));
        return Combinators.combine(op, Arbitraries.integers().between(0, 4000), ch).as(Tuple::of).list()
                .ofMinSize(1).ofMaxSize(3);
    }

    private static String mutate(String token, List<Tuple.Tuple3<String, Integer, Character>> mutations) {
        String t = token;
        for (Tuple.Tuple3<String, Integer, Character> m : mutations) {
            if (t.isEmpty()) {
                return t;
            }
            int i = m.get2() % t.length();
            char c = m.get3();
            List<String> params = new ArrayList<>(List.of(t.substring(t.indexOf('?') + 1).split("&", -1)));
            String head = t.indexOf('?') >= 0 ? t.substring(0, t.indexOf('?') + 1) : "";
            switch (m.get1()) {
                case "delete" -> t = t.substring(0, i) + t.substring(i + 1);
                case "insert" -> t = t.substring(0, i) + c + t.substring(i);
                case "replace" -> t = t.substring(0, i) + c + t.substring(i + 1);
                case "swapCase" -> {
                    char o = t.charAt(i);
                    char s = Character.isUpperCase(o) ? Character.toLowerCase(o) : Character.toUpperCase(o);
                    t = t.substring(0, i) + s + t.substring(i + 1);
                }
                case "duplicateParam" -> {
                    params.add(params.get(i % params.size()));
                    t = head + String.join("&", params);
                }
                case "dropParam" -> {
                    params.remove(i % params.size());
                    t = head + String.join("&", params);
                }
                case "percentEncode" -> t = t.substring(0, i)
                        + String.format("%%%02X", (int) t.charAt(i) & 0xff) + t.substring(i + 1);
                default -> t = t.substring(0, i);
            }
        }
        return t;
    }

    /** The token as the verifier reads it: host:port and the decoded parameters, the signature in lower case. */
    private static String canonical(String token) {
        int slash = token.indexOf('/');
        if (slash <= 0 || !token.startsWith("/?", slash)) {
            return null;
        }
        Map<String, String> params = new TreeMap<>();
        try {
            for (String pair : token.substring(slash + 2).split("&", -1)) {
                int eq = pair.indexOf('=');
                String name = SigV4.percentDecode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : SigV4.percentDecode(pair.substring(eq + 1));
                params.put(name, name.equals("X-Amz-Signature") ? value.toLowerCase(java.util.Locale.ROOT) : value);
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return token.substring(0, slash) + params;
    }

    @Property(tries = TRIES, seed = SEED)
    void tokenVerifier_answersEveryDamagedToken_andAcceptsOnlyEquivalentOnes(
            @ForAll("mutations") List<Tuple.Tuple3<String, Integer, Character>> mutations,
            @ForAll boolean withSession) {
        String original = withSession ? SESSION_TOKEN_TOKEN : STATIC_TOKEN;
        String damaged = mutate(original, mutations);
        Outcome<TokenVerifier.Result> o = run(() -> VERIFIER.verify(damaged, USER, verifyAt(original)));
        assertThat(o.error()).as("verify(%s)", damaged).isNull();
        TokenVerifier.Result r = o.value();
        Statistics.label("reason").collect(r.accepted() ? "ACCEPTED" : r.reason().name());
        if (r.accepted()) {
            assertThat(canonical(damaged)).as("accepted %s", damaged).isEqualTo(canonical(original));
            assertThat(r.accessKeyId()).isEqualTo(withSession ? SESSION_AKID : AKID);
        }
        assertThat(String.valueOf(r)).doesNotContain(SECRET).doesNotContain(SESSION_TOKEN);
        Statistics.label("reason").coverage(c -> c.check("BAD_SIGNATURE").percentage(p -> p > 0.5));
    }

    @Property(tries = TRIES, seed = SEED)
    void tokenVerifier_neverAcceptsRandomText(@ForAll("randomTokens") String token, @ForAll("users") String user) {
        Outcome<TokenVerifier.Result> o = run(() -> VERIFIER.verify(token, user,
                Instant.parse("2026-12-01T10:00:30Z")));
        assertThat(o.error()).as("verify(%s)", token).isNull();
        Statistics.label("reason").collect(o.value().accepted() ? "ACCEPTED" : o.value().reason().name());
        assertThat(o.value().accepted()).as("accepted %s", token).isFalse();
        Statistics.label("reason").coverage(c -> c.check("MALFORMED").percentage(p -> p < 90));
    }

    /** Text, and queries with every parameter a token has (each left out now and then), valued at random. */
    @Provide
    Arbitrary<String> randomTokens() {
        List<String> names = List.of("Action", "DBUser", "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date",
                "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token");
        Arbitrary<String> value = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.strings().ascii().ofMaxLength(70)),
                Tuple.of(4, Arbitraries.of("connect", "AWS4-HMAC-SHA256",
                        AKID + "/20261201/us-east-1/rds-db/aws4_request",
                        AKID + "%2F20261201%2Fus-east-1%2Frds-db%2Faws4_request", "20261201T100000Z", "900", "0", "-1",
                        "99999999999999999999", "host", "HOST;x", USER, "%", "%zz", "%E9",
                        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")));
        List<String> usual = List.of("connect", USER, "AWS4-HMAC-SHA256",
                AKID + "/20261201/us-east-1/rds-db/aws4_request",
                "20261201T100000Z", "900", "host", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                "IQoJb3JpZ2luX2VjEXAMPLE");
        Arbitrary<Boolean> drop = Arbitraries.frequencyOf(Tuple.of(9, Arbitraries.just(false)),
                Tuple.of(1, Arbitraries.just(true)));
        Arbitrary<Boolean> keepUsual = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(true)),
                Tuple.of(1, Arbitraries.just(false)));
        Arbitrary<String> query = Combinators.combine(value.list().ofSize(names.size()),
                drop.list().ofSize(names.size()), keepUsual.list().ofSize(names.size())).as((values, dropped, kept) -> {
                    List<String> pairs = new ArrayList<>();
                    for (int i = 0; i < names.size(); i++) {
                        if (!dropped.get(i)) {
                            pairs.add(names.get(i) + "=" + (kept.get(i) ? usual.get(i) : values.get(i)));
                        }
                    }
                    return String.join("&", pairs);
                });
        return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.strings().all().ofMaxLength(300)),
                Tuple.of(6, query.map(q -> HOST + ":5432/?" + q)), Tuple.of(1, query.map(q -> "/?" + q)),
                Tuple.of(1, query.map(q -> HOST + "/?" + q)));
    }

    @Provide
    Arbitrary<String> users() {
        return Arbitraries.oneOf(Arbitraries.just(USER), Arbitraries.strings().ofMaxLength(10));
    }
}
