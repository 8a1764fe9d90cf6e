package io.iceflux.benchmarks.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.testkit.NettyLeakDetectionExtension;
import io.iceflux.testkit.TestTurnServer;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

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
    void theReportHasEveryTableAndTargetAndThePlotsArePngs(@TempDir Path dir) throws Exception {
        List<LatencyResult> floor = List.of(new LatencyResult("floor", "1 exchange", 200, 0, 100_000, 200_000),
                new LatencyResult("floor", "2 exchanges", 200, 0, 200_000, 400_000));
        List<LatencyResult> latency = List.of(new LatencyResult("iceflux", "stun", 200, 0, 180_000, 300_000),
                new LatencyResult("ice4j", "stun", 200, 0, 5_000_000, 9_000_000),
                new LatencyResult("iceflux", "turn", 200, 0, 500_000, 900_000),
                new LatencyResult("ice4j", "turn", 200, 1, 9_000_000, 20_000_000));
        List<LatencyResult> burst = List.of(new LatencyResult("floor", "burst 500", 3, 0, 20_000_000, 30_000_000));
        List<ScaleResult> scale = List.of(
                new ScaleResult("iceflux", Scenario.TURN, 500, 500, 0, 0, false, 90_000_000, 40_000_000, 80_000_000,
                        30_000_000, 150_000_000, 19, 11, 11, 40 << 20, 150 << 20, 7_000, 1.5, ""),
                new ScaleResult("ice4j", Scenario.TURN, 500, 500, 3, 3, false, 2_500_000_000L, 900_000_000,
                        2_000_000_000, 300_000_000, 4_000_000_000L, 3_150, 3_140, 9, 300 << 20, 650 << 20, 150_000, 2.25,
                        ""),
                new ScaleResult("iceflux", Scenario.STUN, 10_000, 10_000, 0, 0, false, 1_000_000_000, 1, 2, 3, 4, 19, 11,
                        11, 1, 1, 1, 0.5, ""),
                ScaleResult.crashed("ice4j", Scenario.STUN, 10_000, "worker killed after 240 s"));
        List<PeerComparison.Run> runs = new java.util.ArrayList<>();
        long[][] wallsMs = {{2_000, 300, 600, 140}, {1_800, 320, 500, 160}, {1_900, 280, 400, 150}};
        for (int round = 0; round < 3; round++) {
            for (PeerComparison.Contender c : PeerComparison.Contender.values()) {
                long wall = wallsMs[round][c.ordinal()] * 1_000_000L;
                boolean unclean = c == PeerComparison.Contender.ICE4J && round == 2;
                runs.add(new PeerComparison.Run(c, 500, round + 1, new ScaleResult(c.worker(), Scenario.TURN, 500,
                        500, unclean ? 4 : 0, unclean ? 4 : 0, false, wall, 1, 2, 3, 100_000_000, 8, 8, 2, -1,
                        40L << 20, -1, 1.0, "")));
            }
        }
        ScaleReport report = new ScaleReport(Map.of("command", "benchmarks/scale.sh"), floor, latency, burst, scale,
                "stun N=10000", new PeerComparison(runs, 1, 3000), List.of("-XX:+UseSerialGC"));

        String md = report.markdown();
        assertThat(md).contains("Command: `benchmarks/scale.sh`", "`-XX:+UseSerialGC`",
                "| 1 exchange | 0.10 ms | 0.20 ms |",
                "| host + srflx (STUN/UDP) | 0.10 ms (1) | 0.18 ms | 0.30 ms | 1.8× | 5.00 ms | 9.00 ms | 27.8× | 0 / 0 |",
                "| 500 | 20.00 ms |",
                "| STUN+TURN | 500 | iceflux | 90.00 ms | 40.00 ms | 80.00 ms | 30.00 ms | 150 ms | 300 µs | 0 (0) | 11 | 19 "
                        + "| 40 MB "
                        + "| 150 MB | 6.8 KB | 1.5 |  |",
                "| STUN | 10,000 | ice4j | - | - | - | - | - | - | 10000 (0) | - | - |",
                "ice4j was not run beyond stun N=10000",
                "| 500 | 1,800 ms | 300 ms | 500 ms | 1.67× | 150 ms | 0.50× | 200 µs · 200 µs · 200 µs | 8 · 8 "
                        + "| 40 MB · 40 MB · 40 MB | ice4j 1 of 3 |",
                "| N = 500 warm ≤ 0.5× aioice | 0.50× | yes |",
                "| N = 500 cold ≤ 1.0× aioice | 1.67× | **no** |",
                "| N = 500 wall ≤ 1/10 of ice4j's (2,500 ms in this run) | 90.00 ms (27.8× faster) | yes |",
                "| N = 500 threads ≤ 2 × cores + 8",
                "| N = 10,000 STUN: no failures | 0 failures, 10000 completed | yes |",
                "| one STUN gathering ≤ 2 × floor (0.10 ms) | 0.18 ms median (1.8×) | yes |",
                "| one TURN gathering ≤ 2 × floor (0.20 ms) | 0.50 ms median (2.5×) | **no** |");

        report.plots(dir);
        for (String name : List.of("scale-wall.png", "scale-threads.png")) {
            BufferedImage image = ImageIO.read(dir.resolve(name).toFile());
            assertThat(image).as(name).isNotNull();
            assertThat(image.getWidth()).as(name).isEqualTo(900);
            assertThat(image.getHeight()).as(name).isEqualTo(560);
        }
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
