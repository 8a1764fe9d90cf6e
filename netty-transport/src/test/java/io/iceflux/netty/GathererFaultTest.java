package io.iceflux.netty;

import static io.iceflux.netty.fixtures.GatheringEvents.COMPLETE_0;
import static io.iceflux.netty.fixtures.GatheringEvents.END_0;
import static io.iceflux.netty.fixtures.GatheringEvents.GATHERING_0;
import static io.iceflux.netty.fixtures.GatheringEvents.assertEvents;
import static io.iceflux.netty.fixtures.GatheringEvents.assertOneGeneration;
import static io.iceflux.netty.fixtures.GatheringEvents.candidates;
import static io.iceflux.netty.fixtures.GatheringEvents.errors;
import static io.iceflux.netty.fixtures.GatheringEvents.host;
import static io.iceflux.netty.fixtures.GatheringEvents.hostPort;
import static io.iceflux.netty.fixtures.GatheringEvents.view;
import static io.iceflux.netty.fixtures.TamperedStun.overrunningAttribute;
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
import io.iceflux.netty.coturn.Coturn;
import io.iceflux.netty.fixtures.FakeStunServer.Received;
import io.iceflux.netty.fixtures.FakeStunServer.Reply;
import io.iceflux.netty.fixtures.FakeStunServer;
import io.iceflux.netty.fixtures.GatheringEvents.Cand;
import io.iceflux.netty.fixtures.GatheringEvents;
import io.iceflux.netty.fixtures.TestLoops;
import io.iceflux.netty.internal.gather.Gathering;
import io.iceflux.netty.stun.PasswordAlgorithm;
import io.iceflux.netty.stun.StunAttribute;
import io.iceflux.netty.stun.StunClass;
import io.iceflux.netty.stun.StunCodec;
import io.iceflux.netty.stun.StunCodecException;
import io.iceflux.netty.stun.StunCredentials;
import io.iceflux.netty.stun.StunEncodeOptions;
import io.iceflux.netty.stun.StunMessage;
import io.iceflux.netty.stun.StunMethod;
import io.iceflux.netty.stun.StunPacketKind;
import io.iceflux.netty.stun.TransactionId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.test.publisher.PublisherProbe;

/**
 * End-to-end faults of the gatherer that a real coturn cannot be made to produce: garbage, slow, spoofed and
 * malformed answers from a scripted server, TURN 438/437 exchanges, cancellation mid-lookup and mid-handshake,
 * deadlines on silent TCP servers; plus a 300 redirect between two real coturns. Every case checks the exact
 * events a user sees and that nothing is left behind (buffers by the leak extension, sockets by rebinding their
 * ports or by the server seeing the connection closed, allocations by deletes or coturn's count).
 */
class GathererFaultTest {

    /** Short timers: a silent UDP server is a 701 after 3 requests in 350 ms; TCP waits 2 s. */
    static final StunTimers FAST = StunTimers.rfc8489().withInitialRto(Duration.ofMillis(50)).withMaxRequests(3)
            .withLastWaitMultiplier(2).withReliableTimeout(Duration.ofSeconds(2));

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final String USER = "fault-user";
    static final String PASSWORD = "fault-password";
    static final String REALM = "fault.example";
    static final String TIMED_OUT = "STUN binding request timed out.";

    @RegisterExtension
    static final TestLoops LOOPS = TestLoops.serverOnly();

    static final NettyIceGatherer gatherer = LOOPS.closeAfterAll(NettyIceGatherer.builder().threads(1).build());

    FakeStunServer server;

    // ------------------------------------------------------------------------------------------------ STUN faults

    @Test
    void garbageAndMalformedStunAreDroppedAndTheBindingTimesOut() throws Exception {
        byte[] garbage = "this is not a STUN message at all".getBytes(StandardCharsets.US_ASCII);
        server = LOOPS.udpServer().responder((request, from) -> List.of(
                Reply.raw(garbage), Reply.raw(overrunningAttribute(FakeStunServer.success(request, from)))));
        String url = stunUrl();

        List<IceEvent> events = gather(config(IceServer.of(url)).build());

        int port = hostPort(events);
        assertEvents(events, GATHERING_0, host(port),
                new IceEvent.CandidateError(0, new IceCandidateError(url, 701, TIMED_OUT, "127.0.0.1", port)),
                END_0, COMPLETE_0);
        // every retransmission was sent (and answered with junk): the junk did not end the transaction
        assertOneTransaction(server.drainReceived(), FAST.maxRequests(), port);
    }

