package io.iceflux.benchmarks.jmh;

import static io.iceflux.benchmarks.jmh.JmhTrial.BH;
import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.IceEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs every {@link OperatorsBenchmark} method once after its setup, outside JMH, and checks the events that come
 * out, and that the pipeline honours demand and buffers a bounded number of events.
 */
class OperatorsBenchmarkTest {

    private final OperatorsBenchmark bench = new OperatorsBenchmark();

    @RegisterExtension
    final JmhTrial trial = new JmhTrial(bench);

    @Test
    void eventListHasTheDocumentedMix() {
        assertThat(bench.events()).hasSize(OperatorsBenchmark.EVENTS);
        assertThat(bench.events().stream().filter(IceEvent.CandidateGathered.class::isInstance))
                .hasSize(10 * OperatorsBenchmark.GENERATIONS);
        assertThat(bench.events().stream().filter(e -> e instanceof IceEvent.CandidateError c
                && c.error().isServerNotReachable())).hasSize(11 * OperatorsBenchmark.GENERATIONS);
        assertThat(bench.events().stream().filter(IceEvent.GatheringStateChanged.class::isInstance))
                .hasSize(2 * OperatorsBenchmark.GENERATIONS);
        assertThat(bench.events().stream().mapToInt(IceEvent::generation).max().orElseThrow())
                .isEqualTo(OperatorsBenchmark.GENERATIONS - 1);
    }

    @Test
    void noOperatorPassesEveryEvent() {
        assertThat(bench.noOperator(BH)).isEqualTo(OperatorsBenchmark.EVENTS);
    }

    @Test
    void unreachableOncePerUrlDropsRepeated701s() {
        assertThat(bench.unreachableOncePerUrl(BH)).isEqualTo(
                (long) OperatorsBenchmark.PASSED_BY_UNREACHABLE_ONCE_PER_URL * OperatorsBenchmark.GENERATIONS);
    }

    @Test
    void errorsOnlyWhileGatheringDropsTheLate701() {
        assertThat(bench.errorsOnlyWhileGathering(BH)).isEqualTo(
                (long) OperatorsBenchmark.PASSED_BY_ERRORS_ONLY_WHILE_GATHERING * OperatorsBenchmark.GENERATIONS);
    }

    @Test
    void w3cErrorSemanticsDropsBoth() {
        assertThat(bench.w3cErrorSemantics(BH)).isEqualTo(
                (long) OperatorsBenchmark.PASSED_BY_W3C_ERROR_SEMANTICS * OperatorsBenchmark.GENERATIONS);
    }

    @Test
    void pipelineWithARequestOneSubscriberHonoursDemandAndStaysBounded() throws InterruptedException {
        long received = bench.pipelineRequestOne(BH);
        OperatorsBenchmark.PipelineStats stats = bench.stats();
        assertPipeline(received, stats, OperatorsBenchmark.PUBLISH_ON_PREFETCH);
        assertThat(stats.requested.get()).isEqualTo(received + 1);
    }

    @Test
    void pipelineThroughLimitRateStaysBounded() throws InterruptedException {
        long received = bench.pipelineLimitRate(BH);
        assertPipeline(received, bench.stats(), OperatorsBenchmark.LIMIT_RATE);
    }

    @Test
    void pipelineRunsAgainWithFreshCounters() throws InterruptedException {
        bench.pipelineRequestOne(BH);
        long again = bench.pipelineRequestOne(BH);
        assertPipeline(again, bench.stats(), OperatorsBenchmark.PUBLISH_ON_PREFETCH);
    }

    private static void assertPipeline(long received, OperatorsBenchmark.PipelineStats stats, int prefetch) {
        long expected = (long) OperatorsBenchmark.PASSED_BY_W3C_ERROR_SEMANTICS * OperatorsBenchmark.GENERATIONS;
        assertThat(received).isEqualTo(expected);
        assertThat(stats.received.get()).isEqualTo(expected);
        assertThat(stats.emitted.get()).isEqualTo(OperatorsBenchmark.EVENTS);
        assertThat(stats.dropped.get()).isEqualTo(OperatorsBenchmark.EVENTS - expected);
        assertThat(stats.overDemand.get()).isZero();
        // What waits between the sources and the slow subscriber is at most the consumer's prefetch plus one
        // generation queued in the merge, while the session has 5000 events: memory does not grow with the stream.
        assertThat(stats.maxInFlight.get()).isPositive()
                .isLessThanOrEqualTo(prefetch + OperatorsBenchmark.EVENTS_PER_GENERATION);
    }
}
