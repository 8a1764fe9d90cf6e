package io.iceflux.benchmarks.scale;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Turns the measurements into {@code RESULTS-scale.md} and the two PNG plots. */
final class ScaleReport {

    private final Map<String, String> options;
    private final List<LatencyResult> floor;
    private final List<LatencyResult> latency;
    private final List<LatencyResult> burst;
    private final List<ScaleResult> scale;
    private final String ice4jStopped;
    private final PeerComparison peers;
    private final List<String> jvm;
    private final int cores = Runtime.getRuntime().availableProcessors();

    ScaleReport(Map<String, String> options, List<LatencyResult> floor, List<LatencyResult> latency,
            List<LatencyResult> burst, List<ScaleResult> scale, String ice4jStopped, PeerComparison peers,
            List<String> jvm) {
        this.peers = peers;
        this.burst = burst;
        this.options = options;
        this.floor = floor;
        this.latency = latency;
        this.scale = scale;
        this.ice4jStopped = ice4jStopped;
        this.jvm = jvm;
    }

    /** The whole report. */
    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# IceFlux scale and latency, side by side with ice4j and aioice\n\n");
        md.append("Written by the harness (`benchmarks/scale.sh`); every number below comes from one run of it.\n\n");
        md.append("- Command: `").append(options.getOrDefault("command", "benchmarks/scale.sh")).append("`\n");
        md.append("- Date: ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append('\n');
        md.append("- Cores (nproc): ").append(cores).append('\n');
        md.append("- Worker JVM options (both implementations): `").append(String.join(" ", jvm)).append("`")
                .append(peers.measured(PeerComparison.Contender.ICEFLUX_COLD_C1)
                        ? "; the side by side's *IceFlux cold, C1 only* adds `-XX:TieredStopAtLevel=1`" : "")
                .append('\n');
        md.append("- ice4j: `org.jitsi:ice4j:3.2-15-g6da2b08`, options `")
                .append(String.join(" ", Ice4jRunner.SYSTEM_PROPERTIES)).append("`\n\n");
        String env = options.get("env");
        if (env != null) {
            try {
                md.append("```\n").append(Files.readString(Path.of(env)).strip()).append("\n```\n\n");
            } catch (IOException e) {
                md.append("(machine facts file ").append(env).append(" unreadable: ").append(e).append(")\n\n");
            }
        }
        md.append("""
                Setup: two network namespaces joined by a veth pair, coturn in one (10.77.0.2), every worker JVM in \
                the other (10.77.0.1), so ice4j (which ignores loopback) and IceFlux see the same non-loopback host \
                address. There is no NAT (this kernel has neither netfilter NAT nor tc `act_nat`), so the \
                server-reflexive address equals the host address: IceFlux reports it anyway; ice4j drops it as \
                redundant, so for ice4j the Binding counts as answered when its harvest reads a mapped address from \
                the response. Each (implementation, N) runs in its own JVM; IceFlux uses one `NettyIceGatherer` with \
                `threads(nproc)`, N gatherings subscribed at once through one `flatMap`; ice4j uses an `Agent` per \
                gathering on a caller thread per gathering (`createComponent` blocks), `free()` at the end.

                """);
        latencySection(md);
        peers.markdown(md);
        scaleSection(md);
        targetsSection(md);
        md.append("""
                ## How it is measured

                - *Floor*: k STUN Binding exchanges one after the other over a plain blocking `DatagramChannel` to \
                the same coturn, measured by the harness. *Raw floor at N*: N non-blocking sockets each send one \
                Binding at once and one thread collects the N answers on a selector: what the server and the \
                machine allow for N at once, with no library in between. A STUN gathering is 1 exchange; a TURN gathering is 3 \
                (Binding, Allocate answered 401, authenticated Allocate), of which 2 are sequential (the Binding \
                runs beside the Allocates), so its floor is 2 sequential exchanges (3 shown for reference). A \
                Binding costs coturn less than an Allocate, so the TURN floor is optimistic.
                - *One gathering*: IceFlux from `gather()` subscription to `EndOfCandidates` (socket opening \
                included); ice4j from `new Agent()` to `createComponent` returning (host harvesting and socket \
                binding included); `Agent.free()` and IceFlux's release are not timed. Warm-up runs first.
                - *Wall*: from the first gathering's start to the last one's end, after sequential warm-up \
                gatherings in the same JVM (`--scale-warmup`, default 200) so that the JIT has compiled the hot paths. *p50/p99*: each gathering from its own start to its own end.
                - *All started after*: from the first gathering's start to the last one's (IceFlux: subscribing \
                N gatherings from one thread; ice4j: starting N caller threads). *CPU used*: CPU time (user + \
                system, all threads) of the worker process from the first start to the last end, from \
                `OperatingSystemMXBean.getProcessCpuTime()`; on a shared machine it says more than wall time.
                - *Threads*: peak Java threads (`ThreadMXBean` peak, exact) and peak OS threads of the process \
                (`/proc/self/status` `Threads`, sampled every 5 ms; includes the JVM's GC, compiler and service \
                threads). Sampling runs on the thread that waits for the gatherings, so it adds no thread.
                - *Heap*: peak used heap sampled every 5 ms; *RSS*: the kernel's `VmHWM` (whole process life).
                - *Retained per gathering*: after warm-up, full GCs, used heap H0; the N gatherings run and are kept \
                alive after their last candidate (IceFlux: session mode `gather(config, Flux.never())`, holding \
                sockets, allocation and refresh timer; ice4j: the agent before `free()`, with its caller thread); \
                full GCs, used heap H1; retained = (H1 − H0) / N. Heap only: thread stacks and direct buffers are in \
                RSS, not here.
                - *Load*: the machine's 1-minute load average (`/proc/loadavg`) when the row's gatherings were done. \
                With a load above the core count every thread waits for a core; the Linux scheduler shares CPU per \
                thread, so a process with thousands of threads (ice4j) gets a larger share than one with a few. \
                Compare rows with a similar load, and CPU used rather than wall time.
                - *Failures*: a gathering without its server-reflexive (and, for TURN, relayed) candidate, with an \
                error, or not done in time. *Relay failures*: TURN gatherings without a relayed candidate.

                """);
        md.append("![wall time against N](scale-wall.png)\n\n![threads against N](scale-threads.png)\n");
        return md.toString();
    }