    @Test
    void theMalformedAnswerIsStunThatDoesNotDecode() {
        StunMessage request = StunMessage.builder(StunClass.REQUEST, StunMethod.BINDING).build();
        byte[] bad = overrunningAttribute(
                FakeStunServer.success(request, new InetSocketAddress(LOOPBACK, 5000)));
        ByteBuf buf = Unpooled.wrappedBuffer(bad);
        try {
            assertThat(StunPacketKind.classify(buf)).isEqualTo(StunPacketKind.STUN);
            assertThatThrownBy(() -> StunCodec.decode(buf)).isInstanceOf(StunCodecException.class);
        } finally {
            buf.release();
        }
    }

    @Test
    void aServerThatAnswersOnlyTheThirdRetransmissionGivesServerReflexive() throws Exception {
        StunTimers patient = FAST.withInitialRto(Duration.ofMillis(20)).withMaxRequests(6).withLastWaitMultiplier(4);
        AtomicInteger requests = new AtomicInteger();
        server = LOOPS.udpServer().responder((request, from) -> requests.incrementAndGet() == 4
                ? List.of(Reply.of(FakeStunServer.success(request, from)))
                : List.of());
        String url = stunUrl();

        List<IceEvent> events = gather(config(IceServer.of(url)).stunTimers(patient).build());

        int port = hostPort(events);
        assertEvents(events, GATHERING_0, host(port), srflx(port, url), END_0, COMPLETE_0);
        // the original request and three retransmissions of it; the answer stopped the fifth
        assertOneTransaction(server.drainReceived(), 4, port);
    }

    @Test
    void spoofedResponsesAreIgnoredAndTheRealOneCounts() throws Exception {
        InetSocketAddress bogus = new InetSocketAddress(LOOPBACK, 9);
        AtomicInteger requests = new AtomicInteger();
        server = LOOPS.udpServer().responder((request, from) -> {
            if (requests.incrementAndGet() == 1) {
                StunMessage wrongId = StunMessage.builder(StunClass.SUCCESS_RESPONSE, StunMethod.BINDING)
                        .transactionId(TransactionId.random())
                        .add(new StunAttribute.XorMappedAddress(bogus))
                        .build();
                return List.of(Reply.of(wrongId),
                        Reply.fromOtherPort(FakeStunServer.success(request, bogus)));
            }
            return List.of(Reply.of(FakeStunServer.success(request, from)));
        });
        String url = stunUrl();

        List<IceEvent> events = gather(config(IceServer.of(url)).build());

        int port = hostPort(events);
        assertEvents(events, GATHERING_0, host(port), srflx(port, url), END_0, COMPLETE_0);
        // the spoofs came first; the retransmission was answered for real
        assertOneTransaction(server.drainReceived(), 2, port);
    }

    @Test
    void aBindingErrorResponseIsTheServersCodeAndReason() throws Exception {
        server = LOOPS.udpServer()
                .responder((request, from) -> List.of(Reply.of(FakeStunServer.error(request, 400, "Bad Request"))));
        String url = stunUrl();

        List<IceEvent> events = gather(config(IceServer.of(url)).build());

        int port = hostPort(events);
        assertEvents(events, GATHERING_0, host(port),
                new IceEvent.CandidateError(0, new IceCandidateError(url, 400, "Bad Request", "127.0.0.1", port)),
                END_0, COMPLETE_0);
        assertOneTransaction(server.drainReceived(), 1, port);
    }

