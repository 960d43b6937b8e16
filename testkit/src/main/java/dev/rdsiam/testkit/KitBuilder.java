package dev.rdsiam.testkit;

import dev.rdsiam.Engine;
import dev.rdsiam.testkit.internal.StsServer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The settings {@link LocalRds} and {@link LocalAurora} share (engine, region, database and users, clock, keys,
 * account, roles, sessions), with their checks; each kit's {@code Builder} extends it with its own.
 *
 * @param <B> the kit's builder
 */
abstract class KitBuilder<B extends KitBuilder<B>> {

    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");

    Engine engine;
    String mysqlServerVersion = "8.0.39-localrds";
    String region = "us-east-1";
    String database = "appdb";
    String dbUser = "iam_user";
    final List<String> extraDbUsers = new ArrayList<>();
    Clock clock = Clock.systemUTC();
    Duration maxClockSkew = Duration.ofMinutes(5);
    StaticCredentials credentials;
    String accountId = "123456789012";
    final List<StsServer.Role> roles = new ArrayList<>();
    Duration sessionDuration = Duration.ofHours(1);

    KitBuilder(Engine defaultEngine) {
        this.engine = defaultEngine;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /**
     * The engine.
     *
     * @param engine POSTGRESQL or MYSQL
     * @return this
     */
    public B engine(Engine engine) {
        this.engine = Objects.requireNonNull(engine, "engine");
        return self();
    }

    /**
     * MySQL: the server version in the greeting (default {@code 8.0.39-localrds}).
     *
     * @param version the version string
     * @return this
     */
    public B mysqlServerVersion(String version) {
        this.mysqlServerVersion = requireName(version, "mysqlServerVersion");
        return self();
    }

    /**
     * The region tokens must be scoped to (default {@code us-east-1}); also part of the default names.
     *
     * @param region such as {@code eu-west-1}
     * @return this
     */
    public B region(String region) {
        if (region == null || !REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("region must look like us-east-1: '" + region + "'");
        }
        this.region = region;
        return self();
    }

    /**
     * The database to create (default {@code appdb}).
     *
     * @param database the name
     * @return this
     */
    public B database(String database) {
        this.database = requireName(database, "database");
        return self();
    }

    /**
     * The IAM-mapped database user to create (default {@code iam_user}).
     *
     * @param user the name
     * @return this
     */
    public B dbUser(String user) {
        this.dbUser = requireName(user, "dbUser");
        return self();
    }

    /**
     * A further IAM-mapped user to create.
     *
     * @param user the name
     * @return this
     */
    public B addDbUser(String user) {
        extraDbUsers.add(requireName(user, "dbUser"));
        return self();
    }

    /**
     * The kit's clock, used to judge token and session expiry and to stamp issued sessions.
     *
     * @param clock the clock
     * @return this
     */
    public B clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return self();
    }

    /**
     * How far in the future a token's {@code X-Amz-Date} may be (default 5 minutes).
     *
     * @param skew the tolerance
     * @return this
     */
    public B maxClockSkew(Duration skew) {
        if (Objects.requireNonNull(skew, "skew").isNegative()) {
            throw new IllegalArgumentException("maxClockSkew must not be negative: " + skew);
        }
        this.maxClockSkew = skew;
        return self();
    }

    /**
     * The static access key (default: random {@code AKIA...}).
     *
     * @param accessKeyId     the id
     * @param secretAccessKey the secret
     * @return this
     */
    public B staticCredentials(String accessKeyId, String secretAccessKey) {
        this.credentials = new StaticCredentials(accessKeyId, secretAccessKey);
        return self();
    }

    /**
     * The account id in ARNs (default {@code 123456789012}).
     *
     * @param accountId twelve digits
     * @return this
     */
    public B accountId(String accountId) {
        if (accountId == null || !accountId.matches("\\d{12}")) {
            throw new IllegalArgumentException("accountId must be 12 digits: '" + accountId + "'");
        }
        this.accountId = accountId;
        return self();
    }

    /**
     * A role the local STS lets known keys assume.
     *
     * @param roleArn    the role ARN
     * @param externalId the required external id, or {@code null}
     * @return this
     */
    public B role(String roleArn, String externalId) {
        if (roleArn == null || !roleArn.startsWith("arn:") || !roleArn.contains(":role/")) {
            throw new IllegalArgumentException("roleArn must look like arn:aws:iam::123456789012:role/name: '"
                    + roleArn + "'");
        }
        roles.add(new StsServer.Role(roleArn, externalId));
        return self();
    }

    /**
     * Session lifetime when AssumeRole names no {@code DurationSeconds} (default 1 hour).
     *
     * @param duration the lifetime
     * @return this
     */
    public B sessionDuration(Duration duration) {
        if (Objects.requireNonNull(duration, "duration").isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("sessionDuration must be positive: " + duration);
        }
        this.sessionDuration = duration;
        return self();
    }

    static String requireName(String name, String what) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return name;
    }
}
