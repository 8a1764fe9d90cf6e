package io.iceflux.netty.faults;

import io.iceflux.netty.fixtures.TestLoops;
import static io.iceflux.netty.fixtures.GatheringEvents.COMPLETE_0;
import static io.iceflux.netty.fixtures.GatheringEvents.END_0;
import static io.iceflux.netty.fixtures.GatheringEvents.GATHERING_0;
import static io.iceflux.netty.fixtures.GatheringEvents.assertEvents;
import static io.iceflux.netty.fixtures.GatheringEvents.assertOneGeneration;
import static io.iceflux.netty.fixtures.GatheringEvents.candidates;
import static io.iceflux.netty.fixtures.GatheringEvents.errors;
import static io.iceflux.netty.fixtures.GatheringEvents.host;
import static io.iceflux.netty.fixtures.GatheringEvents.hostPort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.IceCandidate;
import io.iceflux.IceCandidateError;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceProtocol;
import io.iceflux.IceServer;
import io.iceflux.IceTransportPolicy;
import io.iceflux.StunTimers;
import io.iceflux.netty.NettyIceGatherer;
import io.iceflux.netty.coturn.Coturn;
import io.iceflux.netty.coturn.CoturnExtension;
import io.iceflux.netty.faults.FaultProxy.Direction;
import io.iceflux.netty.faults.FaultProxy.Out;
import io.iceflux.netty.faults.FaultProxy.Packet;
import io.iceflux.netty.faults.FaultProxy.Source;
import io.iceflux.netty.fixtures.GatheringEvents.Cand;
import io.iceflux.netty.fixtures.GatheringEvents;
import io.netty.channel.EventLoopGroup;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The fault matrix of issue 6: hostile networks between the gatherer and its servers, each case with the exact
 * events a user sees. Loss, duplication, reordering, delay, garbage and answers from elsewhere are injected by a
 * {@link FaultProxy} on loopback in front of a real coturn (the kernel here has no netem); resets and TLS failures
 * by raw sockets; DNS failures by a {@link TinyDnsServer}. After every case: no ByteBuf leaked (the module's leak
 * extension), coturn holds no allocation, and no socket or thread is left in this JVM.
 */
class FaultMatrixTest {

    @RegisterExtension
    static final CoturnExtension COTURN = new CoturnExtension(Coturn.builder());

    /** RTO 20 ms, 7 requests: requests at 0, 20, 60, 140, 300, 620, 1260 ms; a timeout at 1340 ms. */
    static final StunTimers FAST = StunTimers.rfc8489().withInitialRto(Duration.ofMillis(20)).withMaxRequests(7)
            .withLastWaitMultiplier(4).withReliableTimeout(Duration.ofSeconds(2));

    /** The most datagrams of one direction and STUN kind that {@link #seededLoss} loses in a row. */
    static final int MAX_BURST = 2;

    /** {@link #FAST} with 9 requests: enough to get through {@link #seededLoss} in every case. */
    static final StunTimers LOSSY = FAST.withMaxRequests(9);

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final String STUN_TIMEOUT = "STUN binding request timed out.";
    static final String TURN_TIMEOUT = "TURN allocate request timed out.";
    static EventLoopGroup io;
    static Scheduler timers;
    static NettyIceGatherer gatherer;

    Leftovers before;

    @BeforeAll
    static void startGatherer() {
        io = TestLoops.nio(1, "faultmatrix-shared-io");
        timers = Schedulers.newParallel("faultmatrix-timers", 2, true);
        gatherer = NettyIceGatherer.builder().eventLoopGroup(io).scheduler(timers)
                .trustManager(coturn().trustManager()).build();
    }

    @AfterAll
    static void stopGatherer() {
        gatherer.close();
        timers.dispose();
        io.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        Leftovers.awaitNoThread("faultmatrix-");
    }

    @BeforeEach
    void snapshot() {
        before = Leftovers.snapshot(t -> t.startsWith("faultmatrix-shared-io") || t.startsWith("faultmatrix-timers"));
    }

    @AfterEach
    void nothingLeftBehind() {
        coturn().awaitAllocationCount(0, Duration.ofSeconds(10));
        before.assertNothingNew();
    }

    static Coturn coturn() {
        return COTURN.coturn();
    }

    // ------------------------------------------------------------------------------------ 1. packet loss

