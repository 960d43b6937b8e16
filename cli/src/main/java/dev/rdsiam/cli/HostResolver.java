package dev.rdsiam.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Looks up the addresses of a host name (the doctor's DNS stage). The system resolver is the JDK's; tests pass one
 * that answers only for IP literals and {@code localhost}, so that they never send a DNS query.
 *
 * <pre>{@code
 * InetAddress[] addresses = HostResolver.system().resolve("orders.c0ffee.eu-west-1.rds.amazonaws.com");
 * }</pre>
 */
@FunctionalInterface
public interface HostResolver extends dev.rdsiam.diagnostics.HostResolver {

    @Override
    InetAddress[] resolve(String host) throws UnknownHostException;

    /** The JDK resolver ({@link InetAddress#getAllByName(String)}). */
    static HostResolver system() {
        return InetAddress::getAllByName;
    }
}
