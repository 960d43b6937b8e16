package dev.rdsiam.diagnostics;

import dev.rdsiam.TlsHandshake;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** What a probe finds while it runs; {@link #result} freezes it. */
final class Findings {

    final List<ProbeResult.Detail> details = new ArrayList<>();
    ProbeResult.Status status = ProbeResult.Status.OK;
    String diagnosis;
    TlsHandshake tlsHandshake;
    CallerIdentity.Answer caller;
    Duration clockSkew;
    Integer tokenLength;
    Instant tokenExpiresAt;

    Findings add(String label, String text) {
        details.add(new ProbeResult.Detail(label, text));
        return this;
    }

    Findings add(String text) {
        return add("", text);
    }

    Findings fail(String text) {
        add("", text);
        status = ProbeResult.Status.FAILED;
        if (diagnosis == null) {
            diagnosis = text;
        }
        return this;
    }

    Findings warn(String label, String text) {
        add(label, text);
        if (status == ProbeResult.Status.OK) {
            status = ProbeResult.Status.WARNING;
        }
        return this;
    }

    ProbeResult result(Stage stage, Duration elapsed) {
        return new ProbeResult(stage, status, elapsed, details, diagnosis, tlsHandshake, caller, clockSkew,
                tokenLength, tokenExpiresAt);
    }
}
