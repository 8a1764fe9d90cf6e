package io.iceflux.benchmarks.scale;

import static io.iceflux.benchmarks.scale.Outcomes.DONE;
import static io.iceflux.benchmarks.scale.Outcomes.ERROR;
import static io.iceflux.benchmarks.scale.Outcomes.RELAY;
import static io.iceflux.benchmarks.scale.Outcomes.SRFLX;
import static io.iceflux.benchmarks.scale.Outcomes.succeeded;

import io.iceflux.HostInterfaces;
import io.iceflux.IceCandidate;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceServer;
import io.iceflux.netty.NettyIceGatherer;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * IceFlux as an application would use it: one shared {@link NettyIceGatherer} on a fixed number of event-loop
 * threads, N gatherings subscribed at once through one {@code flatMap}; a gathering is done at its
 * {@link IceEvent.EndOfCandidates}.
 */
final class IcefluxRunner implements Runner {

    static final String NAME = "iceflux";


    private final Target target;
    private final int threads;
    private final boolean icmpFastFailure;

    IcefluxRunner(Target target, int threads) {
        this(target, threads, true);
    }

    /**
     * @param icmpFastFailure the gatherer's {@link NettyIceGatherer.Builder#icmpFastFailure(boolean)} (default
     *                        {@code true}; {@code false} saves the connected socket, one file descriptor per gathering)
     */
    IcefluxRunner(Target target, int threads, boolean icmpFastFailure) {
        this.target = target;
        this.threads = threads;
        this.icmpFastFailure = icmpFastFailure;
    }

    /** The configuration of one gathering: a STUN URL, or one UDP TURN URL (whose Binding gives the srflx). */
    IceConfiguration configuration(Scenario scenario) {
        HostInterfaces hosts = target.loopback()
                ? HostInterfaces.loopbackOnly().ipv4Only()
                : HostInterfaces.defaults().ipv4Only();
        String hostPort = target.host() + ":" + target.port();
        IceServer server = scenario == Scenario.STUN
                ? IceServer.of("stun:" + hostPort)
                : IceServer.of(List.of("turn:" + hostPort + "?transport=udp"), target.username(), target.password());
        return IceConfiguration.builder().server(server).hostInterfaces(hosts).build();
    }

    @Override
    public LatencyResult latency(Scenario scenario, int warmup, int runs) {
        try (NettyIceGatherer gatherer = gatherer()) {
            IceConfiguration config = configuration(scenario);
            long[] ok = new long[runs];
            int okCount = 0;
            int failures = 0;
            for (int i = 0; i < warmup + runs; i++) {
                long[] end = {0};
                int[] seen = {0};
                long start = System.nanoTime();
                try {
                    gatherer.gather(config).doOnNext(event -> {
                        seen[0] |= flags(event);
                        if (event instanceof IceEvent.EndOfCandidates) {
                            end[0] = System.nanoTime();
                        }
                    }).blockLast(Duration.ofSeconds(10));
                } catch (RuntimeException e) {
                    seen[0] |= ERROR;
                }
                if (i >= warmup) {
                    if (succeeded(scenario, seen[0]) && end[0] != 0) {
                        ok[okCount++] = end[0] - start;
                    } else {
                        failures++;
                    }
                }
            }
            return LatencyResult.of(NAME, scenario.id(), Arrays.copyOf(ok, okCount), failures);
        }
    }

    @Override
    public ScaleResult scale(Scenario scenario, int n, int warmup, Duration timeout) {
        Peaks peaks = new Peaks();
        try (NettyIceGatherer gatherer = gatherer()) {
            IceConfiguration config = configuration(scenario);
            warmUp(gatherer, config, warmup);
            int fdsBefore = ProcStatus.openFileDescriptors();
            long heapBefore = Peaks.usedHeapAfterGc();
            int javaThreadsBefore = Peaks.javaThreadsNow();
            peaks.reset();

            Concurrent all = new Concurrent(n);
            long cpu0 = Peaks.processCpuNanos();
            long t0 = System.nanoTime();
            Disposable running = all.start(gatherer, config);
            boolean finished = await(all.done, timeout, peaks);
            long cpuNanos = Peaks.processCpuNanos() - cpu0;
            peaks.sample();
            long retained = finished ? (Peaks.usedHeapAfterGc() - heapBefore) / n : -1;
            peaks.sample();
            running.dispose();
            awaitReleased(fdsBefore);
            return Outcomes.tally(NAME, scenario, n, t0, all.starts, all.ends, all.seen, !finished, peaks,
                    javaThreadsBefore, retained, "", cpuNanos);
        }
    }

