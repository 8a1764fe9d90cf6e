package io.iceflux.netty.internal.transport;

import static io.iceflux.netty.fixtures.TamperedStun.badFingerprint;
import static io.iceflux.netty.fixtures.TamperedStun.channelData;
import static io.iceflux.netty.fixtures.TamperedStun.notStun;
import static io.iceflux.netty.fixtures.TamperedStun.overrunningAttribute;
import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.StunTimers;
import io.iceflux.netty.DropReason;
import io.iceflux.netty.DroppedPackets;
import io.iceflux.netty.fixtures.FakeStunServer.Reply;
import io.iceflux.netty.fixtures.FakeStunServer;
import io.iceflux.netty.fixtures.RecordingMetrics;
import io.iceflux.netty.fixtures.TestLoops;
import io.iceflux.netty.internal.gather.GathererAccounting;
import io.iceflux.netty.stun.StunAttribute;
import io.iceflux.netty.stun.StunClass;
import io.iceflux.netty.stun.StunEncodeOptions;
import io.iceflux.netty.stun.StunMessage;
import io.iceflux.netty.stun.StunMethod;
import io.iceflux.netty.stun.TransactionId;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Every kind of bad packet in one burst before the genuine response, on one UDP socket and on one TCP connection:
 * the request gets the genuine response, and each drop is counted once under its reason, in the transport's total,
 * the factory's accounting and the metrics listener; the transaction is reported once.
 */
class DropReasonsTransportTest {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final InetSocketAddress BOGUS = new InetSocketAddress(LOOPBACK, 9);
    static final byte[] KEY = "the response key".getBytes(StandardCharsets.UTF_8);
    static final byte[] OTHER_KEY = "another key".getBytes(StandardCharsets.UTF_8);
    static final StunEncodeOptions SIGNED = StunEncodeOptions.defaults().messageIntegrity(KEY);
    static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final TestLoops LOOPS = TestLoops.withClientThreads(1);

    VirtualTimeScheduler time;
    RecordingMetrics recorder;
    GathererAccounting accounting;
    NettyStunTransportFactory factory;
    FakeStunServer server;
    StunTransport transport;

    @BeforeEach
    void createFactory() {
        time = LOOPS.virtualTime();
        recorder = new RecordingMetrics();
        accounting = new GathererAccounting(recorder);
        factory = new NettyStunTransportFactory(LOOPS.client(), time,
                NettyStunTransportFactory.TlsSettings.systemDefault(), WAIT, accounting);
    }

    @AfterEach
    void close() {
        if (transport != null) {
            transport.close().block(WAIT);
        }
    }

    @Test
    void udpCountsEachBadPacketUnderItsReason() throws Exception {
        server = LOOPS.udpServer();
        transport = factory.openUdp(LOOPBACK).block(WAIT);
        server.responder((request, from) -> {
            StunMessage genuine = FakeStunServer.success(request, from);
            List<Reply> replies = new ArrayList<>();
            replies.add(new Reply(FakeStunServer.success(request, BOGUS), SIGNED, null, true, Reply.Action.SEND));
            replies.addAll(badReplies(request, false));
            replies.add(Reply.signed(genuine, SIGNED));
            replies.add(Reply.signed(genuine, SIGNED));
            return replies;
        });
        StunMessage request = StunMessage.builder(StunClass.REQUEST, StunMethod.BINDING).build();

        StunMessage response = transport.request(request, StunEncodeOptions.defaults(), server.address(), KEY,
                StunTimers.rfc8489()).block(WAIT);
        // a clean exchange afterwards: its response leaves after the late duplicate, so that has been counted
        server.responder((req, from) -> List.of(Reply.signed(FakeStunServer.success(req, from), SIGNED)));
        transport.request(StunMessage.builder(StunClass.REQUEST, StunMethod.BINDING).build(),
                StunEncodeOptions.defaults(), server.address(), KEY, StunTimers.rfc8489()).block(WAIT);

        assertThat(response.transactionId()).isEqualTo(request.transactionId());
        assertThat(response.attribute(StunAttribute.XorMappedAddress.class).orElseThrow().address())
                .isEqualTo(transport.localAddress());
        Map<DropReason, Long> expected = expected(1);
        expected.put(DropReason.WRONG_SOURCE, 1L);
        expected.merge(DropReason.UNKNOWN_TRANSACTION, 1L, Long::sum); // the late duplicate of the genuine response
        assertCounted(expected, "udp");
    }

