package dev.rdsiam.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchCertificatesTest {

    @TempDir
    Path dir;

    @Test
    void aSecondRunInTheSameDirectory_replacesTheFiles_andKeepsTheKeyOwnerOnly() throws Exception {
        BenchCertificates first = BenchCertificates.create(dir, List.of("localhost", "127.0.0.1.example"));
        String firstKey = Files.readString(first.serverKeyPem());

        BenchCertificates second = BenchCertificates.create(dir, List.of("localhost", "127.0.0.1.example"));

        assertThat(second.serverKeyPem()).isEqualTo(first.serverKeyPem());
        assertThat(Files.readString(second.serverKeyPem())).startsWith("-----BEGIN PRIVATE KEY-----")
                .isNotEqualTo(firstKey);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(second.serverKeyPem())))
                .isEqualTo("rw-------");
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        X509Certificate server = (X509Certificate) cf.generateCertificate(
                new ByteArrayInputStream(Files.readAllBytes(second.serverCertPem())));
        X509Certificate ca = (X509Certificate) cf.generateCertificate(
                new ByteArrayInputStream(Files.readAllBytes(second.caPem())));
        server.verify(ca.getPublicKey());
        assertThat(server.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
    }
}
