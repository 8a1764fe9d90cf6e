package io.iceflux.benchmarks.scale;

import java.time.Duration;

/** One implementation under measurement. */
interface Runner {

    /** Gather {@code warmup + runs} times one after the other; time the last {@code runs}. */
    LatencyResult latency(Scenario scenario, int warmup, int runs);

    /**
     * Gather {@code warmup} times one after the other, then {@code n} gatherings at once: wall time, per-gathering
     * times, failures, peak threads/heap/RSS and the heap held per live gathering. Gives up after {@code timeout}.
     */
    ScaleResult scale(Scenario scenario, int n, int warmup, Duration timeout);
}
