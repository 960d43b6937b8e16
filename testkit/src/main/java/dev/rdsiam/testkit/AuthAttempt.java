package dev.rdsiam.testkit;

import dev.rdsiam.Engine;
import java.time.Instant;

/**
 * One login attempt seen by a gateway. Holds no secret: the token itself is never stored.
 *
 * <pre>{@code
 * AuthAttempt last = rds.lastAuthAttempt();
 * assertThat(last.accepted()).isTrue();
 * assertThat(last.tlsProtocol()).isEqualTo("TLSv1.3");
 * }</pre>
 *
 * @param time             when the attempt ended, by the gateway's clock
 * @param engine           the protocol of the gateway
 * @param user             the user name the client sent, or {@code null} if it never sent one
 * @param database         the database the client asked for, or {@code null}
 * @param clientAddress    the client's IP address
 * @param tls              whether TLS was established before the attempt ended
 * @param tlsProtocol      the negotiated TLS protocol (such as {@code TLSv1.3}), or {@code null}
 * @param sniHostName      the server name the client sent in TLS SNI, or {@code null}
 * @param passwordReceived whether the client sent its password (the token) itself: a PostgreSQL PasswordMessage or
 *                         {@code mysql_clear_password} data (a MySQL scramble derived from it does not count)
 * @param accessKeyId      the access key id from the token's credential scope, or {@code null}
 * @param reason           why the attempt was refused, or {@code null} if the token was accepted
 */
public record AuthAttempt(
        Instant time,
        Engine engine,
        String user,
        String database,
        String clientAddress,
        boolean tls,
        String tlsProtocol,
        String sniHostName,
        boolean passwordReceived,
        String accessKeyId,
        RejectReason reason) {

    /**
     * Whether the gateway accepted the token.
     *
     * @return {@code true} if {@link #reason()} is {@code null}
     */
    public boolean accepted() {
        return reason == null;
    }
}
