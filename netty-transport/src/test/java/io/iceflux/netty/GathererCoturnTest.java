package io.iceflux.netty;

import static io.iceflux.IceGatheringState.COMPLETE;
import static io.iceflux.IceGatheringState.GATHERING;
import static io.iceflux.netty.fixtures.GatheringEvents.candidates;
import static io.iceflux.netty.fixtures.GatheringEvents.errors;
import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.IceCandidate;
import io.iceflux.IceCandidateError;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceProtocol;
import io.iceflux.IceServer;
import io.iceflux.IceTransportPolicy;
import io.iceflux.StunTimers;
import io.iceflux.netty.coturn.Coturn;
import io.iceflux.netty.coturn.CoturnExtension;
import io.iceflux.netty.fixtures.GatheringEvents;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;
import reactor.core.publisher.Sinks;

/** End to end against a real coturn on 127.0.0.1: every event checked. */
class GathererCoturnTest {

    @RegisterExtension
    static final CoturnExtension COTURN = new CoturnExtension(Coturn.builder().userQuota(4));

    /** Short timers so that an unreachable UDP server is a 701 in 300 ms instead of 39.5 s. */
    static final StunTimers FAST = StunTimers.rfc8489().withInitialRto(Duration.ofMillis(50)).withMaxRequests(3)
            .withLastWaitMultiplier(2).withReliableTimeout(Duration.ofSeconds(2));

    static NettyIceGatherer gatherer;

    @BeforeAll
    static void startGatherer() {
        gatherer = NettyIceGatherer.builder().trustManager(COTURN.coturn().trustManager()).build();
    }

    @AfterAll
    static void stopGatherer() {
        gatherer.close();
    }

    @AfterEach
    void nothingLeftOnTheServer() {
        COTURN.coturn().awaitAllocationCount(0, Duration.ofSeconds(10));
    }

    static Coturn coturn() {
        return COTURN.coturn();
    }

    static IceConfiguration.Builder config(IceServer... servers) {
        return GatheringEvents.loopbackConfig(FAST, servers);
    }

    static IceServer turn(String url) {
        return IceServer.of(List.of(url), coturn().username(), coturn().password());
    }

    static List<IceEvent> gather(IceConfiguration config) {
        return gatherer.gather(config).collectList().block(Duration.ofSeconds(30));
    }

    /** The states and the end marker in order, with the candidates and errors left out. */
    static List<IceEvent> skeleton(List<IceEvent> events) {
        return events.stream().filter(e -> e instanceof IceEvent.GatheringStateChanged
                || e instanceof IceEvent.EndOfCandidates).toList();
    }

    static final List<IceEvent> ONE_GENERATION = List.of(new IceEvent.GatheringStateChanged(0, GATHERING),
            new IceEvent.EndOfCandidates(0), new IceEvent.GatheringStateChanged(0, COMPLETE));

    @Test
    void stunGivesHostAndServerReflexive() {
        List<IceEvent> events = gather(config(IceServer.of(coturn().stunUrl())).build());

        assertThat(skeleton(events)).isEqualTo(ONE_GENERATION);
        assertThat(events.get(0)).isEqualTo(new IceEvent.GatheringStateChanged(0, GATHERING));
        IceCandidate host = candidates(events, IceCandidate.Type.HOST).get(0);
        assertThat(candidates(events, IceCandidate.Type.HOST)).hasSize(1);
        assertThat(host.address()).isEqualTo("127.0.0.1");
        assertThat(host.protocol()).isEqualTo(IceProtocol.UDP);
        assertThat(host.url()).isNull();
        IceCandidate srflx = candidates(events, IceCandidate.Type.SRFLX).get(0);
        assertThat(candidates(events, IceCandidate.Type.SRFLX)).hasSize(1);
        assertThat(srflx.address()).isEqualTo("127.0.0.1");
        assertThat(srflx.port()).isEqualTo(host.port());
        assertThat(srflx.relatedAddress()).isEqualTo("127.0.0.1");
        assertThat(srflx.relatedPort()).isEqualTo(host.port());
        assertThat(srflx.url()).isEqualTo(coturn().stunUrl());
        assertThat(srflx.priority()).isLessThan(host.priority());
        assertThat(errors(events)).isEmpty();
        assertThat(candidates(events, IceCandidate.Type.RELAY)).isEmpty();
    }

