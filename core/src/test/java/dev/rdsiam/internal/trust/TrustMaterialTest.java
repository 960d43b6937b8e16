package dev.rdsiam.internal.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rdsiam.Trust;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustMaterialTest {

    private static final String BUNDLE = "/dev/rdsiam/trust/rds-global-bundle.pem";

    @TempDir
    Path dir;

    static TestPki.Ca ca;

    @BeforeAll
    static void pki() {
        ca = TestPki.ca("Trust Test CA");
    }

    private static List<String> subjects(X509Certificate[] certs) {
        return Arrays.stream(certs).map(c -> c.getSubjectX500Principal().getName()).collect(Collectors.toList());
    }

    @Test
    void bundledResource_isTheRdsGlobalBundle_byteForByte() throws Exception {
        byte[] bytes;
        try (InputStream in = TrustMaterial.class.getResourceAsStream(BUNDLE)) {
            assertThat(in).as(BUNDLE).isNotNull();
            bytes = in.readAllBytes();
        }
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)))
                .isEqualTo("e5bb2084ccf45087bda1c9bffdea0eb15ee67f0b91646106e466714f9de3c7e3");
        Collection<? extends Certificate> parsed = CertificateFactory.getInstance("X.509")
                .generateCertificates(new java.io.ByteArrayInputStream(bytes));
        assertThat(parsed).hasSize(108).allSatisfy(c -> assertThat(c).isInstanceOf(X509Certificate.class));
        assertThat(TrustMaterial.rdsBundle()).hasSize(108).containsExactlyElementsOf(
                parsed.stream().map(X509Certificate.class::cast).collect(Collectors.toList()));
    }

    @Test
    void clientSessionCache_isBounded_notTheJdksTwentyThousand() {
        TrustMaterial t = TrustMaterial.forChoice(Trust.AUTO, null, false);
        assertThat(t.sslContext().getClientSessionContext().getSessionCacheSize())
                .isEqualTo(TrustMaterial.CLIENT_SESSIONS).isLessThan(20480);
    }

    @Test
    void auto_trustsTheRdsBundle_forADbEndpoint() {
        TrustMaterial t = TrustMaterial.forChoice(Trust.AUTO, null, false);
        assertThat(t.description()).isEqualTo("Amazon RDS CA bundle (108 certificates)");
        assertThat(t.anchors()).hasSize(108);
        assertThat(subjects(t.anchors())).allMatch(s -> s.contains("Amazon RDS"))
                .anyMatch(s -> s.contains("CN=Amazon RDS us-east-1 Root CA RSA2048 G1"));
        assertThat(t.choice()).isEqualTo(Trust.AUTO);
    }

    @Test
    void auto_trustsTheJdkDefaultStore_forAProxyEndpoint() {
        TrustMaterial proxy = TrustMaterial.forChoice(Trust.AUTO, null, true);
        TrustMaterial db = TrustMaterial.forChoice(Trust.AUTO, null, false);
        assertThat(proxy.description()).matches("JDK default trust store \\(\\d+ certificates\\)");
        assertThat(subjects(proxy.anchors())).contains("CN=Amazon Root CA 1,O=Amazon,C=US")
                .noneMatch(s -> s.contains("Amazon RDS"));
        assertThat(proxy.anchors()).doesNotContainAnyElementsOf(Arrays.asList(db.anchors()));
    }

    @Test
    void system_trustsTheJdkDefaultStore_whateverTheEndpoint() {
        TrustMaterial t = TrustMaterial.forChoice(Trust.SYSTEM, null, false);
        assertThat(t.description()).startsWith("JDK default trust store (");
        assertThat(subjects(t.anchors())).contains("CN=Amazon Root CA 1,O=Amazon,C=US");
    }

    @Test
    void rdsBundle_trustsTheBundle_evenForAProxyEndpoint() {
        TrustMaterial t = TrustMaterial.forChoice(Trust.RDS_BUNDLE, null, true);
        assertThat(t.description()).isEqualTo("Amazon RDS CA bundle (108 certificates)");
    }

    @Test
    void userPem_isAddedToTheChoice() {
        Path pem = ca.writePem(dir.resolve("ca.pem"));
        TrustMaterial t = TrustMaterial.forChoice(Trust.RDS_BUNDLE, pem, false);
        assertThat(t.description()).isEqualTo("Amazon RDS CA bundle (108 certificates) + " + pem + " (1 certificate)");
        assertThat(t.anchors()).hasSize(109).contains(ca.certificate());

        TrustMaterial s = TrustMaterial.forChoice(Trust.SYSTEM, pem, false);
        assertThat(s.description()).startsWith("JDK default trust store (").endsWith(" + " + pem + " (1 certificate)");
        assertThat(s.anchors()).contains(ca.certificate());
    }

    @Test
    void pem_trustsOnlyTheFile() {
        TestPki.Ca second = TestPki.ca("Second CA");
        Path pem = TestPki.writePem(dir.resolve("two.pem"), ca.certificate(), second.certificate());
        TrustMaterial t = TrustMaterial.forChoice(Trust.PEM, pem, true);
        assertThat(t.description()).isEqualTo(pem + " (2 certificates)");
        assertThat(t.anchors()).containsExactly(ca.certificate(), second.certificate());
    }

    @Test
    void pem_isRefused_withoutAFile() {
        assertThatThrownBy(() -> TrustMaterial.forChoice(Trust.PEM, null, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("trust=pem needs rdsiam.trustPem: ")
                .hasMessageContaining("PEM file");
    }

    @Test
    void anchors_areDeduplicated_whenTheFileRepeatsABundleCertificate() {
        X509Certificate fromBundle = TrustMaterial.rdsBundle().get(0);
        Path pem = TestPki.writePem(dir.resolve("dup.pem"), fromBundle);
        TrustMaterial t = TrustMaterial.forChoice(Trust.AUTO, pem, false);
        assertThat(t.anchors()).hasSize(108);
        assertThat(t.description()).endsWith(pem + " (1 certificate)");
    }

    @Test
    void sslContext_isBuiltOnce() {
        TrustMaterial t = TrustMaterial.forChoice(Trust.AUTO, null, false);
        assertThat(t.sslContext()).isSameAs(t.sslContext());
        assertThat(t.sslContext().getProtocol()).isEqualTo("TLS");
        assertThat(t.pkixTrustManager().getAcceptedIssuers()).hasSize(108);
    }

    @Test
    void anchors_returnsACopy() {
        TrustMaterial t = TrustMaterial.forChoice(Trust.AUTO, null, false);
        t.anchors()[0] = null;
        assertThat(t.anchors()[0]).isNotNull();
    }

    @Test
    void expiredAndExpiring_areReported_relativeToNow() {
        Instant now = Instant.parse("2030-06-01T00:00:00Z");
        TestPki.Ca old = TestPki.ca("Old CA", now.minus(Duration.ofDays(400)), now.minus(Duration.ofDays(1)));
        TestPki.Ca soon = TestPki.ca("Soon CA", now.minus(Duration.ofDays(400)), now.plus(Duration.ofDays(10)));
        TestPki.Ca later = TestPki.ca("Later CA", now.minus(Duration.ofDays(400)), now.plus(Duration.ofDays(100)));
        Path pem = TestPki.writePem(dir.resolve("mixed.pem"), later.certificate(), soon.certificate(),
                old.certificate());
        TrustMaterial t = TrustMaterial.forChoice(Trust.PEM, pem, false);
        assertThat(t.expired(now)).containsExactly(old.certificate());
        assertThat(t.expiringWithin(Duration.ofDays(30), now)).containsExactly(soon.certificate());
        assertThat(t.expiringWithin(Duration.ofDays(365), now)).containsExactly(soon.certificate(),
                later.certificate());
        assertThat(TrustMaterial.forChoice(Trust.AUTO, null, false).expired(Instant.parse("2026-11-22T00:00:00Z")))
                .isEmpty();
    }

    // ---- the user's PEM file: every problem names rdsiam.trustPem, the path and the fix

    @Test
    void trustPem_isRefused_whenTheFileIsMissing() {
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> TrustMaterial.forChoice(Trust.AUTO, missing, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rdsiam.trustPem: " + missing + " does not exist; point rdsiam.trustPem at an existing PEM"
                        + " file holding the CA certificate(s)");
    }

    @Test
    void trustPem_isRefused_whenItIsADirectory() {
        assertThatThrownBy(() -> TrustMaterial.forChoice(Trust.PEM, dir, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("rdsiam.trustPem: " + dir + " is a directory; ");
    }

    @Test
    void trustPem_isRefused_whenItIsNotReadable() throws Exception {
        Path pem = ca.writePem(dir.resolve("locked.pem"));
        assertThat(pem.toFile().setReadable(false, false)).isTrue();
        try {
            org.junit.jupiter.api.Assumptions.assumeFalse(Files.isReadable(pem),
                    "running as a user who can read any file (root)");
            assertThatThrownBy(() -> TrustMaterial.forChoice(Trust.PEM, pem, false))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("rdsiam.trustPem: " + pem + " is not readable by this process");
        } finally {
            pem.toFile().setReadable(true, false);
        }
    }

    @Test
    void trustPem_isRefused_whenEmpty() throws Exception {
        Path pem = Files.writeString(dir.resolve("empty.pem"), "\n  \n");
        assertThatThrownBy(() -> TrustMaterial.forChoice(Trust.PEM, pem, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("rdsiam.trustPem: " + pem + " contains no certificate (the file is empty)")
                .hasMessageContaining("-----BEGIN CERTIFICATE-----");
    }

    @Test
    void trustPem_isRefused_whenItHasNoPemBlock() throws Exception {
        Path pem = Files.writeString(dir.resolve("notes.txt"), "this is the CA, trust me\n");
        assertThatThrownBy(() -> TrustMaterial.forChoice(Trust.PEM, pem, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("rdsiam.trustPem: " + pem + " is not PEM: it has no -----BEGIN CERTIFICATE-----"
                        + " line");
    }

    @Test
    void trustPem_isRefused_whenItIsBinaryDer() throws Exception {
        Path der = Files.write(dir.resolve("ca.der"), ca.certificate().getEncoded());
        assertThatThrownBy(() -> TrustMaterial.forChoice(Trust.RDS_BUNDLE, der, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("rdsiam.trustPem: " + der + " is not PEM (it holds binary data")
                .hasMessageContaining("openssl x509 -inform der");
    }

    @Test
    void trustPem_isRefused_whenItHoldsAPrivateKey_withoutQuotingTheKey() throws Exception {
        byte[] keyDer = TestPki.ca("Key CA").issue("x", List.of("x.example"), List.of()).key().getEncoded();
        String keyBlock = TestPki.pemBlock("PRIVATE KEY", keyDer);
        Path pem = Files.writeString(dir.resolve("server-with-key.pem"), TestPki.pem(ca.certificate()) + keyBlock);
        String keyBase64 = Base64.getEncoder().encodeToString(keyDer);
        assertThatThrownBy(() -> TrustMaterial.forChoice(Trust.AUTO, pem, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("rdsiam.trustPem: " + pem + " contains a private key (-----BEGIN PRIVATE KEY"
                        + "----- at line ")
                .hasMessageContaining("remove the key")
                .hasMessageNotContaining(keyBase64.substring(0, 20))
                .hasMessageNotContaining(keyBase64.substring(keyBase64.length() - 20));
    }

    @Test
    void trustPem_isRefused_whenItHoldsAnotherKindOfBlock() throws Exception {
        Path pem = Files.writeString(dir.resolve("pub.pem"),
                TestPki.pemBlock("PUBLIC KEY", ca.certificate().getPublicKey().getEncoded()));
        assertThatThrownBy(() -> TrustMaterial.forChoice(Trust.PEM, pem, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rdsiam.trustPem: " + pem + " holds a 'PUBLIC KEY' block at line 1, not a certificate; a "
                        + "trust file holds only -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE----- blocks");
    }

    @Test
    void trustPem_isRefused_whenABlockIsTruncated() throws Exception {
        String full = TestPki.pem(ca.certificate());
        Path pem = Files.writeString(dir.resolve("cut.pem"), full.substring(0, full.indexOf("-----END")));
        assertThatThrownBy(() -> TrustMaterial.forChoice(Trust.PEM, pem, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rdsiam.trustPem: " + pem + " has -----BEGIN CERTIFICATE----- at line 1 without a "
                        + "matching -----END CERTIFICATE----- (is the file truncated?)");
    }

    @Test
    void trustPem_isRefused_whenABlockIsNotBase64() throws Exception {
        Path pem = Files.writeString(dir.resolve("bad64.pem"),
                "# our CA\n-----BEGIN CERTIFICATE-----\nnot*base64!\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> TrustMaterial.forChoice(Trust.PEM, pem, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("rdsiam.trustPem: " + pem + ": the certificate at line 2 is not valid base64");
    }

    @Test
    void trustPem_isRefused_whenABlockIsNotACertificate() throws Exception {
        String garbage = Base64.getEncoder().encodeToString("definitely not DER".getBytes(StandardCharsets.US_ASCII));
        Path pem = Files.writeString(dir.resolve("notcert.pem"),
                "-----BEGIN CERTIFICATE-----\n" + garbage + "\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> TrustMaterial.forChoice(Trust.PEM, pem, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("rdsiam.trustPem: " + pem + ": the certificate at line 1 is not a valid X.509 "
                        + "certificate");
    }

    @Test
    void trustPem_acceptsCommentsCrlfAndAByteOrderMark() throws Exception {
        TestPki.Ca second = TestPki.ca("Second CA");
        String text = "\uFEFF# exported for the tests\r\nsubject=CN=Trust Test CA\r\n"
                + TestPki.pem(ca.certificate()).replace("\n", "\r\n") + "\r\nsome text between\r\n"
                + TestPki.pem(second.certificate()).replace("\n", "\r\n");
        Path pem = Files.writeString(dir.resolve("commented.pem"), text, StandardCharsets.UTF_8);
        TrustMaterial t = TrustMaterial.forChoice(Trust.PEM, pem, false);
        assertThat(t.anchors()).containsExactly(ca.certificate(), second.certificate());
    }
    @Test
    void bundleAnchors_readTheSubjectAndTheEndOfValidityFromTheDer_asTheParsedCertificatesHaveThem() throws Exception {
        for (X509Certificate c : TrustMaterial.rdsBundle()) {
            Anchor lazy = Anchor.ofDer(c.getEncoded());
            assertThat(lazy.notAfter()).isEqualTo(c.getNotAfter().toInstant());
            assertThat(lazy.hasSubject(c.getSubjectX500Principal().getEncoded())).isTrue();
            assertThat(lazy.hasSubject(c.getIssuerX500Principal().getEncoded()))
                    .isEqualTo(c.getSubjectX500Principal().equals(c.getIssuerX500Principal()));
            assertThat(lazy.certificate()).isEqualTo(c);
        }
    }

    @Test
    void anchorDer_thatIsNotShapedAsACertificate_isParsed_andRefusedLikeAnyBrokenCertificate() {
        assertThat(Anchor.DerFields.subjectAndNotAfter(new byte[] {0x30, 0x03, 0x02, 0x01, 0x01})).isNull();
        assertThatThrownBy(() -> Anchor.ofDer(new byte[] {0x30, 0x03, 0x02, 0x01, 0x01}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a valid X.509 certificate");
    }

    @Test
    void handshakeTrust_usesOnlyTheAnchorsThatCanEndTheChain_andAllOfThemOtherwise() throws Exception {
        Path pem = ca.writePem(dir.resolve("ca.pem"));
        TrustMaterial t = TrustMaterial.forChoice(Trust.AUTO, pem, false);
        X509Certificate[] ours = {ca.server(TestPki.DB_HOST).certificate()};
        assertThat(t.trustManagerFor(ours).getAcceptedIssuers()).containsExactly(ca.certificate());
        assertThat(t.trustManagerFor(ours)).isSameAs(t.trustManagerFor(ours));
        t.trustManagerFor(ours).checkServerTrusted(ours, "ECDHE_RSA");

        X509Certificate[] stranger = {TestPki.ca("Stranger CA").server(TestPki.DB_HOST).certificate()};
        assertThat(t.trustManagerFor(stranger)).isSameAs(t.pkixTrustManager());
        assertThat(t.pkixTrustManager().getAcceptedIssuers()).hasSize(109);
    }
}