    @Test
    void thirtyPercentLossBothWaysStillGivesServerReflexiveAndRelay() throws Exception {
        try (FaultProxy proxy = FaultProxy.start(coturn().address(), seededLoss(11, 0.3, 0.3))) {
            String url = "turn:127.0.0.1:" + proxy.port();

            List<IceEvent> events = gather(config(turn(url)).stunTimers(LOSSY).build());

            int port = hostPort(events);
            InetSocketAddress upstream = proxy.upstreamOf(hostAddress(port));
            int relayPort = relayPort(events);
            List<Packet> seen = proxy.seen();
            assertThat(proxy.dropped().size()).as("about 30 %% of %s lost: %s", seen.size(), proxy.dropped())
                    .isBetween(seen.size() / 6, seen.size() / 2);
            assertThat(relayPort).isBetween(coturn().minRelayPort(), coturn().maxRelayPort());
            assertOneGeneration(events, port, srflx(upstream, port, url), relay(relayPort, upstream, url));
            assertThat(proxy.dropped()).as("the loss really hit").isNotEmpty();
            assertThat(proxy.dropped()).extracting(Packet::direction).contains(Direction.TO_SERVER);
            assertThat(proxy.dropped()).extracting(Packet::direction).contains(Direction.TO_CLIENT);
        }
    }

    @Test
    void totalLossIsA701PerUrlWithTheTimeoutTextOfLibwebrtc() throws Exception {
        try (FaultProxy proxy = FaultProxy.start(coturn().address(), p -> List.of())) {
            String stun = "stun:127.0.0.1:" + proxy.port();
            String turn = "turn:127.0.0.1:" + proxy.port();

            CompletableFuture<List<IceEvent>> stunGathering = gatherAsync(config(IceServer.of(stun)).build());
            CompletableFuture<List<IceEvent>> turnGathering = gatherAsync(config(turn(turn))
                    .transportPolicy(IceTransportPolicy.RELAY).build());
            List<IceEvent> stunEvents = stunGathering.get(30, TimeUnit.SECONDS);
            List<IceEvent> turnEvents = turnGathering.get(30, TimeUnit.SECONDS);

            int port = hostPort(stunEvents);
            assertEvents(stunEvents, GATHERING_0, host(port),
                    new IceEvent.CandidateError(0, new IceCandidateError(stun, 701, STUN_TIMEOUT, "127.0.0.1", port)),
                    END_0, COMPLETE_0);
            assertEvents(turnEvents, GATHERING_0,
                    new IceEvent.CandidateError(0, IceCandidateError.withoutAddress(turn, 701, TURN_TIMEOUT)),
                    END_0, COMPLETE_0);
            assertThat(proxy.dropped()).extracting(Packet::kind).containsOnly("Binding request", "Allocate request");
            assertThat(proxy.dropped()).filteredOn(p -> p.kind().equals("Binding request"))
                    .hasSize(FAST.maxRequests());
            assertThat(proxy.dropped()).filteredOn(p -> p.kind().equals("Allocate request"))
                    .hasSize(FAST.maxRequests());
            assertThat(proxy.sentToServer()).isZero();
        }
    }

    // ------------------------------------------------------------------------ 2. duplicates and reordering

    @Test
    void duplicatedAndReorderedResponsesGiveOneCandidateOfEachKindAndNoError() throws Exception {
        AtomicInteger responses = new AtomicInteger();
        FaultProxy.Rule rule = p -> p.direction() == Direction.TO_SERVER
                ? List.of(Out.forward(p), Out.forward(p))
                : responses.getAndIncrement() % 2 == 0 ? List.of(Out.held(p)) : List.of(Out.forward(p), Out.forward(p));
        try (FaultProxy proxy = FaultProxy.start(coturn().address(), rule)) {
            String url = "turn:127.0.0.1:" + proxy.port();

            List<IceEvent> events = gather(config(turn(url)).build());

            int port = hostPort(events);
            InetSocketAddress upstream = proxy.upstreamOf(hostAddress(port));
            assertOneGeneration(events, port, srflx(upstream, port, url), relay(relayPort(events), upstream, url));
            assertThat(proxy.overtaken()).as("responses delivered after a later one").isPositive();
            assertThat(proxy.sentToClient()).as("responses delivered twice")
                    .isGreaterThan((int) proxy.seen().stream()
                            .filter(p -> p.direction() == Direction.TO_CLIENT).count());
        }
    }

