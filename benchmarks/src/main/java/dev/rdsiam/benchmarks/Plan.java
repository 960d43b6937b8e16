package dev.rdsiam.benchmarks;

/**
 * How much of everything a run measures. {@link #QUICK} fits in a few minutes on a 2-core machine and is good for
 * spotting a regression; {@link #FULL} takes longer and narrows the intervals.
 *
 * @param name            {@code quick} or {@code full}
 * @param b1Rounds        JMH runs of B1 (each: every engine and contender, one fork each); rounds interleave the
 *                        contenders over time
 * @param b1Warmups       warm-up iterations per B1 fork
 * @param b1Iterations    measured iterations per B1 fork
 * @param b1Seconds       seconds per B1 iteration
 * @param b3Forks         forks per B3 benchmark
 * @param b3Warmups       warm-up iterations per B3 fork
 * @param b3Iterations    measured iterations per B3 fork
 * @param b2Warmup        untimed rounds of B2 (one connection per contender each)
 * @param b2Rounds        timed rounds of B2
 * @param b4Trials        fresh JVMs per B4 contender and engine
 * @param b4Threads       threads of a B4 cold start
 * @param memoryInstances DataSources created to measure the heap one keeps
 * @param allocRounds     rounds of B1's allocation count (every contender once per round)
 * @param allocWarmup     uncounted queries before each counted batch
 * @param allocQueries    counted queries per contender and round
 * @param b5Runs          timed fresh JVMs per B5 contender and engine (contenders alternating)
 * @param b5MemoryRuns    untimed fresh JVMs per B5 contender and engine that report their peak memory
 * @param b6Trials        session cuts per B6 contender and engine (one JVM with a warm pool each)
 */
record Plan(String name, int b1Rounds, int b1Warmups, int b1Iterations, int b1Seconds, int b3Forks, int b3Warmups,
        int b3Iterations, int b2Warmup, int b2Rounds, int b4Trials, int b4Threads, int memoryInstances,
        int allocRounds, int allocWarmup, int allocQueries, int b5Runs, int b5MemoryRuns, int b6Trials) {

    static final Plan QUICK = new Plan("quick", 2, 2, 3, 1, 1, 3, 5, 15, 100, 3, 64, 50,
            5, 5_000, 5_000, 10, 2, 5);
    static final Plan FULL = new Plan("full", 5, 3, 5, 2, 3, 3, 8, 50, 400, 10, 64, 200,
            10, 10_000, 10_000, 20, 3, 10);
}
