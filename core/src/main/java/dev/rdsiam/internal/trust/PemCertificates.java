package dev.rdsiam.internal.trust;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Strict reader of PEM files of X.509 certificates: the user's {@code rdsiam.trustPem} file and the bundled RDS CA
 * bundle.
 *
 * <p>Text outside the PEM blocks (comments, {@code openssl x509 -text} output) is allowed; every block must be a
 * {@code CERTIFICATE}. A private key, any other block, a broken block, a binary file or a file without certificates is
 * an error whose message names the file and the fix (and never any key material).
 */
final class PemCertificates {

    static final String KEY = "rdsiam.trustPem";
    private static final String BEGIN = "-----BEGIN ";
    private static final String DASHES = "-----";
    private static final String PEM_SHAPE = "-----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----";

    private PemCertificates() {
    }

    /**
     * Reads the user's trust file.
     *
     * @throws IllegalArgumentException naming {@code rdsiam.trustPem}, the path and the fix
     */
    static List<X509Certificate> readTrustFile(Path path) {
        String where = KEY + ": " + path;
        if (Files.isDirectory(path)) {
            throw new IllegalArgumentException(where + " is a directory; point " + KEY
                    + " at a PEM file holding the CA certificate(s)");
        }
        byte[] content;
        try {
            content = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(where + " does not exist; point " + KEY
                    + " at an existing PEM file holding the CA certificate(s)", e);
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException(where + " is not readable by this process (permission denied); "
                    + "make it readable by the user running the application", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(where + " cannot be read (" + e + "); point " + KEY
                    + " at a readable PEM file holding the CA certificate(s)", e);
        }
        return parse(content, where);
    }

    /**
     * Parses PEM content.
     *
     * @param where names the source at the start of every message, e.g. {@code rdsiam.trustPem: /etc/ca.pem}
     * @throws IllegalArgumentException with a message starting with {@code where}
     */
    static List<X509Certificate> parse(byte[] content, String where) {
        CertificateFactory factory = x509Factory();
        List<X509Certificate> out = new ArrayList<>();
        for (Block b : blocks(content, where)) {
            out.add(decode(factory, b.der, where, b.line));
        }
        return List.copyOf(out);
    }

    /**
     * The DER encodings of the certificate blocks of PEM content, with the same checks of the PEM structure and the
     * base64 as {@link #parse}, but without decoding the certificates (for content known to hold valid ones, such as
     * the bundle shipped in the jar; see {@link Anchor}).
     *
     * @throws IllegalArgumentException with a message starting with {@code where}
     */
    static List<byte[]> derBlocks(byte[] content, String where) {
        List<byte[]> out = new ArrayList<>();
        for (Block b : blocks(content, where)) {
            out.add(b.der);
        }
        return out;
    }

    /** A certificate block: its DER and the line of its BEGIN line (1-based). */
    private static final class Block {
        final byte[] der;
        final int line;

        Block(byte[] der, int line) {
            this.der = der;
            this.line = line;
        }
    }

    private static List<Block> blocks(byte[] content, String where) {
        if (isBlank(content)) {
            throw new IllegalArgumentException(where + " contains no certificate (the file is empty); put the CA "
                    + "certificate(s) in it in PEM form (" + PEM_SHAPE + ")");
        }
        if (isBinary(content)) {
            throw new IllegalArgumentException(where + " is not PEM (it holds binary data: a DER certificate or a "
                    + "keystore?); convert a DER certificate with 'openssl x509 -inform der -in FILE -out ca.pem', or "
                    + "export the CA from a keystore with 'keytool -exportcert -rfc'");
        }
        boolean bom = content.length >= 3 && (content[0] & 0xff) == 0xef && (content[1] & 0xff) == 0xbb
                && (content[2] & 0xff) == 0xbf;
        int start = bom ? 3 : 0;
        String text = new String(content, start, content.length - start, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r\n|\r|\n", -1);
        List<Block> out = new ArrayList<>();
        int i = 0;
        while (i < lines.length) {
            String line = lines[i].trim();
            if (!line.startsWith(BEGIN) || !line.endsWith(DASHES) || line.length() < BEGIN.length() + DASHES.length()) {
                i++;
                continue;
            }
            int beginLine = i + 1;
            String label = line.substring(BEGIN.length(), line.length() - DASHES.length()).trim();
            if (label.contains("PRIVATE KEY")) {
                throw new IllegalArgumentException(where + " contains a private key (" + line + " at line "
                        + beginLine + "); a trust file holds only CA certificates: remove the key from it (and keep "
                        + "the key secret)");
            }
            if (!label.equals("CERTIFICATE") && !label.equals("X509 CERTIFICATE")) {
                throw new IllegalArgumentException(where + " holds a '" + label + "' block at line " + beginLine
                        + ", not a certificate; a trust file holds only " + PEM_SHAPE + " blocks");
            }
            String end = "-----END " + label + DASHES;
            StringBuilder base64 = new StringBuilder();
            int j = i + 1;
            while (j < lines.length && !lines[j].trim().equals(end)) {
                base64.append(lines[j].trim());
                j++;
            }
            if (j >= lines.length) {
                throw new IllegalArgumentException(where + " has " + line + " at line " + beginLine
                        + " without a matching " + end + " (is the file truncated?)");
            }
            out.add(new Block(base64(base64.toString(), where, beginLine), beginLine));
            i = j + 1;
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(where + " is not PEM: it has no -----BEGIN CERTIFICATE----- line; put "
                    + "the CA certificate(s) in it in PEM form (" + PEM_SHAPE + ")");
        }
        return out;
    }

    private static byte[] base64(String base64, String where, int line) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": the certificate at line " + line
                    + " is not valid base64 (" + e.getMessage() + "); replace it with an intact copy of the CA "
                    + "certificate", e);
        }
    }

    private static X509Certificate decode(CertificateFactory factory, byte[] der, String where, int line) {
        try {
            return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | ClassCastException e) {
            throw new IllegalArgumentException(where + ": the certificate at line " + line
                    + " is not a valid X.509 certificate (" + e.getMessage() + "); replace it with an intact copy of "
                    + "the CA certificate", e);
        }
    }

    private static CertificateFactory x509Factory() {
        try {
            return CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("this JVM has no X.509 CertificateFactory", e);
        }
    }

    private static boolean isBlank(byte[] content) {
        for (byte b : content) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    /** Control characters other than tab, CR, LF (and form feed) mean this is not a text file. */
    private static boolean isBinary(byte[] content) {
        for (byte b : content) {
            int c = b & 0xff;
            if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n' && c != '\f') || c == 0x7f) {
                return true;
            }
        }
        return false;
    }
}
