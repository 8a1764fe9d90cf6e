package io.iceflux.netty;

import static io.iceflux.netty.fixtures.GatheringEvents.COMPLETE_0;
import static io.iceflux.netty.fixtures.GatheringEvents.END_0;
import static io.iceflux.netty.fixtures.GatheringEvents.GATHERING_0;
import static io.iceflux.netty.fixtures.GatheringEvents.assertOneGeneration;
import static io.iceflux.netty.fixtures.GatheringEvents.hostPort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.iceflux.HostInterfaces;
import io.iceflux.IceCandidateError;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceServer;
import io.iceflux.IceTransportPolicy;
import io.iceflux.StunTimers;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * ICMP fast failure on loopback: a UDP port nobody listens on answers with ICMP port unreachable, and its 701 comes
 * at once with a text that says so. The timers run on virtual time that never moves (and are long: RTO 10 s), so
 * only the ICMP error can explain a 701 before the test gives up. With the switch off, the timers decide.
 * On the gatherer's NIO loops and on an application's epoll loops, on Netty 4.2 and (netty41 execution) 4.1.
 */
class GathererIcmpTest {

    static final StunTimers LONG = StunTimers.rfc8489().withInitialRto(Duration.ofSeconds(10));
    static final String STUN_ICMP = "STUN binding request failed: port unreachable (ICMP).";
    static final String TURN_ICMP = "TURN allocate request failed: port unreachable (ICMP).";
    /** Longer than any ICMP round trip on loopback, shorter than the first retransmission (10 s of real time). */
    static final Duration WAIT = Duration.ofSeconds(8);

    VirtualTimeScheduler frozen;
    EventLoopGroup appLoops;
    NettyIceGatherer gatherer;
    int closedPort;

