package dev.rdsiam.internal.trust;

import java.net.IDN;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * RFC 6125 host-name check of a server certificate, done by us during the handshake (in the trust manager) and after
 * it.
 *
 * <pre>{@code
 * if (!HostnameMatcher.matches("db1.c0ffee.us-east-1.rds.amazonaws.com", leafCertificate)) {
 *     // refuse the connection
 * }
 * }</pre>
 *
 * <p>Rules:
 * <ul>
 *   <li>a DNS host is compared with the certificate's {@code dNSName} subject alternative names; the subject CN is
 *       used only when the certificate has no {@code dNSName} at all (IP addresses do not count);</li>
 *   <li>a wildcard is accepted only as the whole left-most label ({@code *.example.com}), matches exactly one label,
 *       and needs at least two labels after it ({@code *.com} matches nothing); partial wildcards
 *       ({@code db*.example.com}) match nothing;</li>
 *   <li>comparison is case-insensitive, one trailing dot is ignored on both sides, internationalised host names are
 *       compared in their ASCII (punycode) form;</li>
 *   <li>an IP literal ({@code 10.0.0.7}, {@code ::1}, {@code [::1]}) is compared, as bytes, only with the
 *       {@code iPAddress} subject alternative names, never with DNS names or the CN.</li>
 * </ul>
 * Anything unparsable fails closed (no match). Nothing here touches the network: IP literals are parsed by this class,
 * never by {@link java.net.InetAddress}.
 */
public final class HostnameMatcher {

    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    private HostnameMatcher() {
    }

    /**
     * Whether {@code certificate} names {@code host}.
     *
     * @param host the identity host (a DNS name or an IP literal)
     * @param certificate the server's (leaf) certificate
     * @return false also when the certificate's names cannot be read
     */
    public static boolean matches(String host, X509Certificate certificate) {
        List<String> dns;
        List<String> ips;
        try {
            dns = sanEntries(certificate, SAN_DNS);
            ips = sanEntries(certificate, SAN_IP);
        } catch (CertificateParsingException e) {
            return false;
        }
        return matches(host, dns, ips, commonName(certificate));
    }

    /**
     * Whether the given certificate names cover {@code host} (the rules are in the class comment).
     *
     * @param host the identity host (a DNS name or an IP literal)
     * @param dnsNames the certificate's {@code dNSName} subject alternative names (may be empty)
     * @param ipAddresses the certificate's {@code iPAddress} subject alternative names, in text form (may be empty)
     * @param commonName the most specific subject CN, or null
     */
    public static boolean matches(String host, List<String> dnsNames, List<String> ipAddresses, String commonName) {
        if (host == null) {
            return false;
        }
        String h = host.trim();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        byte[] ip = ipLiteral(h);
        if (ip != null) {
            for (String candidate : ipAddresses) {
                if (Arrays.equals(ip, ipLiteral(candidate))) {
                    return true;
                }
            }
            return false;
        }
        String name = asciiName(h);
        if (name == null || !isValidHostName(name)) {
            return false;
        }
        if (!dnsNames.isEmpty()) {
            for (String pattern : dnsNames) {
                if (matchesPattern(name, pattern)) {
                    return true;
                }
            }
            return false;
        }
        return commonName != null && matchesPattern(name, commonName);
    }