    // -------------------------------------------------------------------------------------------- 3. delay

    @Test
    void responsesDelayedPastOneRetransmissionStillGiveOneCandidateEach() throws Exception {
        try (FaultProxy proxy = FaultProxy.start(coturn().address(),
                p -> p.direction() == Direction.TO_CLIENT ? List.of(Out.delayed(p, 30)) : List.of(Out.forward(p)))) {
            String url = "turn:127.0.0.1:" + proxy.port();

            List<IceEvent> events = gather(config(turn(url)).build());

            int port = hostPort(events);
            InetSocketAddress upstream = proxy.upstreamOf(hostAddress(port));
            assertOneGeneration(events, port, srflx(upstream, port, url), relay(relayPort(events), upstream, url));
            assertThat(proxy.seen()).filteredOn(p -> p.kind().equals("Binding request")).as("retransmitted")
                    .hasSizeGreaterThanOrEqualTo(2);
            assertThat(proxy.seen()).filteredOn(p -> p.kind().equals("Binding success")).as("both answered")
                    .hasSizeGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void responsesDelayedPastAllRetransmissionsAreA701AndTheLateOnesAreIgnored() throws Exception {
        long late = FAST.udpTimeout().toMillis() + 160;
        StunTimers patient = FAST.withInitialRto(Duration.ofMillis(100)).withLastWaitMultiplier(16);
        try (FaultProxy slow = FaultProxy.start(coturn().address(),
                    p -> p.direction() == Direction.TO_CLIENT
                            ? List.of(Out.delayed(p, late)) : List.of(Out.forward(p)));
                FaultProxy gate = FaultProxy.start(coturn().address(),
                    p -> p.direction() == Direction.TO_CLIENT || slow.sentToClient() >= FAST.maxRequests()
                            ? List.of(Out.forward(p)) : List.of())) {
            String slowUrl = "stun:127.0.0.1:" + slow.port();
            String gateUrl = "stun:127.0.0.1:" + gate.port();

            // the second server answers only after every late response of the first was delivered: the host socket
            // is still open while they arrive
            List<IceEvent> events = gather(config(IceServer.of(slowUrl), IceServer.of(gateUrl).withTimers(patient))
                    .build());

            int port = hostPort(events);
            assertEvents(events, GATHERING_0, host(port),
                    new IceEvent.CandidateError(0, new IceCandidateError(slowUrl, 701, STUN_TIMEOUT, "127.0.0.1",
                            port)),
                    srflx(gate.upstreamOf(hostAddress(port)), port, gateUrl), END_0, COMPLETE_0);
            assertThat(slow.seen()).filteredOn(p -> p.kind().equals("Binding request")).hasSize(FAST.maxRequests());
            assertThat(slow.sentToClient()).as("every late response was delivered").isEqualTo(FAST.maxRequests());
            assertThat(gate.dropped()).as("the second server was held back").isNotEmpty();
        }
    }

    // ------------------------------------------------------------------------- 4. coturn killed mid-allocation

    @Test
    void coturnKilledBeforeItsAllocateSuccessArrivesIsA701AfterTheServerReflexive() throws Exception {
        CompletableFuture<Void> allocated = new CompletableFuture<>();
        AtomicBoolean bindingAnswered = new AtomicBoolean();
        try (Coturn doomed = Coturn.builder().tls(false).start()) {
            FaultProxy.Rule rule = p -> {
                if (p.direction() == Direction.TO_SERVER) {
                    // the Allocate waits for the Binding to be answered, so the candidate order is fixed
                    return p.kind().equals("Allocate request") && !bindingAnswered.get()
                            ? List.of() : List.of(Out.forward(p));
                }
                if (p.kind().equals("Binding success")) {
                    bindingAnswered.set(true);
                }
                if (p.kind().equals("Allocate success")) {
                    allocated.complete(null);
                    return List.of();
                }
                return List.of(Out.forward(p));
            };
            try (FaultProxy proxy = FaultProxy.start(doomed.address(), rule)) {
                String url = "turn:127.0.0.1:" + proxy.port();
                IceServer server = IceServer.of(List.of(url), doomed.username(), doomed.password());
                CompletableFuture<List<IceEvent>> gathering = gatherAsync(config(server).build());

                allocated.get(10, TimeUnit.SECONDS);
                ProcessHandle turnserver = ProcessHandle.of(doomed.pid()).orElseThrow();
                assertThat(turnserver.destroyForcibly()).as("SIGKILL sent").isTrue();
                turnserver.onExit().get(10, TimeUnit.SECONDS);
                List<IceEvent> events = gathering.get(30, TimeUnit.SECONDS);

                int port = hostPort(events);
                assertEvents(events, GATHERING_0, host(port),
                        srflx(proxy.upstreamOf(hostAddress(port)), port, url),
                        new IceEvent.CandidateError(0, new IceCandidateError(url, 701, TURN_TIMEOUT, "127.0.0.1",
                                port)),
                        END_0, COMPLETE_0);
                assertThat(doomed.isRunning()).isFalse();
            }
        }
    }

    // -------------------------------------------------------------------------------------- 5. TCP resets

    @Test
    void aTcpResetRightAfterConnectIsA701WithoutAddress() throws Exception {
        oneConnection("turn", accepted -> accepted.setSoLinger(true, 0),
                port -> "TCP connection to 127.0.0.1:" + port + " was reset by the server.");
    }

    @Test
    void aTcpResetInTheMiddleOfAResponseIsA701WithoutAddress() throws Exception {
        oneConnection("turn", accepted -> {
            byte[] allocate = readStunFrame(new DataInputStream(accepted.getInputStream()));
            assertThat(FaultProxy.kind(allocate)).isEqualTo("Allocate request");
            byte[] half = Arrays.copyOf(unauthorized(allocate), 26);
            OutputStream out = accepted.getOutputStream();
            out.write(half);
            out.flush();
            accepted.setSoLinger(true, 0);
        }, port -> "TCP connection to 127.0.0.1:" + port + " was reset by the server.");
    }

    // --------------------------------------------------------------------------------------------- 6. TLS

    @Test
    void aServerThatAnswersTheClientHelloWithGarbageIsA701NamingTls() throws Exception {
        byte[] garbage = "HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        oneConnection("turns", accepted -> {
            assertThat(accepted.getInputStream().read()).as("a TLS handshake record").isEqualTo(0x16);
            accepted.getOutputStream().write(garbage);
            accepted.getOutputStream().flush();
            // the client gives up on the garbage and closes before this side does
            assertThat(accepted.getInputStream().readAllBytes()).hasSizeLessThan(16_384);
        }, port -> "TLS handshake with 127.0.0.1 failed: the server does not speak TLS (not an SSL/TLS record).");
    }

