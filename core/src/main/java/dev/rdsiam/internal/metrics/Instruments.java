package dev.rdsiam.internal.metrics;

import dev.rdsiam.RdsIamConfig;
import java.time.Instant;

/**
 * What a DataSource reports about itself as it works: tokens minted and reused, credential resolutions, physical
 * connection attempts by outcome, TLS handshakes. The default does nothing; {@link #create} returns the Micrometer
 * meters when Micrometer is on the class path and metrics are not off. No Micrometer type appears here, so that a
 * user without Micrometer loads none of it.
 */
public interface Instruments extends AutoCloseable {

    /** Reports nothing. */
    Instruments NONE = new Instruments() {
    };

    /** A token was minted; {@code nanos} covers credentials resolution and signing. */
    default void tokenMinted(long nanos) {
    }

    /** A cached token was handed out again. */
    default void tokenReused() {
    }

    /**
     * Credentials were resolved (or not).
     *
     * @param nanos how long it took
     * @param failureCause null when it worked, else a bounded cause such as {@code no_credentials}
     */
    default void credentialsResolved(long nanos, String failureCause) {
    }

    /**
     * A physical connection attempt ended.
     *
     * @param outcome {@code ok} or a diagnosis kind (see {@link Outcome})
     * @param nanos dial, TLS and login
     */
    default void connection(String outcome, long nanos) {
    }

    /** A verified TLS handshake took {@code nanos}; the server certificate expires at {@code notAfter} (or null). */
    default void tlsHandshake(long nanos, Instant notAfter) {
    }

    /** Removes the meters. */
    @Override
    default void close() {
    }

    /**
     * The instruments of one DataSource.
     *
     * @param config the configuration (its {@code metrics} setting, registry, name, engine and host)
     * @param trustEarliestExpiry when the first certificate of the trust expires (for a gauge), or null
     */
    static Instruments create(RdsIamConfig config, Instant trustEarliestExpiry) {
        if (config.metricsOff() || !Micrometer.PRESENT) {
            return NONE;
        }
        return MicrometerInstruments.create(config, trustEarliestExpiry);
    }

    /** Whether Micrometer can be loaded, decided once, without loading any of its classes. */
    final class Micrometer {
        static final boolean PRESENT = present();

        private Micrometer() {
        }

        private static boolean present() {
            try {
                Class.forName("io.micrometer.core.instrument.MeterRegistry", false, Instruments.class.getClassLoader());
                return true;
            } catch (ClassNotFoundException | LinkageError e) {
                return false;
            }
        }

        /** Whether {@code registry} is a Micrometer {@code MeterRegistry} (false when Micrometer is absent). */
        public static boolean isRegistry(Object registry) {
            return PRESENT && MicrometerInstruments.isRegistry(registry);
        }
    }
}
