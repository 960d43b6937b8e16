package dev.rdsiam.benchmarks;

import com.mysql.cj.conf.PropertyKey;
import com.mysql.cj.conf.PropertySet;
import com.mysql.cj.log.Log;
import com.mysql.cj.protocol.ServerSession;
import com.mysql.cj.protocol.SocketConnection;
import com.mysql.cj.protocol.StandardSocketFactory;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The "limit" contender's TLS: the raw driver with one {@link SSLContext} per trust file and JVM, built on first use
 * and reused, with the chain and the host name still verified. This is what the drivers could do at best if they
 * cached their trust material; the drivers' own file-based options rebuild it for every connection.
 */
public final class PrebuiltTls {

    private static final Map<String, SSLContext> CONTEXTS = new ConcurrentHashMap<>();

    private PrebuiltTls() {
    }

    /** The context trusting the certificates of a PEM file, built once per JVM. */
    static SSLContext forPem(Path pem) {
        return CONTEXTS.computeIfAbsent(pem.toAbsolutePath().toString(), k -> {
            try (InputStream in = Files.newInputStream(pem)) {
                KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                int i = 0;
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    trust.setCertificateEntry("ca-" + i++, c);
                }
                return context(trust);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + pem, e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot build an SSLContext from " + pem, e);
            }
        });
    }

    /** The context trusting the certificates of a trust store file, built once per JVM. */
    static SSLContext forKeyStore(Path file, String type, char[] password) {
        return CONTEXTS.computeIfAbsent(file.toAbsolutePath().toString(), k -> {
            try (InputStream in = Files.newInputStream(file)) {
                KeyStore trust = KeyStore.getInstance(type);
                trust.load(in, password);
                return context(trust);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot build an SSLContext from " + file, e);
            }
        });
    }

    private static SSLContext context(KeyStore trust) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /**
     * pgjdbc's {@code sslfactory}: {@code sslfactoryarg} names the PEM trust file. pgjdbc still checks the host name
     * itself ({@code sslmode=verify-full}).
     */
    public static final class PgSslSocketFactory extends SSLSocketFactory {
        private final SSLSocketFactory delegate;

        /**
         * Called by pgjdbc with {@code sslfactoryarg}.
         *
         * @param pemFile the PEM trust file
         */
        public PgSslSocketFactory(String pemFile) {
            this.delegate = forPem(Path.of(pemFile)).getSocketFactory();
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return delegate.createSocket(s, host, port, autoClose);
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return delegate.createSocket(host, port);
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return delegate.createSocket(host, port, localHost, localPort);
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return delegate.createSocket(host, port);
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return delegate.createSocket(address, port, localAddress, localPort);
        }
    }

    /**
     * Connector/J's {@code socketFactory}: TLS with the context of the trust store named by
     * {@code trustCertificateKeyStoreUrl} (loaded once per JVM, where Connector/J would load it per connection), host
     * name checked by the JDK (RFC 2818 rules, as Connector/J's {@code VERIFY_IDENTITY}).
     */
    public static final class MySqlSocketFactory extends StandardSocketFactory {
        private SSLContext context;

        /** Called by Connector/J. */
        public MySqlSocketFactory() {
        }

        @Override
        public <T extends Closeable> T connect(String hostname, int portNumber, PropertySet props, int loginTimeout)
                throws IOException {
            String url = props.getStringProperty(PropertyKey.trustCertificateKeyStoreUrl).getValue();
            if (url == null) {
                throw new IOException("the limit contender needs trustCertificateKeyStoreUrl");
            }
            String type = props.getStringProperty(PropertyKey.trustCertificateKeyStoreType).getValue();
            String password = props.getStringProperty(PropertyKey.trustCertificateKeyStorePassword).getValue();
            context = forKeyStore(Path.of(URI.create(url)), type == null ? "PKCS12" : type,
                    password == null ? null : password.toCharArray());
            return super.connect(hostname, portNumber, props, loginTimeout);
        }

        @Override
        public <T extends Closeable> T performTlsHandshake(SocketConnection connection, ServerSession session)
                throws IOException {
            return performTlsHandshake(connection, session, null);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T extends Closeable> T performTlsHandshake(SocketConnection connection, ServerSession session, Log log)
                throws IOException {
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(rawSocket, host, port, true);
            SSLParameters params = tls.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(params);
            tls.startHandshake();
            sslSocket = tls;
            return (T) tls;
        }
    }
}
