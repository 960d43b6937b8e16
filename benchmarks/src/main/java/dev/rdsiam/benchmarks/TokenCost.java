package dev.rdsiam.benchmarks;

import dev.rdsiam.AuthToken;
import dev.rdsiam.AuthTokenProvider;
import dev.rdsiam.Engine;
import dev.rdsiam.RdsIam;
import dev.rdsiam.RdsIamConfig;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsUtilities;
import software.amazon.awssdk.services.rds.model.GenerateAuthenticationTokenRequest;

/**
 * B3: what a token costs. {@code hit}: a cached token handed out again (every new connection of a warm DataSource);
 * {@code mint}: resolve credentials and sign (a cold cache, or the cache invalidated after a rejected login);
 * {@code sdk}: the AWS SDK's {@code RdsUtilities} for the same request, the usual way to get a token. Signing is
 * local: no server is involved. The credentials are made-up static keys.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TokenCost {

    private static final String HOST = "orders.c0ffee000000.us-east-1.rds.amazonaws.com";
    private static final String USER = "app";
    private static final String KEY_ID = "AKIABENCHMARK0000001";
    private static final String SECRET = "benchmark/secret/key/not/a/real/one/0000";

    private AuthTokenProvider cached;
    private AuthTokenProvider minting;
    private RdsUtilities sdk;
    private GenerateAuthenticationTokenRequest request;

    /** Builds the providers and warms the cache of {@code cached}. */
    @Setup
    public void setUp() {
        RdsIamConfig config = RdsIamConfig.builder().engine(Engine.POSTGRESQL).host(HOST).port(5432).user(USER)
                .accessKeyId(KEY_ID).secretAccessKey(SECRET).build();
        cached = RdsIam.tokenProvider(config);
        cached.token();
        minting = RdsIam.tokenProvider(config);
        sdk = RdsUtilities.builder().region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY_ID, SECRET)))
                .build();
        request = GenerateAuthenticationTokenRequest.builder().hostname(HOST).port(5432).username(USER).build();
    }

    /** Closes the providers. */
    @TearDown
    public void tearDown() throws Exception {
        cached.close();
        minting.close();
    }

    /** A cache hit. */
    @Benchmark
    public AuthToken hit() {
        return cached.token();
    }

    /** A mint: the previous op's token was invalidated, so this one resolves credentials and signs. */
    @Benchmark
    public AuthToken mint() {
        AuthToken t = minting.token();
        minting.invalidate(t);
        return t;
    }

    /** The AWS SDK's token generator. */
    @Benchmark
    public String sdk() {
        return sdk.generateAuthenticationToken(request);
    }
}