    /** The certificate's {@code dNSName} subject alternative names, in certificate order (empty when unreadable). */
    public static List<String> dnsNames(X509Certificate certificate) {
        try {
            return sanEntries(certificate, SAN_DNS);
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }

    /** The certificate's {@code iPAddress} subject alternative names, in text form (empty when unreadable). */
    public static List<String> ipAddresses(X509Certificate certificate) {
        try {
            return sanEntries(certificate, SAN_IP);
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }

    /** The most specific CN of the certificate's subject, or null when it has none. */
    public static String commonName(X509Certificate certificate) {
        LdapName name;
        try {
            name = new LdapName(certificate.getSubjectX500Principal().getName(X500Principal.RFC2253));
        } catch (InvalidNameException e) {
            return null;
        }
        List<Rdn> rdns = name.getRdns(); // index 0 is the least specific RDN
        for (int i = rdns.size() - 1; i >= 0; i--) {
            Attribute cn = rdns.get(i).toAttributes().get("CN");
            if (cn == null) {
                continue;
            }
            try {
                NamingEnumeration<?> values = cn.getAll();
                while (values.hasMore()) {
                    Object v = values.next();
                    if (v instanceof String) {
                        return (String) v;
                    }
                }
            } catch (NamingException e) {
                return null;
            }
        }
        return null;
    }

    /** Whether {@code host} is an IPv4 or IPv6 literal (optionally in brackets, IPv6 optionally with a zone). */
    public static boolean isIpLiteral(String host) {
        String h = host.trim();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return ipLiteral(h) != null;
    }

    private static List<String> sanEntries(X509Certificate certificate, int type) throws CertificateParsingException {
        Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
        if (sans == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (List<?> san : sans) {
            if (san.size() >= 2 && san.get(0) instanceof Integer && (Integer) san.get(0) == type
                    && san.get(1) instanceof String) {
                out.add((String) san.get(1));
            }
        }
        return List.copyOf(out);
    }

    /** Lower-case ASCII form without one trailing dot, or null when it cannot be had. */
    private static String asciiName(String name) {
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (!isAscii(n)) {
            try {
                n = IDN.toASCII(n, IDN.ALLOW_UNASSIGNED);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return n.toLowerCase(Locale.ROOT);
    }

    private static boolean matchesPattern(String host, String rawPattern) {
        if (rawPattern == null || !isAscii(rawPattern)) {
            return false;
        }
        String p = rawPattern.endsWith(".") ? rawPattern.substring(0, rawPattern.length() - 1) : rawPattern;
        p = p.toLowerCase(Locale.ROOT);
        if (p.indexOf('*') < 0) {
            return p.equals(host);
        }
        if (!p.startsWith("*.")) {
            return false; // partial wildcard (db*.x.com) or not in the left-most label
        }
        String suffix = p.substring(1); // ".example.com"
        if (suffix.indexOf('*') >= 0 || !isValidHostName(suffix.substring(1)) || suffix.indexOf('.', 1) < 0) {
            return false; // a second wildcard, an empty label, or "*.com"
        }
        int dot = host.indexOf('.');
        return dot > 0 && host.substring(dot).equals(suffix);
    }

    private static boolean isValidHostName(String name) {
        if (name.isEmpty() || name.length() > 253) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** Parses an IPv4 or IPv6 literal into 4 or 16 bytes; null when {@code s} is not one. */
    static byte[] ipLiteral(String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        if (s.indexOf(':') >= 0) {
            int zone = s.indexOf('%');
            return ipv6(zone >= 0 ? s.substring(0, zone) : s);
        }
        return ipv4(s);
    }

    private static byte[] ipv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
                return null; // leading zeros are ambiguous (octal in inet_aton): not a literal we accept
            }
            int v = 0;
            for (int j = 0; j < p.length(); j++) {
                char c = p.charAt(j);
                if (c < '0' || c > '9') {
                    return null;
                }
                v = v * 10 + (c - '0');
            }
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    private static byte[] ipv6(String s) {
        int doubleColon = s.indexOf("::");
        if (doubleColon >= 0 && s.indexOf("::", doubleColon + 1) >= 0) {
            return null;
        }
        List<Integer> head = new ArrayList<>();
        List<Integer> tail = new ArrayList<>();
        if (doubleColon >= 0) {
            if (!groups(s.substring(0, doubleColon), head, false) || !groups(s.substring(doubleColon + 2), tail, true)) {
                return null;
            }
            if (head.size() + tail.size() > 14) { // "::" stands for at least one 16-bit group
                return null;
            }
        } else {
            if (!groups(s, head, true) || head.size() != 16) {
                return null;
            }
        }
        byte[] out = new byte[16];
        for (int i = 0; i < head.size(); i++) {
            out[i] = head.get(i).byteValue();
        }
        for (int i = 0; i < tail.size(); i++) {
            out[16 - tail.size() + i] = tail.get(i).byteValue();
        }
        return out;
    }

    /** Appends the bytes of colon-separated hex groups (an embedded IPv4 last, when allowed); false when malformed. */
    private static boolean groups(String s, List<Integer> bytes, boolean ipv4Last) {
        if (s.isEmpty()) {
            return true;
        }
        String[] parts = s.split(":", -1);
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (ipv4Last && i == parts.length - 1 && p.indexOf('.') >= 0) {
                byte[] v4 = ipv4(p);
                if (v4 == null) {
                    return false;
                }
                for (byte b : v4) {
                    bytes.add(b & 0xff);
                }
                continue;
            }
            if (p.isEmpty() || p.length() > 4) {
                return false;
            }
            int v;
            try {
                v = Integer.parseInt(p, 16);
            } catch (NumberFormatException e) {
                return false;
            }
            if (p.charAt(0) == '+' || p.charAt(0) == '-') {
                return false;
            }
            bytes.add(v >> 8);
            bytes.add(v & 0xff);
        }
        return true;
    }
}
