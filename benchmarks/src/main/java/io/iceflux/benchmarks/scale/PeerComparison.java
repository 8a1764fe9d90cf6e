package io.iceflux.benchmarks.scale;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * The side-by-side part of the harness: at each N, in each round, ice4j, aioice, IceFlux cold and IceFlux warm each run
 * N concurrent STUN + TURN/UDP gatherings in a process of their own against a freshly started coturn; a cell is the
 * median over the rounds. An extra contender, IceFlux cold with C1 only ({@code -XX:TieredStopAtLevel=1}, what a
 * short-lived process would use), is shown beside the cold one; the cold target is the default-JVM one.
 */
final class PeerComparison {

    /** One contender: which worker runs it and how many sequential gatherings it makes before the N. */
    enum Contender {
        /** ice4j, after one warm-up gathering. */
        ICE4J("ice4j", Ice4jRunner.NAME),
        /** aioice (Python, asyncio), after one warm-up gathering. */
        AIOICE("aioice", "aioice"),
        /** IceFlux in a fresh JVM after one warm-up gathering, as aioice gets. */
        ICEFLUX_COLD("IceFlux cold", IcefluxRunner.NAME),
        /**
         * IceFlux cold in a JVM without C2 ({@code -XX:TieredStopAtLevel=1}), as a short-lived process (the probe's
         * launcher) runs: additional information, not the cold target.
         */
        ICEFLUX_COLD_C1("IceFlux cold, C1 only", IcefluxRunner.NAME, "-XX:TieredStopAtLevel=1"),
        /** IceFlux after thousands of warm-up gatherings: a long-running application. */
        ICEFLUX_WARM("IceFlux warm", IcefluxRunner.NAME);

        private final String title;
        private final String worker;
        private final List<String> jvmOptions;

        Contender(String title, String worker, String... jvmOptions) {
            this.title = title;
            this.worker = worker;
            this.jvmOptions = List.of(jvmOptions);
        }

        /** The column heading. */
        String title() {
            return title;
        }

        /** The {@code impl=} of the worker that runs it. */
        String worker() {
            return worker;
        }

        /** JVM options the worker gets on top of the harness's own (empty for most). */
        List<String> jvmOptions() {
            return jvmOptions;
        }
    }

    /** One measurement: a contender at N in one round. */
    record Run(Contender contender, int n, int round, ScaleResult result) {
    }

    private final List<Run> runs;
    private final int coldWarmup;
    private final int warmWarmup;

    PeerComparison(List<Run> runs, int coldWarmup, int warmWarmup) {
        this.runs = List.copyOf(runs);
        this.coldWarmup = coldWarmup;
        this.warmWarmup = warmWarmup;
    }

    /** The warm-up gatherings the contender makes before the N. */
    static int warmup(Contender c, int coldWarmup, int warmWarmup) {
        return c == Contender.ICEFLUX_WARM ? warmWarmup : coldWarmup;
    }

    /** The N values measured, in order. */
    List<Integer> ns() {
        return runs.stream().map(Run::n).distinct().toList();
    }

    /** The median over the rounds of {@code value} for a contender at N, counting only rounds with a value. */
    Optional<Long> median(Contender c, int n, ToLongFunction<ScaleResult> value) {
        long[] values = runs.stream().filter(r -> r.contender() == c && r.n() == n)
                .mapToLong(r -> value.applyAsLong(r.result())).filter(v -> v >= 0).toArray();
        return values.length == 0 ? Optional.empty() : Optional.of(Stats.percentile(values, 50));
    }

    /** The median wall time of a contender at N, counting only clean rounds (every gathering got every candidate). */
    Optional<Long> wall(Contender c, int n) {
        long[] values = runs.stream().filter(r -> r.contender() == c && r.n() == n && r.result().clean())
                .mapToLong(r -> r.result().wallNanos()).toArray();
        return values.length == 0 ? Optional.empty() : Optional.of(Stats.percentile(values, 50));
    }

    /** Rounds of a contender at N that were not clean, as "k of r". */
    private String unclean(Contender c, int n) {
        List<Run> all = runs.stream().filter(r -> r.contender() == c && r.n() == n).toList();
        long bad = all.stream().filter(r -> !r.result().clean()).count();
        return bad == 0 ? "" : bad + " of " + all.size();
    }

    /** The number of rounds (the highest round measured). */
    int rounds() {
        return runs.stream().mapToInt(Run::round).max().orElse(0);
    }

    /** Whether the contender ran at all. */
    boolean measured(Contender c) {
        return runs.stream().anyMatch(r -> r.contender() == c);
    }

    /** Whether anything was measured. */
    boolean isEmpty() {
        return runs.isEmpty();
    }

    /** IceFlux's wall time at N over aioice's, from the medians, or empty when either is missing. */
    Optional<Double> ratioToAioice(Contender c, int n) {
        Optional<Long> ours = wall(c, n);
        Optional<Long> theirs = wall(Contender.AIOICE, n);
        if (ours.isEmpty() || theirs.isEmpty() || theirs.get() <= 0) {
            return Optional.empty();
        }
        return Optional.of((double) ours.get() / theirs.get());
    }

