package dev.rdsiam.cli;

import dev.rdsiam.AuthToken;
import dev.rdsiam.Engine;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.TokenUnavailableException;
import dev.rdsiam.diagnostics.TrustedCertificates;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code rdsiam env}: prints what {@code psql} or the {@code mysql}/{@code mariadb} client needs to log in with a
 * fresh token over verified TLS: {@code export PG...} lines for PostgreSQL, a ready command line for MySQL. The
 * trusted CA certificates are written to a PEM file for the client's root certificate option.
 *
 * <pre>{@code
 * eval "$(rdsiam env --engine postgresql --hostname orders.c0ffee.eu-west-1.rds.amazonaws.com --username app \
 *     --database orders)" && psql
 * }</pre>
 *
 * <p>For MySQL it prints one command line for each client family, the one found on the {@code PATH} active and the
 * other as a comment: MariaDB's client ({@code mariadb}, or a {@code mysql} that is a link to it) checks the
 * certificate with {@code --ssl-verify-server-cert} and sends the token as a clear-text password over TLS without
 * being asked; Oracle's MySQL 8.0+ client needs {@code --ssl-mode=VERIFY_IDENTITY} and
 * {@code --enable-cleartext-plugin}, an option MariaDB's client reports as obsolete.
 *
 * <p>Like {@code token}, it checks this machine's clock against STS's after printing ({@code --no-sts}: no check).
 */
