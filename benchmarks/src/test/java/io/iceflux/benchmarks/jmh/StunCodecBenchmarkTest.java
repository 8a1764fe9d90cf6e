package io.iceflux.benchmarks.jmh;

import static io.iceflux.benchmarks.jmh.JmhTrial.BH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.netty.stun.StunAttribute.ErrorCode;
import io.iceflux.netty.stun.StunAttribute.Fingerprint;
import io.iceflux.netty.stun.StunAttribute.Lifetime;
import io.iceflux.netty.stun.StunAttribute.MessageIntegrity;
import io.iceflux.netty.stun.StunAttribute.Nonce;
import io.iceflux.netty.stun.StunAttribute.Realm;
import io.iceflux.netty.stun.StunAttribute.RequestedTransport;
import io.iceflux.netty.stun.StunAttribute.Username;
import io.iceflux.netty.stun.StunAttribute.XorMappedAddress;
import io.iceflux.netty.stun.StunAttribute.XorRelayedAddress;
import io.iceflux.netty.stun.StunAttribute;
import io.iceflux.netty.stun.StunClass;
import io.iceflux.netty.stun.StunMessage;
import io.iceflux.netty.stun.StunMethod;
import io.iceflux.netty.stun.StunPacketKind;
import io.iceflux.testkit.NettyLeakDetectionExtension;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;
import org.ice4j.attribute.Attribute;
import org.ice4j.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs every {@link StunCodecBenchmark} method once after its setup, outside JMH, and checks what it computes, so
 * that a benchmark cannot silently measure the wrong thing: both codecs work on the same bytes, decode the same
 * values, verify MESSAGE-INTEGRITY, and encode byte-identical messages.
 */
@ExtendWith(NettyLeakDetectionExtension.class)
class StunCodecBenchmarkTest {

    private final StunCodecBenchmark bench = new StunCodecBenchmark();

    @RegisterExtension
    final JmhTrial trial = new JmhTrial(bench);

    @Test
    void ice4jEncodesTheSameBytesAsIceFluxForEveryMessage() {
        Ice4jCodec ice4j = bench.ice4j();
        assertThat(ice4j.encode(ice4j.bindingRequest())).isEqualTo(bench.referenceBytes("bindingRequest"));
        assertThat(ice4j.encode(ice4j.bindingSuccess())).isEqualTo(bench.referenceBytes("bindingSuccess"));
        assertThat(ice4j.encode(ice4j.allocateChallenge())).isEqualTo(bench.referenceBytes("allocateChallenge"));
        assertThat(ice4j.encode(ice4j.allocateRequest())).isEqualTo(bench.referenceBytes("allocateRequest"));
        assertThat(ice4j.encode(ice4j.allocateSuccess())).isEqualTo(bench.referenceBytes("allocateSuccess"));
    }

    @Test
    void referenceMessagesHaveTheAttributesOfRealTraffic() {
        assertThat(bench.referenceBytes("bindingRequest")).hasSize(20 + 8);
        assertThat(bench.referenceBytes("bindingSuccess")).hasSize(20 + 12 + 8);
        // ERROR-CODE 4+4+12, REALM 4+16, NONCE 4+28
        assertThat(bench.referenceBytes("allocateChallenge")).hasSize(20 + 20 + 20 + 32);
        // REQUESTED-TRANSPORT 8, LIFETIME 8, USERNAME 4+16 (13 padded), REALM 20, NONCE 32, MI 24, FINGERPRINT 8
        assertThat(bench.referenceBytes("allocateRequest")).hasSize(20 + 8 + 8 + 20 + 20 + 32 + 24 + 8);
        assertThat(bench.referenceBytes("allocateSuccess")).hasSize(20 + 12 + 12 + 8 + 24 + 8);
        assertThat(bench.referenceBytes("channelData")).hasSize(4 + 172);
    }

    @Test
    void bindingRequestDecodesOnBothSides() {
        StunMessage ours = bench.bindingRequestDecodeIceFlux();
        assertHeader(ours, StunClass.REQUEST, StunMethod.BINDING);
        assertThat(types(ours)).containsExactly(Fingerprint.class);

        Message theirs = bench.bindingRequestDecodeIce4j();
        assertThat((int) theirs.getMessageType()).isEqualTo(0x0001);
        assertThat(theirs.getTransactionID()).isEqualTo(CodecFixtures.TRANSACTION_ID_BYTES);
        assertThat(theirs.getAttribute(Attribute.FINGERPRINT)).isNotNull();
    }

