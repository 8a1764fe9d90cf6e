/**
 * JMH benchmarks: the STUN/TURN codec against ice4j's in the same run ({@link
 * io.iceflux.benchmarks.jmh.StunCodecBenchmark}) and the W3C error operators and event pipeline ({@link
 * io.iceflux.benchmarks.jmh.OperatorsBenchmark}). Build {@code benchmarks/target/benchmarks.jar} with
 * {@code mvn -B package -pl benchmarks -am -DskipTests} and run it with {@code java -jar}.
 */
package io.iceflux.benchmarks.jmh;