    @Test
    void turnOverUdpGivesARelayAndDeletesTheAllocationAtTheEnd() {
        List<IceEvent> events = gather(config(turn(coturn().turnUdpUrl())).build());

        assertThat(skeleton(events)).isEqualTo(ONE_GENERATION);
        assertThat(errors(events)).isEmpty();
        IceCandidate host = candidates(events, IceCandidate.Type.HOST).get(0);
        assertThat(candidates(events, IceCandidate.Type.SRFLX)).singleElement()
                .satisfies(c -> assertThat(c.url()).isEqualTo(coturn().turnUdpUrl()));
        IceCandidate relay = candidates(events, IceCandidate.Type.RELAY).get(0);
        assertThat(candidates(events, IceCandidate.Type.RELAY)).hasSize(1);
        assertThat(relay.address()).isEqualTo("127.0.0.1");
        assertThat(relay.port()).isBetween(coturn().minRelayPort(), coturn().maxRelayPort());
        assertThat(relay.protocol()).isEqualTo(IceProtocol.UDP);
        assertThat(relay.relatedAddress()).isEqualTo("127.0.0.1");
        assertThat(relay.relatedPort()).isEqualTo(host.port());
        assertThat(relay.url()).isEqualTo(coturn().turnUdpUrl());
        // the probe-style gathering deleted its allocation before completing (checked again after each test)
        coturn().awaitAllocationCount(0, Duration.ofSeconds(10));
    }

    @Test
    void turnOverTcpAndTlsGiveRelays() {
        List<IceEvent> events = gather(config(IceServer.of(
                List.of(coturn().turnTcpUrl(), coturn().turnsUrl()), coturn().username(), coturn().password()))
                .transportPolicy(IceTransportPolicy.RELAY).build());

        assertThat(skeleton(events)).isEqualTo(ONE_GENERATION);
        assertThat(errors(events)).isEmpty();
        assertThat(candidates(events, IceCandidate.Type.HOST)).isEmpty();
        assertThat(candidates(events, IceCandidate.Type.SRFLX)).isEmpty();
        List<IceCandidate> relays = candidates(events, IceCandidate.Type.RELAY);
        assertThat(relays).extracting(IceCandidate::url)
                .containsExactlyInAnyOrder(coturn().turnTcpUrl(), coturn().turnsUrl());
        assertThat(relays).allSatisfy(r -> {
            assertThat(r.address()).isEqualTo("127.0.0.1");
            assertThat(r.protocol()).isEqualTo(IceProtocol.UDP);
        });
        IceCandidate tcp = relays.stream().filter(r -> r.url().equals(coturn().turnTcpUrl())).findFirst().get();
        IceCandidate tls = relays.stream().filter(r -> r.url().equals(coturn().turnsUrl())).findFirst().get();
        assertThat(tcp.priority()).as("relays over TCP are preferred to TLS").isGreaterThan(tls.priority());
    }

    @Test
    void wrongPasswordIs401WithTheServersReasonAndTheHostAddress() {
        IceServer bad = IceServer.of(List.of(coturn().turnUdpUrl()), coturn().username(), "not-the-password");
        List<IceEvent> events = gather(config(bad).build());

        assertThat(skeleton(events)).isEqualTo(ONE_GENERATION);
        IceCandidate host = candidates(events, IceCandidate.Type.HOST).get(0);
        assertThat(candidates(events, IceCandidate.Type.SRFLX)).hasSize(1);
        assertThat(candidates(events, IceCandidate.Type.RELAY)).isEmpty();
        assertThat(errors(events)).containsExactly(new IceCandidateError(coturn().turnUdpUrl(), 401, "Unauthorized",
                "127.0.0.1", host.port()));
    }

    /**
     * An empty username and credential, which browsers accept (web-platform-tests RTCConfiguration-iceServers.html):
     * the Allocate goes out, the server's 401 cannot be answered, and that 401 is the outcome, as for a wrong password.
     */
    @Test
    void emptyUsernameAndCredentialAre401WithTheServersReason() {
        IceServer empty = IceServer.of(List.of(coturn().turnUdpUrl(), coturn().turnTcpUrl()), "", "");
        List<IceEvent> events = gather(config(empty).build());

        assertThat(skeleton(events)).isEqualTo(ONE_GENERATION);
        IceCandidate host = candidates(events, IceCandidate.Type.HOST).get(0);
        assertThat(candidates(events, IceCandidate.Type.RELAY)).isEmpty();
        assertThat(errors(events)).containsExactlyInAnyOrder(
                new IceCandidateError(coturn().turnUdpUrl(), 401, "Unauthorized", "127.0.0.1", host.port()),
                IceCandidateError.withoutAddress(coturn().turnTcpUrl(), 401, "Unauthorized"));
    }

