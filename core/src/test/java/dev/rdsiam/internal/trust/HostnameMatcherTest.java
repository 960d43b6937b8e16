package dev.rdsiam.internal.trust;

import static dev.rdsiam.internal.trust.TestPki.DB_HOST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HostnameMatcherTest {

    private static final String ZONE = "c0ffee000000.us-east-1.rds.amazonaws.com";
    private static final List<String> NONE = List.of();

    static Stream<Arguments> cases() {
        return Stream.of(
                // host, dNSName SANs, iPAddress SANs, CN, expected
                arguments("exact SAN", DB_HOST, List.of(DB_HOST), NONE, null, true),
                arguments("second SAN", DB_HOST, List.of("other." + ZONE, DB_HOST), NONE, null, true),
                arguments("other SAN only", DB_HOST, List.of("other." + ZONE), NONE, null, false),
                arguments("case-insensitive host", DB_HOST.toUpperCase(java.util.Locale.ROOT), List.of(DB_HOST), NONE,
                        null, true),
                arguments("case-insensitive SAN", DB_HOST, List.of("DB1.C0FFEE000000.US-EAST-1.RDS.AMAZONAWS.COM"),
                        NONE, null, true),
                arguments("trailing dot on host", DB_HOST + ".", List.of(DB_HOST), NONE, null, true),
                arguments("trailing dot on SAN", DB_HOST, List.of(DB_HOST + "."), NONE, null, true),
                arguments("wildcard, one label", DB_HOST, List.of("*." + ZONE), NONE, null, true),
                arguments("wildcard never two labels", "a." + DB_HOST, List.of("*." + ZONE), NONE, null, false),
                arguments("wildcard never zero labels", ZONE, List.of("*." + ZONE), NONE, null, false),
                arguments("partial wildcard", DB_HOST, List.of("db*." + ZONE), NONE, null, false),
                arguments("suffix wildcard", DB_HOST, List.of("*1." + ZONE), NONE, null, false),
                arguments("wildcard not left-most", DB_HOST, List.of("db1.*.us-east-1.rds.amazonaws.com"), NONE, null,
                        false),
                arguments("wildcard of a single-label suffix", "example.com", List.of("*.com"), NONE, null, false),
                arguments("bare wildcard", "localhost", List.of("*"), NONE, null, false),
                arguments("CN when no dNSName", DB_HOST, NONE, NONE, DB_HOST, true),
                arguments("CN ignored when a dNSName exists", DB_HOST, List.of("other." + ZONE), NONE, DB_HOST, false),
                arguments("CN used when only IP SANs exist", DB_HOST, NONE, List.of("10.0.0.7"), DB_HOST, true),
                arguments("wildcard CN", DB_HOST, NONE, NONE, "*." + ZONE, true),
                arguments("no names at all", DB_HOST, NONE, NONE, null, false),
                arguments("IPv4 against IP SAN", "10.0.3.7", NONE, List.of("10.0.3.7"), null, true),
                arguments("IPv4 against other IP SAN", "10.0.3.7", NONE, List.of("10.0.3.8"), null, false),
                arguments("IPv4 never against dNSName", "10.0.3.7", List.of("10.0.3.7"), NONE, null, false),
                arguments("IPv4 never against CN", "10.0.3.7", NONE, NONE, "10.0.3.7", false),
                arguments("IPv6 compressed vs JDK's long form", "::1", NONE, List.of("0:0:0:0:0:0:0:1"), null, true),
                arguments("IPv6 in brackets", "[fd00::7]", NONE, List.of("fd00:0:0:0:0:0:0:7"), null, true),
                arguments("IPv6 other address", "fd00::8", NONE, List.of("fd00:0:0:0:0:0:0:7"), null, false),
                arguments("IPv4 is not its IPv4-mapped IPv6", "10.0.3.7", NONE, List.of("::ffff:10.0.3.7"), null,
                        false),
                arguments("empty label in host", "db1.." + ZONE, List.of("*." + ZONE), NONE, null, false),
                arguments("empty host", "", List.of(DB_HOST), NONE, null, false),
                arguments("wildcard in host", "*." + ZONE, List.of("*." + ZONE), NONE, null, false),
                arguments("IDN host against punycode SAN", "bücher.example.com", List.of("xn--bcher-kva.example.com"),
                        NONE, null, true),
                arguments("different suffix", "db1.c0ffee000000.us-east-1.rds.amazonaws.com.evil.example",
                        List.of(DB_HOST), NONE, null, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matches_followsRfc6125(String name, String host, List<String> dns, List<String> ips, String cn,
            boolean expected) {
        assertThat(HostnameMatcher.matches(host, dns, ips, cn)).as(name).isEqualTo(expected);
    }

    static TestPki.Ca ca;

    @BeforeAll
    static void pki() {
        ca = TestPki.ca("Matcher CA");
    }

    @Test
    void matches_readsTheSansOfARealCertificate() {
        TestPki.Issued cert = ca.issue("ignored", List.of("other." + ZONE, DB_HOST), List.of("10.0.3.7"));
        assertThat(HostnameMatcher.matches(DB_HOST, cert.certificate())).isTrue();
        assertThat(HostnameMatcher.matches("10.0.3.7", cert.certificate())).isTrue();
        assertThat(HostnameMatcher.matches("ignored", cert.certificate())).as("CN ignored when dNSName exists")
                .isFalse();
        assertThat(HostnameMatcher.dnsNames(cert.certificate())).containsExactly("other." + ZONE, DB_HOST);
        assertThat(HostnameMatcher.ipAddresses(cert.certificate())).containsExactly("10.0.3.7");
        assertThat(HostnameMatcher.commonName(cert.certificate())).isEqualTo("ignored");
    }

    @Test
    void matches_fallsBackToTheCommonName_ofACertificateWithoutSans() {
        TestPki.Issued cert = ca.issue(DB_HOST, List.of(), List.of());
        assertThat(HostnameMatcher.dnsNames(cert.certificate())).isEmpty();
        assertThat(HostnameMatcher.matches(DB_HOST, cert.certificate())).isTrue();
        assertThat(HostnameMatcher.matches("other." + ZONE, cert.certificate())).isFalse();
    }

    @Test
    void isIpLiteral_recognisesOnlyLiterals() {
        assertThat(HostnameMatcher.isIpLiteral("127.0.0.1")).isTrue();
        assertThat(HostnameMatcher.isIpLiteral("::1")).isTrue();
        assertThat(HostnameMatcher.isIpLiteral("[2001:db8::1]")).isTrue();
        assertThat(HostnameMatcher.isIpLiteral("fe80::1%eth0")).isTrue();
        assertThat(HostnameMatcher.isIpLiteral("::ffff:1.2.3.4")).isTrue();
        assertThat(HostnameMatcher.isIpLiteral(DB_HOST)).isFalse();
        assertThat(HostnameMatcher.isIpLiteral("1.2.3")).isFalse();
        assertThat(HostnameMatcher.isIpLiteral("256.1.1.1")).isFalse();
        assertThat(HostnameMatcher.isIpLiteral("1:2:3:4:5:6:7:8:9")).isFalse();
        assertThat(HostnameMatcher.isIpLiteral("1::2::3")).isFalse();
        assertThat(HostnameMatcher.isIpLiteral("cafe:beef")).isFalse();
    }
}
