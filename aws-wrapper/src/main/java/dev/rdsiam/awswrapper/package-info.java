/**
 * The AWS Advanced JDBC Wrapper binding of rds-iam-jdbc, found by {@link java.util.ServiceLoader} when a
 * configuration sets {@code rdsiam.wrapperPlugins}: nothing here is called directly. The wrapper's failover,
 * monitoring and read/write splitting connect to whichever Aurora endpoint they choose; this library's plugin
 * supplies the token, the verified TLS and the route of that endpoint.
 */
package dev.rdsiam.awswrapper;
