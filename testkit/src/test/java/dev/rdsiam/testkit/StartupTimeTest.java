package dev.rdsiam.testkit;

import dev.rdsiam.Engine;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rdsiam.testkit.internal.EmbeddedBackends;
import org.junit.jupiter.api.Test;

/** Prints how long the embedded backends and a kit take to start here (see the test's output file). */
class StartupTimeTest {

    @Test
    void startupTimes_areMeasuredAndPrinted() {
        for (Engine engine : Engine.values()) {
            long first;
            long second;
            try (LocalRds rds = LocalRds.builder().engine(engine).start()) {
                first = rds.startupMillis();
            }
            try (LocalRds rds = LocalRds.builder().engine(engine).start()) {
                second = rds.startupMillis();
            }
            System.out.printf("STARTUP %s: backend first start %d ms (in this JVM); kit start incl. backend "
                    + "%d ms; kit start with running backend %d ms%n", engine, EmbeddedBackends.startMillis(engine),
                    first, second);
            assertThat(second).isLessThan(10_000);
        }
    }
}
