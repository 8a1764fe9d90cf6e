package io.iceflux.netty;

import static io.iceflux.netty.fixtures.GatheringEvents.candidates;
import static io.iceflux.netty.fixtures.GatheringEvents.errors;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.iceflux.IceCandidate;
import io.iceflux.IceCandidateError;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceServer;
import io.iceflux.StunTimers;
import io.iceflux.netty.faults.TinyDnsServer;
import io.iceflux.netty.fixtures.FakeStunServer;
import io.iceflux.netty.fixtures.FakeStunServer.Reply;
import io.iceflux.netty.fixtures.GatheringEvents;
import io.iceflux.netty.fixtures.TestLoops;
import io.iceflux.netty.stun.StunMethod;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.util.Version;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.scheduler.Schedulers;
import reactor.netty.resources.LoopResources;

/**
 * A gatherer on the application's event loops ({@link NettyIceGatherer.Builder#eventLoopGroup}): of every transport
 * (NIO, epoll, io_uring), on Netty 4.1 and 4.2 (this class also runs in the {@code netty41} surefire execution), the
 * gatherer opens the channels of the group's transport (UDP sockets, a TCP connection, the DNS resolver's socket),
 * delivers every event on the group's threads, starts no thread, and leaves the group running when it is closed.
 *
 * <p>One gathering exercises the three kinds of channel: a {@code stun:} URL answered by a fake UDP server (host and
 * server-reflexive candidates), a {@code turn:} URL over TCP whose Allocate a fake TCP server refuses with 403, and a
 * {@code stun:} URL whose host name the gatherer's DNS resolver asks a tiny DNS server about (NXDOMAIN: a 701).
 */
class ApplicationLoopsTest {

    @RegisterExtension
    static final TestLoops LOOPS = TestLoops.serverOnly();

    static final String NX_NAME = "no-such-stun.test";
    static final StunTimers FAST = StunTimers.rfc8489().withInitialRto(Duration.ofMillis(200)).withMaxRequests(3)
            .withLastWaitMultiplier(2);

    /** Reactor's cached schedulers are disposed, so that a gatherer that used one would have to start its threads. */
    @BeforeEach
    void freshReactorSchedulers() {
        Schedulers.shutdownNow();
    }

    @Test
    void epollGroupNamedLikeReactorNettys() throws Exception {
        assumeTrue(Epoll.isAvailable(), () -> "epoll is not available here: " + Epoll.unavailabilityCause());
        runsOnTheGroup(NettyLine.IS_42 ? Netty42Groups.epoll(2, "reactor-udp-epoll")
                : epollGroup41(2, "reactor-udp-epoll"), "reactor-udp-epoll-", "epoll");
    }

    @Test
    void deprecatedEpollEventLoopGroupOnEitherLine() throws Exception {
        assumeTrue(Epoll.isAvailable(), () -> "epoll is not available here: " + Epoll.unavailabilityCause());
        runsOnTheGroup(epollGroup41(1, "app-epoll"), "app-epoll-", "epoll");
    }

    /** A WebFlux application's loops: reactor-netty's client loops, native (io_uring or epoll, as it chooses). */
    @Test
    void reactorNettyClientLoops() throws Exception {
        assumeTrue(NettyLine.IS_42, "reactor-netty 1.3 needs Netty 4.2 (Boot 3.5's reactor-netty 1.2 runs on 4.1)");
        assumeTrue(Epoll.isAvailable(), () -> "epoll is not available here: " + Epoll.unavailabilityCause());
        LoopResources loops = LoopResources.create("reactor-http", 2, true);
        try {
            EventLoopGroup group = loops.onClient(true);
            assertThat(group.getClass().getName()).as("reactor-netty's colocated wrapper")
                    .isEqualTo("reactor.netty.resources.ColocatedEventLoopGroup");
            // reactor-netty prefers io_uring to epoll where the kernel has it: the gatherer must pick the same.
            String reactorsChoice = loops.onChannelClass(DatagramChannel.class, group).getSimpleName();
            String transport = reactorsChoice.startsWith("IoUring") ? "io_uring" : "epoll";
            assertThat(reactorsChoice).isIn("IoUringDatagramChannel", "EpollDatagramChannel");
            gatherOnTheGroup(group, "reactor-http-" + transport + "-", transport);
        } finally {
            loops.disposeLater().block(Duration.ofSeconds(10));
        }
    }

