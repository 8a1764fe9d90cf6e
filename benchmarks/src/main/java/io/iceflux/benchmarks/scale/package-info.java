/**
 * The latency and scale harness: IceFlux and ice4j gathering against the same coturn in the same run, each
 * (implementation, N) in its own JVM, with the raw UDP round-trip floor measured alongside. Run it with
 * {@code benchmarks/scale.sh}; {@link io.iceflux.benchmarks.scale.ScaleMain} drives,
 * {@link io.iceflux.benchmarks.scale.ScaleWorker} is the forked measuring process.
 */
package io.iceflux.benchmarks.scale;
