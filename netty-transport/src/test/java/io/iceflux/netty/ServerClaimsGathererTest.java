package io.iceflux.netty;

import static io.iceflux.netty.fixtures.GatheringEvents.COMPLETE_0;
import static io.iceflux.netty.fixtures.GatheringEvents.END_0;
import static io.iceflux.netty.fixtures.GatheringEvents.GATHERING_0;
import static io.iceflux.netty.fixtures.GatheringEvents.assertEvents;
import static io.iceflux.netty.fixtures.GatheringEvents.host;
import static io.iceflux.netty.fixtures.GatheringEvents.hostPort;
import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.IceCandidateError;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceServer;
import io.iceflux.IceTransportPolicy;
import io.iceflux.netty.GathererFaultTest.FakeTurn;
import io.iceflux.netty.fixtures.FakeStunServer.Received;
import io.iceflux.netty.fixtures.FakeStunServer.Reply;
import io.iceflux.netty.fixtures.FakeStunServer;
import io.iceflux.netty.fixtures.GatheringEvents;
import io.iceflux.netty.fixtures.TestLoops;
import io.iceflux.netty.stun.StunAttribute;
import io.iceflux.netty.stun.StunClass;
import io.iceflux.netty.stun.StunMessage;
import io.iceflux.netty.stun.StunMethod;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What a server claims is checked before it becomes a candidate or an error text. A mapped address (XOR-MAPPED-ADDRESS
 * or MAPPED-ADDRESS of a Binding, XOR-MAPPED-ADDRESS of an Allocate) or a relayed address (XOR-RELAYED-ADDRESS) that
 * is unspecified, broadcast, multicast, on port 0 or of the wrong family gives no candidate but a 600 error saying
 * what was wrong, counted as {@link DropReason#UNUSABLE_ADDRESS}; a refused allocation is deleted on the server. A
 * reason phrase longer than RFC 8489's 763 bytes is cut, on a character boundary, and marked with "…".
 */
class ServerClaimsGathererTest {

    @RegisterExtension
    static final TestLoops LOOPS = TestLoops.serverOnly();

    static final NettyIceGatherer gatherer = LOOPS.closeAfterAll(NettyIceGatherer.builder().threads(1).build());

    // ------------------------------------------------------------------------------------------ STUN Binding

    @ParameterizedTest(name = "Binding mapped {0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "0.0.0.0:0          | unspecified",
        "0.0.0.0:5000       | unspecified",
        "[::]:5000          | unspecified",
        "255.255.255.255:53 | broadcast",
        "224.0.0.1:5000     | multicast",
        "[ff02::1]:5000     | multicast",
        "127.0.0.1:0        | port 0",
        "[::1]:5000         | IPv6, not the IPv4 of the socket the request left from"})
    void aBindingWithAnUnusableMappedAddressIsA600AndNoCandidate(String mapped, String problem) throws Exception {
        InetSocketAddress claimed = parse(mapped);
        FakeStunServer server = LOOPS.udpServer().responder((request, from) -> List.of(Reply.of(
                StunMessage.builder(StunClass.SUCCESS_RESPONSE, request.method()).transactionId(request.transactionId())
                        .add(new StunAttribute.XorMappedAddress(claimed)).build())));
        String url = "stun:127.0.0.1:" + server.address().getPort();
        DroppedPackets before = gatherer.droppedPackets();

        List<IceEvent> events = gather(config(IceServer.of(url)).build());

        int port = hostPort(events);
        assertEvents(events, GATHERING_0, host(port), new IceEvent.CandidateError(0, new IceCandidateError(url, 600,
                "STUN binding response with an unusable mapped address " + mapped + " (" + problem + ").",
                "127.0.0.1", port)), END_0, COMPLETE_0);
        SpoofedPacketsGathererTest.assertDroppedOnce(gatherer, before, DropReason.UNUSABLE_ADDRESS);
    }

    @Test
    void aPlainMappedAddressIsCheckedToo() throws Exception {
        FakeStunServer server = LOOPS.udpServer().responder((request, from) -> List.of(Reply.of(
                StunMessage.builder(StunClass.SUCCESS_RESPONSE, request.method()).transactionId(request.transactionId())
                        .add(new StunAttribute.MappedAddress(new InetSocketAddress("239.255.255.250", 1900)))
                        .build())));
        String url = "stun:127.0.0.1:" + server.address().getPort();
        DroppedPackets before = gatherer.droppedPackets();

        List<IceEvent> events = gather(config(IceServer.of(url)).build());

        int port = hostPort(events);
        assertEvents(events, GATHERING_0, host(port), new IceEvent.CandidateError(0, new IceCandidateError(url, 600,
                "STUN binding response with an unusable mapped address 239.255.255.250:1900 (multicast).",
                "127.0.0.1", port)), END_0, COMPLETE_0);
        SpoofedPacketsGathererTest.assertDroppedOnce(gatherer, before, DropReason.UNUSABLE_ADDRESS);
    }

    // ----------------------------------------------------------------------------------------- TURN Allocate

    @ParameterizedTest(name = "Allocate relayed {0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "0.0.0.0:49999         | unspecified",
        "[::]:49999            | unspecified",
        "255.255.255.255:49999 | broadcast",
        "239.1.2.3:49999       | multicast",
        "127.0.0.1:0           | port 0",
        "[::1]:49999           | IPv6, not the IPv4 that was requested"})
    void anAllocateWithAnUnusableRelayedAddressIsA600AndTheAllocationIsDeleted(String relayed, String problem)
            throws Exception {
        InetSocketAddress claimed = parse(relayed);
        FakeStunServer server = LOOPS.udpServer().responder(new FakeTurn(false, false, UnaryOperator.identity(),
                claimed));
        String url = "turn:127.0.0.1:" + server.address().getPort();

        assertRefusedAndDeleted(server, url, "TURN allocate response with an unusable relayed address "
                + relayed + " (" + problem + ").");
    }

    @ParameterizedTest(name = "Allocate mapped {0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "0.0.0.0:40001   | unspecified",
        "224.0.0.251:5353 | multicast",
        "127.0.0.1:0     | port 0",
        "[::1]:40001     | IPv6, not the IPv4 of the socket the request left from"})
    void anAllocateWithAnUnusableMappedAddressIsA600AndTheAllocationIsDeleted(String mapped, String problem)
            throws Exception {
        InetSocketAddress claimed = parse(mapped);
        FakeStunServer server = LOOPS.udpServer().responder(new FakeTurn(false, false, from -> claimed,
                new InetSocketAddress("127.0.0.1", 49_996)));
        String url = "turn:127.0.0.1:" + server.address().getPort();

        assertRefusedAndDeleted(server, url, "TURN allocate response with an unusable mapped address "
                + mapped + " (" + problem + ").");
    }

    @Test
    void overTcpTheMappedFamilyIsTheConnectionsAndTheAllocationIsDeletedOnIt() throws Exception {
        InetSocketAddress claimed = new InetSocketAddress("::1", 40_002);
        FakeStunServer server = LOOPS.tcpServer(null).responder(new FakeTurn(false, false, from -> claimed,
                new InetSocketAddress("127.0.0.1", 49_995)));
        String url = "turn:127.0.0.1:" + server.address().getPort() + "?transport=tcp";
        DroppedPackets before = gatherer.droppedPackets();

        List<IceEvent> events = gather(config(GathererFaultTest.turnServer(url))
                .transportPolicy(IceTransportPolicy.RELAY).build());

        assertEvents(events, GATHERING_0, new IceEvent.CandidateError(0, IceCandidateError.withoutAddress(url, 600,
                "TURN allocate response with an unusable mapped address [::1]:40002 (IPv6, not the IPv4 of the "
                        + "socket the request left from).")), END_0, COMPLETE_0);
        List<Received> received = server.drainReceived();
        assertThat(GathererFaultTest.turnRequests(received, received.get(0).from().getPort()))
                .extracting(GathererFaultTest::describe)
                .containsExactly("Allocate nonce=-", "Allocate nonce=nonce-1", "Refresh nonce=nonce-1 lifetime=0");
        SpoofedPacketsGathererTest.assertDroppedOnce(gatherer, before, DropReason.UNUSABLE_ADDRESS);
    }

    /**
     * Relay-only over UDP: the one event is the 600; the Allocate was answered (401, then success) and the allocation
     * deleted with the Allocate's credentials (Refresh LIFETIME 0); one response counted as unusable.
     */
    private static void assertRefusedAndDeleted(FakeStunServer server, String url, String text) {
        DroppedPackets before = gatherer.droppedPackets();

        List<IceEvent> events = gather(config(GathererFaultTest.turnServer(url))
                .transportPolicy(IceTransportPolicy.RELAY).build());

        assertEvents(events, GATHERING_0,
                new IceEvent.CandidateError(0, IceCandidateError.withoutAddress(url, 600, text)), END_0, COMPLETE_0);
        List<Received> received = server.drainReceived();
        assertThat(received).isNotEmpty();
        assertThat(GathererFaultTest.turnRequests(received, received.get(0).from().getPort()))
                .extracting(GathererFaultTest::describe)
                .containsExactly("Allocate nonce=-", "Allocate nonce=nonce-1", "Refresh nonce=nonce-1 lifetime=0");
        SpoofedPacketsGathererTest.assertDroppedOnce(gatherer, before, DropReason.UNUSABLE_ADDRESS);
    }

    // ------------------------------------------------------------------------------------------ reason phrases

    /** 4,000 bytes of reason phrase: the errorText keeps 760 bytes of it on a character boundary, then "…". */
    @ParameterizedTest(name = "a 4,000-byte reason phrase of ''{0}''")
    @CsvSource({"x, 760", "é, 760", "€, 759", "😀, 760"})
    void aLongReasonPhraseIsCutAt763BytesOnACharacterBoundary(String unit, int keptBytes) throws Exception {
        String phrase = unit.repeat(4000 / unit.getBytes(StandardCharsets.UTF_8).length);
        FakeStunServer server = LOOPS.udpServer()
                .responder((request, from) -> List.of(Reply.of(FakeStunServer.error(request, 400, phrase))));
        String url = "stun:127.0.0.1:" + server.address().getPort();

        List<IceEvent> events = gather(config(IceServer.of(url)).build());

        int port = hostPort(events);
        String expected = unit.repeat(keptBytes / unit.getBytes(StandardCharsets.UTF_8).length) + "…";
        assertEvents(events, GATHERING_0, host(port), new IceEvent.CandidateError(0,
                new IceCandidateError(url, 400, expected, "127.0.0.1", port)), END_0, COMPLETE_0);
        assertThat(expected.getBytes(StandardCharsets.UTF_8).length).isEqualTo(keptBytes + 3).isLessThanOrEqualTo(763);
    }

    @Test
    void aLongReasonPhraseOfAnAllocateErrorIsCutToo() throws Exception {
        String phrase = "Forbidden: " + "quota ".repeat(600);
        FakeStunServer server = LOOPS.udpServer().responder((request, from) -> request.method() == StunMethod.ALLOCATE
                ? List.of(Reply.of(FakeStunServer.error(request, 403, phrase))) : List.of());
        String url = "turn:127.0.0.1:" + server.address().getPort();

        List<IceEvent> events = gather(config(GathererFaultTest.turnServer(url))
                .transportPolicy(IceTransportPolicy.RELAY).build());

        assertEvents(events, GATHERING_0, new IceEvent.CandidateError(0, IceCandidateError.withoutAddress(url, 403,
                phrase.substring(0, 760) + "…")), END_0, COMPLETE_0);
    }

    @Test
    void aReasonPhraseOf763BytesIsKeptWhole() throws Exception {
        String phrase = "y".repeat(763);
        FakeStunServer server = LOOPS.udpServer()
                .responder((request, from) -> List.of(Reply.of(FakeStunServer.error(request, 420, phrase))));
        String url = "stun:127.0.0.1:" + server.address().getPort();

        List<IceEvent> events = gather(config(IceServer.of(url)).build());

        int port = hostPort(events);
        assertEvents(events, GATHERING_0, host(port), new IceEvent.CandidateError(0,
                new IceCandidateError(url, 420, phrase, "127.0.0.1", port)), END_0, COMPLETE_0);
    }

    // -------------------------------------------------------------------------------------------------- helpers

    /** {@code 192.0.2.1:3478} or {@code [2001:db8::1]:3478}, resolved without a lookup. */
    static InetSocketAddress parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        return new InetSocketAddress(host, Integer.parseInt(hostPort.substring(colon + 1)));
    }

    static IceConfiguration.Builder config(IceServer... servers) {
        return GatheringEvents.loopbackConfig(GathererFaultTest.FAST, servers);
    }

    static List<IceEvent> gather(IceConfiguration config) {
        return gatherer.gather(config).collectList().block(Duration.ofSeconds(20));
    }
}