    @Test
    void tcpCountsEachBadPacketUnderItsReason() throws Exception {
        server = LOOPS.tcpServer(null);
        transport = factory.openStream(LOOPBACK, server.address(), null).block(WAIT);
        server.responder((request, from) -> {
            List<Reply> replies = new ArrayList<>(badReplies(request, true));
            replies.add(Reply.signed(FakeStunServer.success(request, from), SIGNED));
            return replies;
        });
        StunMessage request = StunMessage.builder(StunClass.REQUEST, StunMethod.BINDING).build();

        StunMessage response = transport.request(request, StunEncodeOptions.defaults(), server.address(), KEY,
                StunTimers.rfc8489()).block(WAIT);

        assertThat(response.transactionId()).isEqualTo(request.transactionId());
        assertThat(transport.isOpen()).as("bad frames do not close the connection").isTrue();
        Map<DropReason, Long> expected = expected(1);
        assertCounted(expected, "tcp");
    }

    /**
     * One packet of every reason but WRONG_SOURCE (UDP only) and UNUSABLE_ADDRESS (not a transport's), two for
     * BAD_INTEGRITY and NOT_A_RESPONSE. The packet that is not STUN is garbage over UDP, a ChannelData frame on a
     * stream (garbage cannot be framed there, and closes the connection).
     */
    static List<Reply> badReplies(StunMessage request, boolean stream) {
        TransactionId tid = request.transactionId();
        StunMessage forged = FakeStunServer.success(request, BOGUS);
        return List.of(
                Reply.raw(stream ? channelData() : notStun()),
                Reply.raw(overrunningAttribute(forged)),
                Reply.raw(badFingerprint(forged, null)),
                Reply.signed(forged.toBuilder().transactionId(TransactionId.random()).build(), SIGNED),
                Reply.signed(StunMessage.builder(StunClass.REQUEST, StunMethod.BINDING).transactionId(tid).build(),
                        SIGNED),
                Reply.signed(StunMessage.builder(StunClass.INDICATION, StunMethod.BINDING).transactionId(tid)
                        .build(), SIGNED),
                Reply.signed(StunMessage.builder(StunClass.SUCCESS_RESPONSE, StunMethod.ALLOCATE).transactionId(tid)
                        .build(), SIGNED),
                Reply.signed(forged, StunEncodeOptions.defaults().messageIntegrity(OTHER_KEY)),
                Reply.of(forged));
    }

    /** The counts {@link #badReplies} gives, {@code n} bursts of it, WRONG_SOURCE at zero. */
    static Map<DropReason, Long> expected(long n) {
        Map<DropReason, Long> expected = new EnumMap<>(DropReason.class);
        for (DropReason reason : DropReason.values()) {
            expected.put(reason, n);
        }
        expected.put(DropReason.WRONG_SOURCE, 0L);
        expected.put(DropReason.UNUSABLE_ADDRESS, 0L); // the gathering's check, on responses a transport delivered
        expected.put(DropReason.NOT_A_RESPONSE, 2 * n);
        expected.put(DropReason.BAD_INTEGRITY, 2 * n);
        return expected;
    }

    void assertCounted(Map<DropReason, Long> expected, String transportTag) {
        DroppedPackets counted = accounting.droppedPackets();
        assertThat(counted.counts()).isEqualTo(expected);
        List<String> told = new ArrayList<>();
        expected.forEach((reason, count) -> {
            for (long i = 0; i < count; i++) {
                told.add("dropped " + reason);
            }
        });
        List<String> drops = new CopyOnWriteArrayList<>(recorder.calls);
        drops.removeIf(c -> !c.startsWith("dropped "));
        assertThat(drops).containsExactlyInAnyOrderElementsOf(told);
        assertThat(recorder.calls).filteredOn(c -> c.startsWith("transaction "))
                .allMatch(c -> c.equals("transaction binding " + transportTag + " SUCCESS"))
                .isNotEmpty();
    }
}