    private void latencySection(StringBuilder md) {
        md.append("## One gathering (").append(latency.isEmpty() ? 0 : latency.get(0).runs())
                .append(" runs after warm-up)\n\n");
        md.append("| exchanges in a row | floor median | floor p99 |\n|---|---|---|\n");
        for (LatencyResult f : floor) {
            md.append("| ").append(f.label()).append(" | ").append(ms(f.medianNanos())).append(" | ")
                    .append(ms(f.p99Nanos())).append(" |\n");
        }
        md.append("\n| scenario | floor (sequential exchanges) | IceFlux median | IceFlux p99 | IceFlux / floor "
                + "| ice4j median | ice4j p99 | ice4j / IceFlux | failures (IceFlux / ice4j) |\n"
                + "|---|---|---|---|---|---|---|---|---|\n");
        for (Scenario s : Scenario.values()) {
            LatencyResult ours = latency(IcefluxRunner.NAME, s);
            LatencyResult theirs = latency(Ice4jRunner.NAME, s);
            long fl = floorNanos(s.sequentialExchanges());
            md.append("| ").append(s == Scenario.STUN ? "host + srflx (STUN/UDP)" : "host + srflx + relay (TURN/UDP)")
                    .append(" | ").append(ms(fl)).append(" (").append(s.sequentialExchanges()).append(") | ")
                    .append(ms(ours == null ? -1 : ours.medianNanos())).append(" | ")
                    .append(ms(ours == null ? -1 : ours.p99Nanos())).append(" | ")
                    .append(ratio(ours == null ? -1 : ours.medianNanos(), fl)).append(" | ")
                    .append(ms(theirs == null ? -1 : theirs.medianNanos())).append(" | ")
                    .append(ms(theirs == null ? -1 : theirs.p99Nanos())).append(" | ")
                    .append(ratio(theirs == null ? -1 : theirs.medianNanos(), ours == null ? -1 : ours.medianNanos()))
                    .append(" | ").append(ours == null ? "-" : ours.failures()).append(" / ")
                    .append(theirs == null ? "-" : theirs.failures()).append(" |\n");
        }
        md.append('\n');
    }