    @Test
    void bindingSuccessDecodesTheMappedAddressOnBothSides() {
        StunMessage ours = bench.bindingSuccessDecodeIceFlux(BH);
        assertHeader(ours, StunClass.SUCCESS_RESPONSE, StunMethod.BINDING);
        assertThat(types(ours)).containsExactly(XorMappedAddress.class, Fingerprint.class);
        assertThat(ours.attribute(XorMappedAddress.class).orElseThrow().address()).isEqualTo(CodecFixtures.MAPPED);

        Message theirs = bench.bindingSuccessDecodeIce4j(BH);
        assertThat((int) theirs.getMessageType()).isEqualTo(0x0101);
        assertThat(Ice4jCodec.mappedAddress(theirs)).isEqualTo(Ice4jCodec.MAPPED);
    }

    @Test
    void allocateChallengeDecodesCodeRealmAndNonceOnBothSides() {
        StunMessage ours = bench.allocateChallengeDecodeIceFlux(BH);
        assertHeader(ours, StunClass.ERROR_RESPONSE, StunMethod.ALLOCATE);
        assertThat(ours.attributes()).containsExactly(new ErrorCode(401, "Unauthorized"),
                new Realm(CodecFixtures.REALM), new Nonce(CodecFixtures.NONCE));

        Message theirs = bench.allocateChallengeDecodeIce4j(BH);
        assertThat((int) theirs.getMessageType()).isEqualTo(0x0113);
        assertThat(Ice4jCodec.errorCode(theirs)).isEqualTo(401);
        assertThat(new String(Ice4jCodec.realm(theirs), StandardCharsets.UTF_8)).isEqualTo(CodecFixtures.REALM);
        assertThat(new String(Ice4jCodec.nonce(theirs), StandardCharsets.UTF_8)).isEqualTo(CodecFixtures.NONCE);
    }

    @Test
    void allocateRequestDecodesAndVerifiesOnBothSides() {
        StunMessage ours = bench.allocateRequestDecodeVerifyIceFlux();
        assertHeader(ours, StunClass.REQUEST, StunMethod.ALLOCATE);
        assertThat(ours.attributes()).startsWith(new RequestedTransport(RequestedTransport.UDP),
                new Lifetime(CodecFixtures.LIFETIME_SECONDS), new Username(CodecFixtures.USERNAME),
                new Realm(CodecFixtures.REALM), new Nonce(CodecFixtures.NONCE));
        assertThat(types(ours)).endsWith(MessageIntegrity.class, Fingerprint.class);
        assertThat(ours.wireLayout().orElseThrow().hasMessageIntegrity()).isTrue();

        Message theirs = bench.allocateRequestDecodeVerifyIce4j();
        assertThat((int) theirs.getMessageType()).isEqualTo(0x0003);
        assertThat(new String(Ice4jCodec.username(theirs), StandardCharsets.UTF_8))
                .isEqualTo(CodecFixtures.USERNAME);
        assertThat(bench.ice4j().verifyLongTerm(bench.referenceBytes("allocateRequest"), theirs)).isTrue();
    }

    @Test
    void allocateSuccessDecodesAndVerifiesOnBothSides() {
        StunMessage ours = bench.allocateSuccessDecodeVerifyIceFlux(BH);
        assertHeader(ours, StunClass.SUCCESS_RESPONSE, StunMethod.ALLOCATE);
        assertThat(ours.attributes()).startsWith(new XorMappedAddress(CodecFixtures.MAPPED),
                new XorRelayedAddress(CodecFixtures.RELAYED), new Lifetime(CodecFixtures.LIFETIME_SECONDS));
        assertThat(types(ours)).endsWith(MessageIntegrity.class, Fingerprint.class);

        Message theirs = bench.allocateSuccessDecodeVerifyIce4j(BH);
        assertThat((int) theirs.getMessageType()).isEqualTo(0x0103);
        assertThat(Ice4jCodec.mappedAddress(theirs)).isEqualTo(Ice4jCodec.MAPPED);
        assertThat(Ice4jCodec.relayedAddress(theirs)).isEqualTo(Ice4jCodec.RELAYED);
        assertThat(Ice4jCodec.lifetime(theirs)).isEqualTo(600);
    }

    @Test
    void ice4jVerificationFailsWhenTheHmacIsChanged() {
        byte[] bytes = bench.referenceBytes("allocateSuccess");
        // The MESSAGE-INTEGRITY value is the 20 bytes before FINGERPRINT (8 bytes): flip a bit of it.
        bytes[bytes.length - 8 - 20] ^= 1;
        Message tampered = Ice4jCodec.decode(withFreshFingerprint(bytes));
        assertThat(bench.ice4j().verifyLongTerm(bytes, tampered)).isFalse();
    }

