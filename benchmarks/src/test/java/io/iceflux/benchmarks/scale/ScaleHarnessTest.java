package io.iceflux.benchmarks.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.testkit.NettyLeakDetectionExtension;
import io.iceflux.testkit.TestTurnServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The harness against the testkit server on loopback (no namespace, no coturn), so that it cannot rot. */
@ExtendWith(NettyLeakDetectionExtension.class)
class ScaleHarnessTest {

    private static Target target(TestTurnServer server) {
        return new Target("127.0.0.1", server.udpPort(), server.username(), server.password(), true);
    }

    @Test
    void fiveConcurrentTurnGatheringsAllGetTheirRelayOnTheGatherersThreads() throws Exception {
        try (TestTurnServer server = TestTurnServer.start()) {
            ScaleResult r = new IcefluxRunner(target(server), 2).scale(Scenario.TURN, 5, 2, Duration.ofSeconds(30));

            assertThat(r.implementation()).isEqualTo("iceflux");
            assertThat(r.scenario()).isEqualTo(Scenario.TURN);
            assertThat(r.n()).isEqualTo(5);
            assertThat(r.completed()).isEqualTo(5);
            assertThat(r.failures()).isZero();
            assertThat(r.relayFailures()).isZero();
            assertThat(r.timedOut()).isFalse();
            assertThat(r.clean()).isTrue();
            assertThat(r.wallNanos()).isPositive();
            assertThat(r.p50Nanos()).isPositive().isLessThanOrEqualTo(r.p99Nanos());
            assertThat(r.p99Nanos()).isLessThanOrEqualTo(r.wallNanos());
            assertThat(r.startSpreadNanos()).isNotNegative().isLessThan(r.wallNanos());
            assertThat(r.cpuNanos()).isPositive();
            assertThat(r.javaThreadsBefore()).isPositive();
            // the gatherer's event loops and timer threads already ran during warm-up: N adds no thread
            assertThat(r.peakJavaThreads()).isBetween(r.javaThreadsBefore(), r.javaThreadsBefore() + 3);
            assertThat(r.peakOsThreads()).isGreaterThanOrEqualTo(r.peakJavaThreads());
            assertThat(r.peakHeapBytes()).isPositive();
            assertThat(r.peakRssBytes()).isPositive();
            assertThat(r.retainedBytesPerGathering()).isPositive();
            assertThat(r.loadAverage()).isNotNegative();
            assertThat(r.note()).isEmpty();
            // 2 warm-up and 5 measured allocations, every one deleted when its gathering was released
            assertThat(server.allocationsCreated()).isEqualTo(7);
            server.awaitAllocationsAlive(0, Duration.ofSeconds(10));
            assertThat(ScaleResult.parse(r.toLine())).isEqualTo(r);
        }
    }

    @Test
    void theWorkerRunsAStunScaleRunFromItsArgumentsAndPrintsOneParsableLine() {
        try (TestTurnServer server = TestTurnServer.start()) {
            List<String> lines = ScaleWorker.run(ScaleWorker.parse(new String[] {"mode=scale", "impl=iceflux",
                "scenario=stun", "n=5", "warmup=1", "threads=1", "loopback=true", "host=127.0.0.1",
                "port=" + server.udpPort()}));

            assertThat(lines).hasSize(1);
            ScaleResult r = ScaleResult.parse(lines.get(0));
            assertThat(r.implementation()).isEqualTo("iceflux");
            assertThat(r.scenario()).isEqualTo(Scenario.STUN);
            assertThat(r.n()).isEqualTo(5);
            assertThat(r.completed()).isEqualTo(5);
            assertThat(r.failures()).isZero();
            assertThat(r.relayFailures()).isZero();
            assertThat(r.timedOut()).isFalse();
            assertThat(server.allocationsCreated()).isZero();
        }
    }

