package dev.rdsiam.diagnostics;

import dev.rdsiam.AuthToken;
import dev.rdsiam.EndpointType;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.Redaction;
import dev.rdsiam.internal.net.ConnectFailure;
import dev.rdsiam.internal.trust.TlsVerificationException;
import dev.rdsiam.spi.EngineFacts;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLNonTransientException;
import java.sql.SQLRecoverableException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns connection failures into messages that say what is wrong and what to check. Engine bindings call it; the
 * texts are part of the API (tests assert them) and never contain a secret.
 *
 * <pre>{@code
 * catch (SQLException e) {
 *     throw Diagnosis.withAdvice(e, Diagnosis.network(e, config).orElse("..."));
 * }
 * }</pre>
 */
public final class Diagnosis {

    /** The advice when new connections arrive faster than the server takes them. */
    static final String THROTTLED = "new connections are being throttled: open fewer new connections per second (a "
            + "pool reuses them; RDS advises under 200 new IAM connections per second), or put an RDS Proxy in front";

    private static final String PROXY_NO_CREDENTIALS = "no credentials for the role";

    private Diagnosis() {
    }

    /**
     * The advice for a failed login, composed the same way for every engine from the binding's facts: a network or
     * TLS failure; RDS Proxy without database credentials; the engine's own server condition; throttling; a
     * rejected token (the checklist, with the engine's grant); a missing or forbidden database; no TLS offered.
     * The first that applies is appended to the message ({@link #withAdvice}); a failure none explains is returned
     * unchanged.
     *
     * @param e the driver's failure
     * @param token the token that was presented
     * @param config the configuration
     * @param facts the engine's facts
     * @return the failure with advice, or {@code e}
     */
    public static SQLException diagnose(SQLException e, AuthToken token, RdsIamConfig config, EngineFacts facts) {
        Optional<String> network = network(e, config);
        if (network.isPresent()) {
            return withAdvice(e, network.get());
        }
        if (isProxyWithoutCredentials(e)) {
            return withAdvice(e, proxyHasNoCredentials(config, token.user()));
        }
        Optional<String> own = facts.engineAdvice(e);
        if (own.isPresent()) {
            return withAdvice(e, own.get());
        }
        if (facts.isThrottled(e)) {
            return withAdvice(e, THROTTLED);
        }
        if (facts.isAuthFailure(e)) {
            return withAdvice(e, iamLoginRejected(config, token, facts.loginGrant(token.user())));
        }
        if (facts.isDatabaseUnavailable(e)) {
            return withAdvice(e, databaseUnavailable(config, token.user(),
                    facts.databaseGrant(config.database().orElse("DB"), token.user())));
        }
        if (facts.isTlsNotOffered(e)) {
            return withAdvice(e, tlsNotOffered(config));
        }
        return e;
    }

    /**
     * Whether RDS Proxy refused the login because it has no database credentials for the user (its text is the
     * same for every engine).
     *
     * @param e the failure
     * @return true for "no credentials for the role"
     */
    public static boolean isProxyWithoutCredentials(Throwable e) {
        return mentions(e, PROXY_NO_CREDENTIALS);
    }

    /**
     * Whether a message in the cause chain contains {@code text}, ignoring case.
     *
     * @param e the failure
     * @param text lower-case text
     * @return true when some message of the chain contains it
     */
    public static boolean mentions(Throwable e, String text) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().toLowerCase(Locale.ROOT).contains(text)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /**
     * The advice when the server offers no TLS, so the token was not sent.
     *
     * @param config the configuration (its route is named)
     * @return the advice
     */
    public static String tlsNotOffered(RdsIamConfig config) {
        return "the server at " + route(config) + " does not offer TLS, so the token was not sent: an RDS endpoint "
                + "always offers TLS; check that the route leads to the database and not to something that "
                + "terminates or strips TLS";
    }