    private void scaleSection(StringBuilder md) {
        md.append("## N concurrent gatherings (one JVM per row)\n\n");
        md.append("Raw floor at N: N plain sockets send one Binding each at once, one thread collects the answers "
                + "(median of 3):\n\n| N | N Bindings at once |\n|---|---|\n");
        for (LatencyResult b : burst) {
            md.append("| ").append(String.format(Locale.ROOT, "%,d", Integer.parseInt(b.label().substring(6))))
                    .append(" | ").append(ms(b.medianNanos())).append(b.failures() > 0 ? " (" + b.failures()
                            + " of " + b.runs() + " rounds lost answers)" : "").append(" |\n");
        }
        md.append('\n');
        md.append("| scenario | N | impl | wall | p50 | p99 | all started after | CPU used | CPU / gathering "
                + "| failures (relay) "
                + "| peak Java threads | peak OS threads | peak heap | peak RSS | retained / gathering | load | note |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (ScaleResult r : scale) {
            md.append("| ").append(r.scenario() == Scenario.TURN ? "STUN+TURN" : "STUN").append(" | ")
                    .append(String.format(Locale.ROOT, "%,d", r.n())).append(" | ").append(r.implementation())
                    .append(" | ").append(ms(r.wallNanos())).append(" | ").append(ms(r.p50Nanos())).append(" | ")
                    .append(ms(r.p99Nanos())).append(" | ").append(ms(r.startSpreadNanos())).append(" | ")
                    .append(ms(r.cpuNanos())).append(" | ").append(r.cpuNanos() < 0 ? "-"
                            : String.format(Locale.ROOT, "%,.0f µs", r.cpuNanos() / 1e3 / r.n()))
                    .append(" | ").append(r.failures()).append(" (")
                    .append(r.relayFailures()).append(") | ").append(count(r.peakJavaThreads())).append(" | ")
                    .append(count(r.peakOsThreads())).append(" | ").append(mb(r.peakHeapBytes())).append(" | ")
                    .append(mb(r.peakRssBytes())).append(" | ").append(kb(r.retainedBytesPerGathering()))
                    .append(" | ").append(r.loadAverage() < 0 ? "-" : String.format(Locale.ROOT, "%.1f",
                            r.loadAverage()))
                    .append(" | ").append(r.note().replace('|', '/')).append(" |\n");
        }
        if (ice4jStopped != null) {
            md.append("\nice4j was not run beyond ").append(ice4jStopped)
                    .append(" (timed out, crashed or failed more than half of its gatherings there).\n");
        }
        md.append('\n');
    }

    private void targetsSection(StringBuilder md) {
        int threadBudget = 2 * cores + 8;
        md.append("## Targets\n\n| target | measured | met |\n|---|---|---|\n");
        peerTargets(md);
        Optional<ScaleResult> ours500 = find(IcefluxRunner.NAME, Scenario.TURN, 500);
        Optional<ScaleResult> theirs500 = find(Ice4jRunner.NAME, Scenario.TURN, 500);
        ours500.ifPresent(o -> {
            theirs500.ifPresent(t -> target(md, "N = 500 wall ≤ 1/10 of ice4j's (" + ms(t.wallNanos())
                    + " in this run)", ms(o.wallNanos()) + " (" + ratio(t.wallNanos(), o.wallNanos()) + " faster)",
                    o.clean() && t.wallNanos() > 0 && o.wallNanos() * 10 <= t.wallNanos()));
            target(md, "N = 500 threads ≤ 2 × cores + 8 = " + threadBudget, o.peakJavaThreads()
                    + " Java threads (" + o.peakOsThreads() + " OS threads incl. JVM GC/compiler/service)",
                    o.peakJavaThreads() <= threadBudget);
        });
        find(IcefluxRunner.NAME, Scenario.STUN, 10_000).ifPresent(o -> {
            int least = scale.stream().filter(r -> r.implementation().equals(IcefluxRunner.NAME))
                    .mapToInt(ScaleResult::peakJavaThreads).filter(t -> t > 0).min().orElse(-1);
            target(md, "N = 10,000 STUN: no failures", o.failures() + " failures, " + o.completed() + " completed",
                    o.clean());
            target(md, "N = 10,000 STUN: no growth in threads", o.peakJavaThreads() + " Java threads at 10,000 vs "
                    + least + " at the smallest N", o.peakJavaThreads() > 0 && o.peakJavaThreads() <= least);
        });
        for (Scenario s : Scenario.values()) {
            LatencyResult ours = latency(IcefluxRunner.NAME, s);
            long fl = floorNanos(s.sequentialExchanges());
            if (ours != null && fl > 0) {
                target(md, "one " + s.id().toUpperCase(Locale.ROOT) + " gathering ≤ 2 × floor (" + ms(fl) + ")",
                        ms(ours.medianNanos()) + " median (" + ratio(ours.medianNanos(), fl) + ")",
                        ours.medianNanos() > 0 && ours.medianNanos() <= 2 * fl);
            }
        }
        md.append('\n');
    }

