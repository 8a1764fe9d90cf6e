package io.iceflux.netty.internal.gather;

import io.iceflux.netty.fixtures.TestLoops;
import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.HostInterfaces;
import io.iceflux.IceConfiguration;
import io.iceflux.IceServer;
import io.iceflux.ServerTransport;
import io.iceflux.StunTimers;
import io.iceflux.netty.coturn.Coturn;
import io.iceflux.netty.coturn.CoturnExtension;
import io.iceflux.netty.internal.transport.NettyStunTransportFactory;
import io.iceflux.netty.internal.transport.StunTransport;
import io.iceflux.netty.internal.transport.StunTransportFactory;
import io.iceflux.netty.internal.transport.TransportListener;
import io.iceflux.netty.internal.turn.TurnRelayAllocator;
import io.iceflux.netty.stun.StunAttribute.XorRelayedAddress;
import io.iceflux.netty.stun.StunClass;
import io.iceflux.netty.stun.StunEncodeOptions;
import io.iceflux.netty.stun.StunMessage;
import io.iceflux.netty.stun.StunMethod;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Hundreds of gatherings against a real coturn, over UDP and TCP TURN, probe-style and session-style, each cancelled
 * at a random moment in its first 20 ms or at the very moment its Allocate success arrives (just before the TURN
 * client sees it, or while it hands the allocation over): once the cancelled gatherings have cleaned up in the
 * background, coturn holds no allocation and every socket they opened is closed, without closing the event loops.
 */
class GatheringCancelCoturnTest {

    @RegisterExtension
    static final CoturnExtension COTURN = new CoturnExtension(Coturn.builder().tls(false).relayPorts(400));

    private static final int RUNS = 400;
    private static final int CONCURRENCY = 16;
    private static final int MAX_CANCEL_DELAY_MILLIS = 20;
    /** How long a gathering cancelled "at success" may run if its Allocate never succeeds. */
    private static final Duration AT_MOST = Duration.ofSeconds(2);
    private static final Duration CLEAN_UP = Duration.ofSeconds(20);
    /** A silent UDP server is a 701 after 350 ms, TCP waits 2 s: every clean-up is bounded by these. */
    private static final StunTimers FAST = StunTimers.rfc8489().withInitialRto(Duration.ofMillis(50))
            .withMaxRequests(3).withLastWaitMultiplier(2).withReliableTimeout(Duration.ofSeconds(2));

    private static EventLoopGroup group;
    private static Scheduler timers;
    private static StunTransportFactory transports;

    @BeforeAll
    static void start() {
        group = TestLoops.nio(2, "cancel-race");
        timers = Schedulers.newParallel("cancel-race-timers", 2);
        transports = new NettyStunTransportFactory(group, timers, NettyStunTransportFactory.TlsSettings.systemDefault(),
                NettyStunTransportFactory.DEFAULT_CONNECT_TIMEOUT, TransportListener.NONE);
    }

    @AfterAll
    static void stop() {
        timers.dispose();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /**
     * One gathering: UDP or TCP TURN, probe or session, cancelled after {@code cancelAfterMillis} or, when
     * {@code atSuccess}, when its Allocate success arrives ({@code afterHandover}: right after the transport passed it
     * on, else right before).
     */
    record Run(int index, ServerTransport turn, boolean session, boolean atSuccess, boolean afterHandover,
            int cancelAfterMillis) {

        static Run random(Random random, int index) {
            return new Run(index, random.nextBoolean() ? ServerTransport.UDP : ServerTransport.TCP,
                    random.nextBoolean(), random.nextInt(3) == 0, random.nextBoolean(),
                    random.nextInt(MAX_CANCEL_DELAY_MILLIS + 1));
        }
    }

    @Test
    void gatheringsCancelledAtRandomMomentsAndAtTheMomentOfSuccessLeaveNoAllocationAndNoSocketOpen() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<Run> runs = IntStream.range(0, RUNS).mapToObj(i -> Run.random(random, i)).toList();
        Queue<StunTransport> opened = new ConcurrentLinkedQueue<>();
        AtomicInteger successes = new AtomicInteger();
        AtomicInteger cancelledAtSuccess = new AtomicInteger();

        long started = System.nanoTime();
        Flux.fromIterable(runs)
                .flatMap(run -> gather(run, opened, successes, cancelledAtSuccess), CONCURRENCY)
                .blockLast(Duration.ofSeconds(60));

        awaitAllClosed(opened, "seed " + seed);
        COTURN.coturn().awaitAllocationCount(0, CLEAN_UP);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertThat(runs).as("seed %d", seed)
                .anyMatch(r -> r.turn() == ServerTransport.UDP).anyMatch(r -> r.turn() == ServerTransport.TCP);
        System.out.printf("GatheringCancelCoturnTest: %d gatherings, %d sockets opened, %d Allocates succeeded,"
                + " %d cancelled at success, all clean in %d ms (seed %d)%n", RUNS, opened.size(), successes.get(),
                cancelledAtSuccess.get(), millis, seed);
        // a gathering cancelled before its host socket opened leaves none to record (ChannelOpening closes it)
        assertThat(opened.size()).as("sockets opened (seed %d)", seed).isGreaterThan(RUNS / 2);
        assertThat(successes.get()).as("Allocates that succeeded (seed %d)", seed).isGreaterThan(RUNS / 4);
        assertThat(cancelledAtSuccess.get()).as("cancels at the moment of success (seed %d)", seed)
                .isGreaterThan(RUNS / 10);
        assertThat(millis).as("the whole test, gatherings and clean-up, in ms (seed %d)", seed).isLessThan(30_000);
    }

