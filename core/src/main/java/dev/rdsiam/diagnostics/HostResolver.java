package dev.rdsiam.diagnostics;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Looks up the addresses of a host name for the DNS probe. The system resolver is the JDK's; tests pass one that
 * answers from a table, so that they never send a DNS query.
 *
 * <pre>{@code
 * Probes probes = Probes.of(config).withResolver(host -> new InetAddress[] {InetAddress.getLoopbackAddress()});
 * }</pre>
 */
@FunctionalInterface
public interface HostResolver {

    /**
     * The addresses of {@code host}.
     *
     * @param host a host name or IP literal
     * @return at least one address
     * @throws UnknownHostException when the name does not resolve
     */
    InetAddress[] resolve(String host) throws UnknownHostException;

    /**
     * The JDK resolver ({@link InetAddress#getAllByName(String)}).
     *
     * @return the system resolver
     */
    static HostResolver system() {
        return InetAddress::getAllByName;
    }
}