    @Test
    void ioUringGroup() throws Exception {
        assumeTrue(NettyLine.IS_42, "io_uring is supported on Netty 4.2 (4.1's incubator transport is not)");
        assumeTrue(Netty42Groups.ioUringAvailable(), Netty42Groups::ioUringUnavailability);
        runsOnTheGroup(Netty42Groups.ioUring(2, "app-io_uring"), "app-io_uring-", "io_uring");
    }

    @Test
    void nioGroup() throws Exception {
        runsOnTheGroup(TestLoops.nio(2, "app-nio"), "app-nio-", "nio");
    }

    @Test
    void aGroupOfAnUnsupportedTransportIsRefusedAtBuild() {
        EventLoopGroup group = new DefaultEventLoopGroup(1);
        try {
            assertThatThrownBy(() -> NettyIceGatherer.builder().eventLoopGroup(group).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("io.netty.channel.DefaultEventLoopGroup")
                    .hasMessageContaining("none of NIO, epoll, io_uring (Netty 4.2) or kqueue");
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void closingTheGathererLeavesABorrowedGroupRunning() throws Exception {
        EventLoopGroup group = TestLoops.nio(1, "app-close");
        try {
            NettyIceGatherer closed = NettyIceGatherer.builder().eventLoopGroup(group).build();
            closed.close();
            assertRunning(group);
            NettyIceGatherer disposed = NettyIceGatherer.builder().eventLoopGroup(group).build();
            disposed.disposeLater().block(Duration.ofSeconds(10));
            assertRunning(group);
            assertThatThrownBy(() -> disposed.gather(config(LOOPS.udpServer(), null, null)).blockLast())
                    .isInstanceOf(IllegalStateException.class);

            NettyIceGatherer next = NettyIceGatherer.builder().eventLoopGroup(group).build();
            try {
                List<IceEvent> events = next.gather(config(LOOPS.udpServer()
                        .responder((request, from) -> List.of(Reply.of(FakeStunServer.success(request, from)))),
                        null, null)).collectList().block(Duration.ofSeconds(10));
                assertThat(candidates(events, IceCandidate.Type.SRFLX)).as("a later gatherer on the same group")
                        .hasSize(1);
            } finally {
                next.close();
            }
            assertRunning(group);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void theGathererOwnLoopsAreNioOnEitherLine() {
        try (NettyIceGatherer gatherer = NettyIceGatherer.builder().threads(1).build()) {
            assertThat(gatherer.transport()).isEqualTo("nio");
        }
    }

    /** {@link #gatherOnTheGroup}, then shut the test's group down. */
    private void runsOnTheGroup(EventLoopGroup group, String threadPrefix, String transport) throws Exception {
        try {
            gatherOnTheGroup(group, threadPrefix, transport);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /**
     * Build a gatherer on {@code group}, gather once through UDP, TCP and DNS, close it, and check the transport, the
     * threads the events came on, that no thread was started, and that the group still runs.
     */
    private void gatherOnTheGroup(EventLoopGroup group, String threadPrefix, String transport) throws Exception {
        FakeStunServer udp = LOOPS.udpServer()
                .responder((request, from) -> List.of(Reply.of(FakeStunServer.success(request, from))));
        FakeStunServer tcp = LOOPS.tcpServer(null)
                .responder((request, from) -> List.of(Reply.of(FakeStunServer.error(request, 403, "Forbidden"))));
        try (TinyDnsServer dns = TinyDnsServer.start(Set.of(NX_NAME))) {
            startEveryThread(group);
            Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());

            NettyIceGatherer gatherer = NettyIceGatherer.builder().eventLoopGroup(group)
                    .dnsServer(dns.address(), Duration.ofSeconds(2)).build();
            Map<IceEvent, String> eventThreads = new ConcurrentHashMap<>();
            List<IceEvent> events;
            try {
                events = gatherer.gather(config(udp, tcp, NX_NAME))
                        .doOnNext(event -> eventThreads.put(event, Thread.currentThread().getName()))
                        .collectList().block(Duration.ofSeconds(20));
            } finally {
                gatherer.close();
            }
            List<Thread> started = new ArrayList<>(Thread.getAllStackTraces().keySet());
            started.removeAll(before);

            assertThat(gatherer.transport()).isEqualTo(transport);
            assertThat(candidates(events, IceCandidate.Type.HOST)).hasSize(1);
            assertThat(candidates(events, IceCandidate.Type.SRFLX)).as("over UDP").hasSize(1);
            assertThat(errors(events)).extracting(IceCandidateError::errorCode, IceCandidateError::url)
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple(403, turnTcpUrl(tcp)),
                            org.assertj.core.groups.Tuple.tuple(701, "stun:" + NX_NAME + ":3478"));
            assertThat(tcp.drainReceived()).as("the Allocate came over the TCP connection")
                    .anyMatch(r -> r.message().method() == StunMethod.ALLOCATE);
            assertThat(dns.queried()).as("the resolver's query").contains(NX_NAME);
            String subscriber = Thread.currentThread().getName();
            assertThat(eventThreads.values()).as("every event came on the application's loops, or on the subscribing "
                    + "thread before the first socket was bound").hasSize(events.size())
                    .allMatch(name -> name.startsWith(threadPrefix) || name.equals(subscriber));
            assertThat(events).filteredOn(e -> e instanceof IceEvent.CandidateError
                            || e instanceof IceEvent.CandidateGathered gathered
                                    && gathered.candidate().type() == IceCandidate.Type.SRFLX)
                    .as("what the servers' answers and the DNS failure caused").hasSize(3)
                    .allSatisfy(e -> assertThat(eventThreads.get(e)).startsWith(threadPrefix));
            assertThat(started).extracting(Thread::getName).as("threads started by the gatherer").isEmpty();
            assertRunning(group);
        }
    }

    private static IceConfiguration config(FakeStunServer udp, FakeStunServer tcp, String nxName) {
        List<IceServer> servers = new ArrayList<>();
        servers.add(IceServer.of("stun:127.0.0.1:" + udp.address().getPort()));
        if (tcp != null) {
            servers.add(IceServer.of(List.of(turnTcpUrl(tcp)), "user", "secret"));
        }
        if (nxName != null) {
            servers.add(IceServer.of("stun:" + nxName + ":3478"));
        }
        return GatheringEvents.loopbackConfig(FAST, servers.toArray(IceServer[]::new)).build();
    }

    private static String turnTcpUrl(FakeStunServer tcp) {
        return "turn:127.0.0.1:" + tcp.address().getPort() + "?transport=tcp";
    }

    /** Run a task on every loop of the group, so that its threads exist before the "before" snapshot. */
    private static void startEveryThread(EventLoopGroup group) throws Exception {
        for (EventExecutor loop : group) {
            loop.submit(() -> { }).get(5, TimeUnit.SECONDS);
        }
    }

    private static void assertRunning(EventLoopGroup group) throws Exception {
        assertThat(group.isShuttingDown()).as("the application's group is shutting down").isFalse();
        assertThat(group.next().submit(() -> "still running").get(5, TimeUnit.SECONDS)).isEqualTo("still running");
    }

    /** Netty 4.1's epoll group, deprecated on 4.2 but present on both lines. */
    @SuppressWarnings("deprecation")
    private static EventLoopGroup epollGroup41(int threads, String name) {
        return new EpollEventLoopGroup(threads, new DefaultThreadFactory(name, true));
    }

    /** Which Netty line the tests run on. */
    static final class NettyLine {
        static final boolean IS_42 = Version.identify().get("netty-transport").artifactVersion().startsWith("4.2.");

        private NettyLine() {
        }
    }

    /** Netty 4.2's groups, in a class of their own: loaded only when the tests run on 4.2. */
    static final class Netty42Groups {

        private Netty42Groups() {
        }

        /** An epoll group as reactor-netty 1.3 makes them (MultiThreadIoEventLoopGroup with the epoll handler). */
        static EventLoopGroup epoll(int threads, String name) {
            return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true),
                    EpollIoHandler.newFactory());
        }

        static boolean ioUringAvailable() {
            return IoUring.isAvailable();
        }

        static String ioUringUnavailability() {
            return "io_uring is not available here: " + IoUring.unavailabilityCause();
        }

        static EventLoopGroup ioUring(int threads, String name) {
            return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true),
                    IoUringIoHandler.newFactory());
        }
    }
}