    /** The section of the report. */
    void markdown(StringBuilder md) {
        if (runs.isEmpty()) {
            return;
        }
        int rounds = rounds();
        md.append("## Side by side: ice4j, aioice, IceFlux (STUN + TURN/UDP, median of ").append(rounds)
                .append(" rounds)\n\n");
        md.append("Each cell is one process per (contender, N, round) against a coturn restarted just before it. "
                + "Cold: one warm-up gathering (").append(coldWarmup).append("), as aioice and ice4j get; warm: ")
                .append(String.format(Locale.ROOT, "%,d", warmWarmup)).append(" warm-up gatherings. "
                + "The ratio is IceFlux's wall time over aioice's (below 1: IceFlux is faster). Medians count only "
                + "rounds in which every gathering got every candidate; *unclean* says how many did not.\n\n");
        boolean c1 = measured(Contender.ICEFLUX_COLD_C1);
        md.append("| N | ice4j | aioice | IceFlux cold | × aioice | IceFlux warm | × aioice ")
                .append(c1 ? "| IceFlux cold, C1 only (extra) | × aioice " : "")
                .append("| CPU / gathering: aioice · cold").append(c1 ? " · cold C1" : "").append(" · warm "
                + "| OS threads: aioice · IceFlux cold · warm "
                + "| peak RSS: aioice · IceFlux cold · warm "
                + "| per live gathering: aioice RSS · IceFlux heap cold · warm | unclean rounds |\n")
                .append("|---|---|---|---|---|---|---|").append(c1 ? "---|---|" : "").append("---|---|---|---|---|\n");
        for (int n : ns()) {
            md.append("| ").append(String.format(Locale.ROOT, "%,d", n))
                    .append(" | ").append(ms(wall(Contender.ICE4J, n)))
                    .append(" | ").append(ms(wall(Contender.AIOICE, n)))
                    .append(" | ").append(ms(wall(Contender.ICEFLUX_COLD, n)))
                    .append(" | ").append(times(ratioToAioice(Contender.ICEFLUX_COLD, n)))
                    .append(" | ").append(ms(wall(Contender.ICEFLUX_WARM, n)))
                    .append(" | ").append(times(ratioToAioice(Contender.ICEFLUX_WARM, n)));
            if (c1) {
                md.append(" | ").append(ms(wall(Contender.ICEFLUX_COLD_C1, n)))
                        .append(" | ").append(times(ratioToAioice(Contender.ICEFLUX_COLD_C1, n)));
            }
            md.append(" | ").append(perGathering(Contender.AIOICE, n)).append(" · ")
                    .append(perGathering(Contender.ICEFLUX_COLD, n)).append(" · ");
            if (c1) {
                md.append(perGathering(Contender.ICEFLUX_COLD_C1, n)).append(" · ");
            }
            md.append(perGathering(Contender.ICEFLUX_WARM, n))
                    .append(" | ").append(count(median(Contender.AIOICE, n, ScaleResult::peakOsThreads)))
                    .append(" · ").append(count(median(Contender.ICEFLUX_COLD, n, ScaleResult::peakOsThreads)))
                    .append(" · ").append(count(median(Contender.ICEFLUX_WARM, n, ScaleResult::peakOsThreads)))
                    .append(" | ").append(mb(median(Contender.AIOICE, n, ScaleResult::peakRssBytes)))
                    .append(" · ").append(mb(median(Contender.ICEFLUX_COLD, n, ScaleResult::peakRssBytes)))
                    .append(" · ").append(mb(median(Contender.ICEFLUX_WARM, n, ScaleResult::peakRssBytes)))
                    .append(" | ").append(kb(median(Contender.AIOICE, n, PeerComparison::rssGrowthPerGathering)))
                    .append(" · ").append(kb(median(Contender.ICEFLUX_COLD, n,
                            ScaleResult::retainedBytesPerGathering)))
                    .append(" · ").append(kb(median(Contender.ICEFLUX_WARM, n,
                            ScaleResult::retainedBytesPerGathering)))
                    .append(" | ").append(uncleanCell(n)).append(" |\n");
        }
        md.append('\n');
        md.append("*Per live gathering*: aioice, how much its RSS grew from before the N gatherings to when all N "
                + "were done and still open (Python has no heap figure like the JVM's); IceFlux, the heap still "
                + "reachable per live gathering after full GCs (session mode, sockets, allocation and refresh timer "
                + "held). Not the same measure: RSS also holds the allocator's and the interpreter's growth.");
        if (c1) {
            md.append(" *IceFlux cold, C1 only*: the cold worker with `-XX:TieredStopAtLevel=1` added (no C2, as the "
                    + "probe's launcher runs a short-lived process); additional information: the issue's cold target "
                    + "is the default-JVM cold column.");
        }
        md.append("\n\n");
    }

    private String uncleanCell(int n) {
        List<String> parts = new ArrayList<>();
        for (Contender c : Contender.values()) {
            String u = unclean(c, n);
            if (!u.isEmpty()) {
                parts.add(c.title() + " " + u);
            }
        }
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    private String perGathering(Contender c, int n) {
        return median(c, n, ScaleResult::cpuNanos)
                .map(cpu -> String.format(Locale.ROOT, "%,.0f µs", cpu / 1e3 / n)).orElse("-");
    }

    private static String ms(Optional<Long> nanos) {
        return nanos.map(ScaleReport::ms).orElse("-");
    }

    private static String times(Optional<Double> ratio) {
        return ratio.map(r -> String.format(Locale.ROOT, "%.2f×", r)).orElse("-");
    }

    private static String count(Optional<Long> v) {
        return v.map(x -> String.format(Locale.ROOT, "%,d", x)).orElse("-");
    }

    /** aioice's RSS growth per live gathering, from its note ("RSS grew B bytes per live gathering"), or -1. */
    static long rssGrowthPerGathering(ScaleResult r) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("RSS grew (-?\\d+) bytes per live gathering")
                .matcher(r.note());
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static String kb(Optional<Long> bytes) {
        return bytes.map(b -> String.format(Locale.ROOT, "%,.1f KB", b / 1024.0)).orElse("-");
    }

    private static String mb(Optional<Long> bytes) {
        return bytes.map(b -> String.format(Locale.ROOT, "%,.0f MB", b / 1048576.0)).orElse("-");
    }
}
