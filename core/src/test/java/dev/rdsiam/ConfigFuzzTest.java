package dev.rdsiam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rdsiam.internal.config.DurationText;
import dev.rdsiam.jdbc.RdsIamDriver;
import dev.rdsiam.testing.Fuzz;
import dev.rdsiam.testing.Fuzz.Outcome;
import dev.rdsiam.testing.Fuzz.Secret;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.statistics.Statistics;

/**
 * The configuration's front doors against random input: durations, host names and endpoints, role ARNs, property
 * sets, {@code jdbc:rdsiam:} URLs and the driver. Every input is accepted or refused with an
 * {@link IllegalArgumentException} ({@link SQLException} from the driver) whose message names the key as the user
 * writes it; nothing else is thrown, nothing hangs, and no value that looks like a secret shows in a message.
 */
class ConfigFuzzTest {

    private static final String HOST = "orders.cluster-c9akciq32.eu-west-1.rds.amazonaws.com";

    private static final List<String> KEYS = Stream.of(RdsIamProperty.values()).map(RdsIamProperty::key)
            .collect(Collectors.toList());

    /** The keys whose values are secrets themselves. */
    private static final Set<String> SECRET_KEYS = Set.of("secretAccessKey", "sessionToken");

    // ---------------------------------------------------------------- values

