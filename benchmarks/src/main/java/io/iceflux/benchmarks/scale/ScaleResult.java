package io.iceflux.benchmarks.scale;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one worker process measured for N concurrent gatherings.
 *
 * @param implementation            {@code iceflux} or {@code ice4j}
 * @param scenario                  what each gathering asked for
 * @param n                         how many gatherings ran at once
 * @param completed                 gatherings that finished (with or without every candidate) before the timeout
 * @param failures                  gatherings that missed a candidate they should have had, failed or did not finish
 * @param relayFailures             TURN gatherings without a relayed candidate (0 for STUN)
 * @param timedOut                  whether the worker gave up waiting
 * @param wallNanos                 from the first gathering's start to the last one's end (all N)
 * @param p50Nanos                  median time of one gathering (its own start to its own end)
 * @param p99Nanos                  99th percentile of the same
 * @param startSpreadNanos          from the first gathering's start to the last one's start
 * @param cpuNanos                  CPU time the whole process used from the first start to the last end
 * @param peakOsThreads             most OS threads of the process (JVM, GC and compiler threads included)
 * @param peakJavaThreads           most Java threads alive at once
 * @param javaThreadsBefore         Java threads alive before the N gatherings started (after warm-up)
 * @param peakHeapBytes             most heap in use (sampled)
 * @param peakRssBytes              peak resident set size of the process
 * @param retainedBytesPerGathering reachable heap held per live gathering (after full GCs), -1 if not measured
 * @param loadAverage               the machine's 1-minute load average when the gatherings were done
 * @param note                      what went wrong, or empty
 */
record ScaleResult(String implementation, Scenario scenario, int n, int completed, int failures, int relayFailures,
        boolean timedOut, long wallNanos, long p50Nanos, long p99Nanos, long startSpreadNanos, long cpuNanos,
        int peakOsThreads, int peakJavaThreads,
        int javaThreadsBefore, long peakHeapBytes, long peakRssBytes, long retainedBytesPerGathering,
        double loadAverage, String note) {

    static final String TAG = "SCALE";

    /** A result for a worker that did not report (crashed, killed at the driver's timeout). */
    static ScaleResult crashed(String implementation, Scenario scenario, int n, String note) {
        return new ScaleResult(implementation, scenario, n, 0, n, scenario == Scenario.TURN ? n : 0, true, -1, -1, -1,
                -1, -1, -1, -1, -1, -1, -1, -1, ProcStatus.loadAverage(), note);
    }

    /** Whether every gathering finished with every candidate. */
    boolean clean() {
        return !timedOut && failures == 0 && completed == n;
    }

    /** The one-line form the worker prints. */
    String toLine() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("impl", implementation);
        f.put("scenario", scenario.id());
        f.put("n", n);
        f.put("completed", completed);
        f.put("failures", failures);
        f.put("relayFailures", relayFailures);
        f.put("timedOut", timedOut);
        f.put("wallNanos", wallNanos);
        f.put("p50Nanos", p50Nanos);
        f.put("p99Nanos", p99Nanos);
        f.put("startSpreadNanos", startSpreadNanos);
        f.put("cpuNanos", cpuNanos);
        f.put("peakOsThreads", peakOsThreads);
        f.put("peakJavaThreads", peakJavaThreads);
        f.put("javaThreadsBefore", javaThreadsBefore);
        f.put("peakHeapBytes", peakHeapBytes);
        f.put("peakRssBytes", peakRssBytes);
        f.put("retainedBytesPerGathering", retainedBytesPerGathering);
        f.put("loadAverage", loadAverage);
        f.put("note", note);
        return Fields.format(TAG, f);
    }

    /**
     * Read a line made by {@link #toLine()}, or return {@code null} for any other line.
     *
     * @throws IllegalArgumentException naming a missing or malformed field
     */
    static ScaleResult parse(String line) {
        Map<String, String> f = Fields.parse(TAG, line);
        if (f == null) {
            return null;
        }
        return new ScaleResult(Fields.get(f, "impl"), Scenario.parse(Fields.get(f, "scenario")),
                Integer.parseInt(Fields.get(f, "n")), Integer.parseInt(Fields.get(f, "completed")),
                Integer.parseInt(Fields.get(f, "failures")), Integer.parseInt(Fields.get(f, "relayFailures")),
                Boolean.parseBoolean(Fields.get(f, "timedOut")), Long.parseLong(Fields.get(f, "wallNanos")),
                Long.parseLong(Fields.get(f, "p50Nanos")), Long.parseLong(Fields.get(f, "p99Nanos")),
                Long.parseLong(Fields.get(f, "startSpreadNanos")), Long.parseLong(Fields.get(f, "cpuNanos")),
                Integer.parseInt(Fields.get(f, "peakOsThreads")), Integer.parseInt(Fields.get(f, "peakJavaThreads")),
                Integer.parseInt(Fields.get(f, "javaThreadsBefore")), Long.parseLong(Fields.get(f, "peakHeapBytes")),
                Long.parseLong(Fields.get(f, "peakRssBytes")),
                Long.parseLong(Fields.get(f, "retainedBytesPerGathering")),
                Double.parseDouble(Fields.get(f, "loadAverage")), f.getOrDefault("note", ""));
    }
}
