package dev.rdsiam.spring;

import dev.rdsiam.Redaction;
import dev.rdsiam.jdbc.DataSourceStatus;
import dev.rdsiam.jdbc.RdsIamDataSource;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Actuator health of the application's IAM DataSources, as component {@code rdsiam}: per DataSource bean the last
 * login's result and diagnosis, the token's age and expiry, where credentials come from in words, and the server
 * certificate's expiry. DOWN when a DataSource's latest connection attempts all failed
 * ({@link DataSourceStatus#down()}), UP again when one succeeds.
 *
 * <pre>
 * GET /actuator/health/rdsiam
 * {"status":"UP","details":{"dataSource":{"lastLogin":"ok","tokenAge":"PT42S",...}}}
 * </pre>
 *
 * <p>It reports what the DataSource saw and opens no connection itself: a health check that logged in would
 * replace the pool's own recent failures with its result, and add IAM logins on every probe. The pool starts with
 * a login (HikariCP's initialization check), so there is an attempt to report from start-up on; Boot's {@code db}
 * component checks a borrowed connection. Never shows a token, secret or access key id.
 */
public final class RdsIamHealthIndicator extends AbstractHealthIndicator {

    /** A masked access key id as the library's credentials description shows it, e.g. {@code AKIA…WXYZ}. */
    private static final Pattern MASKED_KEY_ID = Pattern.compile("\\s*[A-Za-z0-9]{4}…[A-Za-z0-9]{4}|\\s*\\*{4}");

    private final Map<String, DataSource> dataSources;
    private final Clock clock;

    /**
     * @param dataSources the application's DataSource beans by name; those that do not wrap an
     *     {@link RdsIamDataSource} are left out
     */
    public RdsIamHealthIndicator(Map<String, DataSource> dataSources) {
        this(dataSources, Clock.systemUTC());
    }

    RdsIamHealthIndicator(Map<String, DataSource> dataSources, Clock clock) {
        super("rdsiam health check failed");
        this.dataSources = new LinkedHashMap<>(dataSources);
        this.clock = clock;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        boolean down = false;
        int found = 0;
        for (Map.Entry<String, DataSource> e : dataSources.entrySet()) {
            Optional<RdsIamDataSource> iam = unwrap(e.getValue());
            if (iam.isEmpty()) {
                continue;
            }
            found++;
            DataSourceStatus status = iam.get().status();
            down |= status.down();
            builder.withDetail(e.getKey(), details(status, clock.instant()));
        }
        if (found == 0) {
            builder.unknown().withDetail("reason", "no DataSource bean wraps an RdsIamDataSource");
        } else if (down) {
            builder.down();
        } else {
            builder.up();
        }
    }

    /** The IAM DataSource under a pool or wrapper, if there is one. */
    static Optional<RdsIamDataSource> unwrap(DataSource ds) {
        try {
            if (ds instanceof RdsIamDataSource iam) {
                return Optional.of(iam);
            }
            return ds.isWrapperFor(RdsIamDataSource.class) ? Optional.of(ds.unwrap(RdsIamDataSource.class))
                    : Optional.empty();
        } catch (SQLException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The details of one DataSource: text and numbers only, no secret. */
    static Map<String, Object> details(DataSourceStatus s, Instant now) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("status", s.down() ? "DOWN" : "UP");
        d.put("name", s.name());
        d.put("engine", s.engine().key());
        d.put("endpoint", s.host() + ":" + s.port());
        d.put("credentials", credentialsInWords(s.credentials()));
        Optional<DataSourceStatus.Attempt> last = s.lastAttempt();
        d.put("lastLogin", last.map(DataSourceStatus.Attempt::outcome).orElse("none yet"));
        last.ifPresent(a -> {
            d.put("lastLoginAt", a.at().toString());
            d.put("lastLoginTook", a.took().toMillis() + " ms");
            a.diagnosis().ifPresent(diagnosis -> d.put("diagnosis", credentialsInWords(Redaction.scrub(diagnosis))));
        });
        d.put("recentFailures", s.recentAttempts().stream().filter(a -> !a.ok()).count() + " of "
                + s.recentAttempts().size());
        s.tokenIssuedAt().ifPresent(t -> d.put("tokenAge", Duration.between(t, now).withNanos(0).toString()));
        s.tokenExpiresAt().ifPresent(t -> {
            d.put("tokenExpiresAt", t.toString());
            d.put("tokenExpiresIn", Duration.between(now, t).withNanos(0).toString());
        });
        d.put("tokensMinted", s.tokensMinted());
        d.put("tokensReused", s.tokensReused());
        s.serverCertificateNotAfter().ifPresent(t -> d.put("serverCertificateExpiresAt", t.toString()));
        s.trustEarliestExpiry().ifPresent(t -> d.put("trustEarliestExpiry", t.toString()));
        return d;
    }

    /** Text without even a masked access key id: {@code static keys} for {@code static keys AKIA…WXYZ}. */
    static String credentialsInWords(String description) {
        return MASKED_KEY_ID.matcher(description).replaceAll("");
    }
}
