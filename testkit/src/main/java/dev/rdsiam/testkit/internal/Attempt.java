package dev.rdsiam.testkit.internal;

import dev.rdsiam.testkit.AuthAttempt;
import dev.rdsiam.testkit.RejectReason;
import java.net.Socket;
import java.util.function.Consumer;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/** Collects the facts of one login attempt while a handler runs. Recorded once. */
final class Attempt {
    private final GatewayContext ctx;
    private final String clientAddress;
    String user;
    String database;
    boolean tls;
    String tlsProtocol;
    String sniHostName;
    boolean passwordReceived;
    String accessKeyId;
    private boolean recorded;
    /** Runs just before a rejection is recorded (and before the client learns of it). */
    Consumer<RejectReason> beforeReject = reason -> { };

    Attempt(GatewayContext ctx, Socket socket) {
        this.ctx = ctx;
        this.clientAddress = socket.getInetAddress().getHostAddress();
    }

    String clientAddress() {
        return clientAddress;
    }

    void tlsEstablished(SSLSocket socket) {
        SSLSession session = socket.getSession();
        tls = true;
        tlsProtocol = session.getProtocol();
        if (session instanceof ExtendedSSLSession) {
            for (SNIServerName name : ((ExtendedSSLSession) session).getRequestedServerNames()) {
                if (name instanceof SNIHostName) {
                    sniHostName = ((SNIHostName) name).getAsciiName();
                }
            }
        }
    }

    boolean recorded() {
        return recorded;
    }

    void accept() {
        record(null);
    }

    void reject(RejectReason reason) {
        record(reason);
    }

    private void record(RejectReason reason) {
        if (recorded) {
            return;
        }
        recorded = true;
        if (reason != null) {
            beforeReject.accept(reason);
        }
        ctx.recorder().accept(new AuthAttempt(ctx.now(), ctx.engine(), user, database, clientAddress, tls,
                tlsProtocol, sniHostName, passwordReceived, accessKeyId, reason));
    }
}
