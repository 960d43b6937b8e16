/**
 * The Spring Boot auto-configuration: the application's pool from {@code jdbc:rdsiam:} or {@code rdsiam.*}
 * properties, the {@code rdsiam} health component and the meters in the application's registry.
 */
package dev.rdsiam.spring;
