package dev.rdsiam.internal.trust;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;

/**
 * One trusted CA certificate, parsed into an {@link X509Certificate} only when something needs it. Until then it is
 * its DER encoding plus the two fields read straight from the DER: the encoded subject name (to pick the anchors
 * that can end a presented chain) and the end of validity (for the expiry warnings). The RDS bundle has over a hundred
 * CAs, of which a handshake needs one or two; parsing all of them is most of the cost of building the trust in a
 * fresh JVM.
 *
 * <p>When the DER cannot be read this simply (an unusual encoding), the certificate is parsed at once instead.
 * Thread-safe: the parsed certificate is published through a volatile field (parsing twice is harmless).
 */
final class Anchor {

    private final byte[] der;
    private final byte[] subject;
    private final Instant notAfter;
    private volatile X509Certificate certificate;

    private Anchor(byte[] der, byte[] subject, Instant notAfter, X509Certificate certificate) {
        this.der = der;
        this.subject = subject;
        this.notAfter = notAfter;
        this.certificate = certificate;
    }

    /** An anchor from a certificate already parsed. */
    static Anchor of(X509Certificate certificate) {
        try {
            return new Anchor(certificate.getEncoded(), certificate.getSubjectX500Principal().getEncoded(),
                    certificate.getNotAfter().toInstant(), certificate);
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode the certificate " + certificate.getSubjectX500Principal(), e);
        }
    }

    /**
     * An anchor from the DER of a certificate known to be valid (the bundle shipped in the jar), parsed later.
     *
     * @throws IllegalArgumentException when the DER is not a certificate
     */
    static Anchor ofDer(byte[] der) {
        int[] fields = DerFields.subjectAndNotAfter(der);
        if (fields != null) {
            Instant end = DerFields.time(der, fields[2], fields[3]);
            if (end != null) {
                return new Anchor(der, Arrays.copyOfRange(der, fields[0], fields[0] + fields[1]), end, null);
            }
        }
        return of(parse(der));
    }

    /** The certificate, parsed on first use. */
    X509Certificate certificate() {
        X509Certificate c = certificate;
        if (c == null) {
            c = parse(der);
            certificate = c;
        }
        return c;
    }

    /** The DER encoding of the subject name, as it appears in the certificate. */
    boolean hasSubject(byte[] encodedName) {
        return Arrays.equals(subject, encodedName);
    }

    /** The end of validity. */
    Instant notAfter() {
        return notAfter;
    }

    /** The DER encoding of the certificate (the identity of the anchor; not a copy, do not change it). */
    byte[] der() {
        return der;
    }

    private static X509Certificate parse(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | ClassCastException e) {
            throw new IllegalArgumentException("not a valid X.509 certificate (" + e.getMessage() + ")", e);
        }
    }

    /** Just enough DER to find two fields of a certificate's {@code tbsCertificate} (RFC 5280, 4.1). */
    static final class DerFields {
        private static final int SEQUENCE = 0x30;
        private static final int VERSION = 0xa0;
        private static final int UTC_TIME = 0x17;
        private static final int GENERALIZED_TIME = 0x18;

        private DerFields() {
        }

        /**
         * Offsets in {@code der}: {@code [subjectStart, subjectLength, notAfterStart, notAfterLength]}, the subject
         * with its tag and length (as {@code X500Principal#getEncoded} has it), notAfter as the whole time element;
         * null when the DER is not shaped as a certificate.
         */
        static int[] subjectAndNotAfter(byte[] der) {
            try {
                int[] cert = header(der, 0, SEQUENCE);
                int[] tbs = header(der, cert[0], SEQUENCE);
                int p = tbs[0];
                if ((der[p] & 0xff) == VERSION) {
                    p = skip(der, p);
                }
                p = skip(der, p); // serialNumber
                p = skip(der, p); // signature algorithm
                p = skip(der, p); // issuer
                int[] validity = header(der, p, SEQUENCE);
                int notBefore = validity[0];
                int notAfter = skip(der, notBefore);
                int subject = validity[0] + validity[1];
                int subjectEnd = skip(der, subject);
                if ((der[subject] & 0xff) != SEQUENCE || subjectEnd > tbs[0] + tbs[1]) {
                    return null;
                }
                return new int[] {subject, subjectEnd - subject, notAfter, skip(der, notAfter) - notAfter};
            } catch (RuntimeException e) {
                return null; // ArrayIndexOutOfBounds, a wrong tag: not the shape expected
            }
        }

        /** A UTCTime or GeneralizedTime element in UTC ({@code ...Z}, with seconds), or null. */
        static Instant time(byte[] der, int start, int length) {
            try {
                int tag = der[start] & 0xff;
                int[] h = header(der, start, tag);
                String s = new String(der, h[0], h[1], StandardCharsets.US_ASCII);
                int year;
                String rest;
                if (tag == UTC_TIME && s.length() == 13) {
                    int yy = Integer.parseInt(s.substring(0, 2));
                    year = yy >= 50 ? 1900 + yy : 2000 + yy; // RFC 5280, 4.1.2.5.1
                    rest = s.substring(2);
                } else if (tag == GENERALIZED_TIME && s.length() == 15) {
                    year = Integer.parseInt(s.substring(0, 4));
                    rest = s.substring(4);
                } else {
                    return null;
                }
                if (!rest.endsWith("Z")) {
                    return null;
                }
                return LocalDateTime.of(year, Integer.parseInt(rest.substring(0, 2)),
                        Integer.parseInt(rest.substring(2, 4)), Integer.parseInt(rest.substring(4, 6)),
                        Integer.parseInt(rest.substring(6, 8)), Integer.parseInt(rest.substring(8, 10)))
                        .toInstant(ZoneOffset.UTC);
            } catch (RuntimeException e) {
                return null;
            }
        }

        /** {@code [contentStart, contentLength]} of the element at {@code p}, which must have tag {@code tag}. */
        private static int[] header(byte[] der, int p, int tag) {
            if ((der[p] & 0xff) != tag) {
                throw new IllegalArgumentException("tag");
            }
            int first = der[p + 1] & 0xff;
            if (first < 0x80) {
                return new int[] {p + 2, first};
            }
            int n = first & 0x7f;
            if (n == 0 || n > 3) {
                throw new IllegalArgumentException("length");
            }
            int len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (der[p + 2 + i] & 0xff);
            }
            if (p + 2 + n + len > der.length) {
                throw new IllegalArgumentException("truncated");
            }
            return new int[] {p + 2 + n, len};
        }

        /** The offset just after the element at {@code p}. */
        private static int skip(byte[] der, int p) {
            int[] h = header(der, p, der[p] & 0xff);
            return h[0] + h[1];
        }
    }
}
