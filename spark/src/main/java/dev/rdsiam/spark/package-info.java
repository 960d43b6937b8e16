/**
 * Spark JDBC dialects for {@code jdbc:rdsiam:} URLs, registered through {@code META-INF/services}: each forwards to
 * Spark's own dialect for the engine.
 */
package dev.rdsiam.spark;