    @BeforeEach
    void setUp() throws Exception {
        frozen = VirtualTimeScheduler.create();
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        if (gatherer != null) {
            gatherer.close();
        }
        if (appLoops != null) {
            appLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        frozen.dispose();
    }

    NettyIceGatherer nio(boolean icmp) {
        gatherer = NettyIceGatherer.builder().threads(1).scheduler(frozen).icmpFastFailure(icmp).build();
        assertThat(gatherer.transport()).isEqualTo("nio");
        return gatherer;
    }

    @SuppressWarnings("deprecation")
    NettyIceGatherer epoll() {
        assumeTrue(Epoll.isAvailable(), () -> "epoll is not available here: " + Epoll.unavailabilityCause());
        appLoops = new EpollEventLoopGroup(1, new DefaultThreadFactory("app-epoll", true));
        gatherer = NettyIceGatherer.builder().eventLoopGroup(appLoops).scheduler(frozen).build();
        assertThat(gatherer.transport()).isEqualTo("epoll");
        return gatherer;
    }

    IceConfiguration.Builder config(StunTimers timers, IceServer... servers) {
        return IceConfiguration.builder().servers(List.of(servers)).stunTimers(timers)
                .hostInterfaces(HostInterfaces.loopbackOnly().ipv4Only());
    }

    String stunUrl() {
        return "stun:127.0.0.1:" + closedPort;
    }

    String turnUdpUrl() {
        return "turn:127.0.0.1:" + closedPort + "?transport=udp";
    }

    List<IceEvent> gather(NettyIceGatherer g, IceConfiguration config) {
        List<IceEvent> events = new java.util.ArrayList<>();
        StepVerifier.create(g.gather(config))
                .recordWith(() -> events)
                .thenConsumeWhile(e -> true)
                .expectComplete()
                .verify(WAIT);
        return events;
    }

    @Test
    void aClosedStunPortIs701FromIcmpAtOnceOnNio() {
        List<IceEvent> events = gather(nio(true), config(LONG, IceServer.of(stunUrl())).build());

        int port = hostPort(events);
        assertOneGeneration(events, port,
                new IceEvent.CandidateError(0, new IceCandidateError(stunUrl(), 701, STUN_ICMP, "127.0.0.1", port)));
    }

    @Test
    void aClosedTurnUdpPortIs701FromIcmpAtOnceOnNio() {
        List<IceEvent> relayOnly = gather(nio(true), config(LONG, IceServer.of(List.of(turnUdpUrl()), "alice", "secret"))
                .transportPolicy(IceTransportPolicy.RELAY).build());

        // relay only: no host candidate exposes the socket, so the error has no address
        assertThat(relayOnly).containsExactly(GATHERING_0,
                new IceEvent.CandidateError(0, IceCandidateError.withoutAddress(turnUdpUrl(), 701, TURN_ICMP)),
                END_0, COMPLETE_0);
    }

    @Test
    void aClosedTurnUdpPortUnderPolicyAllIsOne701WithTheHostAddress() {
        List<IceEvent> events = gather(nio(true), config(LONG, IceServer.of(List.of(turnUdpUrl()), "alice", "secret")).build());

        int port = hostPort(events);
        // the Binding and the Allocate to the URL fail on the same ICMP error; the URL's 701 is reported once
        List<IceCandidateError> errors = io.iceflux.netty.fixtures.GatheringEvents.errors(events);
        assertThat(errors).hasSize(1);
        IceCandidateError e = errors.get(0);
        assertThat(e.url()).isEqualTo(turnUdpUrl());
        assertThat(e.errorCode()).isEqualTo(701);
        assertThat(e.errorText()).isIn(STUN_ICMP, TURN_ICMP);
        assertThat(e.address()).isEqualTo("127.0.0.1");
        assertThat(e.port()).isEqualTo(port);
        assertThat(events.get(0)).isEqualTo(GATHERING_0);
        assertThat(events.subList(events.size() - 2, events.size())).containsExactly(END_0, COMPLETE_0);
    }

    @Test
    void onAnApplicationsEpollLoopsToo() {
        NettyIceGatherer g = epoll();
        List<IceEvent> events = gather(g, config(LONG, IceServer.of(stunUrl())).build());
        int port = hostPort(events);
        assertOneGeneration(events, port,
                new IceEvent.CandidateError(0, new IceCandidateError(stunUrl(), 701, STUN_ICMP, "127.0.0.1", port)));

        List<IceEvent> relayOnly = gather(g, config(LONG, IceServer.of(List.of(turnUdpUrl()), "alice", "secret"))
                .transportPolicy(IceTransportPolicy.RELAY).build());
        assertThat(relayOnly).containsExactly(GATHERING_0,
                new IceEvent.CandidateError(0, IceCandidateError.withoutAddress(turnUdpUrl(), 701, TURN_ICMP)),
                END_0, COMPLETE_0);
    }

    @Test
    void onAnApplicationsIoUringLoopsTheTimersDecide() {
        assumeTrue(ApplicationLoopsTest.NettyLine.IS_42,
                "io_uring is supported on Netty 4.2 (4.1's incubator transport is not)");
        assumeTrue(ApplicationLoopsTest.Netty42Groups.ioUringAvailable(),
                ApplicationLoopsTest.Netty42Groups::ioUringUnavailability);
        appLoops = ApplicationLoopsTest.Netty42Groups.ioUring(1, "app-io_uring");
        // no ICMP fast failure on io_uring: it falls back silently to the timers (short ones, on real time)
        gatherer = NettyIceGatherer.builder().eventLoopGroup(appLoops).build();
        assertThat(gatherer.transport()).isEqualTo("io_uring");
        StunTimers quick = StunTimers.rfc8489().withInitialRto(Duration.ofMillis(100)).withMaxRequests(2)
                .withLastWaitMultiplier(2);
        List<IceEvent> events = gather(gatherer, config(quick, IceServer.of(stunUrl())).build());
        int port = hostPort(events);
        assertOneGeneration(events, port, new IceEvent.CandidateError(0,
                new IceCandidateError(stunUrl(), 701, "STUN binding request timed out.", "127.0.0.1", port)));
    }

    @Test
    void ipv6LoopbackToo() throws Exception {
        int closedV6;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("::1"))) {
            closedV6 = s.getLocalPort();
        }
        String url = "stun:[::1]:" + closedV6;
        List<IceEvent> events = gather(nio(true), IceConfiguration.builder().servers(List.of(IceServer.of(url)))
                .stunTimers(LONG).hostInterfaces(HostInterfaces.loopbackOnly().ipv6Only()).build());

        // ICMPv6 port unreachable on the socket connected from the [::1] host socket's port
        int port = hostPort(events);
        assertThat(events).containsExactly(GATHERING_0, events.get(1), new IceEvent.CandidateError(0,
                new IceCandidateError(url, 701, STUN_ICMP, "::1", port)), END_0, COMPLETE_0);
    }

    @Test
    void switchedOffTheTimersDecide() {
        NettyIceGatherer g = nio(false);
        IceConfiguration config = config(LONG, IceServer.of(stunUrl())).build();
        // the timers are frozen: without ICMP fast failure nothing ends the Binding...
        StepVerifier.create(g.gather(config))
                .expectNext(GATHERING_0)
                .expectNextMatches(e -> e instanceof IceEvent.CandidateGathered)
                .expectNoEvent(Duration.ofMillis(500))
                .thenCancel()
                .verify(WAIT);
        // ...until they run out (short timers on real time here): "timed out", although ICMP said it at once
        gatherer.close();
        gatherer = NettyIceGatherer.builder().threads(1).icmpFastFailure(false).build();
        StunTimers quick = StunTimers.rfc8489().withInitialRto(Duration.ofMillis(100)).withMaxRequests(2)
                .withLastWaitMultiplier(2);
        List<IceEvent> events = gather(gatherer, config(quick, IceServer.of(stunUrl())).build());
        int port = hostPort(events);
        assertOneGeneration(events, port, new IceEvent.CandidateError(0,
                new IceCandidateError(stunUrl(), 701, "STUN binding request timed out.", "127.0.0.1", port)));
    }
}