    /**
     * The advice for a network or TLS failure found in the cause chain: dropped packets (timeout), nothing listening
     * (refused), a name that does not resolve, or a certificate that failed verification.
     *
     * @param failure the failure whose cause chain is searched
     * @param config the configuration (its route and engine are named)
     * @return the advice, or empty when the failure is not a network or TLS one
     */
    public static Optional<String> network(Throwable failure, RdsIamConfig config) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectFailure || t instanceof TlsVerificationException) {
                return Optional.of(t.getMessage());
            }
            if (t instanceof SocketTimeoutException) {
                return Optional.of("the server at " + route(config) + " stopped answering during login (read timed "
                        + "out): check that it is a " + config.engine() + " endpoint, that it is not overloaded, and "
                        + "that nothing in the path (proxy, NLB) holds the connection");
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Optional.empty();
    }

    /**
     * The {@code host:port} actually dialled, with the identity when a route is configured.
     *
     * @param config the configuration
     * @return e.g. {@code 127.0.0.1:8888 (route to orders...rds.amazonaws.com:5432)}
     */
    public static String route(RdsIamConfig config) {
        String r = config.routeHost() + ":" + config.routePort();
        return config.hasRoute() ? r + " (route to " + config.host() + ":" + config.port() + ")" : r;
    }

    /**
     * The resource of the IAM policy that must allow {@code rds-db:connect}, e.g.
     * {@code arn:aws:rds-db:eu-west-1:<ACCOUNT_ID>:dbuser:<DbiResourceId, db-...>/app}.
     *
     * @param config the configuration
     * @param user the database user
     * @return the ARN, with placeholders for what is not known
     */
    public static String policyResource(RdsIamConfig config, String user) {
        return policyResource(config, user, null);
    }

    /**
     * The resource of the IAM policy that must allow {@code rds-db:connect}, with the account filled in when it is
     * known (for example from {@code sts:GetCallerIdentity}), e.g.
     * {@code arn:aws:rds-db:eu-west-1:123456789012:dbuser:<DbiResourceId, db-...>/app}.
     *
     * @param config the configuration
     * @param user the database user
     * @param accountId the 12-digit account, or {@code null} for the {@code <ACCOUNT_ID>} placeholder
     * @return the ARN, with placeholders for what is not known
     */
    public static String policyResource(RdsIamConfig config, String user, String accountId) {
        String partition = config.endpoint().partition().orElse("aws");
        EndpointType type = config.endpoint().type();
        String resource;
        if (type.isProxy()) {
            resource = "<proxy resource id, prx-...>";
        } else if (type.isCluster()) {
            resource = "<DbClusterResourceId, cluster-...>";
        } else if (type == EndpointType.INSTANCE) {
            resource = "<DbiResourceId, db-...>";
        } else {
            resource = "<DbiResourceId db-... or DbClusterResourceId cluster-...>";
        }
        String account = accountId != null && accountId.matches("\\d{12}") ? accountId : "<ACCOUNT_ID>";
        return "arn:" + partition + ":rds-db:" + config.region() + ":" + account + ":dbuser:" + resource + "/" + user;
    }

    /**
     * The checklist for a login the server rejected although TLS worked: the database-side grant, the IAM policy,
     * the clock, and the host and port the token was signed for.
     *
     * @param config the configuration
     * @param token the token that was rejected
     * @param databaseGrant what the engine needs on the database side, e.g. {@code GRANT rds_iam TO "app"}
     * @return the checklist
     */
    public static String iamLoginRejected(RdsIamConfig config, AuthToken token, String databaseGrant) {
        StringBuilder sb = new StringBuilder();
        sb.append("the server rejected the IAM auth token for user '").append(token.user()).append("'. Check: (1) ")
                .append(databaseGrant).append("; (2) an IAM policy of the caller (").append(config.credentialsDescription())
                .append(") allows rds-db:connect on ").append(policyResource(config, token.user()))
                .append("; (3) IAM database authentication is enabled on the ")
                .append(config.endpoint().type().isProxy() ? "proxy" : "instance or cluster")
                .append("; (4) this machine's clock is right (the token was signed at ").append(token.issuedAt())
                .append(" by this clock); (5) the token names ").append(token.host()).append(':').append(token.port())
                .append(" and region ").append(token.region())
                .append(": it must be the real endpoint name and port, not a tunnel, NLB or DNS alias (put those in "
                        + "rdsiam.connectHost/connectPort)");
        if (config.endpoint().type().isProxy()) {
            sb.append("; (6) for an RDS Proxy, the proxy must require IAM authentication for this user");
        }
        return sb.toString();
    }

    /**
     * The advice for a login whose token was accepted but whose database is missing or not allowed to the user:
     * the problem is the database name or its privileges, not IAM.
     *
     * @param config the configuration (its database is named)
     * @param user the database user
     * @param grant how the engine grants the use of a database, e.g. {@code GRANT CONNECT ON DATABASE ...}
     * @return the advice
     */
    public static String databaseUnavailable(RdsIamConfig config, String user, String grant) {
        String db = config.database().map(d -> "'" + d + "'").orElse("(none named)");
        return "the IAM login itself succeeded (the token was accepted), but the database " + db + " does not exist "
                + "or user '" + user + "' may not use it: check rdsiam.database (or the database in the URL's path) "
                + "for spelling and case, that the database exists on " + config.host() + ", and " + grant;
    }

    /**
     * The advice for RDS Proxy's "no credentials for the role" refusal.
     *
     * @param config the configuration (its host is named)
     * @param user the database user
     * @return the advice
     */
    public static String proxyHasNoCredentials(RdsIamConfig config, String user) {
        return "the RDS Proxy has no database credentials for user '" + user + "': add a Secrets Manager secret for "
                + "this user to the proxy's authentication settings (or switch the proxy to end-to-end IAM "
                + "authentication), and check that the proxy's IAM role may read it (secretsmanager:GetSecretValue, "
                + "kms:Decrypt); the token itself was accepted by the proxy for " + config.host();
    }

    /**
     * A new exception with {@code advice} appended to the message (once: a message that already carries the advice,
     * as a driver's "SSL error: ..." carries our TLS text, is not repeated), the same SQLState and vendor code, the
     * same standard subclass ({@link SQLTimeoutException}, {@link SQLTransientConnectionException},
     * {@link SQLNonTransientConnectionException}, {@link SQLInvalidAuthorizationSpecException}, ...) so that pools and
     * retry logic still classify it, and the original as cause. Nothing that looks like a secret survives in the
     * message (see {@link Redaction#scrub(String)}).
     *
     * @param e the driver's failure
     * @param advice what is wrong and what to check
     * @return the new exception, with {@code e} as its cause
     */
    public static SQLException withAdvice(SQLException e, String advice) {
        String base = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String message = base.contains(advice) ? base : base + " — " + advice;
        return sameKind(e, Redaction.scrub(message));
    }

    private static SQLException sameKind(SQLException e, String message) {
        String state = e.getSQLState();
        int code = e.getErrorCode();
        if (e instanceof SQLTimeoutException) {
            return new SQLTimeoutException(message, state, code, e);
        }
        if (e instanceof SQLTransientConnectionException) {
            return new SQLTransientConnectionException(message, state, code, e);
        }
        if (e instanceof SQLTransactionRollbackException) {
            return new SQLTransactionRollbackException(message, state, code, e);
        }
        if (e instanceof SQLTransientException) {
            return new SQLTransientException(message, state, code, e);
        }
        if (e instanceof SQLInvalidAuthorizationSpecException) {
            return new SQLInvalidAuthorizationSpecException(message, state, code, e);
        }
        if (e instanceof SQLNonTransientConnectionException) {
            return new SQLNonTransientConnectionException(message, state, code, e);
        }
        if (e instanceof SQLSyntaxErrorException) {
            return new SQLSyntaxErrorException(message, state, code, e);
        }
        if (e instanceof SQLNonTransientException) {
            return new SQLNonTransientException(message, state, code, e);
        }
        if (e instanceof SQLRecoverableException) {
            return new SQLRecoverableException(message, state, code, e);
        }
        return new SQLException(message, state, code, e);
    }

    /**
     * The kind of a failure the engine can tell, for meters and the DataSource's status: {@code proxy_no_credentials},
     * the engine's own kinds ({@link EngineFacts#engineKind}), {@code throttled}, {@code database_unavailable},
     * {@code tls_not_offered}; empty for anything else (network, TLS and rejected tokens are classified by the core).
     *
     * @param e the failure
     * @param facts the engine's facts
     * @return the kind, or empty
     */
    public static java.util.Optional<String> failureKind(SQLException e, EngineFacts facts) {
        if (isProxyWithoutCredentials(e)) {
            return java.util.Optional.of("proxy_no_credentials");
        }
        java.util.Optional<String> engine = facts.engineKind(e);
        if (engine.isPresent()) {
            return engine;
        }
        if (facts.isThrottled(e)) {
            return java.util.Optional.of("throttled");
        }
        if (facts.isDatabaseUnavailable(e)) {
            return java.util.Optional.of("database_unavailable");
        }
        if (facts.isTlsNotOffered(e)) {
            return java.util.Optional.of("tls_not_offered");
        }
        return java.util.Optional.empty();
    }
}
