/**
 * What goes wrong with a connection, and what to do about it. {@link dev.rdsiam.diagnostics.Diagnosis} turns driver
 * failures into advice (the engine bindings call it with their {@link dev.rdsiam.spi.EngineFacts}); the probes
 * check one step of a connection each (configuration, DNS, TCP, TLS, credentials, token, login) and say what they
 * found, so that an application can run them as a health check or a start-up self test, and {@code rdsiam doctor}
 * renders them.
 *
 * <pre>{@code
 * List<ProbeResult> results = Doctor.of(config).run();
 * results.stream().filter(r -> r.status() == ProbeResult.Status.FAILED)
 *         .forEach(r -> log.error("{} failed: {}", r.stage().label(), r.diagnosis().orElse("")));
 *
 * try (Probes probes = Probes.of(config)) {
 *     ProbeResult tls = probes.tls();
 *     tls.tlsHandshake().ifPresent(h -> log.info("certificate valid until {}", h.notAfter()));
 * }
 * }</pre>
 *
 * <p>No probe result carries a token, a secret key or a session token: token facts are its length and expiry only.
 */
package dev.rdsiam.diagnostics;
