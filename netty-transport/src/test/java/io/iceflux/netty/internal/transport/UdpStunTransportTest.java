package io.iceflux.netty.internal.transport;

import static io.iceflux.netty.fixtures.TamperedStun.channelData;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.ServerTransport;
import io.iceflux.StunTimers;
import io.iceflux.netty.fixtures.FakeStunServer.Reply;
import io.iceflux.netty.fixtures.FakeStunServer;
import io.iceflux.netty.fixtures.TestLoops;
import io.iceflux.netty.stun.StunAttribute;
import io.iceflux.netty.stun.StunClass;
import io.iceflux.netty.stun.StunCodec;
import io.iceflux.netty.stun.StunEncodeOptions;
import io.iceflux.netty.stun.StunMessage;
import io.iceflux.netty.stun.StunMethod;
import io.iceflux.netty.stun.TransactionId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.test.scheduler.VirtualTimeScheduler;

class UdpStunTransportTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final byte[] KEY = "the response key".getBytes(StandardCharsets.UTF_8);
    private static final byte[] OTHER_KEY = "another key".getBytes(StandardCharsets.UTF_8);

    @RegisterExtension
    static final TestLoops LOOPS = TestLoops.withClientThreads(2);

    private VirtualTimeScheduler time;
    private FakeStunServer server;
    private StunTransport transport;
    private DropCounter drops;

    @BeforeEach
    void open() throws Exception {
        time = LOOPS.virtualTime();
        server = LOOPS.udpServer();
        drops = new DropCounter();
        transport = drops.factory(LOOPS.client(), time).openUdp(LOOPBACK).block(WAIT);
    }

    @AfterEach
    void close() {
        transport.close().block(WAIT);
    }

    private static StunMessage binding() {
        return StunMessage.builder(StunClass.REQUEST, StunMethod.BINDING).build();
    }

    private CompletableFuture<StunMessage> send(StunMessage request, byte[] key, StunTimers timers) {
        return transport.request(request, StunEncodeOptions.defaults(), server.address(), key, timers).toFuture();
    }

    private StunMessage exchange(StunMessage request, byte[] key) {
        return transport.request(request, StunEncodeOptions.defaults(), server.address(), key, StunTimers.rfc8489())
                .block(WAIT);
    }

    @Test
    void bindingResponseIsMatchedAndCarriesTheClientSocketAddress() throws Exception {
        server.responder((request, from) -> List.of(Reply.of(FakeStunServer.success(request, from))));
        StunMessage request = binding();

        StunMessage response = exchange(request, null);

        assertThat(response.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
        assertThat(response.method()).isEqualTo(StunMethod.BINDING);
        assertThat(response.transactionId()).isEqualTo(request.transactionId());
        assertThat(response.attribute(StunAttribute.XorMappedAddress.class).orElseThrow().address())
                .isEqualTo(transport.localAddress());
        assertThat(transport.localAddress().getAddress()).isEqualTo(LOOPBACK);
        assertThat(transport.localAddress().getPort()).isPositive();
        assertThat(transport.transport()).isEqualTo(ServerTransport.UDP);
        assertThat(transport.isOpen()).isTrue();
        assertThat(drops.total()).isZero();
        FakeStunServer.Received received = server.poll(5000);
        assertThat(received.message()).isEqualTo(request);
        assertThat(received.from()).isEqualTo(transport.localAddress());
        assertThat(server.poll(50)).isNull();
    }

    @Test
    void requestIsSignedAsTheOptionsSay() throws Exception {
        server.responder((request, from) -> List.of(Reply.of(FakeStunServer.success(request, from))));
        StunMessage request = binding();

        transport.request(request, StunEncodeOptions.defaults().messageIntegrity(KEY).fingerprint(true),
                server.address(), null, StunTimers.rfc8489()).block(WAIT);

        StunMessage received = server.poll(5000).message();
        assertThat(received.transactionId()).isEqualTo(request.transactionId());
        assertThat(received.attribute(StunAttribute.MessageIntegrity.class)).isPresent();
        assertThat(received.attribute(StunAttribute.Fingerprint.class)).isPresent();
    }

    @Test
    void silentServerGetsSevenRequestsAtTheRfcScheduleThenTimeoutAt39500Ms() throws Exception {
        StunMessage request = binding();
        CompletableFuture<StunMessage> result = send(request, null, StunTimers.rfc8489());

        assertThat(server.poll(5000).message()).isEqualTo(request);
        long[] gaps = {500, 1000, 2000, 4000, 8000, 16000};
        for (long gap : gaps) {
            time.advanceTimeBy(Duration.ofMillis(gap - 1));
            assertThat(server.poll(50)).as("nothing before %d ms have passed", gap).isNull();
            time.advanceTimeBy(Duration.ofMillis(1));
            assertThat(server.poll(5000)).as("a retransmission after %d ms", gap).isNotNull()
                    .extracting(FakeStunServer.Received::message).isEqualTo(request);
        }
        assertThat(time.now(TimeUnit.MILLISECONDS)).isEqualTo(31_500);

        time.advanceTimeBy(Duration.ofMillis(7_999));
        assertThat(server.poll(50)).isNull();
        assertThat(result).isNotDone();
        time.advanceTimeBy(Duration.ofMillis(1));

        assertThat(result).failsWithin(WAIT).withThrowableThat().havingCause()
                .isInstanceOf(StunTransportException.Timeout.class)
                .withMessage("no response from " + FailureTexts.address(server.address())
                        + " after 7 requests in 39500 ms");
        time.advanceTimeBy(Duration.ofMinutes(5));
        assertThat(server.poll(100)).isNull();
    }

    @Test
    void customTimersAreRespected() throws Exception {
        StunTimers timers = StunTimers.rfc8489().withInitialRto(Duration.ofMillis(100)).withMaxRequests(3)
                .withLastWaitMultiplier(4);
        CompletableFuture<StunMessage> result = send(binding(), null, timers);

        assertThat(server.poll(5000)).isNotNull();
        time.advanceTimeBy(Duration.ofMillis(99));
        assertThat(server.poll(50)).isNull();
        time.advanceTimeBy(Duration.ofMillis(1));
        assertThat(server.poll(5000)).isNotNull();
        time.advanceTimeBy(Duration.ofMillis(199));
        assertThat(server.poll(50)).isNull();
        time.advanceTimeBy(Duration.ofMillis(1));
        assertThat(server.poll(5000)).isNotNull();
        time.advanceTimeBy(Duration.ofMillis(399));
        assertThat(server.poll(50)).isNull();
        assertThat(result).isNotDone();
        time.advanceTimeBy(Duration.ofMillis(1));

        assertThat(result).failsWithin(WAIT).withThrowableThat().havingCause()
                .isInstanceOf(StunTransportException.Timeout.class)
                .withMessageEndingWith("after 3 requests in 700 ms");
        assertThat(server.poll(50)).isNull();
    }

    @Test
    void cancelStopsRetransmissions() throws Exception {
        Disposable subscription = transport.request(binding(), StunEncodeOptions.defaults(), server.address(), null,
                StunTimers.rfc8489()).subscribe();
        assertThat(server.poll(5000)).isNotNull();
        time.advanceTimeBy(Duration.ofMillis(500));
        assertThat(server.poll(5000)).isNotNull();

        subscription.dispose();
        time.advanceTimeBy(Duration.ofMinutes(2));

        assertThat(server.poll(200)).isNull();
    }

    @Test
    void cancelBeforeTheFirstSendSendsNothing() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        transport.executor().execute(() -> {
            try {
                hold.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        transport.request(binding(), StunEncodeOptions.defaults(), server.address(), null, StunTimers.rfc8489())
                .subscribe().dispose();
        hold.countDown();
        // A later exchange on the same socket proves the event loop went past the cancelled transaction.
        server.responder((request, from) -> List.of(Reply.of(FakeStunServer.success(request, from))));
        StunMessage later = binding();
        exchange(later, null);

        assertThat(server.poll(5000).message()).isEqualTo(later);
        time.advanceTimeBy(Duration.ofMinutes(2));
        assertThat(server.poll(100)).isNull();
    }

    @Test
    void spoofedAndBrokenResponsesAreDroppedAndCountedAndTheRealOneIsMatched() throws Exception {
        StunMessage request = binding();
        byte[] truncated = encodeBytes(FakeStunServer.success(request, new InetSocketAddress(LOOPBACK, 1)));
        truncated = java.util.Arrays.copyOf(truncated, truncated.length - 4);
        byte[] finalTruncated = truncated;
        server.responder((req, from) -> {
            StunMessage real = FakeStunServer.success(req, from);
            StunMessage wrongTid = real.toBuilder().transactionId(TransactionId.random()).build();
            StunMessage sameTidRequest = StunMessage.builder(StunClass.REQUEST, StunMethod.BINDING)
                    .transactionId(req.transactionId()).build();
            StunMessage sameTidIndication = StunMessage.builder(StunClass.INDICATION, StunMethod.BINDING)
                    .transactionId(req.transactionId()).build();
            StunMessage otherMethod = StunMessage.builder(StunClass.SUCCESS_RESPONSE, StunMethod.ALLOCATE)
                    .transactionId(req.transactionId()).build();
            StunEncodeOptions good = StunEncodeOptions.defaults().messageIntegrity(KEY);
            return List.of(
                    Reply.signed(wrongTid, good),
                    Reply.signed(real, StunEncodeOptions.defaults().messageIntegrity(OTHER_KEY)),
                    Reply.of(real),
                    Reply.signed(sameTidRequest, good),
                    Reply.signed(sameTidIndication, good),
                    Reply.signed(otherMethod, good),
                    Reply.raw("not a STUN message at all".getBytes(StandardCharsets.US_ASCII)),
                    Reply.raw(channelData()),
                    Reply.raw(finalTruncated),
                    Reply.signed(real, good));
        });

        StunMessage response = exchange(request, KEY);

        assertThat(response.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
        assertThat(response.transactionId()).isEqualTo(request.transactionId());
        assertThat(response.attribute(StunAttribute.MessageIntegrity.class)).isPresent();
        assertThat(drops.total()).isEqualTo(9);
    }

    @Test
    void responseFromAnotherPortIsDropped() throws Exception {
        server.responder((req, from) -> List.of(Reply.fromOtherPort(FakeStunServer.success(req, from)),
                Reply.of(FakeStunServer.success(req, from))));
        StunMessage request = binding();

        StunMessage response = exchange(request, null);
        // The next exchange's response leaves after the spoofed one, so by then it has been counted.
        server.responder((req, from) -> List.of(Reply.of(FakeStunServer.success(req, from))));
        exchange(binding(), null);

        assertThat(response.transactionId()).isEqualTo(request.transactionId());
        assertThat(drops.total()).isEqualTo(1);
    }

    @Test
    void sha256IntegrityIsAccepted() {
        server.responder((req, from) -> List.of(Reply.signed(FakeStunServer.success(req, from),
                StunEncodeOptions.defaults().messageIntegritySha256(KEY))));

        StunMessage response = exchange(binding(), KEY);

        assertThat(response.attribute(StunAttribute.MessageIntegritySha256.class)).isPresent();
        assertThat(drops.total()).isZero();
    }

    @Test
    void unauthenticated401And438AreAcceptedWithoutIntegrityButOtherErrorsAreNot() {
        server.responder((req, from) -> List.of(Reply.of(FakeStunServer.error(req, 420, "Unknown Attribute")),
                Reply.of(FakeStunServer.error(req, 401, "Unauthorized"))));
        StunMessage response401 = exchange(binding(), KEY);
        assertThat(response401.messageClass()).isEqualTo(StunClass.ERROR_RESPONSE);
        assertThat(response401.attribute(StunAttribute.ErrorCode.class).orElseThrow())
                .isEqualTo(new StunAttribute.ErrorCode(401, "Unauthorized"));
        assertThat(drops.total()).isEqualTo(1);

        server.responder((req, from) -> List.of(Reply.of(FakeStunServer.error(req, 438, "Stale Nonce"))));
        StunMessage response438 = exchange(binding(), KEY);
        assertThat(response438.attribute(StunAttribute.ErrorCode.class).orElseThrow().code()).isEqualTo(438);
    }

    @Test
    void errorResponsesCompleteTheMonoWithoutAnException() {
        server.responder((req, from) -> List.of(Reply.of(FakeStunServer.error(req, 500, "Server Error"))));

        StunMessage response = exchange(binding(), null);

        assertThat(response.messageClass()).isEqualTo(StunClass.ERROR_RESPONSE);
        assertThat(response.attribute(StunAttribute.ErrorCode.class).orElseThrow())
                .isEqualTo(new StunAttribute.ErrorCode(500, "Server Error"));
    }

    @Test
    void duplicatedResponseCompletesOnceAndTheLateCopyIsDropped() {
        server.responder((req, from) -> List.of(Reply.of(FakeStunServer.success(req, from)),
                Reply.of(FakeStunServer.success(req, from))));
        StunMessage request = binding();
        List<StunMessage> emitted = new ArrayList<>();

        transport.request(request, StunEncodeOptions.defaults(), server.address(), null, StunTimers.rfc8489())
                .doOnNext(emitted::add).block(WAIT);
        server.responder((req, from) -> List.of(Reply.of(FakeStunServer.success(req, from))));
        exchange(binding(), null);

        assertThat(emitted).hasSize(1);
        assertThat(emitted.get(0).transactionId()).isEqualTo(request.transactionId());
        assertThat(drops.total()).isEqualTo(1);
    }

    @Test
    void unsolicitedResponseIsDropped() {
        StunMessage stray = StunMessage.builder(StunClass.SUCCESS_RESPONSE, StunMethod.BINDING).build();
        server.sendUdp(encodeBytes(stray), transport.localAddress());
        server.responder((req, from) -> List.of(Reply.of(FakeStunServer.success(req, from))));

        StunMessage response = exchange(binding(), null);

        assertThat(response.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
        assertThat(drops.total()).isEqualTo(1);
    }

    @Test
    void closeFailsPendingRequestsAndLaterOnes() throws Exception {
        CompletableFuture<StunMessage> pending = send(binding(), null, StunTimers.rfc8489());
        assertThat(server.poll(5000)).isNotNull();

        transport.close().block(WAIT);

        assertThat(transport.isOpen()).isFalse();
        String text = "UDP socket on " + FailureTexts.address(transport.localAddress()) + " was closed.";
        assertThat(pending).failsWithin(WAIT).withThrowableThat().havingCause()
                .isInstanceOf(StunTransportException.Closed.class).withMessage(text);
        assertThatThrownBy(() -> exchange(binding(), null))
                .isInstanceOf(StunTransportException.Closed.class).hasMessage(text);
        transport.close().block(WAIT);
        time.advanceTimeBy(Duration.ofMinutes(2));
        assertThat(server.poll(100)).isNull();
    }

    @Test
    void twoHundredConcurrentTransactionsAllCompleteWithTheirOwnResponse() {
        server.responder((req, from) -> List.of(Reply.of(FakeStunServer.success(req, from))));
        List<StunMessage> requests = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            requests.add(binding());
        }

        Map<TransactionId, StunMessage> responses = Flux.fromIterable(requests)
                .flatMap(r -> transport.request(r, StunEncodeOptions.defaults(), server.address(), null,
                        StunTimers.rfc8489()), 200)
                .collect(Collectors.toMap(StunMessage::transactionId, Function.identity()))
                .block(Duration.ofSeconds(20));

        assertThat(responses).hasSize(200);
        for (StunMessage request : requests) {
            assertThat(responses.get(request.transactionId()).messageClass())
                    .isEqualTo(StunClass.SUCCESS_RESPONSE);
        }
        assertThat(drops.total()).isZero();
    }

    @Test
    void sameTransactionIdTwiceAtOnceFailsTheSecond() throws Exception {
        StunMessage request = binding();
        CompletableFuture<StunMessage> first = send(request, null, StunTimers.rfc8489());
        assertThat(server.poll(5000)).isNotNull();

        assertThatThrownBy(() -> exchange(request, null)).isInstanceOf(IllegalStateException.class)
                .hasMessage("a transaction with id " + request.transactionId() + " is already pending on this "
                        + "transport");
        assertThat(first).isNotDone();
    }

    @Test
    void onlyRequestsCanBeSent() {
        StunMessage indication = StunMessage.builder(StunClass.INDICATION, StunMethod.BINDING).build();

        assertThatThrownBy(() -> transport.request(indication, StunEncodeOptions.defaults(), server.address(), null,
                StunTimers.rfc8489())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("a STUN transaction sends a REQUEST, not a INDICATION");
    }

    @Test
    void unresolvedDestinationIsRejected() {
        InetSocketAddress unresolved = InetSocketAddress.createUnresolved("stun.example.org", 3478);

        assertThatThrownBy(() -> transport.request(binding(), StunEncodeOptions.defaults(), unresolved, null,
                StunTimers.rfc8489())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("destination stun.example.org/<unresolved>:3478 must be a resolved address");
    }

    @Test
    void nothingIsSentBeforeSubscription() throws Exception {
        transport.request(binding(), StunEncodeOptions.defaults(), server.address(), null, StunTimers.rfc8489());

        assertThat(server.poll(100)).isNull();
    }

    private static byte[] encodeBytes(StunMessage message) {
        ByteBuf buf = StunCodec.encode(message, ByteBufAllocator.DEFAULT);
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }
}