    /** Recompute FINGERPRINT over tampered bytes so that only MESSAGE-INTEGRITY is wrong. */
    private static byte[] withFreshFingerprint(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 8);
        int value = (int) crc.getValue() ^ 0x5354554E;
        ByteBuffer.wrap(bytes).putInt(bytes.length - 4, value);
        return bytes;
    }

    @Test
    void channelDataDecodesToTheSameChannelAndLengthOnBothSides() throws Exception {
        int expected = CodecFixtures.CHANNEL ^ CodecFixtures.CHANNEL_PAYLOAD_LENGTH;
        assertThat(bench.channelDataDecodeIceFlux(BH)).isEqualTo(expected);
        assertThat(bench.channelDataDecodeIce4j(BH)).isEqualTo(expected);
    }

    @Test
    void rtpAndDtlsAreRejectedOnBothSides() {
        assertThat(bench.rejectRtpIceFlux()).isEqualTo(StunPacketKind.OTHER);
        assertThat(bench.rejectDtlsIceFlux()).isEqualTo(StunPacketKind.OTHER);
        assertThat(bench.rejectRtpIce4j()).isFalse();
        assertThat(bench.rejectDtlsIce4j()).isFalse();
    }

    @Test
    void encodersReturnTheLastFourBytesOfTheReferenceMessages() {
        assertThat(bench.bindingRequestEncodeIceFlux()).isEqualTo(lastInt("bindingRequest"))
                .isEqualTo(bench.bindingRequestEncodeIce4j());
        assertThat(bench.bindingSuccessEncodeIceFlux()).isEqualTo(lastInt("bindingSuccess"))
                .isEqualTo(bench.bindingSuccessEncodeIce4j());
        assertThat(bench.allocateChallengeEncodeIceFlux()).isEqualTo(lastInt("allocateChallenge"))
                .isEqualTo(bench.allocateChallengeEncodeIce4j());
        assertThat(bench.allocateRequestEncodeSignIceFlux()).isEqualTo(lastInt("allocateRequest"))
                .isEqualTo(bench.allocateRequestEncodeSignIce4j());
        assertThat(bench.allocateSuccessEncodeSignIceFlux()).isEqualTo(lastInt("allocateSuccess"))
                .isEqualTo(bench.allocateSuccessEncodeSignIce4j());
    }

    @Test
    void unknownReferenceNameIsRejected() {
        assertThatThrownBy(() -> bench.referenceBytes("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nope");
    }

    /**
     * The path that rejects a datagram that is not STUN allocates nothing: classifying a million RTP and DTLS
     * datagrams, on heap and direct buffers, allocates no more than the measurement itself.
     */
    @Test
    void rejectingANonStunDatagramAllocatesNothing() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ByteBuf rtpHeap = Unpooled.wrappedBuffer(CodecFixtures.rtpBytes());
        ByteBuf dtlsDirect = Unpooled.wrappedBuffer(direct(CodecFixtures.dtlsBytes()));
        try {
            int calls = 1_000_000;
            // Warm up, so that class loading and lazy initialisation do not count.
            classifyMany(rtpHeap, dtlsDirect, 10_000);
            long overhead = allocatedBy(threads, () -> classifyMany(rtpHeap, dtlsDirect, 0));
            long allocated = allocatedBy(threads, () -> classifyMany(rtpHeap, dtlsDirect, calls));
            assertThat(allocated - overhead)
                    .as("bytes allocated by %d classifications of non-STUN datagrams", 2 * calls)
                    .isLessThan(1024);
        } finally {
            rtpHeap.release();
            dtlsDirect.release();
        }
    }

    private static ByteBuffer direct(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length);
        buffer.put(bytes).flip();
        return buffer;
    }

    private static long allocatedBy(com.sun.management.ThreadMXBean threads, Runnable work) {
        long before = threads.getCurrentThreadAllocatedBytes();
        work.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    private static void classifyMany(ByteBuf first, ByteBuf second, int calls) {
        int other = 0;
        for (int i = 0; i < calls; i++) {
            if (StunPacketKind.classify(first) == StunPacketKind.OTHER) {
                other++;
            }
            if (StunPacketKind.classify(second) == StunPacketKind.OTHER) {
                other++;
            }
        }
        if (other != 2 * calls) {
            throw new AssertionError("classified " + other + " of " + 2 * calls + " datagrams as OTHER");
        }
    }

    private int lastInt(String message) {
        byte[] bytes = bench.referenceBytes(message);
        return ByteBuffer.wrap(bytes).getInt(bytes.length - 4);
    }

    private static void assertHeader(StunMessage message, StunClass messageClass, int method) {
        assertThat(message.messageClass()).isEqualTo(messageClass);
        assertThat(message.method()).isEqualTo(method);
        assertThat(message.transactionId()).isEqualTo(CodecFixtures.TRANSACTION_ID);
    }

    private static List<Class<?>> types(StunMessage message) {
        return message.attributes().stream().<Class<?>>map(StunAttribute::getClass).toList();
    }
}
