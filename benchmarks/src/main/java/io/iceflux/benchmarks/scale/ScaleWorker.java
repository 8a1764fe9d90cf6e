package io.iceflux.benchmarks.scale;

import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One measuring process, forked by {@link ScaleMain} so that peaks of different runs do not mix. Prints one
 * result line ({@code SCALE ...} or {@code LATENCY ...}, tab-separated {@code key=value}) on standard output.
 *
 * <pre>
 * ScaleWorker mode=scale impl=iceflux scenario=turn n=500 host=10.77.0.2 port=3478 user=u pass=p [icmp=false]
 * ScaleWorker mode=bursts impl=iceflux scenario=turn n=500 bursts=5 warmup=3000 host=... port=... user=... pass=...
 * ScaleWorker mode=latency impl=ice4j scenario=stun runs=200 warmup=50 host=... port=... user=... pass=...
 * ScaleWorker mode=floor exchanges=1,2,3 runs=200 warmup=50 host=... port=...
 * ScaleWorker mode=burst n=1,10,100 rounds=3 host=... port=...
 * </pre>
 */
public final class ScaleWorker {

    private ScaleWorker() {
    }

    /**
     * Run what the {@code key=value} arguments say and print its result lines, then exit (ice4j leaves threads
     * behind).
     *
     * @throws IllegalArgumentException naming the argument that is missing or malformed
     */
    public static void main(String[] args) {
        List<String> lines = run(parse(args));
        PrintStream out = System.out;
        lines.forEach(out::println);
        out.flush();
        System.exit(0);
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("worker arguments are key=value, not '" + arg + "'");
            }
            options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return options;
    }

    /** Run one measurement and return its result lines. */
    static List<String> run(Map<String, String> o) {
        Target target = new Target(required(o, "host"), Integer.parseInt(required(o, "port")),
                o.getOrDefault("user", ""), o.getOrDefault("pass", ""),
                Boolean.parseBoolean(o.getOrDefault("loopback", "false")));
        int warmup = Integer.parseInt(o.getOrDefault("warmup", "20"));
        String mode = required(o, "mode");
        switch (mode) {
            case "floor" -> {
                int runs = Integer.parseInt(o.getOrDefault("runs", "200"));
                FloorProbe probe = new FloorProbe(target);
                return java.util.Arrays.stream(o.getOrDefault("exchanges", "1").split(","))
                        .map(k -> probe.measure(Integer.parseInt(k.trim()), warmup, runs).toLine())
                        .toList();
            }
            case "burst" -> {
                FloorProbe probe = new FloorProbe(target);
                int rounds = Integer.parseInt(o.getOrDefault("rounds", "3"));
                return java.util.Arrays.stream(required(o, "n").split(","))
                        .map(k -> probe.burst(Integer.parseInt(k.trim()), rounds).toLine())
                        .toList();
            }
            case "latency" -> {
                int runs = Integer.parseInt(o.getOrDefault("runs", "200"));
                Runner runner = runner(o, target);
                return List.of(runner.latency(Scenario.parse(required(o, "scenario")), warmup, runs).toLine());
            }
            case "scale" -> {
                Runner runner = runner(o, target);
                Duration timeout = Duration.ofSeconds(Long.parseLong(o.getOrDefault("timeout", "60")));
                return List.of(runner.scale(Scenario.parse(required(o, "scenario")),
                        Integer.parseInt(required(o, "n")), warmup, timeout).toLine());
            }
            case "bursts" -> {
                if (!(runner(o, target) instanceof IcefluxRunner iceflux)) {
                    throw new IllegalArgumentException("mode=bursts measures impl=iceflux only");
                }
                return iceflux.bursts(Scenario.parse(required(o, "scenario")), Integer.parseInt(required(o, "n")),
                        warmup, Integer.parseInt(o.getOrDefault("bursts", "5")),
                        Duration.ofSeconds(Long.parseLong(o.getOrDefault("timeout", "60"))));
            }
            default -> throw new IllegalArgumentException(
                    "mode must be floor, burst, bursts, latency or scale, not '" + mode + "'");
        }
    }

    static Runner runner(Map<String, String> o, Target target) {
        String impl = required(o, "impl");
        return switch (impl) {
            case IcefluxRunner.NAME -> new IcefluxRunner(target,
                    Integer.parseInt(o.getOrDefault("threads", String.valueOf(Runtime.getRuntime().availableProcessors()))),
                    Boolean.parseBoolean(o.getOrDefault("icmp", "true")));
            case Ice4jRunner.NAME -> new Ice4jRunner(target);
            default -> throw new IllegalArgumentException("impl must be iceflux or ice4j, not '" + impl + "'");
        };
    }

    private static String required(Map<String, String> o, String key) {
        String v = o.get(key);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("worker argument '" + key + "=...' is missing");
        }
        return v;
    }
}
