package io.iceflux.benchmarks.scale;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report and the plots from made-up measurements (no server, no worker). */
class ScaleReportTest {

    private static final Color AIOICE = new Color(0, 158, 115);
    private static final Color ICEFLUX_COLD_C1 = new Color(204, 121, 167);
    private static final Color ICE4J_SIDE_BY_SIDE = new Color(230, 159, 0);

    private static ScaleReport report(boolean withPeers) {
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
        List<PeerComparison.Run> runs = new ArrayList<>();
        // per round, in the order of Contender: ice4j, aioice, IceFlux cold, cold C1 only, warm
        long[][] wallsMs = {{2_000, 300, 600, 450, 140}, {1_800, 320, 500, 350, 160}, {1_900, 280, 400, 300, 150}};
        for (int n : new int[] {100, 500}) {
            for (int round = 0; round < 3; round++) {
                for (PeerComparison.Contender c : PeerComparison.Contender.values()) {
                    if (!withPeers) {
                        continue;
                    }
                    long wall = wallsMs[round][c.ordinal()] * 1_000_000L * n / 500;
                    boolean unclean = c == PeerComparison.Contender.ICE4J && round == 2;
                    boolean aioice = c == PeerComparison.Contender.AIOICE;
                    boolean iceflux = c.worker().equals(IcefluxRunner.NAME);
                    runs.add(new PeerComparison.Run(c, n, round + 1, new ScaleResult(c.worker(), Scenario.TURN, n,
                            n, unclean ? 4 : 0, unclean ? 4 : 0, false, wall, 1, 2, 3, 100_000_000L * n / 500,
                            aioice ? 7 : 18, aioice ? 7 : 10, 2, -1, 40L << 20, iceflux ? 7_000 : -1, 1.0,
                            aioice ? "RSS grew 2048 bytes per live gathering" : "")));
                }
            }
        }
        return new ScaleReport(Map.of("command", "benchmarks/scale.sh"), floor, latency, burst, scale,
                "stun N=10000", new PeerComparison(runs, 1, 3000), List.of("-XX:+UseSerialGC"));
    }

    @Test
    void theReportHasEveryTableAndTarget() {
        String md = report(true).markdown();

        assertThat(md).contains("Command: `benchmarks/scale.sh`", "`-XX:+UseSerialGC`",
                "*IceFlux cold, C1 only* adds `-XX:TieredStopAtLevel=1`",
                "| 1 exchange | 0.10 ms | 0.20 ms |",
                "| host + srflx (STUN/UDP) | 0.10 ms (1) | 0.18 ms | 0.30 ms | 1.8× | 5.00 ms | 9.00 ms | 27.8× | 0 / 0 |",
                "| 500 | 20.00 ms |",
                "| STUN+TURN | 500 | iceflux | 90.00 ms | 40.00 ms | 80.00 ms | 30.00 ms | 150 ms | 300 µs | 0 (0) | 11 | 19 "
                        + "| 40 MB "
                        + "| 150 MB | 6.8 KB | 1.5 |  |",
                "| STUN | 10,000 | ice4j | - | - | - | - | - | - | 10000 (0) | - | - |",
                "ice4j was not run beyond stun N=10000",
                "| N | ice4j | aioice | IceFlux cold | × aioice | IceFlux warm | × aioice "
                        + "| IceFlux cold, C1 only (extra) | × aioice | CPU / gathering: aioice · cold · cold C1 · warm ",
                "| 500 | 1,800 ms | 300 ms | 500 ms | 1.67× | 150 ms | 0.50× | 350 ms | 1.17× "
                        + "| 200 µs · 200 µs · 200 µs · 200 µs | 7 · 18 · 18 | 40 MB · 40 MB · 40 MB "
                        + "| 2.0 KB · 6.8 KB · 6.8 KB | ice4j 1 of 3 |",
                "the issue's cold target is the default-JVM cold column",
                "| N = 500 warm ≤ 0.5× aioice | 0.50× | yes |",
                "| N = 500 cold ≤ 1.0× aioice | 1.67× | **no** |",
                "| N = 100 warm ≤ 0.7× aioice | 0.50× | yes |",
                "| N = 500 wall ≤ 1/10 of ice4j's (2,500 ms in this run) | 90.00 ms (27.8× faster) | yes |",
                "| N = 500 threads ≤ 2 × cores + 8",
                "| N = 10,000 STUN: no failures | 0 failures, 10000 completed | yes |",
                "| one STUN gathering ≤ 2 × floor (0.10 ms) | 0.18 ms median (1.8×) | yes |",
                "| one TURN gathering ≤ 2 × floor (0.20 ms) | 0.50 ms median (2.5×) | **no** |");
        // the C1-only row is information, never a target
        assertThat(md).doesNotContain("C1 only ≤", "cold, C1 only (extra) ≤");
        assertThat(md.lines().filter(l -> l.startsWith("| N = ") && l.contains("cold"))).hasSize(1);
    }

