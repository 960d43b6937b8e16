package dev.rdsiam.testkit.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
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
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
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
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The kit's local CA and the server certificates the gateway can present: the valid one, one for another host
 * name, one from an untrusted CA and an expired one. Keys are EC P-256.
 */
public final class Certificates {

    /** Which certificate the gateway presents. */
    public enum Variant { VALID, WRONG_HOST, UNTRUSTED_CA, EXPIRED }

    /** Password of the PKCS12 trust store file. */
    public static final String TRUST_STORE_PASSWORD = "changeit";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate caCertificate;
    private final KeyPair caKeys;
    private final X509Certificate otherCa;
    private final KeyPair otherCaKeys;
    private final KeyPair serverKeys;
    private final String wrongName;
    private final Path caPemFile;
    private final Path trustStoreFile;
    private final KeyStore trustStore;
    private volatile Leaves leaves;

    /** The four server contexts for one set of names. */
    private record Leaves(List<String> names, SSLContext valid, SSLContext wrongHost, SSLContext untrusted,
                          SSLContext expired) {
    }

    /**
     * Generates everything and writes {@code ca.pem} and {@code truststore.p12} to {@code dir}.
     *
     * @param dir       where the files go
     * @param hostNames the DNS names of the valid certificate
     * @param wrongName the DNS name of the wrong-host certificate
     */
    public Certificates(Path dir, Collection<String> hostNames, String wrongName) {
        try {
            Instant now = Instant.now();
            caKeys = ecKeys();
            caCertificate = caCertificate("rdsiam-testkit Local Root CA", caKeys, now);
            serverKeys = ecKeys();
            otherCaKeys = ecKeys();
            otherCa = caCertificate("rdsiam-testkit Untrusted Root CA", otherCaKeys, now);
            this.wrongName = wrongName;
            leaves = issue(hostNames);

            caPemFile = dir.resolve("ca.pem");
            Files.writeString(caPemFile, pem(caCertificate), StandardCharsets.US_ASCII);
            trustStore = KeyStore.getInstance("PKCS12");
            trustStore.load(null, null);
            trustStore.setCertificateEntry("rdsiam-testkit-ca", caCertificate);
            trustStoreFile = dir.resolve("truststore.p12");
            try (OutputStream out = Files.newOutputStream(trustStoreFile)) {
                trustStore.store(out, TRUST_STORE_PASSWORD.toCharArray());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot create the local CA", e);
        }
    }

    private Certificates(Certificates ca, Collection<String> hostNames) {
        this.caCertificate = ca.caCertificate;
        this.caKeys = ca.caKeys;
        this.otherCa = ca.otherCa;
        this.otherCaKeys = ca.otherCaKeys;
        this.wrongName = ca.wrongName;
        this.caPemFile = ca.caPemFile;
        this.trustStoreFile = ca.trustStoreFile;
        this.trustStore = ca.trustStore;
        try {
            this.serverKeys = ecKeys();
            this.leaves = issue(hostNames);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot issue a server certificate", e);
        }
    }

    /**
     * Certificates of another server (its own key) from the same local CA and CA files.
     *
     * @param hostNames the DNS names of its valid certificate
     * @return the new set
     */
    public Certificates sibling(Collection<String> hostNames) {
        return new Certificates(this, hostNames);
    }

    /**
     * Issues new certificates (same key, same CA) for other names; the next TLS handshake presents them.
     *
     * @param hostNames the DNS names, the first one also the common name
     */
    public void reissue(Collection<String> hostNames) {
        try {
            leaves = issue(hostNames);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot issue a server certificate", e);
        }
    }

    /** @return the DNS names of the valid certificate presented now */
    public List<String> hostNames() {
        return leaves.names();
    }

    private Leaves issue(Collection<String> hostNames)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        Instant now = Instant.now();
        X509Certificate validCert = leaf(caCertificate, caKeys.getPrivate(), serverKeys, hostNames,
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)));
        X509Certificate wrongCert = leaf(caCertificate, caKeys.getPrivate(), serverKeys, List.of(wrongName),
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)));
        X509Certificate expiredCert = leaf(caCertificate, caKeys.getPrivate(), serverKeys, hostNames,
                now.minus(Duration.ofDays(730)), now.minus(Duration.ofDays(365)));
        X509Certificate untrustedCert = leaf(otherCa, otherCaKeys.getPrivate(), serverKeys, hostNames,
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)));
        return new Leaves(List.copyOf(hostNames),
                serverContext(serverKeys.getPrivate(), validCert, caCertificate),
                serverContext(serverKeys.getPrivate(), wrongCert, caCertificate),
                serverContext(serverKeys.getPrivate(), untrustedCert, otherCa),
                serverContext(serverKeys.getPrivate(), expiredCert, caCertificate));
    }

    /**
     * The server-side TLS context for a certificate variant.
     *
     * @param variant which certificate
     * @return the context
     */
    public SSLContext serverContext(Variant variant) {
        Leaves current = leaves;
        switch (variant) {
            case WRONG_HOST:
                return current.wrongHost();
            case UNTRUSTED_CA:
                return current.untrusted();
            case EXPIRED:
                return current.expired();
            default:
                return current.valid();
        }
    }

    /** @return the CA certificate */
    public X509Certificate caCertificate() {
        return caCertificate;
    }

    /** @return the CA as a PEM file */
    public Path caPemFile() {
        return caPemFile;
    }

    /** @return the CA as a PKCS12 file with password {@value #TRUST_STORE_PASSWORD} */
    public Path trustStoreFile() {
        return trustStoreFile;
    }

    /** @return a copy of the trust store holding the CA */
    public KeyStore trustStore() {
        try {
            KeyStore copy = KeyStore.getInstance("PKCS12");
            copy.load(null, null);
            copy.setCertificateEntry("rdsiam-testkit-ca", caCertificate);
            return copy;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * PEM text of a certificate.
     *
     * @param certificate the certificate
     * @return {@code -----BEGIN CERTIFICATE-----...}
     */
    public static String pem(X509Certificate certificate) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(certificate);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    private static KeyPair ecKeys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    private static X509Certificate caCertificate(String name, KeyPair keys, Instant now)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        X500Name subject = new X500Name("CN=" + name + ", O=rdsiam-testkit");
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                Date.from(now.minus(Duration.ofDays(2))), Date.from(now.plus(Duration.ofDays(3650))), subject,
                keys.getPublic());
        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        builder.addExtension(Extension.subjectKeyIdentifier, false,
                utils.createSubjectKeyIdentifier(keys.getPublic()));
        return sign(builder, keys.getPrivate());
    }

    private static X509Certificate leaf(X509Certificate issuer, PrivateKey issuerKey, KeyPair keys,
                                        Collection<String> dnsNames, Instant notBefore, Instant notAfter)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        String first = dnsNames.iterator().next();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, serial(), Date.from(notBefore),
                Date.from(notAfter), new X500Name("CN=" + first), keys.getPublic());
        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        List<GeneralName> names = new ArrayList<>();
        for (String dns : dnsNames) {
            names.add(new GeneralName(GeneralName.dNSName, dns));
        }
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(names.toArray(new GeneralName[0])));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true,
                new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        builder.addExtension(Extension.subjectKeyIdentifier, false,
                utils.createSubjectKeyIdentifier(keys.getPublic()));
        builder.addExtension(Extension.authorityKeyIdentifier, false,
                utils.createAuthorityKeyIdentifier(issuer));
        return sign(builder, issuerKey);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
            throws GeneralSecurityException, OperatorCreationException {
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
        X509CertificateHolder holder = builder.build(signer);
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM).add(BigInteger.ONE);
    }

    private static SSLContext serverContext(PrivateKey key, X509Certificate leaf, X509Certificate ca)
            throws GeneralSecurityException, IOException {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        char[] password = "server".toCharArray();
        keyStore.setKeyEntry("server", key, password, new Certificate[] {leaf, ca});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, RANDOM);
        return context;
    }
}
