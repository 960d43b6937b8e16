package dev.rdsiam.internal.config;

import dev.rdsiam.Engine;
import dev.rdsiam.RdsIamProperty;
import dev.rdsiam.Redaction;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Parses {@code jdbc:rdsiam:ENGINE://HOST[:PORT][/DATABASE][?k=v&...]} into neutral data that
 * {@code RdsIamConfig.fromUrl} applies; it knows no configuration type.
 *
 * <p>{@code rdsiam.*} entries (query or info) configure the library; {@code user} is the database user; a non-empty
 * {@code password} is refused (the token is the password); every other entry passes through to the driver.
 */
public final class JdbcUrl {

    /** The prefix of the URLs the driver accepts. */
    public static final String PREFIX = "jdbc:rdsiam:";

    private JdbcUrl() {
    }

    /**
     * What a URL and its connection properties say.
     *
     * @param engine the engine named by the URL
     * @param host the host of the URL (the identity)
     * @param libraryKeys catalogue keys (without prefix) and their text values, the URL's port and database included
     * @param user the database user, if given
     * @param driverProperties what passes through to the driver
     */
    public record Parsed(Engine engine, String host, Map<String, String> libraryKeys, Optional<String> user,
            Map<String, String> driverProperties) {
    }

    /**
     * Parses a URL and connection properties.
     *
     * @throws IllegalArgumentException for a malformed URL or a missing or unknown engine
     */
    public static Parsed parse(String url, Map<String, String> info) {
        if (url == null || !url.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a jdbc:rdsiam: URL: '" + (url == null ? null : redact(url)) + "'");
        }
        String shown = redact(url);
        String rest = url.substring(PREFIX.length());
        int schemeEnd = rest.indexOf("://");
        if (schemeEnd <= 0) {
            throw new IllegalArgumentException("the jdbc:rdsiam: URL '" + shown + "' names no engine: use "
                    + "jdbc:rdsiam:postgresql://HOST:5432/DB or jdbc:rdsiam:mysql://HOST:3306/DB");
        }
        Engine engine;
        try {
            engine = Engine.fromKey(rest.substring(0, schemeEnd));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the jdbc:rdsiam: URL '" + shown + "' names engine "
                    + Redaction.quote(Redaction.scrub(rest.substring(0, schemeEnd)))
                    + ": use jdbc:rdsiam:postgresql:// or jdbc:rdsiam:mysql://", e);
        }
        String afterScheme = rest.substring(schemeEnd + 3);
        String query = null;
        int q = afterScheme.indexOf('?');
        if (q >= 0) {
            query = afterScheme.substring(q + 1);
            afterScheme = afterScheme.substring(0, q);
        }
        String authority = afterScheme;
        String database = null;
        int slash = afterScheme.indexOf('/');
        if (slash >= 0) {
            authority = afterScheme.substring(0, slash);
            database = decode(afterScheme.substring(slash + 1), "the database name");
        }
        if (authority.contains(",")) {
            throw new IllegalArgumentException("the jdbc:rdsiam: URL '" + shown + "' lists several hosts: give one "
                    + "endpoint (a cluster endpoint for Aurora)");
        }
        if (authority.contains("@")) {
            throw new IllegalArgumentException("the jdbc:rdsiam: URL '" + shown + "' carries user information: put the "
                    + "user in ?user= or the user property, never a password");
        }
        String host = authority;
        String port = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("the jdbc:rdsiam: URL '" + shown + "' has an unclosed IPv6 bracket");
            }
            host = authority.substring(1, close);
            if (authority.length() > close + 1 && authority.charAt(close + 1) == ':') {
                port = authority.substring(close + 2);
            }
        } else if (authority.indexOf(':') >= 0) {
            host = authority.substring(0, authority.indexOf(':'));
            port = authority.substring(authority.indexOf(':') + 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("the jdbc:rdsiam: URL '" + shown + "' has no host: use "
                    + "jdbc:rdsiam:" + engine.key() + "://HOST:" + engine.defaultPort() + "/DB");
        }

        Map<String, String> entries = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String k = decode(eq < 0 ? pair : pair.substring(0, eq), "a parameter name");
                String v = eq < 0 ? "" : decode(pair.substring(eq + 1), "the value of " + Redaction.scrub(k));
                entries.put(k, v);
                sources.put(k, "the jdbc:rdsiam: URL's query");
            }
        }
        if (info != null) {
            info.forEach((k, v) -> {
                if (entries.putIfAbsent(k, v) == null) {
                    sources.put(k, "the connection properties");
                }
            });
        }

        Map<String, String> library = new LinkedHashMap<>();
        Map<String, String> driver = new LinkedHashMap<>();
        String user = null;
        if (port != null && !port.isEmpty()) {
            library.put(RdsIamProperty.PORT.key(), port);
        }
        if (database != null && !database.isEmpty()) {
            library.put(RdsIamProperty.DATABASE.key(), database);
        }
        for (Map.Entry<String, String> e : entries.entrySet()) {
            String k = e.getKey();
            String v = e.getValue();
            if (k.startsWith(RdsIamProperty.PREFIX)) {
                String key = k.substring(RdsIamProperty.PREFIX.length());
                if (key.equals("host") || key.equals("engine")) {
                    throw new IllegalArgumentException(k + " cannot be set in a jdbc:rdsiam: URL: the URL names the "
                            + "engine and host");
                }
                if (RdsIamProperty.forKey(key).isEmpty()) {
                    throw RdsIamProperty.unknownKey(key);
                }
                library.put(key, v);
            } else if (k.equals("user")) {
                if (v != null && !v.isEmpty()) {
                    user = v;
                }
            } else if (k.equals("password")) {
                if (v != null && !v.isEmpty()) {
                    throw new IllegalArgumentException("a password was given, but the IAM token is the password: "
                            + "remove the password (e.g. spring.datasource.password) from the configuration");
                }
            } else {
                RdsIamProperty forgotten = unprefixed(k);
                if (forgotten != null) {
                    throw new IllegalArgumentException(Redaction.quote(k) + " in " + sources.get(k) + " is a key of "
                            + "this library written without its prefix: did you mean '" + forgotten.prefixedKey()
                            + "'? (keys without " + RdsIamProperty.PREFIX + " go to the JDBC driver, which ignores "
                            + "this one)");
                }
                driver.put(k, v == null ? "" : v);
            }
        }
        return new Parsed(engine, host, library, Optional.ofNullable(user), driver);
    }


    /**
     * Keys that both drivers read themselves and that pass through unchanged although this library has a key of the
     * same name: pgjdbc's and Connector/J's {@code connectTimeout}.
     */
    private static final java.util.Set<String> DRIVER_KEYS = java.util.Set.of("connecttimeout");

    /** The library key that an unprefixed driver key names (any case), unless the drivers read that key too. */
    private static RdsIamProperty unprefixed(String k) {
        if (DRIVER_KEYS.contains(k.toLowerCase(java.util.Locale.ROOT))) {
            return null;
        }
        for (RdsIamProperty p : RdsIamProperty.values()) {
            if (p.key().equalsIgnoreCase(k)) {
                return p;
            }
        }
        return null;
    }

    /**
     * The URL as it may be shown: user information removed, the values of secret keys ({@code password},
     * {@code rdsiam.secretAccessKey}, {@code rdsiam.sessionToken}) masked, and anything else that looks like a
     * secret replaced by its description (see {@link Redaction#scrub(String)}).
     */
    public static String redact(String url) {
        String r = url.replaceAll("//[^/@?]*@", "//****@");
        return Redaction.scrub(r);
    }

    private static String decode(String s, String where) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the jdbc:rdsiam: URL has a malformed %-escape in " + where
                    + ": write a literal % as %25", e);
        }
    }
}
