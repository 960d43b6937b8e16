package dev.rdsiam.testkit.internal;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The TLS of the gateway's leg to an embedded backend: a self-signed RSA certificate and key the embedded servers
 * load ({@code ssl_cert_file} / {@code --ssl-cert}), and a client context that trusts exactly that certificate.
 * The servers then see an encrypted session, as RDS servers do ({@code pg_stat_ssl}, {@code Ssl_cipher}).
 */
public final class BackendTls {

    /** Client sessions kept for resumption: a few per backend instance are enough. */
    static final int SESSION_CACHE_SIZE = 64;

    private final Path certFile;
    private final Path keyFile;
    private final SSLContext clientContext;

    /**
     * Generates the certificate and writes {@code backend.crt} and {@code backend.key} (mode 0600) to {@code dir}.
     *
     * @param dir where the files go
     */
    public BackendTls(Path dir) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, new SecureRandom());
            KeyPair keys = generator.generateKeyPair();
            Instant now = Instant.now();
            X500Name name = new X500Name("CN=rdsiam-testkit backend, O=rdsiam-testkit");
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                    new BigInteger(64, new SecureRandom()).add(BigInteger.ONE), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(3650))), name, keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
            certFile = dir.resolve("backend.crt");
            keyFile = dir.resolve("backend.key");
            Files.writeString(certFile, Certificates.pem(certificate), StandardCharsets.US_ASCII);
            Files.deleteIfExists(keyFile);
            Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            StringWriter key = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(key)) {
                writer.writeObject(keys.getPrivate());
            }
            Files.writeString(keyFile, key.toString(), StandardCharsets.US_ASCII);

            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("backend", certificate);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            clientContext = SSLContext.getInstance("TLS");
            clientContext.init(null, tmf.getTrustManagers(), new SecureRandom());
            // the JDK keeps up to 20480 client sessions for a day; the servers issue new tickets on every login, so
            // a gateway that logs in often would hold thousands (and their certificates) for nothing
            clientContext.getClientSessionContext().setSessionCacheSize(SESSION_CACHE_SIZE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot create the backend certificate", e);
        }
    }

    /** @return the certificate as a PEM file */
    public Path certFile() {
        return certFile;
    }

    /** @return the private key as a PEM file (mode 0600) */
    public Path keyFile() {
        return keyFile;
    }

    /** @return a client context that trusts only the backend certificate */
    public SSLContext clientContext() {
        return clientContext;
    }

    /**
     * Upgrades a connected socket to TLS in client mode and completes the handshake.
     *
     * @param context the client context
     * @param socket  the connected socket
     * @param host    the host it is connected to
     * @param port    the port
     * @return the TLS socket
     * @throws IOException if the handshake fails
     */
    static SSLSocket upgrade(SSLContext context, java.net.Socket socket, String host, int port) throws IOException {
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, host, port, true);
        tls.setUseClientMode(true);
        tls.startHandshake();
        return tls;
    }
}
