package dev.rdsiam.internal.metrics;

import dev.rdsiam.RdsIamConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The meters of one DataSource in a Micrometer registry, tagged {@code name}, {@code engine} and {@code host} (the
 * endpoint name: bounded, no secret, no key id). Loaded only when Micrometer is on the class path.
 */
final class MicrometerInstruments implements Instruments {

    private final MeterRegistry registry;
    private final Tags tags;
    private final Clock clock;
    private final Counter minted;
    private final Timer mint;
    private final Counter reused;
    private final Timer resolve;
    private final Timer open;
    private final Timer handshake;
    private final ConcurrentMap<String, Counter> outcomes = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> credentialFailures = new ConcurrentHashMap<>();
    /** Strong references: gauges hold their objects weakly. */
    private final AtomicReference<Instant> serverCertificateNotAfter = new AtomicReference<>();
    private final Instant trustEarliestExpiry;
    private final List<Meter> meters = new ArrayList<>();

    private MicrometerInstruments(MeterRegistry registry, RdsIamConfig config, Instant trustEarliestExpiry) {
        this.registry = registry;
        this.clock = config.clock();
        this.tags = Tags.of("name", config.name(), "engine", config.engine().key(), "host", config.host());
        this.trustEarliestExpiry = trustEarliestExpiry;
        this.minted = keep(Counter.builder("rdsiam.tokens.minted").description("IAM auth tokens minted")
                .tags(tags).register(registry));
        this.mint = keep(Timer.builder("rdsiam.tokens.mint")
                .description("Time to mint an IAM auth token: credentials resolution and signing")
                .tags(tags).register(registry));
        this.reused = keep(Counter.builder("rdsiam.tokens.reused")
                .description("Cached IAM auth tokens handed out again for a new connection").tags(tags)
                .register(registry));
        this.resolve = keep(Timer.builder("rdsiam.credentials.resolve")
                .description("Time to resolve the AWS credentials that sign tokens").tags(tags).register(registry));
        this.open = keep(Timer.builder("rdsiam.connections.open")
                .description("Time to open a physical connection: dial, TLS and login").tags(tags)
                .register(registry));
        this.handshake = keep(Timer.builder("rdsiam.tls.handshake")
                .description("Time of the verified TLS handshake of a new connection").tags(tags).register(registry));
        keep(Gauge.builder("rdsiam.tls.certificate.expiry", this, m -> m.secondsUntil(m.serverCertificateNotAfter.get()))
                .description("Seconds until the server certificate last seen expires").baseUnit("seconds")
                .tags(tags).register(registry));
        if (trustEarliestExpiry != null) {
            keep(Gauge.builder("rdsiam.tls.trust.expiry", this, m -> m.secondsUntil(m.trustEarliestExpiry))
                    .description("Seconds until the first certificate of the trusted CAs expires").baseUnit("seconds")
                    .tags(tags).register(registry));
        }
    }

    static Instruments create(RdsIamConfig config, Instant trustEarliestExpiry) {
        Object given = config.meterRegistry().orElse(null);
        MeterRegistry registry = given instanceof MeterRegistry ? (MeterRegistry) given : Metrics.globalRegistry;
        return new MicrometerInstruments(registry, config, trustEarliestExpiry);
    }

    static boolean isRegistry(Object registry) {
        return registry instanceof MeterRegistry;
    }

    private <M extends Meter> M keep(M meter) {
        synchronized (meters) {
            meters.add(meter);
        }
        return meter;
    }

    private double secondsUntil(Instant t) {
        return t == null ? Double.NaN : (t.toEpochMilli() - clock.millis()) / 1000.0;
    }

    @Override
    public void tokenMinted(long nanos) {
        minted.increment();
        mint.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void tokenReused() {
        reused.increment();
    }

    @Override
    public void credentialsResolved(long nanos, String failureCause) {
        resolve.record(nanos, TimeUnit.NANOSECONDS);
        if (failureCause != null) {
            credentialFailures.computeIfAbsent(failureCause.toLowerCase(Locale.ROOT), c -> keep(
                    Counter.builder("rdsiam.credentials.failures")
                            .description("Failed resolutions of the AWS credentials, by cause")
                            .tags(tags).tag("cause", c).register(registry))).increment();
        }
    }

    @Override
    public void connection(String outcome, long nanos) {
        outcomes.computeIfAbsent(outcome, o -> keep(Counter.builder("rdsiam.connections")
                .description("Physical connection attempts, by outcome (ok or what the diagnosis found)")
                .tags(tags).tag("outcome", o).register(registry))).increment();
        open.record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void tlsHandshake(long nanos, Instant notAfter) {
        handshake.record(nanos, TimeUnit.NANOSECONDS);
        if (notAfter != null) {
            serverCertificateNotAfter.set(notAfter);
        }
    }

    @Override
    public void close() {
        synchronized (meters) {
            for (Meter m : meters) {
                registry.remove(m);
            }
            meters.clear();
        }
    }
}
