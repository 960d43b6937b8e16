/**
 * The API of rds-iam-jdbc: {@link dev.rdsiam.RdsIam} (DataSources, pools, token providers), the configuration
 * ({@link dev.rdsiam.RdsIamConfig} with its one catalogue of keys, {@link dev.rdsiam.RdsIamProperty}), endpoints,
 * tokens, trust choices, the TLS handshake record and {@link dev.rdsiam.Redaction}, which decides what of a value
 * may be shown.
 */
package dev.rdsiam;
