package dev.rdsiam.internal.trust;

import dev.rdsiam.Trust;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The certificate authorities one DataSource trusts, and the {@link SSLContext} built from them once.
 *
 * <pre>{@code
 * TrustMaterial trust = TrustMaterial.forChoice(Trust.AUTO, null, endpoint.type().isProxy());
 * SSLContext ctx = trust.sslContext();          // the same instance on every call
 * log.debug("trusting {}", trust.description()); // "Amazon RDS CA bundle (108 certificates)"
 * }</pre>
 *
 * <p>The context is a {@code TLS} context whose only trust manager is a PKIX trust manager over an in-memory key
 * store of {@link #anchors()}; it has no key managers (no client certificate) and is built when the material is
 * created, so every connection of the DataSource shares it (and its TLS session cache). Immutable and thread-safe.
 *
 * <p>The anchors are parsed lazily ({@link Anchor}): a handshake validates the presented chain against the anchors
 * whose subject is the issuer (or subject) of a presented certificate, parsed then, and falls back to all anchors when
 * that does not accept the chain, so the verdict is the one of the full set. A fresh JVM that opens one connection
 * parses one or two certificates of the bundle instead of all of them.
 */
public final class TrustMaterial {

    private static final String BUNDLE_RESOURCE = "/dev/rdsiam/trust/rds-global-bundle.pem";
    private static final String BUNDLE_NAME = "Amazon RDS CA bundle";
    private static final String SYSTEM_NAME = "JDK default trust store";

    private final Trust choice;
    private final boolean rdsBundle;
    private final boolean system;
    private final Path userPem;
    private final List<Anchor> anchors;
    private final String description;
    private final Map<List<Integer>, X509ExtendedTrustManager> selected = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile X509ExtendedTrustManager pkix;
    private final SSLContext sslContext;

    private TrustMaterial(Trust choice, boolean rdsBundle, boolean system, Path userPem) {
        this.choice = choice;
        this.rdsBundle = rdsBundle;
        this.system = system;
        this.userPem = userPem;
        Map<String, List<Anchor>> sources = new LinkedHashMap<>();
        if (rdsBundle) {
            sources.put(BUNDLE_NAME, BundleHolder.ANCHORS);
        }
        if (system) {
            sources.put(SYSTEM_NAME, parsed(jdkDefaultAnchors()));
        }
        if (userPem != null) {
            sources.put(userPem.toString(), parsed(PemCertificates.readTrustFile(userPem)));
        }
        // without duplicates: certificate equality is that of the encoded form
        Map<java.nio.ByteBuffer, Anchor> all = new LinkedHashMap<>();
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, List<Anchor>> source : sources.entrySet()) {
            int n = source.getValue().size();
            parts.add(source.getKey() + " (" + n + (n == 1 ? " certificate)" : " certificates)"));
            for (Anchor a : source.getValue()) {
                all.putIfAbsent(java.nio.ByteBuffer.wrap(a.der()), a);
            }
        }
        this.anchors = List.copyOf(all.values());
        this.description = String.join(" + ", parts);
        this.sslContext = tlsContext(new ChainCapturingTrustManager(new SelectingTrustManager()));
    }

    private static List<Anchor> parsed(List<X509Certificate> certificates) {
        List<Anchor> out = new ArrayList<>(certificates.size());
        for (X509Certificate c : certificates) {
            out.add(Anchor.of(c));
        }
        return out;
    }

    /**
     * The trust for a configuration's {@code trust} and {@code trustPem}.
     *
     * <ul>
     *   <li>{@link Trust#AUTO}: the Amazon RDS CA bundle shipped in the jar for DB endpoints; the JDK default trust
     *       store (cacerts or {@code javax.net.ssl.trustStore}, with Amazon Root CA 1-4) for RDS Proxy endpoints;</li>
     *   <li>{@link Trust#RDS_BUNDLE}: the bundle; {@link Trust#SYSTEM}: the JDK default trust store;</li>
     *   <li>{@link Trust#PEM}: only the certificates of {@code userPem}, which is then required.</li>
     * </ul>
     * In the other modes {@code userPem}, when given, is added to the choice.
     *
     * @param choice the configured trust
     * @param userPem the {@code rdsiam.trustPem} file, or null
     * @param proxyEndpoint whether the identity host is an RDS Proxy endpoint (matters for {@code AUTO} only)
     * @throws IllegalArgumentException when the PEM file is missing, unreadable, empty, not PEM, or holds a private
     *     key (the message names {@code rdsiam.trustPem}, the path and the fix), or {@code PEM} has no file
     */
    public static TrustMaterial forChoice(Trust choice, Path userPem, boolean proxyEndpoint) {
        Objects.requireNonNull(choice, "choice");
        switch (choice) {
            case AUTO:
                return new TrustMaterial(choice, !proxyEndpoint, proxyEndpoint, userPem);
            case RDS_BUNDLE:
                return new TrustMaterial(choice, true, false, userPem);
            case SYSTEM:
                return new TrustMaterial(choice, false, true, userPem);
            case PEM:
                if (userPem == null) {
                    throw new IllegalArgumentException("trust=pem needs " + PemCertificates.KEY
                            + ": set it to a PEM file holding the CA certificate(s) to trust, or use another trust "
                            + "(auto, rds-bundle, system)");
                }
                return new TrustMaterial(choice, false, false, userPem);
            default:
                throw new IllegalArgumentException("unknown trust " + choice);
        }
    }

    /** The TLS context over {@link #anchors()}, built once: every call returns the same instance. */
    public SSLContext sslContext() {
        return sslContext;
    }

    /** The trusted certificates (a copy), without duplicates, in source order: bundle or JDK store, then the file. */
    public X509Certificate[] anchors() {
        return certificates(anchors).toArray(new X509Certificate[0]);
    }

    /**
     * What is trusted, for logs and error messages, e.g. {@code Amazon RDS CA bundle (108 certificates) +
     * /x/ca.pem (1 certificate)} or {@code JDK default trust store (146 certificates)}.
     */
    public String description() {
        return description;
    }

    /** The configured choice this material was built for. */
    public Trust choice() {
        return choice;
    }

    /**
     * The anchors still valid at {@code now} whose validity ends within {@code window} of it (at most
     * {@code now + window}), soonest first.
     */
    public List<X509Certificate> expiringWithin(Duration window, Instant now) {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(now, "now");
        Instant limit = now.plus(window);
        List<X509Certificate> out = new ArrayList<>();
        for (Anchor a : anchors) {
            Instant notAfter = a.notAfter();
            if (!notAfter.isBefore(now) && !notAfter.isAfter(limit)) {
                out.add(a.certificate());
            }
        }
        out.sort((a, b) -> a.getNotAfter().compareTo(b.getNotAfter()));
        return List.copyOf(out);
    }

    /** When the first anchor that is still valid at {@code now} expires, if any is. */
    public java.util.Optional<Instant> earliestExpiry(Instant now) {
        Instant first = null;
        for (Anchor a : anchors) {
            Instant end = a.notAfter();
            if (end.isAfter(now) && (first == null || end.isBefore(first))) {
                first = end;
            }
        }
        return java.util.Optional.ofNullable(first);
    }

    /** The anchors whose validity ended before {@code now}, oldest expiry first. */
    public List<X509Certificate> expired(Instant now) {
        Objects.requireNonNull(now, "now");
        List<X509Certificate> out = new ArrayList<>();
        for (Anchor a : anchors) {
            if (a.notAfter().isBefore(now)) {
                out.add(a.certificate());
            }
        }
        out.sort((a, b) -> a.getNotAfter().compareTo(b.getNotAfter()));
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return "TrustMaterial[" + choice + ": " + description + "]";
    }

    boolean includesRdsBundle() {
        return rdsBundle;
    }

    boolean includesJdkDefault() {
        return system;
    }

    /** The user's PEM file, or null. */
    Path userPem() {
        return userPem;
    }

    /**
     * The plain PKIX trust manager over all the anchors (without chain capture or host check), to re-check a refused
     * chain; built (and every anchor parsed) on first use.
     */
    X509ExtendedTrustManager pkixTrustManager() {
        X509ExtendedTrustManager tm = pkix;
        if (tm == null) {
            synchronized (this) {
                tm = pkix;
                if (tm == null) {
                    tm = pkixTrustManager(certificates(anchors));
                    pkix = tm;
                }
            }
        }
        return tm;
    }

    /**
     * The PKIX trust manager over the anchors that can end {@code chain}: those whose subject is the issuer or the
     * subject of a presented certificate (one trust manager per such set, kept); all anchors when there is none.
     */
    X509ExtendedTrustManager trustManagerFor(X509Certificate[] chain) {
        List<Integer> picked = new ArrayList<>();
        if (chain != null) {
            for (int i = 0; i < anchors.size(); i++) {
                Anchor a = anchors.get(i);
                for (X509Certificate c : chain) {
                    if (a.hasSubject(c.getIssuerX500Principal().getEncoded())
                            || a.hasSubject(c.getSubjectX500Principal().getEncoded())) {
                        picked.add(i);
                        break;
                    }
                }
            }
        }
        if (picked.isEmpty() || picked.size() == anchors.size()) {
            return pkixTrustManager();
        }
        return selected.computeIfAbsent(List.copyOf(picked), p -> {
            List<X509Certificate> certs = new ArrayList<>(p.size());
            for (int i : p) {
                certs.add(anchors.get(i).certificate());
            }
            return pkixTrustManager(certs);
        });
    }

    /** The RDS CA bundle shipped in the jar, parsed (all of it) once per class loader. */
    static List<X509Certificate> rdsBundle() {
        return certificates(BundleHolder.ANCHORS);
    }

    private static List<X509Certificate> certificates(List<Anchor> anchors) {
        List<X509Certificate> out = new ArrayList<>(anchors.size());
        for (Anchor a : anchors) {
            out.add(a.certificate());
        }
        return List.copyOf(out);
    }

    /**
     * Validates a server's chain with {@link #trustManagerFor} the chain and, when that refuses it, with all anchors,
     * whose verdict (and exception) is final: the result is always the one of the full set of anchors.
     */
    private final class SelectingTrustManager extends X509ExtendedTrustManager {

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket)
                throws java.security.cert.CertificateException {
            X509ExtendedTrustManager some = trustManagerFor(chain);
            try {
                some.checkServerTrusted(chain, authType, socket);
            } catch (java.security.cert.CertificateException e) {
                if (some == pkixTrustManager()) {
                    throw e;
                }
                pkixTrustManager().checkServerTrusted(chain, authType, socket);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine)
                throws java.security.cert.CertificateException {
            X509ExtendedTrustManager some = trustManagerFor(chain);
            try {
                some.checkServerTrusted(chain, authType, engine);
            } catch (java.security.cert.CertificateException e) {
                if (some == pkixTrustManager()) {
                    throw e;
                }
                pkixTrustManager().checkServerTrusted(chain, authType, engine);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType)
                throws java.security.cert.CertificateException {
            X509ExtendedTrustManager some = trustManagerFor(chain);
            try {
                some.checkServerTrusted(chain, authType);
            } catch (java.security.cert.CertificateException e) {
                if (some == pkixTrustManager()) {
                    throw e;
                }
                pkixTrustManager().checkServerTrusted(chain, authType);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket)
                throws java.security.cert.CertificateException {
            pkixTrustManager().checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine)
                throws java.security.cert.CertificateException {
            pkixTrustManager().checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType)
                throws java.security.cert.CertificateException {
            pkixTrustManager().checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return pkixTrustManager().getAcceptedIssuers();
        }
    }

    private static List<X509Certificate> jdkDefaultAnchors() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((KeyStore) null);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager) {
                    X509Certificate[] issuers = ((X509TrustManager) tm).getAcceptedIssuers();
                    if (issuers.length == 0) {
                        throw new IllegalArgumentException("trust=system: the " + SYSTEM_NAME
                                + " has no certificates (javax.net.ssl.trustStore="
                                + System.getProperty("javax.net.ssl.trustStore", "<unset>")
                                + "); fix the JVM's trust store, or use rdsiam.trust=pem with "
                                + PemCertificates.KEY);
                    }
                    return List.copyOf(Arrays.asList(issuers));
                }
            }
            throw new IllegalStateException("the JDK's default TrustManagerFactory has no X509TrustManager");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the " + SYSTEM_NAME + ": " + e.getMessage(), e);
        }
    }

    private static X509ExtendedTrustManager pkixTrustManager(List<X509Certificate> anchors) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (X509Certificate c : anchors) {
                store.setCertificateEntry("anchor-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(store);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager) {
                    return (X509ExtendedTrustManager) tm;
                }
            }
            throw new IllegalStateException("the PKIX TrustManagerFactory has no X509ExtendedTrustManager");
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the PKIX trust manager: " + e.getMessage(), e);
        }
    }

    /** At most this many TLS client sessions are kept per DataSource (resumption needs one per endpoint). */
    static final int CLIENT_SESSIONS = 256;

    private static SSLContext tlsContext(TrustManager trustManager) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {trustManager}, null);
            // servers hand out a new session ticket on every login; the JDK keeps up to 20480 client sessions for a
            // day by default, which a pool that churns grows into megabytes: a DataSource talks to a few endpoints
            ctx.getClientSessionContext().setSessionCacheSize(CLIENT_SESSIONS);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the TLS context: " + e.getMessage(), e);
        }
    }

    /** Lazy, once-per-class-loader read of the bundled resource (its certificates are parsed when needed). */
    private static final class BundleHolder {
        static final List<Anchor> ANCHORS = load();

        private static List<Anchor> load() {
            try (InputStream in = TrustMaterial.class.getResourceAsStream(BUNDLE_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the " + BUNDLE_NAME + " resource " + BUNDLE_RESOURCE
                            + " is missing from the class path (a broken rdsiam-core jar?)");
                }
                List<Anchor> out = new ArrayList<>();
                for (byte[] der : PemCertificates.derBlocks(in.readAllBytes(),
                        "the " + BUNDLE_NAME + " resource " + BUNDLE_RESOURCE)) {
                    out.add(Anchor.ofDer(der));
                }
                return List.copyOf(out);
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalStateException("cannot read the " + BUNDLE_NAME + " resource " + BUNDLE_RESOURCE
                        + ": " + e.getMessage(), e);
            }
        }
    }
}