    /** Text of every kind: any characters, ASCII, digits, near-misses of each key's valid forms, and long input. */
    @Provide
    Arbitrary<String> values() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.strings().all().ofMaxLength(40)),
                Tuple.of(3, Arbitraries.strings().ascii().ofMaxLength(40)),
                Tuple.of(2, Arbitraries.strings().numeric().ofMaxLength(12)),
                Tuple.of(1, Arbitraries.integers().between(-100_000, 100_000).map(String::valueOf)),
                Tuple.of(3, durations()),
                Tuple.of(3, hostNames()),
                Tuple.of(2, roleArns()),
                Tuple.of(2, Arbitraries.of("postgresql", "mysql", "auto", "rds-bundle", "system", "pem",
                        "PEM", "us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1",
                        "https://sts.eu-west-1.amazonaws.com", "http://127.0.0.1:1", "AKIAIOSFODNN7EXAMPLE",
                        "ASIAIOSFODNN7EXAMPLE", "app", " ", "\t", "true")),
                Tuple.of(1, Arbitraries.strings().withChars("a.-:/[]%@?&=# ").ofMinLength(1000)
                        .ofMaxLength(20_000)));
    }

    /** Durations, valid and nearly valid: units, ISO-8601, signs, overflow, spaces. */
    @Provide
    Arbitrary<String> durations() {
        Arbitrary<String> number = Arbitraries.oneOf(Arbitraries.longs().between(0, 100_000).map(String::valueOf),
                Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(25),
                Arbitraries.of("-1", "+5", "1.5", "0", "00", "999999999", "1000000000", "9223372036854775807"));
        Arbitrary<String> unit = Arbitraries.of("", "ms", "s", "m", "h", "d", "MS", "S", " s", "min", "us", "ns");
        Arbitrary<String> simple = Combinators.combine(number, unit).as(String::concat);
        Arbitrary<String> iso = Combinators.combine(Arbitraries.of("PT", "pt", "P", "P1D", "PT-", "-PT", "P1DT"),
                number, Arbitraries.of("S", "M", "H", "D", "", "S5M", ".5S")).as((a, b, c) -> a + b + c);
        return Arbitraries.oneOf(simple, iso);
    }

    /** Host names: RDS-shaped ones of every endpoint type and region, and the ways they are typed wrongly. */
    @Provide
    Arbitrary<String> hostNames() {
        Arbitrary<String> label = Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('-')
                .ofMinLength(1).ofMaxLength(20);
        Arbitrary<String> prefix = Arbitraries.of("", "cluster-", "cluster-ro-", "cluster-custom-", "proxy-",
                "shardgrp-", "global-");
        Arbitrary<String> region = Arbitraries.of("us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1",
                "eusc-de-east-1", "ap-southeast-5", "x", "us-east", "global");
        Arbitrary<String> suffix = Arbitraries.of(".rds.amazonaws.com", ".rds-fips.amazonaws.com",
                ".rds.amazonaws.com.cn", ".rds.amazonaws.eu", ".rds.c2s.ic.gov", ".rds.sc2s.sgov.gov", ".amazonaws.com", "");
        Arbitrary<String> rds = Combinators.combine(label, prefix, label, region, suffix)
                .as((n, p, id, r, s) -> n + "." + p + id + "." + r + s);
        Arbitrary<String> decorated = Combinators.combine(Arbitraries.of("", "https://", " ", "jdbc:postgresql://"),
                rds, Arbitraries.of("", ".", ":5432", "/db", " ", "..", "\n")).as((a, b, c) -> a + b + c);
        Arbitrary<String> addresses = Arbitraries.of("127.0.0.1", "::1", "[::1]", "[::1]:5432", "10.0.0.1", "localhost",
                "a..b", ".", "-", "_", "xn--bcher-kva.example", "[", "]", "1.2.3.4.5", "host name");
        return Arbitraries.oneOf(rds, decorated, addresses, label.list().ofMinSize(1).ofMaxSize(70)
                .map(l -> String.join(".", l)));
    }

    /** Role ARNs: valid ones and near misses (partition, account, resource type, characters, length). */
    @Provide
    Arbitrary<String> roleArns() {
        Arbitrary<String> partition = Arbitraries.of("aws", "aws-cn", "aws-us-gov", "aws-iso", "AWS", "", "azure");
        Arbitrary<String> account = Arbitraries.oneOf(Arbitraries.strings().numeric().ofLength(12),
                Arbitraries.strings().numeric().ofMaxLength(14), Arbitraries.of("", "123456789o12"));
        Arbitrary<String> type = Arbitraries.of("role/", "role/path/", "user/", "role", "assumed-role/", "ROLE/");
        Arbitrary<String> name = Arbitraries.strings().alpha().numeric().withChars("+=,.@_-/ *:")
                .ofMinLength(0).ofMaxLength(600);
        return Combinators.combine(partition, Arbitraries.of("iam", "sts", "s3"), account, type, name)
                .as((p, svc, acc, t, n) -> "arn:" + p + ":" + svc + "::" + acc + ":" + t + n);
    }

    /** A catalogue key, mostly, or a key that is not one (misspelt, other case, random). */
    @Provide
    Arbitrary<String> keys() {
        return Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.of(KEYS)),
                Tuple.of(1, Arbitraries.of(KEYS).map(k -> k.toUpperCase(java.util.Locale.ROOT))),
                Tuple.of(1, Arbitraries.of(KEYS).map(k -> k.substring(0, k.length() - 1))),
                Tuple.of(1, Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20)));
    }

    // ---------------------------------------------------------------- helpers

    private static Properties base() {
        Properties p = new Properties();
        p.setProperty("rdsiam.engine", "postgresql");
        p.setProperty("rdsiam.host", HOST);
        p.setProperty("rdsiam.user", "app");
        return p;
    }

    /** The keys a refusal of {@code key} may name: the key itself, and the one it depends on. */
    private static Set<String> acceptableNames(String key) {
        Set<String> names = new LinkedHashSet<>();
        names.add(RdsIamProperty.PREFIX + key);
        if (key.equals("host")) {
            names.add("rdsiam.region"); // a non-RDS host name needs the region
        }
        return names;
    }

    private static boolean namesAny(String message, Set<String> names) {
        return names.stream().anyMatch(n -> Fuzz.names(message, n));
    }

    private static void assertRefusal(Throwable error, Set<String> names, Object input) {
        assertThat(error).as("input %s", input).isInstanceOf(IllegalArgumentException.class);
        assertThat(namesAny(error.getMessage(), names))
                .as("the message names one of %s for input %s, but is: %s", names, input, error.getMessage())
                .isTrue();
    }

    private static String show(String s) {
        return s.length() > 200 ? "'" + s.substring(0, 200) + "…'(" + s.length() + " chars)" : "'" + s + "'";
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- properties

    @Property(tries = Fuzz.TRIES, seed = Fuzz.SEED)
    void durations_parseOrNameTheKey(@ForAll("durations") String text) {
        Outcome<Duration> o = Fuzz.run(() -> DurationText.parse("rdsiam.connectTimeout", text));
        Statistics.label("outcome").collect(o.returned() ? "parsed" : "refused");
        if (o.returned()) {
            assertThat(o.value()).as("input %s", show(text)).isNotNull();
            Duration d = o.value();
            if (!d.isNegative() && d.compareTo(Duration.ofDays(1)) <= 0) {
                // the short form of any duration a key accepts reads back as the same duration (to the millisecond)
                Duration ms = Duration.ofMillis(d.toMillis());
                assertThat(DurationText.parse("k", DurationText.format(ms))).isEqualTo(ms);
            }
            assertThat(DurationText.format(d)).as("format(%s)", d).isNotBlank();
        } else {
            assertRefusal(o.error(), Set.of("rdsiam.connectTimeout"), show(text));
        }
        Statistics.label("outcome").coverage(c -> {
            c.check("parsed").percentage(p -> p > 5);
            c.check("refused").percentage(p -> p > 5);
        });
    }

    @Property(tries = Fuzz.TRIES, seed = Fuzz.SEED)
    void endpoints_neverFailForANonBlankName(@ForAll("hostNames") String host) {
        Outcome<RdsEndpoint> o = Fuzz.run(() -> RdsEndpoint.parse(host));
        if (host.isBlank()) {
            assertRefusal(o.error(), Set.of("rdsiam.host"), show(host));
            return;
        }
        assertThat(o.error()).as("RdsEndpoint.parse(%s)", show(host)).isNull();
        RdsEndpoint ep = o.value();
        Statistics.label("type").collect(ep.type());
        ep.region().ifPresent(r -> assertThat(RdsEndpoint.isRegionName(r)).as("region of %s", show(host)).isTrue());
        assertThat(ep.region().isPresent())
                .as("an RDS endpoint other than a global writer carries its region: %s", show(host))
                .isEqualTo(ep.isRds() && ep.type() != EndpointType.GLOBAL_WRITER);
        RdsEndpoint upper = RdsEndpoint.parse(host.toUpperCase(java.util.Locale.ROOT));
        assertThat(upper.type()).as("case is ignored: %s", show(host)).isEqualTo(ep.type());
        assertThat(upper.region()).as("case is ignored: %s", show(host)).isEqualTo(ep.region());
    }

    @Property(tries = Fuzz.TRIES, seed = Fuzz.SEED)
    void hostNames_buildOrNameTheKey(@ForAll("hostNames") String host) {
        Properties p = base();
        p.setProperty("rdsiam.host", host);
        Outcome<RdsIamConfig> o = Fuzz.run(() -> RdsIamConfig.fromProperties(p, "rdsiam."));
        Statistics.label("outcome").collect(o.returned() ? "built" : "refused");
        if (o.returned()) {
            assertThat(o.value().endpoint().host()).isNotBlank();
            assertThat(o.value().region()).as("the signing region").matches(RdsEndpoint::isRegionName);
        } else {
            assertRefusal(o.error(), acceptableNames("host"), show(host));
        }
    }

    @Property(tries = Fuzz.TRIES, seed = Fuzz.SEED)
    void roleArns_buildOrNameTheKey(@ForAll("roleArns") String arn) {
        Properties p = base();
        p.setProperty("rdsiam.roleArn", arn);
        Outcome<RdsIamConfig> o = Fuzz.run(() -> RdsIamConfig.fromProperties(p, "rdsiam."));
        Statistics.label("outcome").collect(o.returned() ? "built" : "refused");
        if (o.returned()) {
            assertThat(o.value().assumeRole().map(RdsIamConfig.AssumeRole::roleArn)).contains(arn.trim());
            assertThat(arn.trim()).startsWith("arn:aws").contains(":iam::").contains(":role/");
        } else {
            assertRefusal(o.error(), acceptableNames("roleArn"), show(arn));
        }
        Statistics.label("outcome").coverage(c -> {
            c.check("built").percentage(pc -> pc > 1);
            c.check("refused").percentage(pc -> pc > 1);
        });
    }

    /** One key of a valid configuration set to any value: built, or refused naming that key. */
    @Property(tries = Fuzz.TRIES, seed = Fuzz.SEED)
    void propertySets_oneKeyChanged_buildOrNameTheKey(@ForAll("keys") String key, @ForAll("values") String value) {
        Properties p = base();
        p.setProperty("rdsiam." + key, value);
        Outcome<RdsIamConfig> o = Fuzz.run(() -> RdsIamConfig.fromProperties(p, "rdsiam."));
        Statistics.label("outcome").collect(o.returned() ? "built" : "refused");
        if (!o.returned()) {
            assertRefusal(o.error(), acceptableNames(key), "rdsiam." + key + "=" + show(value));
        }
        Statistics.label("outcome").coverage(c -> {
            c.check("built").percentage(pc -> pc > 5);
            c.check("refused").percentage(pc -> pc > 5);
        });
    }

    /**
     * Several keys at once, through every front door: properties, the environment and URL parameters agree (the
     * same configuration, or the same refusal), and a refusal names one of the keys given.
     */
    @Property(tries = Fuzz.TRIES, seed = Fuzz.SEED, shrinking = ShrinkingMode.BOUNDED)
    void propertySets_frontDoorsAgree(@ForAll("entries") Map<String, String> entries) {
        Properties p = base();
        Map<String, String> env = new LinkedHashMap<>();
        base().forEach((k, v) -> env.put(RdsIamProperty.forKey(((String) k).substring(7)).orElseThrow()
                .environmentVariable(), (String) v));
        StringBuilder query = new StringBuilder("?rdsiam.user=app");
        entries.forEach((k, v) -> {
            p.setProperty("rdsiam." + k, v);
            env.put(RdsIamProperty.forKey(k).orElseThrow().environmentVariable(), v);
            query.append('&').append(encode("rdsiam." + k)).append('=').append(encode(v));
        });
        Outcome<RdsIamConfig> fromProps = Fuzz.run(() -> RdsIamConfig.fromProperties(p, "rdsiam."));
        Outcome<RdsIamConfig> fromEnv = Fuzz.run(() -> RdsIamConfig.builder().environment(env).build());
        Outcome<RdsIamConfig> fromUrl = Fuzz.run(() -> RdsIamConfig.fromUrl("jdbc:rdsiam:postgresql://" + HOST
                + "/" + query, null));
        Statistics.label("outcome").collect(fromProps.returned() ? "built" : "refused");
        if (fromProps.returned()) {
            assertThat(fromEnv.error()).as("environment %s", env).isNull();
            assertThat(fromUrl.error()).as("URL query %s", query).isNull();
            assertThat(fromEnv.value().toString()).isEqualTo(fromProps.value().toString());
            assertThat(fromUrl.value().toString()).isEqualTo(fromProps.value().toString());
        } else {
            Set<String> names = new LinkedHashSet<>();
            entries.keySet().forEach(k -> names.addAll(acceptableNames(k)));
            assertRefusal(fromProps.error(), names, entries);
            assertThat(fromEnv.error()).as("environment %s", env).isInstanceOf(IllegalArgumentException.class);
            assertThat(fromUrl.error()).as("URL query %s", query).isInstanceOf(IllegalArgumentException.class);
            // the same problems; the URL lists them in the order of its parameters
            assertThat(problems(fromEnv.error())).isEqualTo(problems(fromProps.error()));
            assertThat(problems(fromUrl.error())).isEqualTo(problems(fromProps.error()));
        }
    }

    private static List<String> problems(Throwable e) {
        String m = e.getMessage().replaceFirst("^\\d+ configuration problems: ", "");
        return Stream.of(m.split("; ")).sorted().collect(Collectors.toList());
    }

    @Provide
    Arbitrary<Map<String, String>> entries() {
        // the environment skips empty values: the front doors agree on non-empty ones
        // and a URL carries well-formed UTF-16 only (a lone surrogate is encoded as '?')
        Arbitrary<String> nonEmpty = values().filter(v -> !v.trim().isEmpty()
                && v.chars().noneMatch(ch -> Character.isSurrogate((char) ch)));
        return Arbitraries.maps(Arbitraries.of(KEYS).filter(k -> !k.equals("engine") && !k.equals("host")), nonEmpty)
                .ofMinSize(1).ofMaxSize(4);
    }

    /** URLs assembled from parts of every kind: built, or refused naming the URL or a key. */
    @Property(tries = Fuzz.TRIES, seed = Fuzz.SEED)
    void urls_buildOrNameTheUrlOrKey(@ForAll("urls") String url) {
        Outcome<RdsIamConfig> o = Fuzz.run(() -> RdsIamConfig.fromUrl(url, null));
        Statistics.label("outcome").collect(o.returned() ? "built" : "refused");
        if (!o.returned()) {
            // the URL itself, its host and port (and the region a non-RDS host needs), the user it lacks, a password
            Set<String> names = new LinkedHashSet<>(List.of("jdbc:rdsiam:", "rdsiam.host", "rdsiam.region",
                    "rdsiam.port", "rdsiam.user", "password", "driver property"));
            int q = url.indexOf('?');
            if (q >= 0) {
                for (String pair : url.substring(q + 1).split("&")) {
                    int eq = pair.indexOf('=');
                    String k = eq < 0 ? pair : pair.substring(0, eq);
                    names.add(k);
                    try {
                        names.add(java.net.URLDecoder.decode(k, StandardCharsets.UTF_8));
                    } catch (IllegalArgumentException e) {
                        // not decodable: the raw form is the one the user wrote
                    }
                }
            }
            assertRefusal(o.error(), names, show(url));
        }
        Statistics.label("outcome").coverage(c -> {
            c.check("built").percentage(pc -> pc > 2);
            c.check("refused").percentage(pc -> pc > 5);
        });
    }

    @Provide
    Arbitrary<String> urls() {
        Arbitrary<String> engine = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.of("postgresql", "mysql")),
                Tuple.of(1, Arbitraries.of("postgres", "MySQL", "", "oracle")));
        Arbitrary<String> sep = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just("://")),
                Tuple.of(1, Arbitraries.of(":", "//", ":///")));
        Arbitrary<String> port = Arbitraries.oneOf(Arbitraries.just(""),
                Arbitraries.integers().between(-1, 70_000).map(i -> ":" + i), Arbitraries.of(":", ":abc", ":5432:1"));
        Arbitrary<String> rdsHost = Combinators.combine(Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1)
                .ofMaxLength(10), Arbitraries.of("", "cluster-", "cluster-ro-", "proxy-"),
                Arbitraries.of("us-east-1", "eu-west-1", "cn-north-1")).as((n, p, r) -> n + "." + p + "c9akciq32." + r
                + (r.startsWith("cn-") ? ".rds.amazonaws.com.cn" : ".rds.amazonaws.com"));
        Arbitrary<String> authority = Arbitraries.frequencyOf(
                Tuple.of(4, Combinators.combine(rdsHost, port).as(String::concat)),
                Tuple.of(2, Combinators.combine(hostNames().filter(h -> !h.contains("/") && !h.contains("?")), port)
                        .as(String::concat)),
                Tuple.of(1, Arbitraries.of("user@" + HOST, "user:pw@" + HOST, HOST + "," + HOST, "[::1", "",
                        "[::1]:5432")));
        Arbitrary<String> db = Arbitraries.oneOf(Arbitraries.just(""), Arbitraries.strings().alpha().numeric()
                .withChars("%_-").ofMaxLength(12).map(s -> "/" + s));
        Arbitrary<String> param = Combinators.combine(
                Arbitraries.oneOf(keys().map(k -> "rdsiam." + k), Arbitraries.of("user", "password", "sslmode",
                        "sslMode", "connectTimeout", "rdsiam.host", "rdsiam.engine", "%zz", "a%")),
                Arbitraries.oneOf(values().map(ConfigFuzzTest::encode), Arbitraries.of("%", "%2", "%zz", "a=b", "")))
                .as((k, v) -> k + "=" + v);
        Arbitrary<String> valid = Arbitraries.of("rdsiam.connectTimeout=5s", "rdsiam.region=eu-west-1",
                "rdsiam.trust=system", "rdsiam.tokenReuseWindow=10m", "sslfactoryarg=x", "ApplicationName=orders",
                "rdsiam.name=orders", "rdsiam.connectHost=127.0.0.1&rdsiam.connectPort=8888", "user=app");
        Arbitrary<String> params = Arbitraries.frequencyOf(Tuple.of(3, valid), Tuple.of(1, param)).list()
                .ofMinSize(1).ofMaxSize(4).map(l -> String.join("&", l));
        Arbitrary<String> query = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just("")),
                Tuple.of(3, Arbitraries.just("?user=app")),
                Tuple.of(4, params.map(q -> "?user=app&" + q)),
                Tuple.of(2, params.map(q -> "?" + q)));
        return Combinators.combine(engine, sep, authority, db, query)
                .as((e, s, a, d, q) -> "jdbc:rdsiam:" + e + s + a + d + q);
    }

    /** The driver: a URL it cannot use fails {@code connect} with an SQLException (08001), before any network. */
    @Property(tries = Fuzz.TRIES, seed = Fuzz.SEED)
    void driver_refusesWhatTheConfigurationRefuses_asSqlException(@ForAll("urls") String url) throws Exception {
        RdsIamDriver driver = new RdsIamDriver();
        Outcome<RdsIamConfig> parsed = Fuzz.run(() -> RdsIamConfig.fromUrl(url, new Properties()));
        Statistics.label("outcome").collect(parsed.returned() ? "valid (not connected)" : "refused");
        if (parsed.returned()) {
            return; // a valid configuration would connect: this property stays off the network
        }
        Outcome<?> o = Fuzz.run(() -> driver.connect(url, new Properties()));
        assertThat(o.error()).as("connect(%s)", show(url)).isInstanceOf(SQLException.class)
                .hasMessage(parsed.error().getMessage());
        assertThat(((SQLException) o.error()).getSQLState()).isEqualTo("08001");
        assertThat(driver.connect(url.replace("jdbc:rdsiam:", "jdbc:other:"), new Properties()))
                .as("another driver's URL").isNull();
    }

    // ---------------------------------------------------------------- secrets

    /** Secret keys and session tokens given as such are never shown, whatever else is wrong. */
    @Property(tries = Fuzz.TRIES, seed = Fuzz.SEED)
    void secretsInSecretKeys_neverEchoed(@ForAll("secretEntries") Map<String, String> entries,
            @ForAll("keys") String otherKey, @ForAll("values") String otherValue) {
        Properties p = base();
        entries.forEach((k, v) -> p.setProperty("rdsiam." + k, v));
        if (!SECRET_KEYS.contains(otherKey)) {
            p.setProperty("rdsiam." + otherKey, otherValue);
        }
        Outcome<RdsIamConfig> o = Fuzz.run(() -> RdsIamConfig.fromProperties(p, "rdsiam."));
        List<String> texts = o.returned() ? List.of(o.value().toString()) : Fuzz.texts(o.error());
        Statistics.label("outcome").collect(o.returned() ? "built" : "refused");
        for (String secret : entries.values()) {
            assertThat(texts.stream().noneMatch(t -> Fuzz.echoes(t, secret)))
                    .as("a value of %s shows in %s", entries.keySet(), texts).isTrue();
        }
    }

    @Provide
    Arbitrary<Map<String, String>> secretEntries() {
        return Arbitraries.oneOf(
                Fuzz.secretAccessKeys().map(s -> Map.of("secretAccessKey", s)),
                Combinators.combine(Fuzz.secretAccessKeys(), Fuzz.sessionTokens())
                        .as((s, t) -> Map.of("secretAccessKey", s, "sessionToken", t)),
                Fuzz.sessionTokens().map(t -> Map.of("sessionToken", t)),
                Combinators.combine(Fuzz.secretAccessKeys(), Fuzz.sessionTokens())
                        .as((s, t) -> Map.of("accessKeyId", "ASIAIOSFODNN7EXAMPLE", "secretAccessKey", s,
                                "sessionToken", t)));
    }

    /**
     * A value that looks like a secret (secret key, session token, auth token), given in any key by mistake, is
     * never shown in the refusal: the message says what is wrong without echoing it.
     */
    @Property(tries = Fuzz.TRIES, seed = Fuzz.SEED)
    void secretLookingValues_inAnyKey_neverEchoed(@ForAll("keys") String key, @ForAll("secrets") Secret secret) {
        Properties p = base();
        p.setProperty("rdsiam." + key, secret.value());
        Outcome<RdsIamConfig> o = Fuzz.run(() -> RdsIamConfig.fromProperties(p, "rdsiam."));
        Statistics.label("outcome").collect(o.returned() ? "built" : "refused");
        List<String> texts = o.returned() ? List.of(o.value().toString()) : Fuzz.texts(o.error());
        assertThat(Fuzz.echoes(texts, secret))
                .as("LEAK: rdsiam.%s set to a %s shows it in: %s", key, secret, texts).isFalse();
    }

    /** The same through a URL, where a refusal of the URL itself must not show its secret parameters. */
    @Property(tries = Fuzz.TRIES, seed = Fuzz.SEED)
    void secretsInUrls_neverEchoed(@ForAll("urls") String url, @ForAll("secrets") Secret secret,
            @ForAll("urlSecretKey") String key) {
        String withSecret = url + (url.contains("?") ? "&" : "?") + key + "=" + encode(secret.value());
        Outcome<RdsIamConfig> o = Fuzz.run(() -> RdsIamConfig.fromUrl(withSecret, null));
        Outcome<?> c = o.returned() ? null : Fuzz.run(() -> new RdsIamDriver().connect(withSecret, null));
        Statistics.label("outcome").collect(o.returned() ? "built" : "refused");
        List<String> texts = new ArrayList<>(o.returned() ? List.of(o.value().toString()) : Fuzz.texts(o.error()));
        if (c != null && c.error() != null) {
            texts.addAll(Fuzz.texts(c.error()));
        }
        Secret encoded = new Secret(encode(secret.value()), encode(secret.giveaway()).replace("%7C", "|"),
                secret.kind());
        assertThat(Fuzz.echoes(texts, secret) || Fuzz.echoes(texts, encoded))
                .as("LEAK: %s=%s in a URL shows it in: %s", key, secret, texts).isFalse();
    }

    @Provide
    Arbitrary<String> urlSecretKey() {
        return Arbitraries.of("rdsiam.secretAccessKey", "rdsiam.sessionToken", "password", "rdsiam.accessKeyId",
                "rdsiam.user");
    }

    @Provide
    Arbitrary<Secret> secrets() {
        return Fuzz.secrets();
    }
}
