/**
 * TLS trust and verification (internal, not API): the trusted CAs of a DataSource and its one {@code SSLContext}
 * ({@link dev.rdsiam.internal.trust.TrustMaterial}), verified handshakes against the identity host whatever address
 * was dialed ({@link dev.rdsiam.internal.trust.IdentityTls}, {@link dev.rdsiam.internal.trust.IdentitySslSocketFactory}),
 * and the RFC 6125 host-name check ({@link dev.rdsiam.internal.trust.HostnameMatcher}).
 */
package dev.rdsiam.internal.trust;
