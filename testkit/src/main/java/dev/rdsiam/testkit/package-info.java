/**
 * The testkit: {@link dev.rdsiam.testkit.LocalRds} and {@link dev.rdsiam.testkit.LocalAurora}, real databases
 * behind offline gateways that check IAM tokens and TLS the way RDS does, with a local STS, faults on demand and
 * JUnit 5 extensions.
 */
package dev.rdsiam.testkit;
