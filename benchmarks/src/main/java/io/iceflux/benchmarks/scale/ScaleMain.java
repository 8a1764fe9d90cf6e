package io.iceflux.benchmarks.scale;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The driver of the latency and scale harness ({@code benchmarks/scale.sh} starts it inside the client network
 * namespace): forks one {@link ScaleWorker} JVM per measurement, IceFlux and ice4j alternating against the same
 * coturn, then writes {@code RESULTS-scale.md} and the PNG plots.
 *
 * <p>Options ({@code --name value}): {@code host}, {@code port}, {@code user}, {@code pass} (the coturn),
 * {@code out} (directory for the report and plots), {@code env} (a text file with the machine facts to quote),
 * {@code command} (the command line to quote), {@code runs}/{@code warmup} (latency repetitions, default
 * 200/1000), {@code scale-warmup} (sequential gatherings before each scale run, default 200),
 * {@code turn-n} (default {@code 1,10,100,500,1000}), {@code stun-n} (default {@code 5000,10000}),
 * {@code timeout} (seconds one scale run may take, default 60), {@code logs} (directory for worker stderr);
 * for the side-by-side comparison ({@link PeerComparison}): {@code peer-n} (default {@code 1,100,500,1000}; empty
 * skips it), {@code rounds} (default 3), {@code cold-warmup} (default 1), {@code warm-warmup} (default 3000),
 * {@code cold-c1} (default {@code true}: also run IceFlux cold in a JVM with {@code -XX:TieredStopAtLevel=1}, shown
 * beside the default-JVM cold row, which stays the target),
 * {@code aioice} (the path of {@code aioice_worker.py}; without it aioice is not run), {@code python} (default
 * {@code /usr/bin/python3}, where Debian's {@code python3-aioice} is), {@code restart-server} (a shell command run
 * before every side-by-side measurement that restarts coturn and returns once it listens; without it the same
 * coturn serves every run).
 */
public final class ScaleMain {

    /** The JVM options of every worker, both implementations alike. */
    static final List<String> WORKER_JVM = List.of("-XX:+UseSerialGC", "-Xms256m", "-Xmx4g",
            "-XX:-OmitStackTraceInFastThrow");

    private final Map<String, String> options;
    private final Path logs;
    private int workerCount;

    private ScaleMain(Map<String, String> options) {
        this.options = options;
        this.logs = Path.of(options.getOrDefault("logs", System.getProperty("java.io.tmpdir")));
    }