    @Test
    void aBindingErrorResponseWithoutErrorCodeIs600() throws Exception {
        server = LOOPS.udpServer().responder((request, from) -> List.of(Reply.of(
                StunMessage.builder(StunClass.ERROR_RESPONSE, request.method())
                        .transactionId(request.transactionId()).build())));
        String url = stunUrl();

        List<IceEvent> events = gather(config(IceServer.of(url)).build());

        int port = hostPort(events);
        assertEvents(events, GATHERING_0, host(port), new IceEvent.CandidateError(0, new IceCandidateError(url, 600,
                "STUN binding response with no error code attribute.", "127.0.0.1", port)), END_0, COMPLETE_0);
    }

    @Test
    void aBindingSuccessWithoutMappedAddressIs600() throws Exception {
        server = LOOPS.udpServer().responder((request, from) -> List.of(Reply.of(
                StunMessage.builder(StunClass.SUCCESS_RESPONSE, request.method())
                        .transactionId(request.transactionId()).build())));
        String url = stunUrl();

        List<IceEvent> events = gather(config(IceServer.of(url)).build());

        int port = hostPort(events);
        assertEvents(events, GATHERING_0, host(port), new IceEvent.CandidateError(0, new IceCandidateError(url, 600,
                "STUN binding response with no mapped address attribute.", "127.0.0.1", port)), END_0, COMPLETE_0);
    }

    @Test
    void relayOnlyPolicyWithAStunUrlGathersNothingAndSendsNothing() throws Exception {
        server = LOOPS.udpServer()
                .responder((request, from) -> List.of(Reply.of(FakeStunServer.success(request, from))));

        List<IceEvent> events = gather(config(IceServer.of(stunUrl()))
                .transportPolicy(IceTransportPolicy.RELAY).build());

        assertEvents(events, GATHERING_0, END_0, COMPLETE_0);
        assertThat(server.poll(100)).as("no request reaches the STUN server").isNull();
    }

    // ------------------------------------------------------------------------------------------------ TURN faults

    @Test
    void staleNonceIsAnsweredAndTheRelayHasTheServersAddressesAndIsDeletedAtTheEnd() throws Exception {
        InetSocketAddress relayed = new InetSocketAddress(LOOPBACK, 49_999);
        InetSocketAddress mapped = new InetSocketAddress(LOOPBACK, 40_001);
        FakeTurn turn = new FakeTurn(true, false, from -> mapped, relayed);
        server = LOOPS.udpServer().responder(turn);
        String url = "turn:127.0.0.1:" + server.address().getPort();

        List<IceEvent> events = gather(config(turnServer(url)).build());

        int port = hostPort(events);
        assertOneGeneration(events, port, srflx(port, url), relay(relayed, mapped, url));
        List<StunMessage> turnRequests = turnRequests(server.drainReceived(), port);
        assertThat(turnRequests).extracting(GathererFaultTest::describe).containsExactly(
                "Allocate nonce=-", "Allocate nonce=nonce-1", "Allocate nonce=nonce-2", "Refresh nonce=nonce-2 lifetime=0");
        StunMessage delete = turnRequests.get(3);
        assertThat(delete.attribute(StunAttribute.Username.class)).contains(new StunAttribute.Username(USER));
        assertThat(delete.attribute(StunAttribute.Realm.class)).contains(new StunAttribute.Realm(REALM));
        assertPortFree(port);
    }

    @Test
    void allocationMismatchRetriesFromAFreshSocket() throws Exception {
        InetSocketAddress relayed = new InetSocketAddress(LOOPBACK, 49_998);
        FakeTurn turn = new FakeTurn(false, true, UnaryOperator.identity(), relayed);
        server = LOOPS.udpServer().responder(turn);
        String url = "turn:127.0.0.1:" + server.address().getPort();

        List<IceEvent> events = gather(config(turnServer(url)).build());

        int port = hostPort(events);
        List<Received> received = server.drainReceived();
        List<Integer> allocatePorts = received.stream()
                .filter(r -> r.message().method() == StunMethod.ALLOCATE)
                .map(r -> r.from().getPort()).distinct().toList();
        assertThat(allocatePorts).as("Allocates came from the host socket, then from a fresh one").hasSize(2);
        assertThat(allocatePorts.get(0)).isEqualTo(port);
        int fresh = allocatePorts.get(1);
        assertThat(fresh).isNotEqualTo(port);
        assertOneGeneration(events, port, srflx(port, url),
                relay(relayed, new InetSocketAddress(LOOPBACK, fresh), url));
        assertThat(turnRequests(received, port)).extracting(GathererFaultTest::describe)
                .containsExactly("Allocate nonce=-");
        assertThat(turnRequests(received, fresh)).extracting(GathererFaultTest::describe).containsExactly(
                "Allocate nonce=-", "Allocate nonce=nonce-1", "Refresh nonce=nonce-1 lifetime=0");
        assertPortFree(port);
        assertPortFree(fresh);
    }

