package dev.rdsiam.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.rdsiam.Engine;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * B1: the pooled hot path, borrow + {@code SELECT 1} + return through HikariCP, for ours, the raw driver (one
 * prebuilt {@code SSLContext}, a static password) and the AWS wrapper with its {@code iam} plugin, with the same pool
 * size. PostgreSQL: all three talk TLS to the server directly (nothing here logs in, so no gateway relay in the way).
 * MySQL: through the testkit's gateway for all three (see {@link DirectPostgres} for why).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PooledHotPath {

    /** Pool size of every contender. */
    static final int POOL_SIZE = 2;

    /** {@code postgresql} or {@code mysql}. */
    @Param({"postgresql", "mysql"})
    public String engine;

    /** {@code ours}, {@code raw} or {@code wrapper}. */
    @Param({"ours", "raw", "wrapper"})
    public String contender;

    private HikariDataSource pool;

    /** Opens the pool and checks that it works. */
    @Setup
    public void setUp() throws SQLException {
        KitInfo kit = KitInfo.load(Engine.valueOf(engine.toUpperCase(Locale.ROOT)));
        pool = Contenders.pool(contender, kit, kit.direct(), POOL_SIZE);
        if (selectOne() != 1) {
            throw new IllegalStateException("SELECT 1 did not return 1");
        }
    }

    /** Closes the pool. */
    @TearDown
    public void tearDown() {
        pool.close();
    }

    /** Borrow, query, return. */
    @Benchmark
    public int selectOne() throws SQLException {
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT 1");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