    @Test
    void aServerThatClosesDuringTheHandshakeIsA701NamingTls() throws Exception {
        oneConnection("turns",
                accepted -> assertThat(accepted.getInputStream().read()).as("a TLS handshake record").isEqualTo(0x16),
                port -> "TLS handshake with 127.0.0.1 failed: the connection was closed during the handshake.");
    }

    /** What the server side does with the one connection of {@link #oneConnection}. */
    @FunctionalInterface
    private interface ConnectionScript {
        void run(Socket accepted) throws Exception;
    }

    /**
     * Gather from a {@code scheme} URL (over TCP) whose server accepts one connection and runs {@code script} on it,
     * then closes it; the gathering must end with the 701 {@code text} (given the server's port) and nothing else.
     */
    private static void oneConnection(String scheme, ConnectionScript script, IntFunction<String> text)
            throws Exception {
        try (ServerSocket tcp = new ServerSocket(0, 1, LOOPBACK)) {
            tcp.setSoTimeout(10_000);
            String url = scheme + ":127.0.0.1:" + tcp.getLocalPort() + "?transport=tcp";
            CompletableFuture<List<IceEvent>> gathering = gatherAsync(config(turn(url)).build());
            try (Socket accepted = tcp.accept()) {
                accepted.setSoTimeout(10_000);
                script.run(accepted);
            }
            assertOnly701WithoutAddress(gathering.get(30, TimeUnit.SECONDS), url, text.apply(tcp.getLocalPort()));
        }
    }