    /** Issue 13's targets against aioice, from the side-by-side medians. */
    private void peerTargets(StringBuilder md) {
        for (int n : peers.ns()) {
            boolean big = n >= 500;
            if (n == 1 || n == 100 || big) {
                double warmLimit = n == 1 ? 1.0 : n == 100 ? 0.7 : 0.5;
                peers.ratioToAioice(PeerComparison.Contender.ICEFLUX_WARM, n).ifPresent(r -> target(md,
                        "N = " + n + " warm ≤ " + warmLimit + "× aioice", String.format(Locale.ROOT, "%.2f×", r),
                        r <= warmLimit));
            }
            if (big) {
                peers.ratioToAioice(PeerComparison.Contender.ICEFLUX_COLD, n).ifPresent(r -> target(md,
                        "N = " + n + " cold ≤ 1.0× aioice", String.format(Locale.ROOT, "%.2f×", r), r <= 1.0));
            }
        }
    }

    private static void target(StringBuilder md, String what, String measured, boolean met) {
        md.append("| ").append(what).append(" | ").append(measured).append(" | ").append(met ? "yes" : "**no**")
                .append(" |\n");
    }

    /**
     * Draw {@code scale-wall.png} and {@code scale-threads.png} into {@code dir}: the harness's own rows (round
     * markers) and, when the side by side ran, its medians (square markers) for ice4j, aioice and IceFlux cold, cold
     * with C1 only and warm.
     */
    void plots(Path dir) {
        int threadBudget = 2 * cores + 8;
        List<String> notes = peers.isEmpty() ? List.of()
                : List.of("round: harness rows, " + options.getOrDefault("scale-warmup", "200") + " warm-ups",
                        "square: side by side, median of " + rounds(),
                        "  (cold: 1 warm-up, warm: " + options.getOrDefault("warm-warmup", "3000") + ")");
        ScalePlot.draw(dir.resolve("scale-wall.png"), "Wall time of N concurrent gatherings (" + cores + " cores)",
                "wall time, ms", withPeers(withBurst(series(r -> r.wallNanos() / 1e6)),
                        (c, n) -> peers.wall(c, n).map(w -> w / 1e6)), List.of(), notes);
        List<String> threadNotes = peers.isEmpty() ? List.of("Java threads")
                : List.of("round: harness rows, Java threads", "square: side by side, OS threads",
                        "  (JVM's GC/JIT threads included),", "  median of " + rounds());
        ScalePlot.draw(dir.resolve("scale-threads.png"), peers.isEmpty()
                        ? "Peak Java threads of N concurrent gatherings" : "Peak threads of N concurrent gatherings",
                peers.isEmpty() ? "peak Java threads" : "peak threads",
                withPeers(series(r -> r.peakJavaThreads()),
                        (c, n) -> peers.median(c, n, ScaleResult::peakOsThreads).map(Long::doubleValue)),
                List.of(new ScalePlot.Reference("2 x cores + 8 = " + threadBudget, threadBudget)), threadNotes);
    }

    private int rounds() {
        return peers.rounds();
    }

