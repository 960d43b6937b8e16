/**
 * Dialing (internal, not API): plain TCP connections with actionable failures
 * ({@link dev.rdsiam.internal.net.Dialer}, {@link dev.rdsiam.internal.net.ConnectFailure}) and a driver-facing socket
 * factory that always dials the configured route ({@link dev.rdsiam.internal.net.RouteSocketFactory}).
 */
package dev.rdsiam.internal.net;
