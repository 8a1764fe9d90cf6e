package io.iceflux.benchmarks.scale;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One gathering (or the raw floor) repeated: its median and 99th percentile.
 *
 * @param implementation {@code iceflux}, {@code ice4j} or {@code floor}
 * @param label          the scenario ({@code stun}, {@code turn}) or, for the floor, {@code N exchanges}
 * @param runs           measured runs (after warm-up)
 * @param failures       runs that missed a candidate or timed out (not in the percentiles)
 * @param medianNanos    median duration of a successful run
 * @param p99Nanos       99th percentile of the same
 */
record LatencyResult(String implementation, String label, int runs, int failures, long medianNanos, long p99Nanos) {

    static final String TAG = "LATENCY";

    /** Build from measured durations: the successful runs' nanos and the failure count. */
    static LatencyResult of(String implementation, String label, long[] okNanos, int failures) {
        return new LatencyResult(implementation, label, okNanos.length + failures, failures,
                Stats.percentile(okNanos, 50), Stats.percentile(okNanos, 99));
    }

    /** The one-line form the worker prints. */
    String toLine() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("impl", implementation);
        f.put("label", label);
        f.put("runs", runs);
        f.put("failures", failures);
        f.put("medianNanos", medianNanos);
        f.put("p99Nanos", p99Nanos);
        return Fields.format(TAG, f);
    }

    /**
     * Read a line made by {@link #toLine()}, or return {@code null} for any other line.
     *
     * @throws IllegalArgumentException naming a missing or malformed field
     */
    static LatencyResult parse(String line) {
        Map<String, String> f = Fields.parse(TAG, line);
        if (f == null) {
            return null;
        }
        return new LatencyResult(Fields.get(f, "impl"), Fields.get(f, "label"),
                Integer.parseInt(Fields.get(f, "runs")), Integer.parseInt(Fields.get(f, "failures")),
                Long.parseLong(Fields.get(f, "medianNanos")), Long.parseLong(Fields.get(f, "p99Nanos")));
    }
}
