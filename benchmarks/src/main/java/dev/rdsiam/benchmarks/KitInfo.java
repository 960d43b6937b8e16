package dev.rdsiam.benchmarks;

import dev.rdsiam.Engine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * What a benchmark needs to reach the servers of one engine: the harness starts them once and hands this to JMH's
 * forks and to the probe JVMs through a properties file (owner-readable only) named by the system property
 * {@value #FILE_PROPERTY}. The file, not the command line, carries the kit's secret key, so that it never shows in
 * JMH's "VM options" line or in a process listing.
 *
 * @param engine          the engine
 * @param identityHost    the RDS-like name tokens are signed for and our TLS check uses (does not resolve)
 * @param identityPort    the port tokens are signed for
 * @param region          the signing region
 * @param database        the database
 * @param user            the IAM-mapped user
 * @param accessKeyId     the kit's static access key id
 * @param secretAccessKey the kit's static secret access key
 * @param gateway         the testkit's gateway, which verifies every token (B2, B4, memory)
 * @param direct          a TLS-enabled server without the gateway (B1: the hot path never logs in)
 */
public record KitInfo(Engine engine, String identityHost, int identityPort, String region, String database,
        String user, String accessKeyId, String secretAccessKey, Target gateway, Target direct) {

    /** The system property that names the properties file. */
    public static final String FILE_PROPERTY = "rdsiam.bench.kit";

    /**
     * One server to dial.
     *
     * @param dialName          a name that resolves to 127.0.0.1 and is on the server's certificate, for the contenders
     *                          that dial a name (the drivers' own trust, the limit, the AWS wrapper)
     * @param port              the port on 127.0.0.1
     * @param caPem             the CA of the server certificate alone (ours adds it to the RDS bundle it ships)
     * @param trustPem          the RDS CA bundle plus that CA: what pgjdbc's {@code sslrootcert} reads
     * @param trustP12          the same certificates as a PKCS12 trust store, for Connector/J
     * @param trustP12Password  the password of {@code trustP12}
     */
    public record Target(String dialName, int port, Path caPem, Path trustPem, Path trustP12, String trustP12Password) {
    }

    /** {@code postgresql} or {@code mysql}: the engine's part of result names. */
    public static String key(Engine engine) {
        return engine.name().toLowerCase(Locale.ROOT);
    }

    /** Writes the coordinates of every engine to {@code file}, readable by the owner only. */
    public static void write(List<KitInfo> kits, Path file) {
        Properties p = new Properties();
        for (KitInfo k : kits) {
            String e = key(k.engine) + ".";
            p.setProperty(e + "identityHost", k.identityHost);
            p.setProperty(e + "identityPort", Integer.toString(k.identityPort));
            p.setProperty(e + "region", k.region);
            p.setProperty(e + "database", k.database);
            p.setProperty(e + "user", k.user);
            p.setProperty(e + "accessKeyId", k.accessKeyId);
            p.setProperty(e + "secretAccessKey", k.secretAccessKey);
            putTarget(p, e + "gateway.", k.gateway);
            putTarget(p, e + "direct.", k.direct);
        }
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (OutputStream out = Files.newOutputStream(file)) {
                p.store(out, "rdsiam-benchmarks: coordinates of the local servers (deleted at the end of the run)");
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** Reads one engine's coordinates from the file named by {@value #FILE_PROPERTY}. */
    public static KitInfo load(Engine engine) {
        String file = System.getProperty(FILE_PROPERTY);
        if (file == null) {
            throw new IllegalStateException("system property " + FILE_PROPERTY + " is missing: run the benchmarks "
                    + "through benchmarks/run, which starts the local servers");
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            p.load(in);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot read " + file + ": " + ex.getMessage(), ex);
        }
        String e = key(engine) + ".";
        return new KitInfo(engine, req(p, e + "identityHost"), Integer.parseInt(req(p, e + "identityPort")),
                req(p, e + "region"), req(p, e + "database"), req(p, e + "user"), req(p, e + "accessKeyId"),
                req(p, e + "secretAccessKey"), target(p, e + "gateway."), target(p, e + "direct."));
    }

    private static void putTarget(Properties p, String prefix, Target t) {
        p.setProperty(prefix + "dialName", t.dialName);
        p.setProperty(prefix + "port", Integer.toString(t.port));
        p.setProperty(prefix + "caPem", t.caPem.toString());
        p.setProperty(prefix + "trustPem", t.trustPem.toString());
        p.setProperty(prefix + "trustP12", t.trustP12.toString());
        p.setProperty(prefix + "trustP12Password", t.trustP12Password);
    }

    private static Target target(Properties p, String prefix) {
        return new Target(req(p, prefix + "dialName"), Integer.parseInt(req(p, prefix + "port")),
                Path.of(req(p, prefix + "caPem")), Path.of(req(p, prefix + "trustPem")),
                Path.of(req(p, prefix + "trustP12")), req(p, prefix + "trustP12Password"));
    }

    private static String req(Properties p, String name) {
        String v = p.getProperty(name);
        if (v == null) {
            throw new IllegalStateException("the kit file has no " + name);
        }
        return v;
    }

    @Override
    public String toString() {
        return "KitInfo[" + key(engine) + ", " + identityHost + ":" + identityPort + ", gateway 127.0.0.1:"
                + gateway.port + ", direct 127.0.0.1:" + direct.port + ", secretAccessKey=****]";
    }
}