    private static Mono<Void> gather(Run run, Queue<StunTransport> opened, AtomicInteger successes,
            AtomicInteger cancelledAtSuccess) {
        return Mono.defer(() -> {
            Coturn coturn = COTURN.coturn();
            Disposable.Swap subscription = Disposables.swap();
            Sinks.Empty<Void> over = Sinks.empty();
            Runnable cancelAtSuccess = () -> {
                cancelledAtSuccess.incrementAndGet();
                subscription.dispose();
                over.tryEmitEmpty();
            };
            Recording recording = new Recording(run, opened, successes, run.atSuccess() ? cancelAtSuccess : null);
            GathererContext context = new GathererContext(recording,
                    host -> Mono.error(new UnknownHostException(host)),
                    new TurnRelayAllocator(recording, timers, null), timers, TransportListener.NONE, new Cleanups());
            String url = run.turn() == ServerTransport.UDP ? coturn.turnUdpUrl() : coturn.turnTcpUrl();
            IceConfiguration config = IceConfiguration.builder()
                    .servers(List.of(IceServer.of(List.of(url), coturn.username(), coturn.password())))
                    .stunTimers(FAST)
                    .hostInterfaces(HostInterfaces.loopbackOnly().ipv4Only())
                    .build();
            Duration cancelAfter = run.atSuccess() ? AT_MOST : Duration.ofMillis(run.cancelAfterMillis());
            subscription.update((run.session() ? Gathering.sessionGeneration(context, config, 0)
                    : Gathering.single(context, config)).events()
                    .doFinally(signal -> recording.ended = signal)
                    .take(cancelAfter, timers)
                    .subscribe(event -> { }, failure -> over.tryEmitEmpty(), over::tryEmitEmpty));
            return over.asMono();
        });
    }

    private static void awaitAllClosed(Queue<StunTransport> opened, String context) {
        long deadline = System.nanoTime() + CLEAN_UP.toNanos();
        while (true) {
            List<StunTransport> open = opened.stream().filter(StunTransport::isOpen).toList();
            if (open.isEmpty()) {
                return;
            }
            assertThat(System.nanoTime() - deadline).as("%s still open after %s (%s)", open, CLEAN_UP, context)
                    .isNegative();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /**
     * Opens real transports, remembers each, counts the Allocate successes that pass through them and, if asked, runs
     * {@code atSuccess} when the first one arrives, in the transport's signal on its event loop.
     */
    private static final class Recording implements StunTransportFactory {
        private final Run run;
        private final Queue<StunTransport> opened;
        private final AtomicInteger successes;
        private final Runnable atSuccess;
        /** How the gathering's events ended (null: not yet), for the failure message. */
        volatile SignalType ended;

        Recording(Run run, Queue<StunTransport> opened, AtomicInteger successes, Runnable atSuccess) {
            this.run = run;
            this.opened = opened;
            this.successes = successes;
            this.atSuccess = atSuccess;
        }

        @Override
        public Mono<StunTransport> openUdp(InetAddress localAddress) {
            return transports.openUdp(localAddress).map(this::watch);
        }

        @Override
        public Mono<StunTransport> openStream(InetAddress localAddress, InetSocketAddress server, String tlsHostName) {
            return transports.openStream(localAddress, server, tlsHostName).map(this::watch);
        }

        private final AtomicInteger opens = new AtomicInteger();

        private StunTransport watch(StunTransport transport) {
            Watched watched = new Watched(transport, this, opens.incrementAndGet(), new AtomicInteger());
            opened.add(watched);
            return watched;
        }

        @Override
        public String toString() {
            return run + " ended " + ended;
        }

        Mono<StunMessage> watchAllocate(Mono<StunMessage> allocate) {
            return allocate.flatMap(response -> {
                boolean success = response.messageClass() == StunClass.SUCCESS_RESPONSE
                        && response.attribute(XorRelayedAddress.class).isPresent();
                if (!success) {
                    return Mono.just(response);
                }
                successes.incrementAndGet();
                if (atSuccess == null) {
                    return Mono.just(response);
                }
                if (!run.afterHandover()) {
                    atSuccess.run();
                    return Mono.just(response);
                }
                return Mono.just(response).doAfterTerminate(atSuccess);
            });
        }
    }

    /** A transport that tells its {@link Recording} about each Allocate response. */
    private record Watched(StunTransport delegate, Recording recording, int open, AtomicInteger requests)
            implements StunTransport {
        @Override
        public InetSocketAddress localAddress() {
            return delegate.localAddress();
        }

        @Override
        public ServerTransport transport() {
            return delegate.transport();
        }

        @Override
        public Executor executor() {
            return delegate.executor();
        }

        @Override
        public Mono<StunMessage> request(StunMessage request, StunEncodeOptions options,
                InetSocketAddress destination, byte[] responseKey, StunTimers timers) {
            requests.incrementAndGet();
            Mono<StunMessage> response = delegate.request(request, options, destination, responseKey, timers);
            return request.method() == StunMethod.ALLOCATE ? recording.watchAllocate(response) : response;
        }

        @Override
        public boolean isOpen() {
            return delegate.isOpen();
        }

        @Override
        public Mono<Void> close() {
            return delegate.close();
        }

        @Override
        public String toString() {
            return delegate + " open #" + open + " requests " + requests + " of " + recording;
        }
    }
}
