package io.iceflux.netty;

import static io.iceflux.netty.fixtures.GatheringEvents.COMPLETE_0;
import static io.iceflux.netty.fixtures.GatheringEvents.END_0;
import static io.iceflux.netty.fixtures.GatheringEvents.GATHERING_0;
import static io.iceflux.netty.fixtures.GatheringEvents.candidates;
import static io.iceflux.netty.fixtures.GatheringEvents.errors;
import static io.iceflux.netty.fixtures.GatheringEvents.hostPort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.iceflux.HostInterfaces;
import io.iceflux.IceCandidate;
import io.iceflux.IceCandidateError;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceServer;
import io.iceflux.StunTimers;
import io.iceflux.netty.coturn.Coturn;
import io.iceflux.testsupport.NetworkNamespace;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * ICMP fast failure across a real link: a network namespace made for this class, reached over a veth pair, with the
 * real coturn in it. A closed port in the namespace answers with ICMP port unreachable (701 at once); an address the
 * namespace routes as {@code unreachable} (ICMP host unreachable, code 1: heard on epoll, which sets IP_RECVERR) or
 * {@code prohibit} (code 13, a hard error Linux reports even without IP_RECVERR: heard on NIO too) gives the host
 * unreachable 701 at once; an address it routes to a {@code blackhole} drops the packets silently, so the timers
 * decide. The timers are long (RTO 10 s) and frozen (virtual time that never moves) wherever only ICMP may end a
 * request. Skipped unless root with iproute2; a missing coturn fails, as in every coturn test.
 */
class GathererIcmpNamespaceTest {

    static final StunTimers LONG = StunTimers.rfc8489().withInitialRto(Duration.ofSeconds(10));
    static final Duration WAIT = Duration.ofSeconds(8);
    static final int CLOSED_PORT = 9;

    static NetworkNamespace ns;
    static Coturn coturn;
    /** Routed through {@link #ns} to a blackhole there. */
    static InetAddress blackhole;

    VirtualTimeScheduler frozen;
    EventLoopGroup appLoops;
    NettyIceGatherer gatherer;

    @BeforeAll
    static void namespaceWithCoturn() throws Exception {
        NetworkNamespace.assumeAvailable();
        ns = NetworkNamespace.create("icmp");
        blackhole = routed(ns, "blackhole");
        coturn = Coturn.builder().inNamespace(ns).tls(false).start();
    }

    /**
     * A random address outside every namespace's 10.77.0.0/16 (198.18.0.0/15, the benchmarking range), routed from
     * the host through {@code ns}, where a route of {@code type} ({@code unreachable}, {@code prohibit},
     * {@code blackhole}) handles it; the namespace forwards, so that its routes answer with ICMP.
     */
    static InetAddress routed(NetworkNamespace ns, String type) throws Exception {
        ns.exec("sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward");
        SecureRandom random = new SecureRandom();
        InetAddress address = InetAddress.getByAddress(new byte[] {(byte) 198, (byte) (18 + random.nextInt(2)),
                (byte) random.nextInt(256), (byte) (1 + random.nextInt(254))});
        ns.exec("ip", "route", "add", type, address.getHostAddress() + "/32");
        ns.routeThrough(address);
        return address;
    }

    @AfterAll
    static void stop() {
        if (coturn != null) {
            coturn.close();
        }
        if (ns != null) {
            ns.close();
        }
    }