    @Test
    void turnOverTcpDeletesTheAllocationBeforeClosingTheConnection() throws Exception {
        InetSocketAddress relayed = new InetSocketAddress(LOOPBACK, 49_997);
        server = LOOPS.tcpServer(null)
                .responder(new FakeTurn(false, false, UnaryOperator.identity(), relayed));
        String url = "turn:127.0.0.1:" + server.address().getPort() + "?transport=tcp";

        List<IceEvent> events = gather(config(turnServer(url)).build());

        int port = hostPort(events);
        InetSocketAddress client = assertOneAllocateExchangeFromOneClient(server.drainReceived());
        assertOneGeneration(events, port, relay(relayed, client, url));
        assertThat(server.pollClosed(5_000)).as("the connection was closed").isEqualTo(client);
    }

    @Test
    void tryAlternateBetweenTwoCoturnsGivesARelayFromTheSecond() {
        try (Coturn second = Coturn.builder().tls(false).start();
                Coturn first = Coturn.builder().tls(false).alternateServer(second.address()).start()) {
            String url = first.turnUdpUrl();
            IceServer turn = IceServer.of(List.of(url), first.username(), first.password());

            List<IceEvent> events = gather(config(turn).build());

            int port = hostPort(events);
            assertThat(errors(events)).isEmpty();
            IceCandidate relay = candidates(events, IceCandidate.Type.RELAY).get(0);
            assertOneGeneration(events, port, srflx(port, url),
                    relay(new InetSocketAddress(LOOPBACK, relay.port()), new InetSocketAddress(LOOPBACK, port), url));
            assertThat(relay.port()).isBetween(second.minRelayPort(), second.maxRelayPort());
            first.awaitAllocationCount(0, Duration.ofSeconds(10));
            second.awaitAllocationCount(0, Duration.ofSeconds(10));
        }
    }

    // ------------------------------------------------------------------------------------- cancel and deadlines