    @Test
    void withoutTheC1RowTheTableKeepsItsColumns() {
        List<PeerComparison.Run> runs = new ArrayList<>();
        for (PeerComparison.Contender c : List.of(PeerComparison.Contender.AIOICE,
                PeerComparison.Contender.ICEFLUX_COLD, PeerComparison.Contender.ICEFLUX_WARM)) {
            runs.add(new PeerComparison.Run(c, 1, 1, new ScaleResult(c.worker(), Scenario.TURN, 1, 1, 0, 0, false,
                    2_000_000, 1, 2, 3, 1_000_000, 7, 7, 2, -1, 30L << 20, -1, 1.0, "")));
        }
        StringBuilder md = new StringBuilder();
        new PeerComparison(runs, 1, 3000).markdown(md);

        assertThat(md.toString()).doesNotContain("C1").contains(
                "| 1 | - | 2.00 ms | 2.00 ms | 1.00× | 2.00 ms | 1.00× | 1,000 µs · 1,000 µs · 1,000 µs | 7 · 7 · 7 "
                        + "| 30 MB · 30 MB · 30 MB | - · - · - | none |");
    }

    @Test
    void aioicesRssGrowthIsReadFromItsNote() {
        ScaleResult r = new ScaleResult("aioice", Scenario.TURN, 10, 10, 0, 0, false, 1, 1, 1, 1, 1, 7, 7, 2, -1, 1,
                -1, 1.0, "RSS grew 5120 bytes per live gathering; errors: x");
        assertThat(PeerComparison.rssGrowthPerGathering(r)).isEqualTo(5120);
        assertThat(PeerComparison.rssGrowthPerGathering(ScaleResult.crashed("aioice", Scenario.TURN, 10, "killed")))
                .isEqualTo(-1);
    }

    @Test
    void thePlotsArePngsWithTheSideBySideSeriesOnThem(@TempDir Path dir) throws Exception {
        report(true).plots(dir);

        for (String name : List.of("scale-wall.png", "scale-threads.png")) {
            BufferedImage image = ImageIO.read(dir.resolve(name).toFile());
            assertThat(image).as(name).isNotNull();
            assertThat(image.getWidth()).as(name).isEqualTo(900);
            assertThat(image.getHeight()).as(name).isEqualTo(560);
            // square markers and legend entries in each side-by-side contender's own colour
            assertThat(pixels(image, AIOICE)).as(name + ": aioice").isGreaterThan(40);
            assertThat(pixels(image, ICEFLUX_COLD_C1)).as(name + ": IceFlux cold, C1 only").isGreaterThan(40);
            assertThat(pixels(image, ICE4J_SIDE_BY_SIDE)).as(name + ": ice4j side by side").isGreaterThan(40);
        }
    }

    @Test
    void withoutTheSideBySideThePlotsHaveNoPeerSeries(@TempDir Path dir) throws Exception {
        report(false).plots(dir);

        for (String name : List.of("scale-wall.png", "scale-threads.png")) {
            BufferedImage image = ImageIO.read(dir.resolve(name).toFile());
            assertThat(pixels(image, AIOICE)).as(name).isZero();
        }
    }

    private static int pixels(BufferedImage image, Color color) {
        int count = 0;
        for (int x = 0; x < image.getWidth(); x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == (color.getRGB() & 0xFFFFFF)) {
                    count++;
                }
            }
        }
        return count;
    }
}
