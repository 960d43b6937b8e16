/**
 * The service provider interface of engine bindings ({@code rdsiam-postgresql}, {@code rdsiam-mysql}): an
 * {@link dev.rdsiam.spi.EngineBinding} found with {@link java.util.ServiceLoader} creates the
 * {@link dev.rdsiam.spi.Connector} of each DataSource, which gets its network state from a
 * {@link dev.rdsiam.spi.ConnectorContext}.
 */
package dev.rdsiam.spi;
