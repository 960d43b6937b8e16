package dev.rdsiam.benchmarks;

import dev.rdsiam.Engine;
import dev.rdsiam.jdbc.RdsIamDataSource;
import dev.rdsiam.testkit.LocalRds;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Every server of a run, started once by the harness: a LocalRds (embedded database behind the token-checking TLS
 * gateway) per engine, and a TLS-enabled PostgreSQL without a gateway for B1. Writes the trust files the drivers'
 * own trust options read (the RDS CA bundle the library ships, plus the local CA) and the {@link KitInfo} file.
 */
final class LocalServers implements AutoCloseable {

    /** The name the drivers and the AWS wrapper dial: on every server certificate, resolves to 127.0.0.1. */
    static final String DIAL_NAME = "localhost";

    private static final String BUNDLE = "/dev/rdsiam/trust/rds-global-bundle.pem";
    private static final String TRUST_STORE_PASSWORD = "bench-trust";

    private final LocalRds postgres;
    private final LocalRds mysql;
    private final DirectPostgres direct;
    private final Path kitFile;

    private LocalServers(LocalRds postgres, LocalRds mysql, DirectPostgres direct, Path kitFile) {
        this.postgres = postgres;
        this.mysql = mysql;
        this.direct = direct;
        this.kitFile = kitFile;
    }

    static LocalServers start(Path work) {
        List<AutoCloseable> started = new ArrayList<>();
        try {
            Files.createDirectories(work);
            LocalRds pg = LocalRds.builder().engine(dev.rdsiam.Engine.POSTGRESQL).addHostName(DIAL_NAME)
                    .start();
            started.add(pg);
            LocalRds my = LocalRds.builder().engine(dev.rdsiam.Engine.MYSQL).addHostName(DIAL_NAME).start();
            started.add(my);
            BenchCertificates certs = BenchCertificates.create(work, List.of(pg.identityHost(), DIAL_NAME));
            DirectPostgres direct = DirectPostgres.start(certs, pg.dbUser());
            started.add(direct);

            KitInfo.Target pgGateway = target(work, "gateway-postgresql", pg.caPemFile(), pg.route().port());
            KitInfo.Target myGateway = target(work, "gateway-mysql", my.caPemFile(), my.route().port());
            KitInfo.Target pgDirect = target(work, "direct-postgresql", certs.caPem(), direct.port());
            // no direct MySQL server (see DirectPostgres): B1 for MySQL runs through the gateway
            List<KitInfo> kits = List.of(kit(Engine.POSTGRESQL, pg, pgGateway, pgDirect),
                    kit(Engine.MYSQL, my, myGateway, myGateway));
            Path kitFile = work.resolve("kit.properties");
            KitInfo.write(kits, kitFile);
            return new LocalServers(pg, my, direct, kitFile);
        } catch (IOException e) {
            closeAll(started);
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            closeAll(started);
            throw e;
        }
    }

    private static KitInfo kit(Engine engine, LocalRds rds, KitInfo.Target gateway, KitInfo.Target direct) {
        return new KitInfo(engine, rds.identityHost(), rds.identityPort(), rds.region(), rds.database(),
                rds.dbUser(), rds.credentials().accessKeyId(), rds.credentials().secretAccessKey(), gateway, direct);
    }

    /** The trust files for one server: its CA alone, the RDS bundle plus the CA as PEM and as PKCS12. */
    private static KitInfo.Target target(Path work, String name, Path caPem, int port) throws IOException {
        Path pem = work.resolve(name + "-trust.pem");
        Path p12 = work.resolve(name + "-trust.p12");
        byte[] bundle;
        try (InputStream in = RdsIamDataSource.class.getResourceAsStream(BUNDLE)) {
            if (in == null) {
                throw new IllegalStateException("the RDS CA bundle " + BUNDLE + " is not in rdsiam-core");
            }
            bundle = in.readAllBytes();
        }
        byte[] ca = Files.readAllBytes(caPem);
        try (OutputStream out = Files.newOutputStream(pem)) {
            out.write(bundle);
            out.write('\n');
            out.write(ca);
        }
        try (InputStream in = Files.newInputStream(pem); OutputStream out = Files.newOutputStream(p12)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            ks.store(out, TRUST_STORE_PASSWORD.toCharArray());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot write the trust store " + p12, e);
        }
        return new KitInfo.Target(DIAL_NAME, port, caPem, pem, p12, TRUST_STORE_PASSWORD);
    }

    /** The file every benchmark JVM reads its coordinates from. */
    Path kitFile() {
        return kitFile;
    }

    /** The LocalRds of an engine (its recorded logins are the independent check that tokens were accepted). */
    LocalRds rds(Engine engine) {
        return engine == Engine.POSTGRESQL ? postgres : mysql;
    }

    @Override
    public void close() {
        closeAll(List.of(direct, mysql, postgres));
        try {
            Files.deleteIfExists(kitFile);
        } catch (IOException e) {
            System.err.println("cannot delete " + kitFile + ": " + e.getMessage());
        }
    }

    private static void closeAll(List<AutoCloseable> all) {
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("stopping " + c + ": " + e.getMessage());
            }
        }
    }
}