    @Test
    void wrongPasswordOverTcpHasNoAddressBecauseTheSocketIsNotACandidate() {
        IceServer bad = IceServer.of(List.of(coturn().turnTcpUrl()), coturn().username(), "not-the-password");
        List<IceEvent> events = gather(config(bad).build());

        assertThat(errors(events)).containsExactly(
                IceCandidateError.withoutAddress(coturn().turnTcpUrl(), 401, "Unauthorized"));
    }

    @Test
    void nothingListeningIs701OncePerUrl() throws Exception {
        int closedPort;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        String stunUrl = "stun:127.0.0.1:" + closedPort;
        String turnUrl = "turn:127.0.0.1:" + closedPort;
        List<IceEvent> events = gather(config(IceServer.of(stunUrl), turn(turnUrl)).build());

        assertThat(skeleton(events)).isEqualTo(ONE_GENERATION);
        IceCandidate host = candidates(events, IceCandidate.Type.HOST).get(0);
        assertThat(candidates(events, IceCandidate.Type.SRFLX)).isEmpty();
        List<IceCandidateError> errors = errors(events);
        assertThat(errors).hasSize(2);
        // the closed port answers with ICMP port unreachable: 701 at once (ICMP fast failure is on by default)
        assertThat(errors).filteredOn(e -> e.url().equals(stunUrl)).containsExactly(new IceCandidateError(
                stunUrl, 701, "STUN binding request failed: port unreachable (ICMP).", "127.0.0.1", host.port()));
        // the Binding and the Allocate to the TURN URL both fail: one 701 for the URL
        assertThat(errors).filteredOn(e -> e.url().equals(turnUrl)).singleElement().satisfies(e -> {
            assertThat(e.errorCode()).isEqualTo(701);
            assertThat(e.errorText()).isIn("STUN binding request failed: port unreachable (ICMP).",
                    "TURN allocate request failed: port unreachable (ICMP).");
            assertThat(e.address()).isEqualTo("127.0.0.1");
            assertThat(e.port()).isEqualTo(host.port());
        });
    }

    @Test
    void tcpConnectionRefusedIs701WithoutAddress() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        String url = "turn:127.0.0.1:" + closedPort + "?transport=tcp";
        List<IceEvent> events = gather(config(turn(url)).build());

