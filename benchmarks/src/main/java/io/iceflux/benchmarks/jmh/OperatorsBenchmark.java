package io.iceflux.benchmarks.jmh;

import io.iceflux.IceCandidate;
import io.iceflux.IceCandidateError;
import io.iceflux.IceEvent;
import io.iceflux.IceGatheringState;
import io.iceflux.IceOperators;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.SignalType;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.concurrent.Queues;

/**
 * Events per second through the W3C candidate-error operators of {@link IceOperators}, and through the whole event
 * pipeline a gathering builds, with a slow subscriber. One operation is one event ({@link OperationsPerInvocation}),
 * so {@code gc.alloc.rate.norm} under {@code -prof gc} is bytes allocated per event.
 *
 * <p>The events are {@value #GENERATIONS} gathering generations (a session with ICE restarts) of
 * {@value #EVENTS_PER_GENERATION} events each, the mix a gathering with two network interfaces produces: the state
 * change to {@code gathering}, 4 host, 4 server-reflexive and 2 relay candidates, ten 701s for three unreachable
 * servers (each reported per interface and under two spellings of the same URL), one 486 from a TURN server,
 * end-of-candidates, the state change to {@code complete}, and one late 701 after it.
 *
 * <p>The pipeline benchmarks build the stream as {@code NettyIceGatherer} does: per generation, the state change,
 * then the servers' event streams merged, then end-of-candidates and {@code complete}, all through
 * {@link IceOperators#w3cErrorSemantics()}, and hand it to a slow subscriber on another thread (as an application
 * consuming events off the Netty event loop does). They count the events the sources have emitted but the
 * subscriber has not yet received or the operators dropped; the largest such count ({@code maxInFlight}) is what the
 * pipeline buffers, and it stays bounded by the prefetch of {@code publishOn} and {@code merge} however long the
 * session is.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class OperatorsBenchmark {

    /** Gathering generations in the event list. */
    public static final int GENERATIONS = 200;
    /** Events in one generation. */
    public static final int EVENTS_PER_GENERATION = 25;
    /** Events in the list: one benchmark operation each. */
    public static final int EVENTS = GENERATIONS * EVENTS_PER_GENERATION;
    /** Events per generation that {@link IceOperators#unreachableOncePerUrl()} lets through. */
    public static final int PASSED_BY_UNREACHABLE_ONCE_PER_URL = 18;
    /** Events per generation that {@link IceOperators#errorsOnlyWhileGathering()} lets through. */
    public static final int PASSED_BY_ERRORS_ONLY_WHILE_GATHERING = 24;
    /** Events per generation that {@link IceOperators#w3cErrorSemantics()} lets through. */
    public static final int PASSED_BY_W3C_ERROR_SEMANTICS = 17;
    /** The prefetch of {@code publishOn} in {@link #pipelineRequestOne}: Reactor's default, 256. */
    public static final int PUBLISH_ON_PREFETCH = Queues.SMALL_BUFFER_SIZE;
    /** The demand {@link #pipelineLimitRate} lets through to the pipeline at a time. */
    public static final int LIMIT_RATE = 8;
    /** The CPU work ({@link Blackhole#consumeCPU} tokens) the slow subscriber spends on each event. */
    public static final int SLOW_SUBSCRIBER_TOKENS = 100;

    private static final String HOST = "candidate:1 1 udp 2122260223 192.168.1.%d 54321 typ host";
    private static final String SRFLX =
            "candidate:2 1 udp 1686052607 203.0.113.7 %d typ srflx raddr 192.168.1.10 rport 54321";
    private static final String RELAY =
            "candidate:3 1 udp 41885439 198.51.100.20 %d typ relay raddr 203.0.113.7 rport 61000";
    private static final String[] UNREACHABLE_A = {"stun:unreachable-a.example.org", "stun:UNREACHABLE-A.example.org:3478"};
    private static final String[] UNREACHABLE_B = {"turn:unreachable-b.example.org?transport=udp",
        "turn:unreachable-b.example.org:3478"};
    private static final String UNREACHABLE_C = "stun:192.0.2.99:3478";
    private static final String LATE_UNREACHABLE = "stun:late.example.org";
    private static final String TURN = "turn:turn.example.org?transport=udp";

    private List<IceEvent> events;
    private List<List<List<IceEvent>>> serverStreams;
    private final PipelineStats stats = new PipelineStats();
    private Scheduler consumer;

    /** Create the benchmark; {@link #setUp()} builds the events. */
    public OperatorsBenchmark() {
        // state is prepared in setUp
    }

    /** Build the event list, and the same events split per generation and server for the pipeline. */
    @Setup(Level.Trial)
    public void setUp() {
        events = new ArrayList<>(EVENTS);
        serverStreams = new ArrayList<>(GENERATIONS);
        for (int g = 0; g < GENERATIONS; g++) {
            List<List<IceEvent>> servers = generation(g);
            serverStreams.add(servers);
            events.add(new IceEvent.GatheringStateChanged(g, IceGatheringState.GATHERING));
            servers.forEach(events::addAll);
            events.addAll(closing(g));
        }
        consumer = Schedulers.newSingle("iceflux-bench-subscriber", true);
        if (events.size() != EVENTS) {
            throw new IllegalStateException("built " + events.size() + " events, expected " + EVENTS);
        }
    }

    /**
     * The events of generation {@code g} between the state changes, one list per source: the host candidates, two
     * STUN servers, the TURN server, and the three unreachable servers.
     */
    private static List<List<IceEvent>> generation(int g) {
        List<IceEvent> hosts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            hosts.add(candidate(g, String.format(HOST, 10 + i)));
        }
        List<IceEvent> stun1 = List.of(candidate(g, String.format(SRFLX, 61000)), candidate(g,
                String.format(SRFLX, 61001)));
        List<IceEvent> stun2 = List.of(candidate(g, String.format(SRFLX, 61002)), candidate(g,
                String.format(SRFLX, 61003)));
        List<IceEvent> turn = List.of(candidate(g, String.format(RELAY, 50000)), candidate(g,
                String.format(RELAY, 50001)), error(g, TURN, 486, "Allocation Quota Reached"));
        List<IceEvent> unreachableA = new ArrayList<>();
        List<IceEvent> unreachableB = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            for (String url : UNREACHABLE_A) {
                unreachableA.add(unreachable(g, url));
            }
            for (String url : UNREACHABLE_B) {
                unreachableB.add(unreachable(g, url));
            }
        }
        List<IceEvent> unreachableC = List.of(unreachable(g, UNREACHABLE_C), unreachable(g, UNREACHABLE_C));
        return List.of(hosts, stun1, unreachableA, stun2, unreachableB, turn, unreachableC);
    }

    /** End-of-candidates, the state change to complete, and a 701 that arrives too late. */
    private static List<IceEvent> closing(int g) {
        return List.of(new IceEvent.EndOfCandidates(g), new IceEvent.GatheringStateChanged(g,
                IceGatheringState.COMPLETE), unreachable(g, LATE_UNREACHABLE));
    }

    private static IceEvent candidate(int g, String sdp) {
        return new IceEvent.CandidateGathered(g, IceCandidate.parse(sdp));
    }

    private static IceEvent unreachable(int g, String url) {
        return error(g, url, IceCandidateError.SERVER_NOT_REACHABLE, "no host candidate could reach the server");
    }

    private static IceEvent error(int g, String url, int code, String text) {
        return new IceEvent.CandidateError(g, IceCandidateError.withoutAddress(url, code, text));
    }

    // ------------------------------------------------------------------------------------------------ operators

    /** The baseline: the events through no operator, to an unbounded subscriber. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long noOperator(Blackhole bh) {
        return drain(Flux.fromIterable(events), bh);
    }

    /** The events through {@link IceOperators#unreachableOncePerUrl()}. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long unreachableOncePerUrl(Blackhole bh) {
        return drain(Flux.fromIterable(events).transform(IceOperators.unreachableOncePerUrl()), bh);
    }

    /** The events through {@link IceOperators#errorsOnlyWhileGathering()}. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long errorsOnlyWhileGathering(Blackhole bh) {
        return drain(Flux.fromIterable(events).transform(IceOperators.errorsOnlyWhileGathering()), bh);
    }

    /** The events through {@link IceOperators#w3cErrorSemantics()}. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long w3cErrorSemantics(Blackhole bh) {
        return drain(Flux.fromIterable(events).transform(IceOperators.w3cErrorSemantics()), bh);
    }

    private static long drain(Flux<IceEvent> flux, Blackhole bh) {
        Unbounded subscriber = new Unbounded(bh);
        flux.subscribe(subscriber);
        return subscriber.received;
    }

    // ------------------------------------------------------------------------------------------------ pipeline

    /**
     * The gathering pipeline, then {@code publishOn} a consumer thread (default prefetch, 256), to a slow
     * subscriber that requests one event at a time and spends {@value #SLOW_SUBSCRIBER_TOKENS} tokens of CPU on each.
     */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long pipelineRequestOne(Blackhole bh) throws InterruptedException {
        stats.reset();
        OneAtATime subscriber = new OneAtATime(bh, stats);
        pipeline(stats).publishOn(consumer, PUBLISH_ON_PREFETCH).subscribe(subscriber);
        subscriber.await();
        return stats.received.get();
    }

    /**
     * The gathering pipeline through {@code limitRate(8)}, then {@code publishOn} a consumer thread with a prefetch
     * of 8, to a subscriber that asks for everything but is slow ({@value #SLOW_SUBSCRIBER_TOKENS} tokens of CPU per
     * event).
     */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long pipelineLimitRate(Blackhole bh) throws InterruptedException {
        stats.reset();
        SlowUnbounded subscriber = new SlowUnbounded(bh, stats);
        pipeline(stats).limitRate(LIMIT_RATE).publishOn(consumer, LIMIT_RATE).subscribe(subscriber);
        subscriber.await();
        return stats.received.get();
    }

    /** The events as the gatherer's sources would emit them, counting each emission, through the W3C operators. */
    private Flux<IceEvent> pipeline(PipelineStats counts) {
        return Flux.range(0, GENERATIONS)
                .concatMap(g -> {
                    List<List<IceEvent>> servers = serverStreams.get(g);
                    List<Flux<IceEvent>> sources = new ArrayList<>(servers.size());
                    for (List<IceEvent> server : servers) {
                        sources.add(counted(Flux.fromIterable(server), counts));
                    }
                    return Flux.concat(
                            counted(Flux.just(new IceEvent.GatheringStateChanged(g, IceGatheringState.GATHERING)),
                                    counts),
                            Flux.merge(sources),
                            counted(Flux.fromIterable(closing(g)), counts));
                })
                .transform(IceOperators.w3cErrorSemantics())
                .doOnDiscard(IceEvent.class, dropped -> counts.dropped.incrementAndGet());
    }

    /**
     * Count what a source emits; {@code hide()} keeps Reactor from fusing the source into the merge (a gatherer's
     * sources are network replies, never fusable), so the merge requests ahead and queues like it does in real use.
     */
    private static Flux<IceEvent> counted(Flux<IceEvent> source, PipelineStats counts) {
        return source.hide().doOnNext(e -> counts.emitted.incrementAndGet());
    }

    /** Stop the consumer thread. */
    @TearDown(Level.Trial)
    public void tearDown() {
        consumer.dispose();
    }

    /** The pipeline's counters of the last run, for the test. */
    PipelineStats stats() {
        return stats;
    }

    /** The event list, for the test. */
    List<IceEvent> events() {
        return events;
    }

    /**
     * What one pipeline run counted: events emitted by the sources, received by the subscriber, dropped by the
     * operators, the most that were in flight (emitted, neither received nor dropped) at once, deliveries beyond the
     * subscriber's demand (must be 0), and the demand it signalled. Sources and subscriber run on different threads.
     */
    static final class PipelineStats {
        final AtomicLong emitted = new AtomicLong();
        final AtomicLong received = new AtomicLong();
        final AtomicLong dropped = new AtomicLong();
        final AtomicLong maxInFlight = new AtomicLong();
        final AtomicLong overDemand = new AtomicLong();
        final AtomicLong requested = new AtomicLong();

        void reset() {
            emitted.set(0);
            received.set(0);
            dropped.set(0);
            maxInFlight.set(0);
            overDemand.set(0);
            requested.set(0);
        }

        void onReceived() {
            long now = received.incrementAndGet();
            if (now > requested.get()) {
                overDemand.incrementAndGet();
            }
            long inFlight = emitted.get() - now - dropped.get();
            maxInFlight.accumulateAndGet(inFlight, Math::max);
        }
    }

    /** A subscriber the benchmark thread can wait for. */
    private abstract static class Slow extends BaseSubscriber<IceEvent> {
        final Blackhole bh;
        final PipelineStats stats;
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile Throwable failure;

        Slow(Blackhole bh, PipelineStats stats) {
            this.bh = bh;
            this.stats = stats;
        }

        void work(IceEvent event) {
            stats.onReceived();
            bh.consume(event);
            Blackhole.consumeCPU(SLOW_SUBSCRIBER_TOKENS);
        }

        @Override
        protected void hookOnError(Throwable error) {
            failure = error;
        }

        @Override
        protected void hookFinally(SignalType type) {
            done.countDown();
        }

        void await() throws InterruptedException {
            done.await();
            if (failure != null) {
                throw new IllegalStateException("the pipeline failed", failure);
            }
        }
    }

    /** Requests everything and counts. */
    private static final class Unbounded extends BaseSubscriber<IceEvent> {
        private final Blackhole bh;
        long received;

        Unbounded(Blackhole bh) {
            this.bh = bh;
        }

        @Override
        protected void hookOnNext(IceEvent event) {
            bh.consume(event);
            received++;
        }
    }

    /** Requests one event, works on it, then requests the next. */
    private static final class OneAtATime extends Slow {
        OneAtATime(Blackhole bh, PipelineStats stats) {
            super(bh, stats);
        }

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            stats.requested.incrementAndGet();
            request(1);
        }

        @Override
        protected void hookOnNext(IceEvent event) {
            work(event);
            stats.requested.incrementAndGet();
            request(1);
        }
    }

    /** Requests everything, and is slow. */
    private static final class SlowUnbounded extends Slow {
        SlowUnbounded(Blackhole bh, PipelineStats stats) {
            super(bh, stats);
        }

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            stats.requested.set(Long.MAX_VALUE);
            requestUnbounded();
        }

        @Override
        protected void hookOnNext(IceEvent event) {
            work(event);
        }
    }
}