    /**
     * Run the whole harness and write the report.
     *
     * @throws IllegalArgumentException naming a malformed option
     */
    public static void main(String[] args) throws IOException {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("options are '--name value' pairs; '" + args[i]
                        + "' is not followed by a value or does not start with --");
            }
            options.put(args[i].substring(2), args[++i]);
        }
        new ScaleMain(options).run();
        System.exit(0);
    }

    private void run() throws IOException {
        Files.createDirectories(logs);
        Path out = Path.of(options.getOrDefault("out", "."));
        Files.createDirectories(out);
        int runs = Integer.parseInt(options.getOrDefault("runs", "200"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "1000"));
        int scaleWarmup = Integer.parseInt(options.getOrDefault("scale-warmup", "200"));
        int timeout = Integer.parseInt(options.getOrDefault("timeout", "60"));
        List<String> server = List.of("host=" + required("host"), "port=" + required("port"),
                "user=" + options.getOrDefault("user", ""), "pass=" + options.getOrDefault("pass", ""));

        List<LatencyResult> floor = new ArrayList<>();
        for (String line : fork(args(server, "mode=floor", "exchanges=1,2,3", "runs=" + runs, "warmup=" + warmup),
                120)) {
            LatencyResult r = LatencyResult.parse(line);
            if (r != null) {
                floor.add(r);
            }
        }
        List<LatencyResult> latency = new ArrayList<>();
        for (Scenario scenario : Scenario.values()) {
            for (String impl : List.of(IcefluxRunner.NAME, Ice4jRunner.NAME)) {
                List<String> lines = fork(args(server, "mode=latency", "impl=" + impl, "scenario=" + scenario.id(),
                        "runs=" + runs, "warmup=" + warmup), 300);
                lines.stream().map(LatencyResult::parse).filter(r -> r != null).findFirst().ifPresentOrElse(
                        latency::add, () -> latency.add(new LatencyResult(impl, scenario.id(), runs, runs, -1, -1)));
            }
        }

        List<int[]> plan = new ArrayList<>();
        for (int n : ints(options.getOrDefault("turn-n", "1,10,100,500,1000"))) {
            plan.add(new int[] {Scenario.TURN.ordinal(), n});
        }
        for (int n : ints(options.getOrDefault("stun-n", "5000,10000"))) {
            plan.add(new int[] {Scenario.STUN.ordinal(), n});
        }
        List<LatencyResult> burst = new ArrayList<>();
        String allN = plan.stream().map(step -> String.valueOf(step[1])).distinct()
                .reduce((a, b) -> a + "," + b).orElse("1");
        for (String line : fork(args(server, "mode=burst", "n=" + allN, "rounds=3"), 300)) {
            LatencyResult r = LatencyResult.parse(line);
            if (r != null) {
                burst.add(r);
            }
        }
        List<ScaleResult> scale = new ArrayList<>();
        String ice4jStopped = null;
        for (int[] step : plan) {
            Scenario scenario = Scenario.values()[step[0]];
            int n = step[1];
            scale.add(scaleRun(server, IcefluxRunner.NAME, scenario, n, timeout, scaleWarmup));
            if (ice4jStopped == null) {
                ScaleResult r = scaleRun(server, Ice4jRunner.NAME, scenario, n, timeout, scaleWarmup);
                scale.add(r);
                if (r.timedOut() || r.completed() < n || r.failures() * 2 > n
                        || r.wallNanos() > TimeUnit.SECONDS.toNanos(timeout)) {
                    ice4jStopped = scenario.id() + " N=" + n;
                }
            }
        }

        PeerComparison peers = peers(server, timeout);
        ScaleReport report = new ScaleReport(options, floor, latency, burst, scale, ice4jStopped, peers,
                WORKER_JVM);
        Files.writeString(out.resolve("RESULTS-scale.md"), report.markdown(), StandardCharsets.UTF_8);
        report.plots(out);
        System.out.println(report.markdown());
    }

    /**
     * At each N, {@code rounds} times: each contender against a restarted coturn, in the order the enum lists them,
     * so that every contender sees the machine in every state a round goes through.
     */
    private PeerComparison peers(List<String> server, int timeout) {
        int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
        int coldWarmup = Integer.parseInt(options.getOrDefault("cold-warmup", "1"));
        int warmWarmup = Integer.parseInt(options.getOrDefault("warm-warmup", "3000"));
        List<PeerComparison.Run> runs = new ArrayList<>();
        for (int n : ints(options.getOrDefault("peer-n", "1,100,500,1000"))) {
            for (int round = 1; round <= rounds; round++) {
                for (PeerComparison.Contender c : PeerComparison.Contender.values()) {
                    if (c == PeerComparison.Contender.AIOICE && !options.containsKey("aioice")
                            || c == PeerComparison.Contender.ICEFLUX_COLD_C1
                            && !Boolean.parseBoolean(options.getOrDefault("cold-c1", "true"))) {
                        continue;
                    }
                    restartServer();
                    int warmup = PeerComparison.warmup(c, coldWarmup, warmWarmup);
                    ScaleResult r = scaleRun(server, c.worker(), Scenario.TURN, n, timeout, warmup, c.jvmOptions());
                    System.err.printf("  (%s, round %d)%n", c.title(), round);
                    runs.add(new PeerComparison.Run(c, n, round, r));
                }
            }
        }
        return new PeerComparison(runs, coldWarmup, warmWarmup);
    }

    /** Run the {@code restart-server} command, if any, and wait for it (at most a minute). */
    private void restartServer() {
        String command = options.get("restart-server");
        if (command == null) {
            return;
        }
        try {
            Process p = new ProcessBuilder("bash", "-c", command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve("restart-server.log").toFile()))
                    .start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("restart-server command failed or hung: see "
                        + logs.resolve("restart-server.log"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run the restart-server command", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while restarting the server", e);
        }
    }

    private ScaleResult scaleRun(List<String> server, String impl, Scenario scenario, int n, int timeout,
            int warmup) {
        return scaleRun(server, impl, scenario, n, timeout, warmup, List.of());
    }

    private ScaleResult scaleRun(List<String> server, String impl, Scenario scenario, int n, int timeout,
            int warmup, List<String> jvmOptions) {
        List<String> lines = fork(args(server, "mode=scale", "impl=" + impl, "scenario=" + scenario.id(), "n=" + n,
                "timeout=" + timeout, "warmup=" + warmup), timeout + 180, jvmOptions);
        for (String line : lines) {
            ScaleResult r = ScaleResult.parse(line);
            if (r != null) {
                System.err.printf("%-8s %-4s N=%-6d wall %8.1f ms  p50 %8.1f ms  failures %d  threads %d/%d%n",
                        impl, scenario.id(), n, r.wallNanos() / 1e6, r.p50Nanos() / 1e6, r.failures(),
                        r.peakJavaThreads(), r.peakOsThreads());
                return r;
            }
        }
        String note = lines.isEmpty() ? "worker printed nothing" : lines.get(lines.size() - 1);
        if (note.contains(": worker ")) {
            note = note.substring(0, note.indexOf(": worker ")) + " (no output)";
        }
        System.err.printf("%-8s %-4s N=%-6d FAILED: %s%n", impl, scenario.id(), n, note);
        return ScaleResult.crashed(impl, scenario, n, note);
    }

    private static List<String> args(List<String> server, String... more) {
        List<String> all = new ArrayList<>(server);
        all.addAll(Arrays.asList(more));
        return all;
    }

    /**
     * Run one worker JVM and return its standard output lines; on a crash or timeout, the last line says what
     * happened.
     */
    private List<String> fork(List<String> workerArgs, int timeoutSeconds) {
        return fork(workerArgs, timeoutSeconds, List.of());
    }

    /** {@link #fork(List, int)} with JVM options on top of {@link #WORKER_JVM} (ignored for aioice). */
    private List<String> fork(List<String> workerArgs, int timeoutSeconds, List<String> jvmOptions) {
        List<String> command = new ArrayList<>();
        if (workerArgs.contains("impl=aioice")) {
            command.add(options.getOrDefault("python", "/usr/bin/python3"));
            command.add(required("aioice"));
        } else {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(WORKER_JVM);
            command.addAll(jvmOptions);
            command.addAll(Arrays.asList(Ice4jRunner.SYSTEM_PROPERTIES));
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(ScaleWorker.class.getName());
        }
        command.addAll(workerArgs);
        Path log = logs.resolve("worker-" + (++workerCount) + ".log");
        List<String> lines = new ArrayList<>();
        try {
            Files.writeString(log, "worker " + (jvmOptions.isEmpty() ? "" : String.join(" ", jvmOptions) + " ")
                    + workerArgs.stream().filter(a -> !a.startsWith("pass="))
                    .collect(java.util.stream.Collectors.joining(" ")) + "\n");
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        synchronized (lines) {
                            lines.add(line);
                        }
                    }
                } catch (IOException e) {
                    // the process died; what it printed so far is kept
                }
            }, "worker-output");
            reader.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                reader.join(Duration.ofSeconds(5).toMillis());
                synchronized (lines) {
                    lines.add("worker killed after " + timeoutSeconds + " s (log " + log + ")");
                    return new ArrayList<>(lines);
                }
            }
            reader.join(Duration.ofSeconds(5).toMillis());
            synchronized (lines) {
                if (p.exitValue() != 0) {
                    lines.add("worker exited with status " + p.exitValue() + ": " + lastLine(log));
                }
                return new ArrayList<>(lines);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a worker JVM", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a worker", e);
        }
    }

    private static String lastLine(Path log) throws IOException {
        List<String> all = Files.readAllLines(log);
        for (int i = all.size() - 1; i >= 0; i--) {
            String l = all.get(i).trim();
            if (!l.isEmpty() && !l.startsWith("at ")) {
                return l;
            }
        }
        return "(no output)";
    }

    private String required(String name) {
        String v = options.get(name);
        if (v == null) {
            throw new IllegalArgumentException("option --" + name + " is missing");
        }
        return v;
    }

    private static int[] ints(String list) {
        if (list.isBlank()) {
            return new int[0];
        }
        return Arrays.stream(list.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    }
}
