package dev.rdsiam.testkit.internal;

import dev.rdsiam.testkit.AuthAttempt;
import dev.rdsiam.Engine;
import dev.rdsiam.testkit.Faults;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * Everything a gateway needs, shared with the kit.
 *
 * @param engine          the protocol
 * @param verifier        the token verifier
 * @param faults          the runtime faults
 * @param clock           the kit's clock (the gateway adds the clock-skew fault)
 * @param certificates    the certificates
 * @param recorder        receives every attempt
 * @param backendHost     backend host
 * @param backendPort     backend port
 * @param backendPasswords backend password per mapped user
 * @param backendTls      the client TLS context of the leg to the backend, or {@code null} for plain TCP
 */
public record GatewayContext(
        Engine engine,
        TokenVerifier verifier,
        Faults faults,
        Clock clock,
        Certificates certificates,
        Consumer<AuthAttempt> recorder,
        String backendHost,
        int backendPort,
        Map<String, String> backendPasswords,
        SSLContext backendTls) {

    /** @return the gateway's current time: the kit clock plus the skew fault */
    public Instant now() {
        return clock.instant().plus(faults.clockSkew());
    }

    @Override
    public String toString() {
        return "GatewayContext[" + engine + ", backend " + backendHost + ":" + backendPort + "]";
    }
}