        assertThat(errors(events)).singleElement().satisfies(e -> {
            assertThat(e.url()).isEqualTo(url);
            assertThat(e.errorCode()).isEqualTo(701);
            assertThat(e.errorText()).contains("refused");
            assertThat(e.address()).isNull();
            assertThat(e.port()).isNull();
        });
    }

    @Test
    void unresolvableHostIs701HostLookupWithoutAddress() {
        IceServer stun = IceServer.of("stun:stun.nothing.invalid");
        IceServer turn = IceServer.of(List.of("turn:turn.nothing.invalid:3478?transport=tcp"), "u", "p");
        List<IceEvent> events = gather(config(stun, turn).build());

        assertThat(skeleton(events)).isEqualTo(ONE_GENERATION);
        assertThat(errors(events)).containsExactlyInAnyOrder(
                IceCandidateError.withoutAddress("stun:stun.nothing.invalid", 701, "STUN host lookup received error."),
                IceCandidateError.withoutAddress("turn:turn.nothing.invalid:3478?transport=tcp", 701,
                        "TURN host lookup received error."));
    }

    @Test
    void untrustedCertificateIs701SayingWhy() {
        try (NettyIceGatherer defaultTrust = NettyIceGatherer.builder().build()) {
            List<IceEvent> events = defaultTrust.gather(config(turn(coturn().turnsUrl())).build()).collectList()
                    .block(Duration.ofSeconds(30));
            assertThat(errors(events)).singleElement().satisfies(e -> {
                assertThat(e.url()).isEqualTo(coturn().turnsUrl());
                assertThat(e.errorCode()).isEqualTo(701);
                assertThat(e.errorText()).startsWith("TLS handshake with localhost failed");
                assertThat(e.address()).isNull();
            });
        }
    }

    @Test
    void oneGoodServerAndOneBad() {
        String bad = "stun:stun.nothing.invalid";
        List<IceEvent> events = gather(config(IceServer.of(bad), turn(coturn().turnUdpUrl())).build());

        assertThat(skeleton(events)).isEqualTo(ONE_GENERATION);
        assertThat(candidates(events, IceCandidate.Type.RELAY)).singleElement()
                .satisfies(r -> assertThat(r.url()).isEqualTo(coturn().turnUdpUrl()));
        assertThat(errors(events)).containsExactly(
                IceCandidateError.withoutAddress(bad, 701, "STUN host lookup received error."));
    }

    @Test
    void quotaExceededIs486() {
        try (Coturn quota1 = Coturn.builder().userQuota(1).tls(false).start()) {
            IceServer both = IceServer.of(List.of(quota1.turnUdpUrl(), quota1.turnTcpUrl()), quota1.username(),
                    quota1.password());
            List<IceEvent> events = gather(config(both).build());

            assertThat(candidates(events, IceCandidate.Type.RELAY)).hasSize(1);
            assertThat(errors(events)).singleElement().satisfies(e -> {
                assertThat(e.errorCode()).isEqualTo(486);
                assertThat(e.errorText()).isEqualTo("Allocation Quota Reached");
                assertThat(e.url()).isIn(quota1.turnUdpUrl(), quota1.turnTcpUrl());
            });
            quota1.awaitAllocationCount(0, Duration.ofSeconds(10));
        }
    }

    @Test
    void restartGathersANewGenerationAndCancelReleasesEverything() throws Exception {
        BlockingQueue<IceEvent> seen = new LinkedBlockingQueue<>();
        Sinks.Many<Object> restarts = Sinks.many().unicast().onBackpressureBuffer();
        IceConfiguration config = config(turn(coturn().turnUdpUrl())).build();
        Disposable session = gatherer.gather(config, restarts.asFlux()).subscribe(seen::add);
        try {
            awaitEvent(seen, new IceEvent.GatheringStateChanged(0, COMPLETE));
            coturn().awaitAllocationCount(1, Duration.ofSeconds(10));

            restarts.tryEmitNext("restart");
            List<IceEvent> second = awaitEvent(seen, new IceEvent.GatheringStateChanged(1, COMPLETE));
            assertThat(second.get(0)).isEqualTo(new IceEvent.GatheringStateChanged(1, GATHERING));
            assertThat(second).filteredOn(IceEvent.CandidateGathered.class::isInstance)
                    .allSatisfy(e -> assertThat(e.generation()).isEqualTo(1))
                    .hasSize(3);
            // the first generation's allocation was released when the restart began; the second one lives
            coturn().awaitAllocationCount(1, Duration.ofSeconds(10));
        } finally {
            session.dispose();
        }
        coturn().awaitAllocationCount(0, Duration.ofSeconds(10));
    }

    @Test
    void cancelMidGatheringLeavesNoAllocation() throws Exception {
        int silentPort;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            silentPort = s.getLocalPort();
        }
        BlockingQueue<IceEvent> seen = new LinkedBlockingQueue<>();
        IceConfiguration config = config(turn(coturn().turnUdpUrl()), IceServer.of("stun:127.0.0.1:" + silentPort))
                .stunTimers(StunTimers.rfc8489()).build();
        Disposable gathering = gatherer.gather(config).subscribe(seen::add);
        try {
            List<IceEvent> sofar = awaitCandidate(seen, IceCandidate.Type.RELAY);
            assertThat(sofar).doesNotContain(new IceEvent.GatheringStateChanged(0, COMPLETE));
            coturn().awaitAllocationCount(1, Duration.ofSeconds(10));
        } finally {
            gathering.dispose();
        }
        coturn().awaitAllocationCount(0, Duration.ofSeconds(10));
    }

    static List<IceEvent> awaitEvent(BlockingQueue<IceEvent> queue, IceEvent expected) throws InterruptedException {
        List<IceEvent> taken = new java.util.ArrayList<>();
        while (true) {
            IceEvent e = queue.poll(20, TimeUnit.SECONDS);
            assertThat(e).as("waiting for %s after %s", expected, taken).isNotNull();
            taken.add(e);
            if (e.equals(expected)) {
                return taken;
            }
        }
    }

    static List<IceEvent> awaitCandidate(BlockingQueue<IceEvent> queue, IceCandidate.Type type)
            throws InterruptedException {
        List<IceEvent> taken = new java.util.ArrayList<>();
        while (true) {
            IceEvent e = queue.poll(20, TimeUnit.SECONDS);
            assertThat(e).as("waiting for a %s candidate after %s", type, taken).isNotNull();
            taken.add(e);
            if (e instanceof IceEvent.CandidateGathered c && c.candidate().type() == type) {
                return taken;
            }
        }
    }
}