    /**
     * The side-by-side medians of ice4j, aioice and IceFlux cold, cold with C1 only and warm, when they were
     * measured, as square-marked series; {@code value} gives a contender's median at N in the plot's unit.
     */
    private List<ScalePlot.Series> withPeers(List<ScalePlot.Series> series,
            java.util.function.BiFunction<PeerComparison.Contender, Integer, Optional<Double>> value) {
        List<ScalePlot.Series> all = new ArrayList<>(series);
        for (PeerComparison.Contender c : List.of(PeerComparison.Contender.ICE4J, PeerComparison.Contender.AIOICE,
                PeerComparison.Contender.ICEFLUX_COLD, PeerComparison.Contender.ICEFLUX_COLD_C1,
                PeerComparison.Contender.ICEFLUX_WARM)) {
            List<double[]> points = new ArrayList<>();
            for (int n : peers.ns()) {
                value.apply(c, n).ifPresent(v -> points.add(new double[] {n, v}));
            }
            if (!points.isEmpty()) {
                Color color = switch (c) {
                    case ICE4J -> new Color(230, 159, 0);
                    case AIOICE -> new Color(0, 158, 115);
                    case ICEFLUX_COLD -> new Color(86, 180, 233);
                    case ICEFLUX_COLD_C1 -> new Color(204, 121, 167);
                    case ICEFLUX_WARM -> new Color(0, 70, 140);
                };
                all.add(new ScalePlot.Series(c.title(), color, false, points, true));
            }
        }
        return all;
    }

    private List<ScalePlot.Series> withBurst(List<ScalePlot.Series> series) {
        List<double[]> points = new ArrayList<>();
        for (LatencyResult b : burst) {
            points.add(new double[] {Integer.parseInt(b.label().substring(6)), b.medianNanos() / 1e6});
        }
        List<ScalePlot.Series> all = new ArrayList<>(series);
        if (!points.isEmpty()) {
            all.add(new ScalePlot.Series("raw: N Bindings at once", new Color(90, 90, 90), true, points));
        }
        return all;
    }

    private List<ScalePlot.Series> series(java.util.function.ToDoubleFunction<ScaleResult> value) {
        List<ScalePlot.Series> all = new ArrayList<>();
        Color ours = new Color(0, 114, 178);
        Color theirs = new Color(213, 94, 0);
        for (String impl : List.of(IcefluxRunner.NAME, Ice4jRunner.NAME)) {
            for (Scenario s : List.of(Scenario.TURN, Scenario.STUN)) {
                List<double[]> points = new ArrayList<>();
                for (ScaleResult r : scale) {
                    if (r.implementation().equals(impl) && r.scenario() == s && r.completed() > 0) {
                        points.add(new double[] {r.n(), value.applyAsDouble(r), r.clean() ? 0 : 1});
                    }
                }
                if (!points.isEmpty()) {
                    String name = (impl.equals(IcefluxRunner.NAME) ? "IceFlux" : "ice4j")
                            + (s == Scenario.TURN ? " STUN+TURN" : " STUN only");
                    all.add(new ScalePlot.Series(name, impl.equals(IcefluxRunner.NAME) ? ours : theirs,
                            s == Scenario.STUN, points));
                }
            }
        }
        return all;
    }

    private Optional<ScaleResult> find(String impl, Scenario scenario, int n) {
        return scale.stream().filter(r -> r.implementation().equals(impl) && r.scenario() == scenario && r.n() == n)
                .findFirst();
    }

    private LatencyResult latency(String impl, Scenario scenario) {
        return latency.stream().filter(r -> r.implementation().equals(impl) && r.label().equals(scenario.id()))
                .findFirst().orElse(null);
    }

    private long floorNanos(int exchanges) {
        String prefix = exchanges + " exchange";
        return floor.stream().filter(f -> f.label().startsWith(prefix)).mapToLong(LatencyResult::medianNanos)
                .findFirst().orElse(-1);
    }

    static String ms(long nanos) {
        if (nanos < 0) {
            return "-";
        }
        double ms = nanos / 1e6;
        return ms >= 100 ? String.format(Locale.ROOT, "%,.0f ms", ms) : String.format(Locale.ROOT, "%.2f ms", ms);
    }

    static String ratio(long a, long b) {
        if (a <= 0 || b <= 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.1f×", (double) a / b);
    }

    private static String count(int v) {
        return v < 0 ? "-" : String.format(Locale.ROOT, "%,d", v);
    }

    private static String mb(long bytes) {
        return bytes < 0 ? "-" : String.format(Locale.ROOT, "%,.0f MB", bytes / 1048576.0);
    }

    private static String kb(long bytes) {
        return bytes < 0 ? "-" : String.format(Locale.ROOT, "%,.1f KB", bytes / 1024.0);
    }
}
