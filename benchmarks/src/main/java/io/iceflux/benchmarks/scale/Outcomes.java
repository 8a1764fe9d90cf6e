package io.iceflux.benchmarks.scale;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerArray;

/** What each gathering of a scale run showed (bit flags), and the result row both runners build from them. */
final class Outcomes {

    static final int SRFLX = 1;
    static final int RELAY = 2;
    static final int ERROR = 4;
    static final int DONE = 8;

    private Outcomes() {
    }

    /** A gathering succeeded when it gave a server-reflexive candidate, no error, and for TURN a relay. */
    static boolean succeeded(Scenario scenario, int flags) {
        boolean ok = (flags & SRFLX) != 0 && (flags & ERROR) == 0;
        return scenario == Scenario.STUN ? ok : ok && (flags & RELAY) != 0;
    }

    /**
     * The row of one scale run: gathering {@code i} started at {@code starts[i]}, ended at {@code ends[i]} (both
     * {@code System.nanoTime()}, 0 if it did not) and showed {@code seen.get(i)}.
     */
    static ScaleResult tally(String implementation, Scenario scenario, int n, long t0, long[] starts, long[] ends,
            AtomicIntegerArray seen, boolean timedOut, Peaks peaks, int javaThreadsBefore, long retained,
            String note, long cpuNanos) {
        int completed = 0;
        int failures = 0;
        int relayFailures = 0;
        long last = t0;
        long lastStart = t0;
        long[] durations = new long[n];
        for (int i = 0; i < n; i++) {
            int s = seen.get(i);
            if (starts[i] != 0) {
                lastStart = Math.max(lastStart, starts[i]);
            }
            if ((s & DONE) != 0) {
                durations[completed++] = ends[i] - starts[i];
                last = Math.max(last, ends[i]);
            }
            if ((s & DONE) == 0 || !succeeded(scenario, s)) {
                failures++;
            }
            if (scenario == Scenario.TURN && (s & RELAY) == 0) {
                relayFailures++;
            }
        }
        String why = timedOut && note.isEmpty() ? "timed out waiting for " + (n - completed) + " gatherings" : note;
        long[] measured = Arrays.copyOf(durations, completed);
        return new ScaleResult(implementation, scenario, n, completed, failures, relayFailures, timedOut, last - t0,
                Stats.percentile(measured, 50), Stats.percentile(measured, 99), lastStart - t0, cpuNanos,
                peaks.osThreads(), peaks.javaThreads(), javaThreadsBefore, peaks.heapBytes(), peaks.rssBytes(),
                retained, ProcStatus.loadAverage(), why);
    }
}