@Command(name = "env", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Prints shell lines for psql (export PGHOST... PGPASSWORD) or a mysql/mariadb command line, "
                + "with a fresh token and verify-full TLS.",
            "The token is printed to standard output only: use eval \"$(rdsiam env ...)\".",
            "Warns on standard error when this machine's clock is more than 5 minutes off STS's (--no-sts: no check)."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:printed", "1:no token, or the CA file cannot be written", "2:usage or configuration error"})
public final class EnvCommand implements Callable<Integer> {

    private final Invocation io;

    @Mixin
    private ConfigOptions options;

    @Option(names = "--ca-file", paramLabel = "FILE",
            description = "Where to write the trusted CA certificates (PEM). Default: "
                    + "$XDG_CACHE_HOME/rdsiam or ~/.cache/rdsiam, named by their hash.")
    private Path caFile;

    @Option(names = "--no-sts", description = "Do not ask STS (sts:GetCallerIdentity, at most 1.5 s) for its time to "
            + "check this machine's clock.")
    private boolean noSts;

    /** The MySQL client families, by how they take verified TLS and the clear-text token. */
    enum MysqlClient {
        /** MariaDB's client: {@code --ssl-verify-server-cert}; clear text over TLS is always allowed. */
        MARIADB,
        /** Oracle's MySQL 8.0+ client: {@code --ssl-mode=VERIFY_IDENTITY --enable-cleartext-plugin}. */
        MYSQL
    }

    /**
     * The command for one invocation.
     *
     * @param io the environment and output
     */
    public EnvCommand(Invocation io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        RdsIamConfig config;
        TrustedCertificates trust;
        try {
            config = options.build(io.env(), null);
            trust = TrustedCertificates.of(config);
        } catch (IllegalArgumentException e) {
            io.err().println("rdsiam env: " + ConfigOptions.withFlagHints(e.getMessage()));
            return Main.USAGE;
        }
        Path pem;
        try {
            pem = writeAnchors(trust, caFile != null ? caFile : defaultCaFile(io.env(), trust));
        } catch (IOException e) {
            io.err().println("rdsiam env: cannot write the CA file (" + e.getMessage() + "): pass a writable path "
                    + "with --ca-file");
            return Main.FAILED;
        }
        options.notes().forEach(n -> io.err().println("rdsiam env: note: " + n));
        Minted minted;
        try {
            minted = Minted.mint(config);
        } catch (TokenUnavailableException e) {
            io.err().println("rdsiam env: " + e.getMessage());
            return Main.FAILED;
        }
        if (config.engine() == Engine.MYSQL) {
            printMysql(io.out(), config, pem, minted.token(), mysqlClients(io.env().get("PATH")));
        } else {
            printPostgres(io.out(), config, pem, minted.token());
        }
        io.out().flush();
        if (!noSts) {
            minted.clockWarning(config).ifPresent(w -> io.err().println("rdsiam env: warning: " + w));
        }
        return Main.OK;
    }

    private static void printPostgres(PrintWriter out, RdsIamConfig config, Path pem, AuthToken token) {
        out.println("# psql: IAM login as " + config.user() + " to " + config.host() + ":" + config.port()
                + (config.hasRoute() ? " via " + config.routeHost() + ":" + config.routePort() : "")
                + ", verify-full TLS against " + config.host() + "; the token is valid until " + token.expiresAt());
        out.println("export PGHOST=" + quote(config.host()));
        if (config.hasRoute() && Doctor.isIpLiteral(config.routeHost())) {
            out.println("export PGHOSTADDR=" + quote(stripBrackets(config.routeHost())));
        } else {
            if (config.hasRoute()) {
                out.println("# the route " + config.routeHost() + " is a name: psql dials PGHOST, so set PGHOSTADDR "
                        + "to its address, e.g. export PGHOSTADDR=\"$(getent hosts " + config.routeHost()
                        + " | cut -d' ' -f1)\"");
            }
            out.println("unset PGHOSTADDR");
        }
        out.println("export PGPORT=" + quote(Integer.toString(config.routePort())));
        out.println("export PGUSER=" + quote(config.user()));
        if (config.database().isPresent()) {
            out.println("export PGDATABASE=" + quote(config.database().get()));
        } else {
            out.println("unset PGDATABASE");
        }
        out.println("export PGSSLMODE=" + quote("verify-full"));
        out.println("export PGSSLROOTCERT=" + quote(pem.toString()));
        out.println("export PGPASSWORD=" + quote(token.value()));
    }

    private static void printMysql(PrintWriter out, RdsIamConfig config, Path pem, AuthToken token,
            Map<MysqlClient, String> found) {
        out.println("# mysql/mariadb: IAM login as " + config.user() + " to " + config.host() + ":" + config.port()
                + ", TLS verified against " + config.host() + "; the token is valid until " + token.expiresAt());
        out.println("# The client checks the certificate against --host, so --host is the endpoint name.");
        if (config.hasRoute()) {
            String address = Doctor.isIpLiteral(config.routeHost()) ? stripBrackets(config.routeHost())
                    : "ADDRESS_OF_" + config.routeHost();
            out.println("# With the route " + config.routeHost() + ":" + config.routePort() + ", that name must "
                    + "resolve to the route, e.g. with this line in /etc/hosts:");
            out.println("#   " + address + " " + config.host());
        }
        MysqlClient active = found.containsKey(MysqlClient.MARIADB) || !found.containsKey(MysqlClient.MYSQL)
                ? MysqlClient.MARIADB : MysqlClient.MYSQL;
        if (found.isEmpty()) {
            out.println("# No mysql or mariadb client on the PATH: the MariaDB client's line is active.");
        }
        for (MysqlClient client : active == MysqlClient.MARIADB
                ? new MysqlClient[] {MysqlClient.MYSQL, MysqlClient.MARIADB}
                : new MysqlClient[] {MysqlClient.MARIADB, MysqlClient.MYSQL}) {
            String line = mysqlCommand(client, found.getOrDefault(client,
                    client == MysqlClient.MARIADB ? "mariadb" : "mysql"), config, pem, token);
            if (client == active) {
                out.println("# " + label(client) + (found.containsKey(client) ? ", found on the PATH as "
                        + found.get(client) + ":" : ":"));
                out.println(line);
            } else {
                out.println("# " + label(client) + ", instead:");
                out.println("#   " + line.substring(0, line.indexOf(" --password="))
                        + " --password='<the token above>'");
            }
        }
    }

    private static String label(MysqlClient client) {
        return client == MysqlClient.MARIADB ? "MariaDB client (mariadb, or mysql from MariaDB)"
                : "MySQL 8.0+ client (Oracle's mysql)";
    }

    /** The command line for one client family (the token last, single-quoted). */
    static String mysqlCommand(MysqlClient client, String program, RdsIamConfig config, Path pem, AuthToken token) {
        StringBuilder cmd = new StringBuilder(program).append(" --host=").append(quote(config.host()))
                .append(" --port=").append(config.routePort())
                .append(" --user=").append(quote(config.user()));
        config.database().ifPresent(d -> cmd.append(" --database=").append(quote(d)));
        cmd.append(" --ssl-ca=").append(quote(pem.toString()));
        if (client == MysqlClient.MARIADB) {
            cmd.append(" --ssl-verify-server-cert");
        } else {
            cmd.append(" --ssl-mode=VERIFY_IDENTITY --enable-cleartext-plugin");
        }
        return cmd.append(" --password=").append(quote(token.value())).toString();
    }

    /**
     * The MySQL clients on a {@code PATH}, by family, with the program name to run: {@code mariadb} is MariaDB's; a
     * {@code mysql} that is (a link to) a file named {@code mariadb} is MariaDB's too, any other {@code mysql} is
     * taken for Oracle's.
     *
     * @param path the {@code PATH} variable, or null
     * @return the families found, each with its program name
     */
    static Map<MysqlClient, String> mysqlClients(String path) {
        Map<MysqlClient, String> found = new java.util.EnumMap<>(MysqlClient.class);
        if (path == null) {
            return found;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path mariadb = Path.of(dir, "mariadb");
            if (!found.containsKey(MysqlClient.MARIADB) && Files.isExecutable(mariadb)) {
                found.put(MysqlClient.MARIADB, "mariadb");
            }
            Path mysql = Path.of(dir, "mysql");
            if (Files.isExecutable(mysql) && !found.containsKey(MysqlClient.MYSQL)) {
                boolean isMariadb;
                try {
                    isMariadb = mysql.toRealPath().getFileName().toString().startsWith("mariadb");
                } catch (IOException e) {
                    isMariadb = false;
                }
                if (isMariadb) {
                    found.putIfAbsent(MysqlClient.MARIADB, "mysql");
                } else {
                    found.put(MysqlClient.MYSQL, "mysql");
                }
            }
        }
        return found;
    }

    /** {@code s} single-quoted for POSIX shells. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static Path defaultCaFile(Map<String, String> env, TrustedCertificates trust) throws IOException {
        String cache = env.get("XDG_CACHE_HOME");
        Path dir;
        if (cache != null && !cache.isBlank()) {
            dir = Path.of(cache, "rdsiam");
        } else if (env.get("HOME") != null && !env.get("HOME").isBlank()) {
            dir = Path.of(env.get("HOME"), ".cache", "rdsiam");
        } else {
            dir = Path.of(System.getProperty("java.io.tmpdir"), "rdsiam");
        }
        return dir.resolve("trust-" + HexFormat.of().formatHex(sha256(pemText(trust))).substring(0, 16) + ".pem");
    }

    /**
     * Writes the trusted CA certificates as PEM (replacing the file atomically).
     *
     * @return the file
     */
    static Path writeAnchors(TrustedCertificates trust, Path file) throws IOException {
        byte[] text = pemText(trust);
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = Files.createTempFile(dir, ".rdsiam-trust-", ".tmp");
        try {
            Files.write(tmp, text);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return file.toAbsolutePath();
    }

    private static byte[] pemText(TrustedCertificates trust) {
        Base64.Encoder b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        StringBuilder sb = new StringBuilder();
        for (X509Certificate c : trust.certificates()) {
            try {
                sb.append("# ").append(c.getSubjectX500Principal().getName()).append('\n')
                        .append("-----BEGIN CERTIFICATE-----\n").append(b64.encodeToString(c.getEncoded()))
                        .append("\n-----END CERTIFICATE-----\n");
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException("cannot encode the trusted certificate "
                        + c.getSubjectX500Principal().getName(), e);
            }
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
