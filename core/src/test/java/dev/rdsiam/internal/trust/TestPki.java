package dev.rdsiam.internal.trust;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Test certificates made with BouncyCastle: CAs and server certificates (EC P-256, so that generation is fast).
 *
 * <pre>{@code
 * TestPki.Ca ca = TestPki.ca("Test CA");
 * TestPki.Issued server = ca.server("db1.c0ffee000000.us-east-1.rds.amazonaws.com");
 * Path pem = ca.writePem(tempDir.resolve("ca.pem"));
 * }</pre>
 */
public final class TestPki {

    /** The identity host used throughout the tests. */
    public static final String DB_HOST = "db1.c0ffee000000.us-east-1.rds.amazonaws.com";

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    private static final char[] PASSWORD = "test".toCharArray();

    private TestPki() {
    }

    /** A CA valid from yesterday for ten years. */
    public static Ca ca(String cn) {
        Instant now = Instant.now();
        return ca(cn, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(3650)));
    }

    /** A self-signed CA with the given validity. */
    public static Ca ca(String cn, Instant notBefore, Instant notAfter) {
        KeyPair keys = newKeys();
        X500Name name = new X500Name("O=rds-iam-jdbc tests,CN=" + cn);
        X509Certificate cert = build(name, keys, name, keys.getPrivate(), null, notBefore, notAfter, true,
                List.of(), List.of());
        return new Ca(name, keys, cert);
    }

    /** Certificates in PEM, one block each. */
    public static String pem(X509Certificate... certificates) {
        StringBuilder sb = new StringBuilder();
        for (X509Certificate c : certificates) {
            try {
                sb.append(pemBlock("CERTIFICATE", c.getEncoded()));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
        return sb.toString();
    }

    /** A PEM block of any label. */
    public static String pemBlock(String label, byte[] der) {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + b64 + "\n-----END " + label + "-----\n";
    }

    /** Writes certificates as PEM to {@code file}. */
    public static Path writePem(Path file, X509Certificate... certificates) {
        try {
            return Files.writeString(file, pem(certificates), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static KeyPair newKeys() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate build(X500Name issuer, KeyPair issuerKeys, X500Name subject, PrivateKey signer,
            KeyPair subjectKeys, Instant notBefore, Instant notAfter, boolean isCa, List<String> dns,
            List<String> ips) {
        KeyPair keys = subjectKeys == null ? issuerKeys : subjectKeys;
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter), subject,
                    keys.getPublic());
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    ext.createAuthorityKeyIdentifier(issuerKeys.getPublic()));
            if (isCa) {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                List<GeneralName> names = new ArrayList<>();
                for (String d : dns) {
                    names.add(new GeneralName(GeneralName.dNSName, d));
                }
                for (String ip : ips) {
                    names.add(new GeneralName(GeneralName.iPAddress, ip));
                }
                if (!names.isEmpty()) {
                    b.addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(names.toArray(new GeneralName[0])));
                }
            }
            return new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A test CA. */
    public static final class Ca {
        private final X500Name name;
        private final KeyPair keys;
        private final X509Certificate certificate;

        Ca(X500Name name, KeyPair keys, X509Certificate certificate) {
            this.name = name;
            this.keys = keys;
            this.certificate = certificate;
        }

        public X509Certificate certificate() {
            return certificate;
        }

        /** Writes this CA's certificate as PEM. */
        public Path writePem(Path file) {
            return TestPki.writePem(file, certificate);
        }

        /** A server certificate with {@code dnsName} as CN and only dNSName SAN, valid from yesterday for a year. */
        public Issued server(String dnsName) {
            return issue(dnsName, List.of(dnsName), List.of());
        }

        /** A server certificate valid from yesterday for a year. */
        public Issued issue(String cn, List<String> dns, List<String> ips) {
            Instant now = Instant.now();
            return issue(cn, dns, ips, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)));
        }

        /** A server certificate. */
        public Issued issue(String cn, List<String> dns, List<String> ips, Instant notBefore, Instant notAfter) {
            KeyPair leafKeys = newKeys();
            X509Certificate cert = build(name, keys, new X500Name("CN=" + cn), keys.getPrivate(), leafKeys,
                    notBefore, notAfter, false, dns, ips);
            return new Issued(cert, leafKeys.getPrivate(), certificate);
        }
    }

    /** A server certificate, its key, and the CA that issued it. */
    public static final class Issued {
        private final X509Certificate certificate;
        private final PrivateKey key;
        private final X509Certificate issuer;

        Issued(X509Certificate certificate, PrivateKey key, X509Certificate issuer) {
            this.certificate = certificate;
            this.key = key;
            this.issuer = issuer;
        }

        public X509Certificate certificate() {
            return certificate;
        }

        public PrivateKey key() {
            return key;
        }

        /** A server-side TLS context presenting [certificate, issuer]. */
        public SSLContext serverContext() {
            try {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("server", key, PASSWORD, new X509Certificate[] {certificate, issuer});
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, PASSWORD);
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(kmf.getKeyManagers(), null, null);
                return ctx;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
