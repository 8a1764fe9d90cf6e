package io.iceflux.benchmarks.scale;

import java.util.Arrays;

/** Percentiles of durations (nearest rank). */
final class Stats {

    private Stats() {
    }

    /**
     * The {@code p}-th percentile (0 < p <= 100) of {@code values} by nearest rank, or -1 when there are none.
     */
    static long percentile(long[] values, double p) {
        if (values.length == 0) {
            return -1;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
