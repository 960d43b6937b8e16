package dev.rdsiam.internal.trust;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rdsiam.testing.Fuzz;
import dev.rdsiam.testing.Fuzz.Outcome;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * PEM trust input against random and damaged content: a list of certificates, or an {@link IllegalArgumentException}
 * whose message starts with {@code rdsiam.trustPem} and the file; never another exception, never a hang, never the
 * body of a private key pasted into the file by mistake.
 */
class PemCertificatesFuzzTest {

    private static final String WHERE = "rdsiam.trustPem: /etc/ssl/rds-ca.pem";
    private static final String VALID = TestPki.pem(TestPki.ca("Fuzz Root CA 1").certificate(),
            TestPki.ca("Fuzz Root CA 2").certificate());
    private static final String KEY_BODY = privateKeyBody();

    private static String privateKeyBody() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(256);
            return Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(g.generateKeyPair().getPrivate().getEncoded());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Provide
    Arbitrary<byte[]> contents() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(3000);
        Arbitrary<String> text = Arbitraries.strings().withCharRange(' ', '~').withChars("\r\n\t").ofMaxLength(3000);
        Arbitrary<String> damaged = Combinators.combine(Arbitraries.integers().between(0, VALID.length()),
                Arbitraries.integers().between(0, 60), Arbitraries.strings().withCharRange(' ', '~').withChars("\n\r")
                        .ofMaxLength(8), Arbitraries.of("replace", "insert", "truncate", "crlf", "duplicate"))
                .as((at, len, with, how) -> damage(VALID, at, len, with, how));
        Arbitrary<String> labels = Arbitraries.of("PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY",
                "RSA PRIVATE KEY", "PUBLIC KEY", "X509 CERTIFICATE", "TRUSTED CERTIFICATE", "CERTIFICATE REQUEST", "",
                " CERTIFICATE", "certificate").map(l -> VALID + "-----BEGIN " + l + "-----\n" + KEY_BODY
                + "\n-----END " + l + "-----\n");
        Arbitrary<String> bom = Arbitraries.just("\ufeff" + VALID);
        return Arbitraries.frequencyOf(
                Tuple.of(2, random),
                Tuple.of(2, text.map(PemCertificatesFuzzTest::utf8)),
                Tuple.of(5, damaged.map(PemCertificatesFuzzTest::utf8)),
                Tuple.of(2, labels.map(PemCertificatesFuzzTest::utf8)),
                Tuple.of(1, bom.map(PemCertificatesFuzzTest::utf8)),
                Tuple.of(1, Arbitraries.just(VALID).map(PemCertificatesFuzzTest::utf8)));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String damage(String pem, int at, int len, String with, String how) {
        int end = Math.min(pem.length(), at + len);
        switch (how) {
            case "replace":
                return pem.substring(0, at) + with + pem.substring(end);
            case "insert":
                return pem.substring(0, at) + with + pem.substring(at);
            case "truncate":
                return pem.substring(0, at);
            case "crlf":
                return pem.replace("\n", "\r\n").substring(0, Math.min(pem.length(), at * 2));
            default:
                return pem.substring(0, at) + pem.substring(0, end) + pem.substring(at);
        }
    }

    @Property(tries = Fuzz.TRIES, seed = Fuzz.SEED)
    void pem_parsesOrNamesTheKeyAndFile(@ForAll("contents") byte[] content) {
        Outcome<List<X509Certificate>> o = Fuzz.run(() -> PemCertificates.parse(content, WHERE));
        Statistics.label("outcome").collect(o.returned() ? "certificates" : "refused");
        String shown = new String(content, StandardCharsets.ISO_8859_1);
        if (o.returned()) {
            assertThat(o.value()).as("content %s", shown).isNotEmpty();
        } else {
            assertThat(o.error()).as("content %s", shown).isInstanceOf(IllegalArgumentException.class);
            assertThat(o.error().getMessage()).as("content %s", shown).startsWith(WHERE);
            for (String text : Fuzz.texts(o.error())) {
                for (String line : KEY_BODY.split("\n")) {
                    assertThat(Fuzz.echoes(text, line)).as("the private key's body shows in: %s", text).isFalse();
                }
            }
        }
        Statistics.label("outcome").coverage(c -> {
            c.check("certificates").percentage(p -> p > 5);
            c.check("refused").percentage(p -> p > 5);
        });
    }
}