    @Test
    void anUntrustedSelfSignedCertificateIsA701ByDefault() {
        try (NettyIceGatherer defaults = NettyIceGatherer.builder().threads(1).scheduler(timers).build()) {
            String url = coturn().turnsUrl();

            List<IceEvent> events = defaults.gather(config(turn(url)).transportPolicy(IceTransportPolicy.RELAY)
                    .build()).collectList().block(Duration.ofSeconds(30));

            assertEvents(events, GATHERING_0, new IceEvent.CandidateError(0, IceCandidateError.withoutAddress(url,
                    701, "TLS handshake with localhost failed: certificate not trusted (unable to find valid "
                            + "certification path to requested target).")), END_0, COMPLETE_0);
        }
    }

    @Test
    void aTrustedCertificateForAnotherNameIsA701BecauseHostNamesAreVerified() {
        String wrongName = "turn.faultmatrix.test";
        try (NettyIceGatherer named = NettyIceGatherer.builder().threads(1).scheduler(timers)
                .trustManager(coturn().trustManager())
                .resolver(host -> Mono.just(List.of(LOOPBACK))).build()) {
            String mismatched = "turns:" + wrongName + ":" + coturn().tlsPort() + "?transport=tcp";
            String matching = coturn().turnsUrl();

            List<IceEvent> events = named.gather(config(IceServer.of(List.of(mismatched, matching),
                            coturn().username(), coturn().password()))
                    .transportPolicy(IceTransportPolicy.RELAY).build()).collectList().block(Duration.ofSeconds(30));

            assertThat(events).hasSize(5);
            assertThat(events.get(0)).isEqualTo(GATHERING_0);
            assertThat(events.subList(3, 5)).containsExactly(END_0, COMPLETE_0);
            assertThat(errors(events)).containsExactly(IceCandidateError.withoutAddress(mismatched, 701,
                    "TLS handshake with " + wrongName + " failed: certificate does not match the host name (No "
                            + "subject alternative DNS name matching " + wrongName + " found.)."));
            assertThat(candidates(events, IceCandidate.Type.RELAY)).as("the same certificate is trusted for its name")
                    .singleElement().satisfies(c -> {
                        assertThat(c.url()).isEqualTo(matching);
                        assertThat(c.protocol()).isEqualTo(IceProtocol.UDP);
                        assertThat(c.address()).isEqualTo("127.0.0.1");
                        assertThat(c.port()).isBetween(coturn().minRelayPort(), coturn().maxRelayPort());
                        assertThat(c.relatedAddress()).isEqualTo("127.0.0.1");
                        assertThat(c.relatedPort()).isPositive();
                        assertThat(c.component()).isEqualTo(1);
                    });
        }
    }

    // --------------------------------------------------------------------------------------------- 7. DNS

    @Test
    void dnsNxdomainAndTimeoutAreHostLookupErrors() throws Exception {
        String nx = "nx.faultmatrix.test";
        String silent = "silent.faultmatrix.test";
        try (TinyDnsServer dns = TinyDnsServer.start(Set.of(nx));
                NettyIceGatherer resolving = NettyIceGatherer.builder().threads(1).scheduler(timers)
                        .dnsServer(dns.address(), Duration.ofMillis(300)).build()) {
            String stunNx = "stun:" + nx + ":3478";
            String turnNx = "turn:" + nx + ":3478";
            String stunSilent = "stun:" + silent + ":3478";
            String turnSilent = "turn:" + silent + ":3478";

            List<IceEvent> events = resolving.gather(config(IceServer.of(stunNx, stunSilent),
                    IceServer.of(List.of(turnNx, turnSilent), "user", "secret")).build())
                    .collectList().block(Duration.ofSeconds(30));

            int port = hostPort(events);
            assertThat(events).hasSize(8);
            assertEvents(events.subList(0, 2), GATHERING_0, host(port));
            assertThat(events.subList(2, 4)).as("NXDOMAIN comes at once").containsExactlyInAnyOrder(
                    lookupError(stunNx, "STUN"), lookupError(turnNx, "TURN"));
            assertThat(events.subList(4, 6)).as("the silent name after the query timeout").containsExactlyInAnyOrder(
                    lookupError(stunSilent, "STUN"), lookupError(turnSilent, "TURN"));
            assertThat(events.subList(6, 8)).containsExactly(END_0, COMPLETE_0);
            assertThat(dns.queried()).as("every query went to the test's server").contains(nx, silent)
                    .containsOnly(nx, silent);
        }
    }

