package dev.rdsiam.diagnostics;

import dev.rdsiam.AuthToken;
import dev.rdsiam.EndpointType;
import dev.rdsiam.RdsIamConfig;
import dev.rdsiam.internal.net.ConnectFailure;
import dev.rdsiam.internal.trust.TlsVerificationException;
import java.net.SocketTimeoutException;
import dev.rdsiam.Redaction;
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

    private Diagnosis() {
    }

    /**
     * The advice for a network or TLS failure found in the cause chain: dropped packets (timeout), nothing listening
     * (refused), a name that does not resolve, or a certificate that failed verification.
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

    /** {@code host:port} actually dialled, with the identity when a route is configured. */
    public static String route(RdsIamConfig config) {
        String r = config.routeHost() + ":" + config.routePort();
        return config.hasRoute() ? r + " (route to " + config.host() + ":" + config.port() + ")" : r;
    }

    /**
     * The resource of the IAM policy that must allow {@code rds-db:connect}, e.g.
     * {@code arn:aws:rds-db:eu-west-1:<ACCOUNT_ID>:dbuser:<DbiResourceId, db-...>/app}.
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
     */
    public static String databaseUnavailable(RdsIamConfig config, String user, String grant) {
        String db = config.database().map(d -> "'" + d + "'").orElse("(none named)");
        return "the IAM login itself succeeded (the token was accepted), but the database " + db + " does not exist "
                + "or user '" + user + "' may not use it: check rdsiam.database (or the database in the URL's path) "
                + "for spelling and case, that the database exists on " + config.host() + ", and " + grant;
    }

    /** The advice for RDS Proxy's "no credentials for the role" refusal. */
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
}
