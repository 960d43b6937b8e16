package dev.rdsiam.postgresql;

import dev.rdsiam.Engine;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.Trust;
import dev.rdsiam.testkit.LocalRds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** One LocalRds (embedded PostgreSQL behind the IAM gateway) for this module's tests, and configs that reach it. */
final class PgKit {

    /** A clock the tests move; the gateway and the token cache both read it. */
    static final class MovableClock extends Clock {
        private final AtomicReference<Instant> offset = new AtomicReference<>(Instant.EPOCH);

        void advance(Duration d) {
            offset.updateAndGet(o -> o.plus(d));
        }

        void reset() {
            offset.set(Instant.EPOCH);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plusMillis(offset.get().toEpochMilli());
        }
    }

    static final MovableClock CLOCK = new MovableClock();
    private static LocalRds rds;

    private PgKit() {
    }

    static synchronized LocalRds rds() {
        if (rds == null) {
            rds = LocalRds.builder().engine(dev.rdsiam.Engine.POSTGRESQL).clock(CLOCK).start();
            Runtime.getRuntime().addShutdownHook(new Thread(rds::close));
        }
        return rds;
    }

    /**
     * The gateway's attempts once it has recorded at least one: it records a refused TLS handshake on its own
     * thread, possibly after the client has already seen the failure.
     */
    static java.util.List<dev.rdsiam.testkit.AuthAttempt> attemptsAfterFailure(LocalRds k) {
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (k.authAttempts().isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return k.authAttempts();
    }

    /** A configuration for the kit's instance name, routed to its gateway, trusting its CA. */
    static RdsIamConfig.Builder config() {
        LocalRds k = rds();
        return RdsIamConfig.builder()
                .engine(Engine.POSTGRESQL)
                .host(k.identityHost())
                .port(k.identityPort())
                .database(k.database())
                .user(k.dbUser())
                .connectHost(k.route().host())
                .connectPort(k.route().port())
                .trust(Trust.PEM)
                .trustPem(k.caPemFile())
                .accessKeyId(k.credentials().accessKeyId())
                .secretAccessKey(k.credentials().secretAccessKey())
                .connectTimeout(Duration.ofSeconds(5))
                .clock(CLOCK);
    }
}