    @Test
    void cancelWhileTheHostNameIsBeingLookedUpCancelsTheLookupAndClosesTheSocket() throws Exception {
        CountDownLatch lookupStarted = new CountDownLatch(1);
        CountDownLatch lookupCancelled = new CountDownLatch(1);
        PublisherProbe<List<InetAddress>> lookup = PublisherProbe.of(Mono.<List<InetAddress>>never()
                .doOnSubscribe(s -> lookupStarted.countDown())
                .doOnCancel(lookupCancelled::countDown));
        List<String> looked = new CopyOnWriteArrayList<>();
        try (NettyIceGatherer g = NettyIceGatherer.builder().threads(1).resolver(host -> {
            looked.add(host);
            return lookup.mono();
        }).build()) {
            Watched watched = watch(g, config(IceServer.of("stun:stun.never-answers.test")).build());

            assertThat(watched.next()).isEqualTo(GATHERING_0);
            IceEvent hostEvent = watched.next();
            int port = ((IceEvent.CandidateGathered) hostEvent).candidate().port();
            assertThat(view(hostEvent)).isEqualTo(host(port));
            assertThat(lookupStarted.await(10, TimeUnit.SECONDS)).as("the lookup started").isTrue();

            watched.subscription.dispose();

            assertThat(watched.ended.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(watched.endSignal.get()).isEqualTo(SignalType.CANCEL);
            assertThat(lookupCancelled.await(10, TimeUnit.SECONDS)).as("the lookup was cancelled").isTrue();
            lookup.assertWasSubscribed();
            lookup.assertWasCancelled();
            assertThat(looked).containsExactly("stun.never-answers.test");
            assertThat(watched.events).as("nothing after the cancel").isEmpty();
            assertPortFree(port);
        }
    }

    @Test
    void cancelDuringTheTlsHandshakeClosesTheConnection() throws Exception {
        try (ServerSocket tcp = new ServerSocket(0, 1, LOOPBACK);
                NettyIceGatherer g = NettyIceGatherer.builder().threads(1).insecureTrustAllCertificates().build()) {
            tcp.setSoTimeout(10_000);
            String url = "turns:127.0.0.1:" + tcp.getLocalPort() + "?transport=tcp";
            Watched watched = watch(g, config(turnServer(url)).build());

            try (Socket accepted = tcp.accept()) {
                accepted.setSoTimeout(10_000);
                InputStream in = accepted.getInputStream();
                assertThat(in.read()).as("a TLS handshake record (ClientHello) arrives").isEqualTo(0x16);

                watched.subscription.dispose();

                assertClosedByPeer(in);
            }
            assertThat(watched.ended.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(watched.endSignal.get()).isEqualTo(SignalType.CANCEL);
            List<IceEvent> seen = watched.drain();
            assertThat(seen).hasSize(2);
            int port = hostPort(seen);
            assertEvents(seen, GATHERING_0, host(port));
            assertPortFree(port);
        }
    }

    @Test
    void aDeadlineBeforeASilentTcpTurnServerAnswersIs701WithoutAddressAndClosesTheConnection() throws Exception {
        try (ServerSocket tcp = new ServerSocket(0, 1, LOOPBACK)) {
            tcp.setSoTimeout(10_000);
            String url = "turn:127.0.0.1:" + tcp.getLocalPort() + "?transport=tcp";
            CompletableFuture<List<IceEvent>> result = gatherer.gather(config(turnServer(url))
                    .gatheringDeadline(Duration.ofMillis(300)).build()).collectList().toFuture();

            try (Socket accepted = tcp.accept()) {
                accepted.setSoTimeout(10_000);
                DataInputStream in = new DataInputStream(accepted.getInputStream());
                StunMessage allocate = readStun(in);
                assertThat(allocate.method()).isEqualTo(StunMethod.ALLOCATE);
                assertThat(allocate.messageClass()).isEqualTo(StunClass.REQUEST);

                List<IceEvent> events = result.get(10, TimeUnit.SECONDS);

                int port = hostPort(events);
                assertEvents(events, GATHERING_0, host(port), new IceEvent.CandidateError(0,
                        IceCandidateError.withoutAddress(url, 701,
                                "Gathering deadline of 300 ms passed before the TURN allocate request completed.")),
                        END_0, COMPLETE_0);
                assertClosedByPeer(in);
                assertPortFree(port);
            }
        }
    }

    // ----------------------------------------------------------------------------------------------- fake TURN

    /**
     * A TURN server script on the fake: Binding is answered with the mapped address; an Allocate without NONCE gets
     * 401 (REALM, nonce-1); with {@code staleFirst}, an Allocate signed with nonce-1 gets 438 (nonce-2); a signed
     * Allocate otherwise succeeds (XOR-RELAYED-ADDRESS, XOR-MAPPED-ADDRESS, LIFETIME 600) and a Refresh is echoed,
     * both with MESSAGE-INTEGRITY under the long-term key. With {@code mismatchFirstSocket}, every Allocate from
     * the first client port that sent one gets 437.
     */
    static final class FakeTurn implements FakeStunServer.Responder {
        private final boolean staleFirst;
        private final boolean mismatchFirstSocket;
        private final UnaryOperator<InetSocketAddress> mapped;
        private final InetSocketAddress relayed;
        private final AtomicReference<InetSocketAddress> firstAllocateFrom = new AtomicReference<>();
        private final StunEncodeOptions signed = StunEncodeOptions.defaults()
                .messageIntegrity(StunCredentials.longTermKey(USER, REALM, PASSWORD, PasswordAlgorithm.MD5))
                .fingerprint(true);

        FakeTurn(boolean staleFirst, boolean mismatchFirstSocket, UnaryOperator<InetSocketAddress> mapped,
                InetSocketAddress relayed) {
            this.staleFirst = staleFirst;
            this.mismatchFirstSocket = mismatchFirstSocket;
            this.mapped = mapped;
            this.relayed = relayed;
        }

        @Override
        public List<Reply> respond(StunMessage request, InetSocketAddress from) {
            String nonce = request.attribute(StunAttribute.Nonce.class).map(StunAttribute.Nonce::value).orElse(null);
            return switch (request.method()) {
                case StunMethod.BINDING -> List.of(Reply.of(FakeStunServer.success(request, from)));
                case StunMethod.ALLOCATE -> allocate(request, from, nonce);
                case StunMethod.REFRESH -> List.of(Reply.signed(respond(request)
                        .add(request.attribute(StunAttribute.Lifetime.class).orElseThrow()).build(), signed));
                default -> List.of();
            };
        }

        private List<Reply> allocate(StunMessage request, InetSocketAddress from, String nonce) {
            firstAllocateFrom.compareAndSet(null, from);
            if (mismatchFirstSocket && from.equals(firstAllocateFrom.get())) {
                return List.of(Reply.of(FakeStunServer.error(request, 437, "Allocation Mismatch")));
            }
            if (nonce == null) {
                return List.of(Reply.of(challenge(request, 401, "Unauthorized", "nonce-1")));
            }
            if (staleFirst && nonce.equals("nonce-1")) {
                return List.of(Reply.of(challenge(request, 438, "Stale Nonce", "nonce-2")));
            }
            return List.of(Reply.signed(respond(request)
                    .add(new StunAttribute.XorRelayedAddress(relayed))
                    .add(new StunAttribute.XorMappedAddress(mapped.apply(from)))
                    .add(new StunAttribute.Lifetime(600))
                    .build(), signed));
        }

        private static StunMessage.Builder respond(StunMessage request) {
            return StunMessage.builder(StunClass.SUCCESS_RESPONSE, request.method())
                    .transactionId(request.transactionId());
        }

        private static StunMessage challenge(StunMessage request, int code, String reason, String nonce) {
            return StunMessage.builder(StunClass.ERROR_RESPONSE, request.method())
                    .transactionId(request.transactionId())
                    .add(new StunAttribute.ErrorCode(code, reason))
                    .add(new StunAttribute.Realm(REALM))
                    .add(new StunAttribute.Nonce(nonce))
                    .build();
        }
    }

    /** The distinct Allocate and Refresh requests from {@code clientPort}, in the order they first arrived. */
    static List<StunMessage> turnRequests(List<Received> received, int clientPort) {
        Map<TransactionId, StunMessage> distinct = new LinkedHashMap<>();
        for (Received r : received) {
            if (r.from().getPort() == clientPort && r.message().method() != StunMethod.BINDING) {
                distinct.putIfAbsent(r.message().transactionId(), r.message());
            }
        }
        return new ArrayList<>(distinct.values());
    }

    /**
     * Every request in {@code received} came from one client socket or connection, whose Allocate and Refresh requests
     * are one Allocate exchange: unauthenticated, answered 401, authenticated, then deleted. Returns that client.
     */
    static InetSocketAddress assertOneAllocateExchangeFromOneClient(List<Received> received) {
        assertThat(received).isNotEmpty();
        InetSocketAddress client = received.get(0).from();
        assertThat(received).extracting(Received::from).as("one client socket or connection").containsOnly(client);
        assertThat(turnRequests(received, client.getPort())).extracting(GathererFaultTest::describe)
                .as("one Allocate exchange")
                .containsExactly("Allocate nonce=-", "Allocate nonce=nonce-1", "Refresh nonce=nonce-1 lifetime=0");
        return client;
    }

    static String describe(StunMessage request) {
        String method = request.method() == StunMethod.ALLOCATE ? "Allocate"
                : request.method() == StunMethod.REFRESH ? "Refresh" : "method " + request.method();
        String nonce = request.attribute(StunAttribute.Nonce.class).map(StunAttribute.Nonce::value).orElse("-");
        return method + " nonce=" + nonce + request.attribute(StunAttribute.Lifetime.class)
                .filter(l -> request.method() == StunMethod.REFRESH).map(l -> " lifetime=" + l.seconds()).orElse("");
    }

    // -------------------------------------------------------------------------------------------------- helpers

    static Cand srflx(int port, String url) {
        return new Cand(IceCandidate.Type.SRFLX, IceProtocol.UDP, "127.0.0.1", port, "127.0.0.1", port, url);
    }

    static Cand relay(InetSocketAddress relayed, InetSocketAddress related, String url) {
        return new Cand(IceCandidate.Type.RELAY, IceProtocol.UDP, relayed.getAddress().getHostAddress(),
                relayed.getPort(), related.getAddress().getHostAddress(), related.getPort(), url);
    }

    /** {@code count} requests of one transaction (a request and its retransmissions) from {@code port}. */
    static void assertOneTransaction(List<Received> received, int count, int port) {
        assertThat(received).hasSize(count);
        assertThat(received).extracting(r -> r.message().transactionId())
                .containsOnly(received.get(0).message().transactionId());
        assertThat(received).allSatisfy(r -> {
            assertThat(r.from()).isEqualTo(new InetSocketAddress(LOOPBACK, port));
            assertThat(r.message().method()).isEqualTo(StunMethod.BINDING);
        });
    }

    static IceConfiguration.Builder config(IceServer... servers) {
        return GatheringEvents.loopbackConfig(FAST, servers);
    }

    static IceServer turnServer(String url) {
        return IceServer.of(List.of(url), USER, PASSWORD);
    }

    String stunUrl() {
        return "stun:127.0.0.1:" + server.address().getPort();
    }

    static List<IceEvent> gather(IceConfiguration config) {
        return gatherer.gather(config).collectList().block(Duration.ofSeconds(20));
    }

    /** A running gathering: its events as they come, how it ended. */
    static final class Watched {
        final BlockingQueue<IceEvent> events = new LinkedBlockingQueue<>();
        final CountDownLatch ended = new CountDownLatch(1);
        final AtomicReference<SignalType> endSignal = new AtomicReference<>();
        Disposable subscription;

        IceEvent next() throws InterruptedException {
            IceEvent e = events.poll(10, TimeUnit.SECONDS);
            assertThat(e).as("an event within 10 s").isNotNull();
            return e;
        }

        List<IceEvent> drain() {
            List<IceEvent> all = new ArrayList<>();
            events.drainTo(all);
            return all;
        }
    }

    static Watched watch(NettyIceGatherer g, IceConfiguration config) {
        Watched w = new Watched();
        w.subscription = g.gather(config)
                .doFinally(signal -> {
                    w.endSignal.set(signal);
                    w.ended.countDown();
                })
                .subscribe(w.events::add);
        return w;
    }

    /** Read until the peer closes; fails if it is still open after the socket's read timeout. */
    static void assertClosedByPeer(InputStream in) throws IOException {
        byte[] buffer = new byte[4096];
        try {
            int read;
            do {
                read = in.read(buffer); // what was in flight before the close is discarded
            } while (read >= 0);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the client did not close the connection", e);
        }
    }

    /** Read one STUN message from a stream (20-byte header, then the body its length field gives). */
    static StunMessage readStun(DataInputStream in) throws IOException {
        byte[] header = new byte[StunCodec.HEADER_LENGTH];
        in.readFully(header);
        int length = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
        byte[] message = new byte[StunCodec.HEADER_LENGTH + length];
        System.arraycopy(header, 0, message, 0, header.length);
        in.readFully(message, header.length, length);
        ByteBuf buf = Unpooled.wrappedBuffer(message);
        try {
            return StunCodec.decode(buf);
        } finally {
            buf.release();
        }
    }

    /**
     * The UDP port on 127.0.0.1 can be bound again, i.e. the gatherer closed its socket. Closing after a cancel is
     * asynchronous, so this retries for up to 5 s.
     */
    static void assertPortFree(int port) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, port))) {
                return;
            } catch (BindException stillBound) {
                if (System.nanoTime() - deadline >= 0) {
                    throw new AssertionError("UDP port " + port + " is still bound after 5 s", stillBound);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            } catch (IOException e) {
                throw new AssertionError("could not probe UDP port " + port, e);
            }
        }
    }
}
