package dev.rdsiam.internal.metrics;

import dev.rdsiam.TokenUnavailableException;
import dev.rdsiam.internal.net.ConnectFailure;
import dev.rdsiam.internal.trust.TlsVerificationException;
import dev.rdsiam.spi.Connector;
import java.net.SocketTimeoutException;
import java.util.Locale;
import java.util.Optional;

/**
 * The bounded set of outcomes of a physical connection attempt, as meter tags and in the DataSource's status:
 * {@code ok}, or what the diagnosis found.
 */
public final class Outcome {

    /** The login worked. */
    public static final String OK = "ok";

    private Outcome() {
    }

    /**
     * The kind of a failure: the network (timeout, refused, unknown_host, unreachable), TLS (tls_untrusted,
     * tls_hostname, tls_expired, tls_not_tls, tls_timeout, tls_failed), the engine's own kinds (from
     * {@link Connector#failureKind}), auth_rejected, login_timeout, credentials_unavailable, or other.
     */
    public static String of(Throwable failure, Connector connector) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectFailure) {
                return ((ConnectFailure) t).kind().name().toLowerCase(Locale.ROOT);
            }
            if (t instanceof TlsVerificationException) {
                switch (((TlsVerificationException) t).kind()) {
                    case UNTRUSTED_CHAIN:
                        return "tls_untrusted";
                    case HOSTNAME_MISMATCH:
                        return "tls_hostname";
                    case CERTIFICATE_EXPIRED:
                    case CERTIFICATE_NOT_YET_VALID:
                        return "tls_expired";
                    case NOT_TLS:
                        return "tls_not_tls";
                    case TIMEOUT:
                        return "tls_timeout";
                    default:
                        return "tls_failed";
                }
            }
            if (t instanceof TokenUnavailableException) {
                return "credentials_unavailable";
            }
            if (t.getCause() == t) {
                break;
            }
        }
        if (failure instanceof java.sql.SQLException && connector != null) {
            java.sql.SQLException e = (java.sql.SQLException) failure;
            Optional<String> engine = connector.failureKind(e);
            if (engine.isPresent()) {
                return engine.get();
            }
            if (connector.isAuthFailure(e)) {
                return "auth_rejected";
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return "login_timeout";
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return "other";
    }
}
