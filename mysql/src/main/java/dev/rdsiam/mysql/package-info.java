/**
 * The MySQL Connector/J binding of rds-iam-jdbc, found by {@link java.util.ServiceLoader}: nothing here is called
 * directly.
 */
package dev.rdsiam.mysql;
