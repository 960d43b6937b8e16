/**
 * JDBC entry points: the unpooled {@link dev.rdsiam.jdbc.RdsIamDataSource} (one physical connection per
 * {@code getConnection()}, a current IAM token each, its {@link dev.rdsiam.jdbc.DataSourceStatus}) and the
 * {@code jdbc:rdsiam:} driver, {@link dev.rdsiam.jdbc.RdsIamDriver}.
 */
package dev.rdsiam.jdbc;