    @Test
    void dnsServerRejectsAnUnresolvedAddressAndANonPositiveTimeout() {
        NettyIceGatherer.Builder builder = NettyIceGatherer.builder();
        assertThatThrownBy(() -> builder.dnsServer(InetSocketAddress.createUnresolved("dns.example", 53),
                Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dnsServer: name server dns.example/<unresolved>:53 must be a resolved address");
        InetSocketAddress server = new InetSocketAddress(LOOPBACK, 53);
        assertThatThrownBy(() -> builder.dnsServer(server, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dnsServer: queryTimeout must be positive, not PT0S");
        assertThatThrownBy(() -> builder.dnsServer(server, Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dnsServer: queryTimeout must be positive, not PT-0.001S");
    }

    // ------------------------------------------------------------------------------------------ 8. garbage

    @Test
    void garbageBeforeTheGenuineResponseIsDroppedAndTheGatheringSucceeds() throws Exception {
        try (FaultProxy proxy = FaultProxy.start(coturn().address(), p -> p.direction() == Direction.TO_SERVER
                ? List.of(Out.forward(p)) : withGarbage(p, true))) {
            String url = "turn:127.0.0.1:" + proxy.port();

            List<IceEvent> events = gather(config(turn(url)).build());

            int port = hostPort(events);
            InetSocketAddress upstream = proxy.upstreamOf(hostAddress(port));
            assertOneGeneration(events, port, srflx(upstream, port, url), relay(relayPort(events), upstream, url));
        }
    }

    @Test
    void onlyGarbageIsDroppedAndTheBindingTimesOut() throws Exception {
        try (FaultProxy proxy = FaultProxy.start(coturn().address(), p -> p.direction() == Direction.TO_SERVER
                ? List.of(Out.forward(p)) : withGarbage(p, false))) {
            String url = "stun:127.0.0.1:" + proxy.port();

            List<IceEvent> events = gather(config(IceServer.of(url)).build());

            assertOnlyBindingTimeout(events, url);
            assertThat(proxy.sentToClient()).as("four kinds of garbage for each of the 7 responses")
                    .isEqualTo(4 * FAST.maxRequests());
        }
    }

    // ------------------------------------------------------------------------------- 9. another address

    @Test
    void responsesFromAnotherPortOrIpAreDroppedAndTheBindingTimesOut() throws Exception {
        try (FaultProxy proxy = FaultProxy.start(coturn().address(), p -> p.direction() == Direction.TO_SERVER
                ? List.of(Out.forward(p)) : List.of(Out.from(Source.OTHER_PORT, p), Out.from(Source.OTHER_IP, p)))) {
            String url = "stun:127.0.0.1:" + proxy.port();

            List<IceEvent> events = gather(config(IceServer.of(url)).build());

            assertOnlyBindingTimeout(events, url);
            assertThat(proxy.sentToClient()).isEqualTo(2 * FAST.maxRequests());
        }
    }

    // ------------------------------------------------------------------------------------------- faults

    /**
     * Loss decided per datagram by a {@link SplittableRandom} seeded from {@code seed}, the direction, the STUN kind
     * and its occurrence, so that the same datagrams are lost whatever the interleaving of transactions; and never
     * more than {@value #MAX_BURST} datagrams of one direction and kind in a row, so that a transaction of
     * {@link #LOSSY} timers always gets through (at least 3 of its 9 requests arrive, and of their responses at most
     * 2 in a row are lost). Called on the proxy's thread only.
     */
    static FaultProxy.Rule seededLoss(long seed, double toServer, double toClient) {
        Map<String, Integer> burst = new HashMap<>();
        return p -> {
            double rate = p.direction() == Direction.TO_SERVER ? toServer : toClient;
            String stream = p.direction() + " " + p.kind();
            long key = seed * 1_000_003L + stream.hashCode() * 7919L + p.occurrence();
            boolean lose = new SplittableRandom(key).nextDouble() < rate && burst.getOrDefault(stream, 0) < MAX_BURST;
            burst.put(stream, lose ? burst.getOrDefault(stream, 0) + 1 : 0);
            return lose ? List.of() : List.of(Out.forward(p));
        };
    }

    /**
     * Random bytes, text, the genuine response cut after 30 bytes, the genuine response with a wrong magic cookie;
     * then, if {@code genuine}, the genuine response.
     */
    static List<Out> withGarbage(Packet p, boolean genuine) {
        byte[] random = new byte[48];
        new Random(p.occurrence() + 17L * p.kind().hashCode()).nextBytes(random);
        byte[] text = "this is not a STUN message".getBytes(StandardCharsets.US_ASCII);
        byte[] truncated = Arrays.copyOf(p.bytes(), Math.min(30, p.bytes().length - 1));
        byte[] wrongCookie = p.bytes().clone();
        wrongCookie[4] ^= 0x01;
        List<Out> outs = new ArrayList<>(List.of(Out.bytes(random), Out.bytes(text), Out.bytes(truncated),
                Out.bytes(wrongCookie)));
        if (genuine) {
            outs.add(Out.forward(p));
        }
        return outs;
    }

    /** A 401 error response to a STUN request, as bytes: the request's transaction id, ERROR-CODE 401 only. */
    static byte[] unauthorized(byte[] request) {
        byte[] reason = "Unauthorized".getBytes(StandardCharsets.US_ASCII); // 12 bytes, already 4-aligned
        int attributeLength = 4 + reason.length;
        byte[] message = new byte[20 + 4 + attributeLength];
        int type = 0x0113; // Allocate error response
        message[0] = (byte) (type >> 8);
        message[1] = (byte) type;
        message[3] = (byte) (4 + attributeLength);
        System.arraycopy(request, 4, message, 4, 16); // magic cookie and transaction id
        message[20] = 0x00;
        message[21] = 0x09; // ERROR-CODE
        message[23] = (byte) attributeLength;
        message[26] = 4; // class
        message[27] = 1; // number
        System.arraycopy(reason, 0, message, 28, reason.length);
        return message;
    }

    /** Read one STUN message from a stream: the 20-byte header, then the body its length field gives. */
    static byte[] readStunFrame(DataInputStream in) throws IOException {
        byte[] header = new byte[20];
        in.readFully(header);
        int length = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
        byte[] message = Arrays.copyOf(header, 20 + length);
        in.readFully(message, 20, length);
        return message;
    }

    // ------------------------------------------------------------------------------------------ helpers

    static Cand srflx(InetSocketAddress mapped, int hostPort, String url) {
        return new Cand(IceCandidate.Type.SRFLX, IceProtocol.UDP, mapped.getAddress().getHostAddress(),
                mapped.getPort(), "127.0.0.1", hostPort, url);
    }

    static Cand relay(int relayPort, InetSocketAddress mapped, String url) {
        return new Cand(IceCandidate.Type.RELAY, IceProtocol.UDP, "127.0.0.1", relayPort,
                mapped.getAddress().getHostAddress(), mapped.getPort(), url);
    }

    static IceEvent lookupError(String url, String noun) {
        return new IceEvent.CandidateError(0, IceCandidateError.withoutAddress(url, 701,
                noun + " host lookup received error."));
    }

    static int relayPort(List<IceEvent> events) {
        List<IceCandidate> relays = candidates(events, IceCandidate.Type.RELAY);
        assertThat(relays).as("one relay candidate in %s", events).hasSize(1);
        return relays.get(0).port();
    }

    static InetSocketAddress hostAddress(int port) {
        return new InetSocketAddress(LOOPBACK, port);
    }

    /** One generation whose only news is the Binding timeout 701 of {@code url}, from the host socket. */
    static void assertOnlyBindingTimeout(List<IceEvent> events, String url) {
        int port = hostPort(events);
        assertEvents(events, GATHERING_0, host(port),
                new IceEvent.CandidateError(0, new IceCandidateError(url, 701, STUN_TIMEOUT, "127.0.0.1", port)),
                END_0, COMPLETE_0);
    }

    /** One generation whose only news is a 701 for {@code url} with {@code text}, from no exposed address. */
    static void assertOnly701WithoutAddress(List<IceEvent> events, String url, String text) {
        assertEvents(events, GATHERING_0, host(hostPort(events)),
                new IceEvent.CandidateError(0, IceCandidateError.withoutAddress(url, 701, text)), END_0, COMPLETE_0);
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

    static CompletableFuture<List<IceEvent>> gatherAsync(IceConfiguration config) {
        return gatherer.gather(config).collectList().toFuture();
    }
}