    /**
     * Where the time of each of {@code bursts} bursts of {@code n} gatherings goes, after the same sequential warm-up
     * as {@link #scale}: one line per burst with its wall time, the CPU time of the event loops, of the JIT compiler
     * threads and of the rest of the process during it, and the JIT's compilation time. Each burst is released (and its
     * sockets closed) before the next starts. The first burst is what {@code scale} measures; the later ones show how
     * much of it was the JIT still compiling.
     */
    List<String> bursts(Scenario scenario, int n, int warmup, int bursts, Duration timeout) {
        List<String> lines = new ArrayList<>();
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        try (NettyIceGatherer gatherer = gatherer()) {
            IceConfiguration config = configuration(scenario);
            warmUp(gatherer, config, warmup);
            for (int k = 0; k < bursts; k++) {
                int fdsBefore = ProcStatus.openFileDescriptors();
                Peaks.usedHeapAfterGc();
                Map<String, Long> cpu0 = ProcStatus.cpuNanosByThreadGroup();
                long jit0 = jit.getTotalCompilationTime();
                Concurrent all = new Concurrent(n);
                long t0 = System.nanoTime();
                Disposable running = all.start(gatherer, config);
                boolean finished = await(all.done, timeout, null);
                long wall = System.nanoTime() - t0;
                long jitMillis = jit.getTotalCompilationTime() - jit0;
                Map<String, Long> cpu1 = ProcStatus.cpuNanosByThreadGroup();
                int failures = 0;
                for (int i = 0; i < n; i++) {
                    if (!succeeded(scenario, all.seen.get(i))) {
                        failures++;
                    }
                }
                running.dispose();
                awaitReleased(fdsBefore);
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("impl", NAME);
                fields.put("scenario", scenario.id());
                fields.put("n", n);
                fields.put("burst", k + 1);
                fields.put("finished", finished);
                fields.put("failures", failures);
                fields.put("wallNanos", wall);
                cpu1.forEach((group, nanos) -> fields.put(group + "CpuNanos", nanos - cpu0.getOrDefault(group, 0L)));
                fields.put("jitCompileMillis", jitMillis);
                fields.put("firstError", all.firstError.get() == null ? "" : all.firstError.get());
                lines.add(Fields.format("BURST", fields));
            }
        }
        return lines;
    }

    /**
     * {@code warmup} gatherings one at a time, through exactly the code that is measured (session mode, the same
     * flatMap and callbacks), so that N = 1 measures a gathering and not the first run of the measuring code; returns
     * once the last one's releases (allocation deletes) ended, before anything is weighed.
     */
    private static void warmUp(NettyIceGatherer gatherer, IceConfiguration config, int warmup) {
        int fdsIdle = ProcStatus.openFileDescriptors();
        for (int i = 0; i < warmup; i++) {
            Concurrent one = new Concurrent(1);
            Disposable d = one.start(gatherer, config);
            await(one.done, Duration.ofSeconds(10), null);
            d.dispose();
        }
        awaitReleased(fdsIdle);
    }

    /**
     * N gatherings subscribed at once through one {@code flatMap}, in session mode (restarts that never come): a
     * gathering stays open, holding its sockets and its allocation, after {@code EndOfCandidates}, so that the live
     * gatherings can be weighed before they are released.
     */
    private static final class Concurrent {
        final long[] starts;
        final long[] ends;
        final AtomicIntegerArray seen;
        final CountDownLatch done;
        /** The first error seen (a candidate error or the stream's own), or null. */
        final AtomicReference<String> firstError = new AtomicReference<>();

        Concurrent(int n) {
            starts = new long[n];
            ends = new long[n];
            seen = new AtomicIntegerArray(n);
            done = new CountDownLatch(n);
        }

        Disposable start(NettyIceGatherer gatherer, IceConfiguration config) {
            return Flux.range(0, starts.length)
                    .flatMap(i -> Flux.defer(() -> {
                        starts[i] = System.nanoTime();
                        return gatherer.gather(config, Flux.never());
                    }).doOnNext(event -> {
                        if (event instanceof IceEvent.CandidateError error) {
                            firstError.compareAndSet(null, error.error().toString());
                        }
                        int f = flags(event);
                        if (event instanceof IceEvent.EndOfCandidates) {
                            ends[i] = System.nanoTime();
                            f |= DONE;
                        }
                        if (f != 0) {
                            int add = f;
                            int before = seen.getAndUpdate(i, v -> v | add);
                            if ((add & DONE) != 0 && (before & DONE) == 0) {
                                done.countDown();
                            }
                        }
                    }).onErrorResume(e -> {
                        firstError.compareAndSet(null, e.toString());
                        int before = seen.getAndUpdate(i, v -> v | ERROR | DONE);
                        if ((before & DONE) == 0) {
                            ends[i] = System.nanoTime();
                            done.countDown();
                        }
                        return Flux.empty();
                    }).then(), starts.length)
                    .subscribe();
        }
    }

    private NettyIceGatherer gatherer() {
        return NettyIceGatherer.builder().threads(threads).icmpFastFailure(icmpFastFailure).build();
    }

    private static int flags(IceEvent event) {
        if (event instanceof IceEvent.CandidateGathered c) {
            IceCandidate.Type type = c.candidate().type();
            return type == IceCandidate.Type.SRFLX ? SRFLX : type == IceCandidate.Type.RELAY ? RELAY : 0;
        }
        return event instanceof IceEvent.CandidateError ? ERROR : 0;
    }

    /**
     * Wait for the latch, sampling the peaks (unless null) every few milliseconds on this (otherwise idle) thread.
     */
    static boolean await(CountDownLatch done, Duration timeout, Peaks peaks) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (!done.await(5, TimeUnit.MILLISECONDS)) {
                if (peaks != null) {
                    peaks.sample();
                }
                if (System.nanoTime() - deadline > 0) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Wait (at most 10 s) until the released gatherings' sockets are closed, so the allocations were deleted. */
    private static void awaitReleased(int fdsBefore) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ProcStatus.openFileDescriptors() > fdsBefore + 2 && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }
}
