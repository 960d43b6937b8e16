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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
 */
public final class TrustMaterial {

    private static final String BUNDLE_RESOURCE = "/dev/rdsiam/trust/rds-global-bundle.pem";
    private static final String BUNDLE_NAME = "Amazon RDS CA bundle";
    private static final String SYSTEM_NAME = "JDK default trust store";

    private final Trust choice;
    private final boolean rdsBundle;
    private final boolean system;
    private final Path userPem;
    private final List<X509Certificate> anchors;
    private final String description;
    private final X509ExtendedTrustManager pkix;
    private final SSLContext sslContext;

    private TrustMaterial(Trust choice, boolean rdsBundle, boolean system, Path userPem) {
        this.choice = choice;
        this.rdsBundle = rdsBundle;
        this.system = system;
        this.userPem = userPem;
        Map<String, List<X509Certificate>> sources = new LinkedHashMap<>();
        if (rdsBundle) {
            sources.put(BUNDLE_NAME, BundleHolder.CERTIFICATES);
        }
        if (system) {
            sources.put(SYSTEM_NAME, jdkDefaultAnchors());
        }
        if (userPem != null) {
            sources.put(userPem.toString(), PemCertificates.readTrustFile(userPem));
        }
        Set<X509Certificate> all = new LinkedHashSet<>(); // X509Certificate equality is that of the encoded form
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, List<X509Certificate>> source : sources.entrySet()) {
            int n = source.getValue().size();
            parts.add(source.getKey() + " (" + n + (n == 1 ? " certificate)" : " certificates)"));
            all.addAll(source.getValue());
        }
        this.anchors = List.copyOf(all);
        this.description = String.join(" + ", parts);
        this.pkix = pkixTrustManager(anchors);
        this.sslContext = tlsContext(new ChainCapturingTrustManager(pkix));
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
        return anchors.toArray(new X509Certificate[0]);
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
        for (X509Certificate c : anchors) {
            Instant notAfter = c.getNotAfter().toInstant();
            if (!notAfter.isBefore(now) && !notAfter.isAfter(limit)) {
                out.add(c);
            }
        }
        out.sort((a, b) -> a.getNotAfter().compareTo(b.getNotAfter()));
        return List.copyOf(out);
    }

    /** When the first anchor that is still valid at {@code now} expires, if any is. */
    public java.util.Optional<Instant> earliestExpiry(Instant now) {
        Instant first = null;
        for (X509Certificate c : anchors) {
            Instant end = c.getNotAfter().toInstant();
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
        for (X509Certificate c : anchors) {
            if (c.getNotAfter().toInstant().isBefore(now)) {
                out.add(c);
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

    /** The plain PKIX trust manager over the anchors (without chain capture), to re-check a refused chain. */
    X509ExtendedTrustManager pkixTrustManager() {
        return pkix;
    }

    /** The RDS CA bundle shipped in the jar, parsed once per class loader. */
    static List<X509Certificate> rdsBundle() {
        return BundleHolder.CERTIFICATES;
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

    private static SSLContext tlsContext(TrustManager trustManager) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {trustManager}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the TLS context: " + e.getMessage(), e);
        }
    }

    /** Lazy, once-per-class-loader parse of the bundled resource. */
    private static final class BundleHolder {
        static final List<X509Certificate> CERTIFICATES = load();

        private static List<X509Certificate> load() {
            try (InputStream in = TrustMaterial.class.getResourceAsStream(BUNDLE_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the " + BUNDLE_NAME + " resource " + BUNDLE_RESOURCE
                            + " is missing from the class path (a broken rdsiam-core jar?)");
                }
                return PemCertificates.parse(in.readAllBytes(), "the " + BUNDLE_NAME + " resource " + BUNDLE_RESOURCE);
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalStateException("cannot read the " + BUNDLE_NAME + " resource " + BUNDLE_RESOURCE
                        + ": " + e.getMessage(), e);
            }
        }
    }
}
