package dev.rdsiam.benchmarks;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Order statistics for noisy samples: medians, percentiles and a bootstrap interval for the ratio of two medians.
 * On a small shared machine the mean is dragged by stalls, so every reported number is a median.
 */
final class Stats {

    /** Bootstrap resamples for {@link #ratioOfMediansInterval}. */
    static final int RESAMPLES = 2000;

    private Stats() {
    }

    /** A closed interval. */
    record Interval(double low, double high) {
        boolean contains(double x) {
            return low <= x && x <= high;
        }
    }

    /** The median; the mean of the two middle values for an even count. */
    static double median(double[] samples) {
        return percentile(samples, 50);
    }

    /**
     * The {@code p}-th percentile with linear interpolation between closest ranks (the usual "type 7" definition:
     * 0 is the minimum, 100 the maximum).
     */
    static double percentile(double[] samples, double p) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        if (p < 0 || p > 100) {
            throw new IllegalArgumentException("percentile must be within 0..100: " + p);
        }
        double[] s = samples.clone();
        Arrays.sort(s);
        return sortedPercentile(s, p);
    }

    private static double sortedPercentile(double[] sorted, double p) {
        double rank = p / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = (int) Math.ceil(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }

    /** {@code median(a) / median(b)}. */
    static double ratioOfMedians(double[] a, double[] b) {
        return median(a) / median(b);
    }

    /**
     * A 95% percentile-bootstrap interval of {@code median(a) / median(b)}: both sample sets are resampled with
     * replacement, independently. Deterministic for a given seed.
     */
    static Interval ratioOfMediansInterval(double[] a, double[] b, long seed) {
        if (a.length == 0 || b.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[] ratios = new double[RESAMPLES];
        double[] ra = new double[a.length];
        double[] rb = new double[b.length];
        for (int i = 0; i < RESAMPLES; i++) {
            for (int j = 0; j < ra.length; j++) {
                ra[j] = a[random.nextInt(a.length)];
            }
            for (int j = 0; j < rb.length; j++) {
                rb[j] = b[random.nextInt(b.length)];
            }
            Arrays.sort(ra);
            Arrays.sort(rb);
            ratios[i] = sortedPercentile(ra, 50) / sortedPercentile(rb, 50);
        }
        Arrays.sort(ratios);
        return new Interval(sortedPercentile(ratios, 2.5), sortedPercentile(ratios, 97.5));
    }
}
