package dev.rdsiam.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void median_isTheMiddleValue_orTheMeanOfTheTwoMiddleOnes() {
        assertThat(Stats.median(new double[] {5, 1, 3})).isEqualTo(3);
        assertThat(Stats.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
        assertThat(Stats.median(new double[] {7})).isEqualTo(7);
    }

    @Test
    void percentile_interpolatesBetweenClosestRanks() {
        double[] s = {10, 20, 30, 40, 50};
        assertThat(Stats.percentile(s, 0)).isEqualTo(10);
        assertThat(Stats.percentile(s, 100)).isEqualTo(50);
        assertThat(Stats.percentile(s, 10)).isCloseTo(14, within(1e-9));
        assertThat(Stats.percentile(s, 90)).isCloseTo(46, within(1e-9));
    }

    @Test
    void percentile_leavesTheCallersArrayAlone() {
        double[] s = {3, 1, 2};
        Stats.percentile(s, 50);
        assertThat(s).containsExactly(3, 1, 2);
    }

    @Test
    void percentile_refusesNoSamplesAndOutOfRange() {
        assertThatThrownBy(() -> Stats.median(new double[0])).hasMessageContaining("no samples");
        assertThatThrownBy(() -> Stats.percentile(new double[] {1}, 101)).hasMessageContaining("0..100");
    }

    @Test
    void ratioOfMedians_comparesTheMiddles_notTheOutliers() {
        double[] ours = {40, 41, 42, 43, 900};
        double[] other = {50, 52, 55, 53, 51};
        assertThat(Stats.ratioOfMedians(ours, other)).isCloseTo(42.0 / 52.0, within(1e-12));
    }

    @Test
    void bootstrapInterval_holdsTheRatio_andIsRepeatableForOneSeed() {
        double[] ours = {40, 41, 42, 43, 44, 45, 46, 47, 48, 49};
        double[] other = {50, 52, 54, 56, 58, 60, 62, 64, 66, 68};
        Stats.Interval a = Stats.ratioOfMediansInterval(ours, other, 42);
        Stats.Interval b = Stats.ratioOfMediansInterval(ours, other, 42);
        assertThat(a).isEqualTo(b);
        assertThat(a.contains(Stats.ratioOfMedians(ours, other))).isTrue();
        assertThat(a.low()).isLessThan(a.high());
        assertThat(a.high()).isLessThan(1.0);
    }

    @Test
    void bootstrapInterval_ofConstantSamples_isThePointItself() {
        Stats.Interval i = Stats.ratioOfMediansInterval(new double[] {2, 2, 2}, new double[] {4, 4}, 1);
        assertThat(i.low()).isEqualTo(0.5);
        assertThat(i.high()).isEqualTo(0.5);
    }
}