    @BeforeEach
    void setUp() {
        frozen = VirtualTimeScheduler.create();
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

    NettyIceGatherer nio() {
        gatherer = NettyIceGatherer.builder().threads(1).scheduler(frozen).build();
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

    /** Gathering from the host's end of the veth only. */
    IceConfiguration.Builder config(StunTimers timers, IceServer... servers) {
        return IceConfiguration.builder().servers(List.of(servers)).stunTimers(timers)
                .hostInterfaces(HostInterfaces.only(ns.hostInterface()).ipv4Only());
    }

    static List<IceEvent> gather(NettyIceGatherer g, IceConfiguration config) {
        List<IceEvent> events = new ArrayList<>();
        StepVerifier.create(g.gather(config)).recordWith(() -> events).thenConsumeWhile(e -> true)
                .expectComplete().verify(WAIT);
        return events;
    }

    static String stun(InetAddress host, int port) {
        return "stun:" + host.getHostAddress() + ":" + port;
    }

    static String turnUdp(InetAddress host, int port) {
        return "turn:" + host.getHostAddress() + ":" + port + "?transport=udp";
    }

    /** One generation: the host candidate on the veth, then only the 701 of {@code url}, from the host socket. */
    static void assertOnly701(List<IceEvent> events, NetworkNamespace ns, String url, String text) {
        int port = hostPort(events);
        assertThat(events).hasSize(5);
        assertThat(events.get(0)).isEqualTo(GATHERING_0);
        assertThat(candidates(events, IceCandidate.Type.HOST)).singleElement()
                .satisfies(c -> assertThat(c.address()).isEqualTo(ns.hostAddress().getHostAddress()));
        assertThat(events.subList(2, 5)).containsExactly(new IceEvent.CandidateError(0,
                new IceCandidateError(url, 701, text, ns.hostAddress().getHostAddress(), port)), END_0, COMPLETE_0);
    }

    void assertOnly701(List<IceEvent> events, String url, String text) {
        assertOnly701(events, ns, url, text);
    }

    @Test
    void coturnInTheNamespaceAnswersWithConnectedSocketsInPlace() {
        // frozen timers: a Binding and an Allocate (401, then authenticated) answered without a single retransmission
        List<IceEvent> events = gather(nio(), config(LONG, IceServer.of(coturn.stunUrl()),
                IceServer.of(List.of(coturn.turnUdpUrl()), coturn.username(), coturn.password())).build());

        assertThat(errors(events)).isEmpty();
        int hostPort = hostPort(events);
        List<IceCandidate> srflx = candidates(events, IceCandidate.Type.SRFLX);
        assertThat(srflx).isNotEmpty().allSatisfy(c -> {
            // no NAT on the veth: the mapped address is the host candidate's own address and port
            assertThat(c.address()).isEqualTo(ns.hostAddress().getHostAddress());
            assertThat(c.port()).isEqualTo(hostPort);
        });
        List<IceCandidate> relays = candidates(events, IceCandidate.Type.RELAY);
        assertThat(relays).hasSize(1);
        assertThat(relays.get(0).address()).isEqualTo(ns.nsAddress().getHostAddress());
        assertThat(relays.get(0).relatedPort()).isEqualTo(hostPort);
    }

    @Test
    void aClosedPortInTheNamespaceIs701FromIcmpPortUnreachable() {
        NettyIceGatherer g = nio();
        String stunUrl = stun(ns.nsAddress(), CLOSED_PORT);
        assertOnly701(gather(g, config(LONG, IceServer.of(stunUrl)).build()), stunUrl,
                "STUN binding request failed: port unreachable (ICMP).");

        String turnUrl = turnUdp(ns.nsAddress(), CLOSED_PORT);
        List<IceEvent> events = gather(g, config(LONG, IceServer.of(List.of(turnUrl), "alice", "secret")).build());
        assertThat(errors(events)).singleElement().satisfies(e -> {
            assertThat(e.url()).isEqualTo(turnUrl);
            assertThat(e.errorCode()).isEqualTo(701);
            assertThat(e.errorText()).isIn("STUN binding request failed: port unreachable (ICMP).",
                    "TURN allocate request failed: port unreachable (ICMP).");
            assertThat(e.address()).isEqualTo(ns.hostAddress().getHostAddress());
            assertThat(e.port()).isEqualTo(hostPort(events));
        });
    }

    @Test
    void aClosedPortInTheNamespaceOnEpollToo() {
        String stunUrl = stun(ns.nsAddress(), CLOSED_PORT);
        assertOnly701(gather(epoll(), config(LONG, IceServer.of(stunUrl)).build()), stunUrl,
                "STUN binding request failed: port unreachable (ICMP).");
    }

    // Linux rate-limits the ICMP errors a namespace sends to one host (a token bucket per destination, shared by
    // the routing errors and the ICMP sender): each host-unreachable case gets a namespace of its own, whose first
    // ICMP error is never held back.

    @Test
    void hostUnreachableIsHeardOnEpollWhichSetsIpRecvErr() throws Exception {
        try (NetworkNamespace own = NetworkNamespace.create("icmphu")) {
            String stunUrl = stun(routed(own, "unreachable"), 3478);
            assertOnly701(gather(epoll(), ownConfig(own, stunUrl)), own, stunUrl,
                    "STUN binding request failed: host unreachable (ICMP).");
        }
    }

    @Test
    void administrativelyProhibitedIsHostUnreachableOnNioToo() throws Exception {
        try (NetworkNamespace own = NetworkNamespace.create("icmpap")) {
            String stunUrl = stun(routed(own, "prohibit"), 3478);
            assertOnly701(gather(nio(), ownConfig(own, stunUrl)), own, stunUrl,
                    "STUN binding request failed: host unreachable (ICMP).");
        }
    }

    static IceConfiguration ownConfig(NetworkNamespace own, String url) {
        return IceConfiguration.builder().servers(List.of(IceServer.of(url))).stunTimers(LONG)
                .hostInterfaces(HostInterfaces.only(own.hostInterface()).ipv4Only()).build();
    }

    @Test
    void aBlackholeFollowsTheTimers() {
        String stunUrl = stun(blackhole, 3478);
        // frozen timers: nothing ends the Binding, ICMP least of all
        StepVerifier.create(nio().gather(config(LONG, IceServer.of(stunUrl)).build()))
                .expectNextCount(2) // gathering, host candidate
                .expectNoEvent(Duration.ofSeconds(1))
                .thenCancel()
                .verify(WAIT);
        // short timers on real time: the 701 is the timers' own
        gatherer.close();
        gatherer = NettyIceGatherer.builder().threads(1).build();
        StunTimers quick = StunTimers.rfc8489().withInitialRto(Duration.ofMillis(100)).withMaxRequests(2)
                .withLastWaitMultiplier(2);
        assertOnly701(gather(gatherer, config(quick, IceServer.of(stunUrl)).build()), stunUrl,
                "STUN binding request timed out.");
    }
}