    @Test
    void oneGatheringIsTimedAgainstTheRawFloor() {
        try (TestTurnServer server = TestTurnServer.start()) {
            LatencyResult floor = new FloorProbe(target(server)).measure(2, 3, 10);
            LatencyResult burst = new FloorProbe(target(server)).burst(20, 2);
            LatencyResult stun = new IcefluxRunner(target(server), 1).latency(Scenario.STUN, 3, 10);

            assertThat(floor).extracting(LatencyResult::implementation, LatencyResult::label, LatencyResult::runs,
                    LatencyResult::failures).containsExactly("floor", "2 exchanges", 10, 0);
            assertThat(floor.medianNanos()).isPositive().isLessThanOrEqualTo(floor.p99Nanos());
            assertThat(burst).extracting(LatencyResult::implementation, LatencyResult::label, LatencyResult::runs,
                    LatencyResult::failures).containsExactly("floor", "burst 20", 2, 0);
            assertThat(burst.medianNanos()).isPositive();
            assertThat(stun).extracting(LatencyResult::implementation, LatencyResult::label, LatencyResult::runs,
                    LatencyResult::failures).containsExactly("iceflux", "stun", 10, 0);
            assertThat(stun.medianNanos()).isPositive().isLessThanOrEqualTo(stun.p99Nanos());
            assertThat(LatencyResult.parse(stun.toLine())).isEqualTo(stun);
        }
    }

    @Test
    void burstsSayWhereEachBurstsTimeWentAndReleaseEveryAllocation() {
        try (TestTurnServer server = TestTurnServer.start()) {
            List<String> lines = ScaleWorker.run(ScaleWorker.parse(new String[] {"mode=bursts", "impl=iceflux",
                "scenario=turn", "n=4", "bursts=3", "warmup=2", "threads=2", "loopback=true", "host=127.0.0.1",
                "port=" + server.udpPort(), "user=" + server.username(), "pass=" + server.password()}));

            assertThat(lines).hasSize(3);
            for (int k = 0; k < 3; k++) {
                Map<String, String> f = Fields.parse("BURST", lines.get(k));
                assertThat(f).containsEntry("impl", "iceflux").containsEntry("scenario", "turn")
                        .containsEntry("n", "4").containsEntry("burst", String.valueOf(k + 1))
                        .containsEntry("finished", "true").containsEntry("failures", "0")
                        .containsKeys("ioCpuNanos", "jitCpuNanos", "gcCpuNanos", "otherCpuNanos", "jitCompileMillis");
                assertThat(Long.parseLong(f.get("wallNanos"))).isPositive();
                assertThat(Long.parseLong(f.get("ioCpuNanos"))).isNotNegative();
            }
            // 2 warm-up and 3 × 4 measured allocations, every one deleted when its burst was released
            assertThat(server.allocationsCreated()).isEqualTo(14);
            server.awaitAllocationsAlive(0, Duration.ofSeconds(10));
        }
    }

    @Test
    void threadsAreGroupedByTheirKernelNames() {
        assertThat(ProcStatus.threadGroup("iceflux-io-3-1")).isEqualTo("io");
        assertThat(ProcStatus.threadGroup("C2 CompilerThre")).isEqualTo("jit");
        assertThat(ProcStatus.threadGroup("C1 CompilerThre")).isEqualTo("jit");
        assertThat(ProcStatus.threadGroup("VM Thread")).isEqualTo("gc");
        assertThat(ProcStatus.threadGroup("main")).isEqualTo("other");
        assertThat(ProcStatus.cpuNanosByThreadGroup()).containsOnlyKeys("io", "jit", "gc", "other")
                .allSatisfy((group, nanos) -> assertThat(nanos).isNotNegative());
        assertThatThrownBy(() -> ScaleWorker.run(Map.of("mode", "bursts", "impl", "ice4j", "host", "127.0.0.1",
                "port", "3478", "scenario", "turn", "n", "1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("impl=iceflux only");
    }

    @Test
    void badWorkerArgumentsAreNamed() {
        assertThatThrownBy(() -> ScaleWorker.parse(new String[] {"mode"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'mode'");
        assertThatThrownBy(() -> ScaleWorker.run(Map.of("mode", "scale", "host", "127.0.0.1", "port", "3478")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'impl=...'");
        assertThatThrownBy(() -> ScaleWorker.run(Map.of("mode", "fly", "host", "127.0.0.1", "port", "3478")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'fly'");
        assertThatThrownBy(() -> Scenario.parse("tcp")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'tcp'");
        assertThatThrownBy(() -> ScaleResult.parse("SCALE\timpl=x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'scenario'");
    }
}
