package io.iceflux.netty;

import static io.iceflux.netty.fixtures.GatheringEvents.COMPLETE_0;
import static io.iceflux.netty.fixtures.GatheringEvents.END_0;
import static io.iceflux.netty.fixtures.GatheringEvents.GATHERING_0;
import static io.iceflux.netty.fixtures.GatheringEvents.hostPort;
import static io.iceflux.netty.fixtures.TamperedStun.badFingerprint;
import static io.iceflux.netty.fixtures.TamperedStun.channelData;
import static io.iceflux.netty.fixtures.TamperedStun.notStun;
import static io.iceflux.netty.fixtures.TamperedStun.overrunningAttribute;
import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.IceCandidate;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceProtocol;
import io.iceflux.IceServer;
import io.iceflux.IceTransportPolicy;
import io.iceflux.StunTimers;
import io.iceflux.netty.fixtures.FakeStunServer.Reply;
import io.iceflux.netty.fixtures.FakeStunServer;
import io.iceflux.netty.fixtures.GatheringEvents;
import io.iceflux.netty.fixtures.TestLoops;
import io.iceflux.netty.stun.PasswordAlgorithm;
import io.iceflux.netty.stun.StunAttribute;
import io.iceflux.netty.stun.StunClass;
import io.iceflux.netty.stun.StunCredentials;
import io.iceflux.netty.stun.StunEncodeOptions;
import io.iceflux.netty.stun.StunMessage;
import io.iceflux.netty.stun.StunMethod;
import io.iceflux.netty.stun.TransactionId;
import io.iceflux.testsupport.TestCertificate;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Spoofed, corrupted and unsolicited packets injected before the genuine response, through the whole gatherer over
 * UDP, TCP and TLS: the events are exactly those of a clean gathering (no error event, the candidate carries the
 * genuine response's address), and {@link NettyIceGatherer#droppedPackets()} counts exactly one drop, under the
 * expected reason.
 *
 * <p>The fake server answers each transaction id once (a retransmission is ignored), and it sends from one
 * event-loop thread, so the bad packet reaches the client before the genuine one.
 */
class SpoofedPacketsGathererTest {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final InetSocketAddress BOGUS = new InetSocketAddress(LOOPBACK, 9);
    static final InetSocketAddress RELAYED = new InetSocketAddress(LOOPBACK, 49_990);
    static final String USER = "spoof-user";
    static final String PASSWORD = "spoof-password";
    static final String REALM = "spoof.example";
    static final byte[] KEY = StunCredentials.longTermKey(USER, REALM, PASSWORD, PasswordAlgorithm.MD5);
    static final StunEncodeOptions SIGNED = StunEncodeOptions.defaults().messageIntegrity(KEY).fingerprint(true);
    static final StunTimers TIMERS = StunTimers.rfc8489().withInitialRto(Duration.ofMillis(500)).withMaxRequests(3)
            .withLastWaitMultiplier(2).withReliableTimeout(Duration.ofSeconds(5));

    @RegisterExtension
    static final TestLoops LOOPS = TestLoops.serverOnly();

    static final NettyIceGatherer gatherer = LOOPS.closeAfterAll(NettyIceGatherer.builder().threads(1).insecureTrustAllCertificates().build());

    FakeStunServer server;

    // ------------------------------------------------------------------------------------------- STUN over UDP

    @Test
    void garbageIsNotStun() throws Exception {
        assertBindingSurvives(DropReason.NOT_STUN,
                (request, from) -> Reply.raw(notStun()));
    }

    @Test
    void channelDataIsNotStun() throws Exception {
        assertBindingSurvives(DropReason.NOT_STUN,
                (request, from) -> Reply.raw(channelData()));
    }

    @Test
    void aStunMessageThatDoesNotDecodeIsMalformed() throws Exception {
        assertBindingSurvives(DropReason.MALFORMED,
                (request, from) -> Reply.raw(overrunningAttribute(FakeStunServer.success(request, BOGUS))));
    }

    @Test
    void aWrongFingerprintIsBadFingerprint() throws Exception {
        assertBindingSurvives(DropReason.BAD_FINGERPRINT,
                (request, from) -> Reply.raw(badFingerprint(FakeStunServer.success(request, BOGUS), null)));
    }

    @Test
    void anotherTransactionIdIsUnknownTransaction() throws Exception {
        assertBindingSurvives(DropReason.UNKNOWN_TRANSACTION, (request, from) -> Reply.of(
                StunMessage.builder(StunClass.SUCCESS_RESPONSE, StunMethod.BINDING)
                        .transactionId(TransactionId.random())
                        .add(new StunAttribute.XorMappedAddress(BOGUS)).build()));
    }

    @Test
    void theRightAnswerFromAnotherPortIsWrongSource() throws Exception {
        assertBindingSurvives(DropReason.WRONG_SOURCE,
                (request, from) -> Reply.fromOtherPort(FakeStunServer.success(request, BOGUS)));
    }

    @Test
    void theRequestReflectedBackIsNotAResponse() throws Exception {
        assertBindingSurvives(DropReason.NOT_A_RESPONSE, (request, from) -> Reply.of(
                StunMessage.builder(StunClass.REQUEST, StunMethod.BINDING)
                        .transactionId(request.transactionId()).build()));
    }

    @Test
    void anIndicationWithTheTransactionIdIsNotAResponse() throws Exception {
        assertBindingSurvives(DropReason.NOT_A_RESPONSE, (request, from) -> Reply.of(
                StunMessage.builder(StunClass.INDICATION, StunMethod.BINDING)
                        .transactionId(request.transactionId())
                        .add(new StunAttribute.XorMappedAddress(BOGUS)).build()));
    }

    @Test
    void aResponseOfAnotherMethodIsWrongMethod() throws Exception {
        assertBindingSurvives(DropReason.WRONG_METHOD, (request, from) -> Reply.of(
                StunMessage.builder(StunClass.SUCCESS_RESPONSE, StunMethod.ALLOCATE)
                        .transactionId(request.transactionId())
                        .add(new StunAttribute.XorMappedAddress(BOGUS)).build()));
    }

    @Test
    void anUnsolicitedErrorResponseDoesNotBecomeACandidateError() throws Exception {
        assertBindingSurvives(DropReason.UNKNOWN_TRANSACTION, (request, from) -> Reply.of(
                StunMessage.builder(StunClass.ERROR_RESPONSE, StunMethod.BINDING)
                        .transactionId(TransactionId.random())
                        .add(new StunAttribute.ErrorCode(400, "Bad Request")).build()));
    }

    // ------------------------------------------------------------------------------------------- TURN over UDP

    @Test
    void anAllocateSuccessSignedWithAnotherKeyIsBadIntegrity() throws Exception {
        byte[] otherKey = StunCredentials.longTermKey(USER, REALM, "not the password", PasswordAlgorithm.MD5);
        assertUdpAllocateSurvives(DropReason.BAD_INTEGRITY, (request, genuine) -> Reply.signed(
                withRelayed(request, BOGUS), StunEncodeOptions.defaults().messageIntegrity(otherKey)));
    }

    @Test
    void anUnsignedAllocateSuccessIsBadIntegrity() throws Exception {
        assertUdpAllocateSurvives(DropReason.BAD_INTEGRITY, (request, genuine) -> Reply.of(
                withRelayed(request, BOGUS)));
    }

    @Test
    void aSignedAllocateSuccessFromAnotherPortIsWrongSource() throws Exception {
        assertUdpAllocateSurvives(DropReason.WRONG_SOURCE, (request, genuine) -> new Reply(
                withRelayed(request, BOGUS), SIGNED, null, true, Reply.Action.SEND));
    }

    @Test
    void anAllocateSuccessWithAWrongFingerprintIsBadFingerprint() throws Exception {
        assertUdpAllocateSurvives(DropReason.BAD_FINGERPRINT, (request, genuine) -> Reply.raw(
                badFingerprint(withRelayed(request, BOGUS), KEY)));
    }

    // ------------------------------------------------------------------------------------ TURN over TCP and TLS

    @Test
    void channelDataOnTheTcpConnectionIsNotStun() throws Exception {
        assertStreamAllocateSurvives(false, DropReason.NOT_STUN,
                (request, genuine) -> Reply.raw(channelData()));
    }

    @Test
    void anotherTransactionIdOnTheTcpConnectionIsUnknownTransaction() throws Exception {
        assertStreamAllocateSurvives(false, DropReason.UNKNOWN_TRANSACTION, (request, genuine) -> Reply.signed(
                StunMessage.builder(StunClass.SUCCESS_RESPONSE, StunMethod.ALLOCATE)
                        .transactionId(TransactionId.random())
                        .add(new StunAttribute.XorRelayedAddress(BOGUS)).build(), SIGNED));
    }

    @Test
    void aBadlySignedAllocateSuccessOnTheTcpConnectionIsBadIntegrity() throws Exception {
        byte[] otherKey = StunCredentials.longTermKey(USER, REALM, "not the password", PasswordAlgorithm.MD5);
        assertStreamAllocateSurvives(false, DropReason.BAD_INTEGRITY, (request, genuine) -> Reply.signed(
                withRelayed(request, BOGUS), StunEncodeOptions.defaults().messageIntegrity(otherKey)));
    }

    @Test
    void aWrongFingerprintOnTheTcpConnectionIsBadFingerprint() throws Exception {
        assertStreamAllocateSurvives(false, DropReason.BAD_FINGERPRINT,
                (request, genuine) -> Reply.raw(badFingerprint(withRelayed(request, BOGUS), KEY)));
    }

    @Test
    void aMalformedMessageOnTheTcpConnectionIsMalformedAndKeepsTheConnection() throws Exception {
        assertStreamAllocateSurvives(false, DropReason.MALFORMED,
                (request, genuine) -> Reply.raw(overrunningAttribute(withRelayed(request, BOGUS))));
    }

    @Test
    void anUnsignedAllocateSuccessOverTlsIsBadIntegrity() throws Exception {
        assertStreamAllocateSurvives(true, DropReason.BAD_INTEGRITY,
                (request, genuine) -> Reply.of(withRelayed(request, BOGUS)));
    }

    @Test
    void aResponseOfAnotherMethodOverTlsIsWrongMethod() throws Exception {
        assertStreamAllocateSurvives(true, DropReason.WRONG_METHOD, (request, genuine) -> Reply.signed(
                StunMessage.builder(StunClass.SUCCESS_RESPONSE, StunMethod.REFRESH)
                        .transactionId(request.transactionId()).add(new StunAttribute.Lifetime(600)).build(),
                SIGNED));
    }

    // ------------------------------------------------------------------------------------------------- checks

    /** A Binding to a STUN server that answers {@code bad} and then the genuine response. */
    void assertBindingSurvives(DropReason reason, BiFunction<StunMessage, InetSocketAddress, Reply> bad)
            throws Exception {
        server = LOOPS.udpServer().responder(oncePerTransaction((request, from) ->
                List.of(bad.apply(request, from), Reply.of(FakeStunServer.success(request, from)))));
        String url = "stun:127.0.0.1:" + server.address().getPort();
        DroppedPackets before = gatherer.droppedPackets();

        List<IceEvent> events = gather(config(IceServer.of(url)).build());

        int port = hostPort(events);
        assertThat(views(events)).containsExactly(GATHERING_0, host(port),
                new Cand(IceCandidate.Type.SRFLX, IceProtocol.UDP, "127.0.0.1", port, url), END_0, COMPLETE_0);
        assertDroppedOnce(before, reason);
    }

    /**
     * A TURN allocation over UDP whose authenticated Allocate is answered {@code bad} (given the request and the
     * genuine response) and then the genuine response.
     */
    void assertUdpAllocateSurvives(DropReason reason, BiFunction<StunMessage, StunMessage, Reply> bad)
            throws Exception {
        server = LOOPS.udpServer().responder(oncePerTransaction(new Turn(bad)));
        String url = "turn:127.0.0.1:" + server.address().getPort();
        DroppedPackets before = gatherer.droppedPackets();

        List<IceEvent> events = gather(config(IceServer.of(List.of(url), USER, PASSWORD)).build());

        int port = hostPort(events);
        List<Object> views = views(events);
        assertThat(views).hasSize(6);
        assertThat(views.subList(0, 2)).containsExactly(GATHERING_0, host(port));
        assertThat(views.subList(2, 4)).containsExactlyInAnyOrder(
                new Cand(IceCandidate.Type.SRFLX, IceProtocol.UDP, "127.0.0.1", port, url),
                new Cand(IceCandidate.Type.RELAY, IceProtocol.UDP, "127.0.0.1", RELAYED.getPort(), url));
        assertThat(views.subList(4, 6)).containsExactly(END_0, COMPLETE_0);
        assertDroppedOnce(before, reason);
    }

    /** The same over a TCP or TLS connection, relay-only. */
    void assertStreamAllocateSurvives(boolean tls, DropReason reason, BiFunction<StunMessage, StunMessage, Reply> bad)
            throws Exception {
        server = LOOPS.tcpServer(tls ? FakeStunServer.serverContext(TestCertificate.selfSigned("localhost")) : null)
                .responder(oncePerTransaction(new Turn(bad)));
        String url = (tls ? "turns" : "turn") + ":127.0.0.1:" + server.address().getPort() + "?transport=tcp";
        DroppedPackets before = gatherer.droppedPackets();

        List<IceEvent> events = gather(config(IceServer.of(List.of(url), USER, PASSWORD))
                .transportPolicy(IceTransportPolicy.RELAY).build());

        assertThat(views(events)).containsExactly(GATHERING_0,
                new Cand(IceCandidate.Type.RELAY, IceProtocol.UDP, "127.0.0.1", RELAYED.getPort(), url),
                END_0, COMPLETE_0);
        assertDroppedOnce(before, reason);
    }

    static void assertDroppedOnce(DroppedPackets before, DropReason reason) {
        assertDroppedOnce(gatherer, before, reason);
    }

    /** {@code g} dropped exactly one packet since {@code before}, for {@code reason}. */
    static void assertDroppedOnce(NettyIceGatherer g, DroppedPackets before, DropReason reason) {
        DroppedPackets delta = g.droppedPackets().since(before);
        Map<DropReason, Long> expected = new EnumMap<>(DropReason.class);
        for (DropReason r : DropReason.values()) {
            expected.put(r, r == reason ? 1L : 0L);
        }
        assertThat(delta.counts()).isEqualTo(expected);
        assertThat(delta.total()).isEqualTo(1);
        assertThat(delta.count(reason)).isEqualTo(1);
    }

    // -------------------------------------------------------------------------------------------- fake server

    /** Answer the first request of each transaction id only: retransmissions get nothing. */
    static FakeStunServer.Responder oncePerTransaction(FakeStunServer.Responder responder) {
        Set<TransactionId> seen = ConcurrentHashMap.newKeySet();
        return (request, from) -> seen.add(request.transactionId()) ? responder.respond(request, from) : List.of();
    }

    /**
     * A TURN server: Binding answered with the mapped address; an Allocate without NONCE gets 401; a signed Allocate
     * gets {@code bad} and then the genuine signed success; a Refresh is echoed, signed.
     */
    record Turn(BiFunction<StunMessage, StunMessage, Reply> bad) implements FakeStunServer.Responder {
        @Override
        public List<Reply> respond(StunMessage request, InetSocketAddress from) {
            return switch (request.method()) {
                case StunMethod.BINDING -> List.of(Reply.of(FakeStunServer.success(request, from)));
                case StunMethod.ALLOCATE -> allocate(request, from);
                case StunMethod.REFRESH -> List.of(Reply.signed(StunMessage.builder(StunClass.SUCCESS_RESPONSE,
                                StunMethod.REFRESH).transactionId(request.transactionId())
                        .add(request.attribute(StunAttribute.Lifetime.class).orElseThrow()).build(), SIGNED));
                default -> List.of();
            };
        }

        private List<Reply> allocate(StunMessage request, InetSocketAddress from) {
            if (request.attribute(StunAttribute.Nonce.class).isEmpty()) {
                return List.of(Reply.of(StunMessage.builder(StunClass.ERROR_RESPONSE, StunMethod.ALLOCATE)
                        .transactionId(request.transactionId())
                        .add(new StunAttribute.ErrorCode(401, "Unauthorized"))
                        .add(new StunAttribute.Realm(REALM))
                        .add(new StunAttribute.Nonce("nonce-1"))
                        .build()));
            }
            StunMessage genuine = StunMessage.builder(StunClass.SUCCESS_RESPONSE, StunMethod.ALLOCATE)
                    .transactionId(request.transactionId())
                    .add(new StunAttribute.XorRelayedAddress(RELAYED))
                    .add(new StunAttribute.XorMappedAddress(from))
                    .add(new StunAttribute.Lifetime(600))
                    .build();
            List<Reply> replies = new ArrayList<>();
            replies.add(bad.apply(request, genuine));
            replies.add(Reply.signed(genuine, SIGNED));
            return replies;
        }
    }

    /** An Allocate success response for {@code request} with this relayed address (a forgery's content). */
    static StunMessage withRelayed(StunMessage request, InetSocketAddress relayed) {
        return StunMessage.builder(StunClass.SUCCESS_RESPONSE, StunMethod.ALLOCATE)
                .transactionId(request.transactionId())
                .add(new StunAttribute.XorRelayedAddress(relayed))
                .add(new StunAttribute.Lifetime(600))
                .build();
    }

    // -------------------------------------------------------------------------------------------------- helpers

    /** A candidate as a user checks it. */
    record Cand(IceCandidate.Type type, IceProtocol protocol, String address, int port, String url) {
    }

    static Cand host(int port) {
        return new Cand(IceCandidate.Type.HOST, IceProtocol.UDP, "127.0.0.1", port, null);
    }

    static List<Object> views(List<IceEvent> events) {
        return events.stream().map(e -> e instanceof IceEvent.CandidateGathered g
                ? (Object) new Cand(g.candidate().type(), g.candidate().protocol(), g.candidate().address(),
                        g.candidate().port(), g.candidate().url())
                : e).toList();
    }

    static IceConfiguration.Builder config(IceServer... servers) {
        return GatheringEvents.loopbackConfig(TIMERS, servers);
    }

    static List<IceEvent> gather(IceConfiguration config) {
        return gatherer.gather(config).collectList().block(Duration.ofSeconds(30));
    }
}
