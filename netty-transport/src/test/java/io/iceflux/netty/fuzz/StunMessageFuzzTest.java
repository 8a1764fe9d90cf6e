package io.iceflux.netty.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.iceflux.netty.stun.IntegrityCheck;
import io.iceflux.netty.stun.IntegrityStatus;
import io.iceflux.netty.stun.StunAttribute;
import io.iceflux.netty.stun.StunAttribute.Fingerprint;
import io.iceflux.netty.stun.StunAttribute.MessageIntegrity;
import io.iceflux.netty.stun.StunAttribute.MessageIntegritySha256;
import io.iceflux.netty.stun.StunAttributeType;
import io.iceflux.netty.stun.StunCodec;
import io.iceflux.netty.stun.StunCodecException;
import io.iceflux.netty.stun.StunEncodeOptions;
import io.iceflux.netty.stun.StunMessage;
import io.iceflux.netty.stun.StunMessage.WireLayout;
import io.iceflux.netty.stun.TransactionId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Coverage-guided fuzzing of the STUN codec with Jazzer: {@link StunCodec#decode(ByteBuf)},
 * {@link StunCodec#verifyIntegrity} with a fixed key and {@link StunCodec#encode} of what decoded.
 *
 * <p>{@link #decode(byte[])} takes the input as one datagram (seeds: RFC 5769 and RFC 8489 B.1 vectors, packets
 * captured from coturn). {@link #attributes(byte[])} builds a well-framed message from fuzzer-chosen attribute
 * types and values, so every attribute decoder sees arbitrary values without the fuzzer having to get the
 * message and attribute lengths right, then appends MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT as
 * its first byte asks.
 *
 * <p>Invariants: only {@link StunCodecException} escapes a decode; the input buffer keeps its bytes, indexes and
 * reference count; a decoded message's header fields and wire layout match the bytes; integrity is ABSENT exactly
 * when the layout has no such attribute; re-encoding a decoded message (with FINGERPRINT recomputed) decodes to the
 * same message and is a fixed point of decode-then-encode; integrity appended with the key verifies as VALID.
 */
class StunMessageFuzzTest {

    /** The RFC 5769 short-term password, so that the RFC's vectors verify as VALID. */
    static final byte[] KEY = "VOkJxbRl1RmTxUk/WvJxBt".getBytes(StandardCharsets.UTF_8);

    private static final TransactionId TID = TransactionId.of(new byte[] {
        (byte) 0xb7, (byte) 0xe7, (byte) 0xa7, 0x01, (byte) 0xbc, 0x34, (byte) 0xd6, (byte) 0x86,
        (byte) 0xfa, (byte) 0x87, (byte) 0xdf, (byte) 0xae});
    private static final byte[] PADDINGS = {0x00, (byte) 0xFF, 0x20, 0x41};

    @FuzzTest
    void decode(byte[] input) {
        ByteBuf buf = FuzzBuffers.wrap(input);
        try {
            StunMessage message;
            try {
                message = StunCodec.decode(buf);
            } catch (StunCodecException e) {
                assertThat(e.problem()).isNotNull();
                assertThat(e.getMessage()).startsWith(e.problem().name() + ": ");
                FuzzBuffers.assertUntouched(buf, input, 1);
                return;
            }
            FuzzBuffers.assertUntouched(buf, input, 1);
            checkDecoded(buf, input, message);
        } finally {
            FuzzBuffers.release(buf);
            FuzzBuffers.assertNoLeakReported();
        }
    }

    @FuzzTest
    void attributes(byte[] input) {
        if (input.length < 3) {
            return;
        }
        int flags = input[0] & 0xFF;
        byte[] datagram = frame(input);
        ByteBuf buf = FuzzBuffers.wrap(datagram);
        StunMessage message;
        try {
            try {
                message = StunCodec.decode(buf);
            } catch (StunCodecException e) {
                assertThat(e.problem()).isNotNull();
                FuzzBuffers.assertUntouched(buf, datagram, 1);
                return;
            }
            FuzzBuffers.assertUntouched(buf, datagram, 1);
            checkDecoded(buf, datagram, message);
        } finally {
            FuzzBuffers.release(buf);
        }
        try {
            appendAndVerify(message, (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0,
                    PADDINGS[(flags >>> 3) & 3]);
        } finally {
            FuzzBuffers.assertNoLeakReported();
        }
    }

    /**
     * Frame the fuzzer's records as a STUN message: bytes 1-2 give the message type, then each record is a 2-byte
     * attribute type, a 1-byte value length (cut to what is left) and the value; the attribute is written with the
     * length the record gives and padded with the padding byte chosen by the flags.
     */
    private static byte[] frame(byte[] input) {
        byte padding = PADDINGS[((input[0] & 0xFF) >>> 3) & 3];
        int messageType = ((input[1] & 0xFF) << 8 | (input[2] & 0xFF)) & 0x3FFF;
        ByteBuf out = UnpooledByteBufAllocator.DEFAULT.heapBuffer();
        try {
            out.writeShort(messageType);
            out.writeShort(0);
            out.writeInt(StunCodec.MAGIC_COOKIE);
            TID.writeTo(out);
            int pos = 3;
            while (pos + 3 <= input.length && out.readableBytes() < StunCodec.MAX_MESSAGE_LENGTH - 300) {
                int type = (input[pos] & 0xFF) << 8 | (input[pos + 1] & 0xFF);
                int length = Math.min(input[pos + 2] & 0xFF, input.length - pos - 3);
                out.writeShort(type);
                out.writeShort(length);
                out.writeBytes(input, pos + 3, length);
                for (int i = length; i % 4 != 0; i++) {
                    out.writeByte(padding);
                }
                pos += 3 + length;
            }
            out.setShort(2, out.readableBytes() - StunCodec.HEADER_LENGTH);
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    /** The checks every successfully decoded message passes; {@code buf} is the input it came from. */
    static void checkDecoded(ByteBuf buf, byte[] input, StunMessage message) {
        assertThat(message.messageType()).isEqualTo((input[0] & 0xFF) << 8 | (input[1] & 0xFF));
        assertThat(message.transactionId().toByteArray()).isEqualTo(Arrays.copyOfRange(input, 8, 20));
        WireLayout layout = message.wireLayout().orElseThrow();
        assertThat(layout.length()).isEqualTo(input.length);
        assertLayoutPoints(input, layout.messageIntegrityOffset(), StunAttributeType.MESSAGE_INTEGRITY);
        assertLayoutPoints(input, layout.messageIntegritySha256Offset(), StunAttributeType.MESSAGE_INTEGRITY_SHA256);
        assertLayoutPoints(input, layout.fingerprintOffset(), StunAttributeType.FINGERPRINT);
        assertThat(message.attribute(MessageIntegrity.class).isPresent()).isEqualTo(layout.hasMessageIntegrity());
        assertThat(message.attribute(MessageIntegritySha256.class).isPresent())
                .isEqualTo(layout.hasMessageIntegritySha256());
        assertThat(message.attribute(Fingerprint.class).isPresent()).isEqualTo(layout.hasFingerprint());
        if (layout.hasFingerprint()) {
            assertThat(message.attributes().get(message.attributes().size() - 1)).isInstanceOf(Fingerprint.class);
        }
        assertThat(message.toString()).isNotEmpty();
        assertThat(message).isEqualTo(message.toBuilder().build()).hasSameHashCodeAs(message.toBuilder().build());

        IntegrityCheck check = StunCodec.verifyIntegrity(buf, message, KEY);
        FuzzBuffers.assertUntouched(buf, input, 1);
        assertThat(check.messageIntegrity() == IntegrityStatus.ABSENT).isEqualTo(!layout.hasMessageIntegrity());
        assertThat(check.messageIntegritySha256() == IntegrityStatus.ABSENT)
                .isEqualTo(!layout.hasMessageIntegritySha256());
        assertThat(StunCodec.verifyIntegrity(buf, message, KEY)).isEqualTo(check);

        reEncode(message, layout.hasFingerprint());
    }

    private static void assertLayoutPoints(byte[] input, int offset, int type) {
        if (offset >= 0) {
            assertThat((input[offset] & 0xFF) << 8 | (input[offset + 1] & 0xFF)).isEqualTo(type);
        }
    }

    /**
     * Encode the decoded message, FINGERPRINT recomputed if it had one: the result decodes to the same message
     * (FINGERPRINT value aside) and encodes to the same bytes again.
     */
    private static void reEncode(StunMessage message, boolean fingerprint) {
        StunMessage withoutFingerprint = message.toBuilder().removeAll(Fingerprint.class).build();
        StunEncodeOptions options = StunEncodeOptions.defaults().fingerprint(fingerprint);
        byte[] first = encode(withoutFingerprint, options);
        if (first == null) {
            return;
        }
        StunMessage again = decodeBytes(first);
        assertThat(again.toBuilder().removeAll(Fingerprint.class).build()).isEqualTo(withoutFingerprint);
        assertThat(again.wireLayout().orElseThrow().hasFingerprint()).isEqualTo(fingerprint);
        byte[] second = encode(again.toBuilder().removeAll(Fingerprint.class).build(), options);
        assertThat(second).as("re-encoding is a fixed point").isEqualTo(first);
    }

    /**
     * Encode; {@code null} when the message no longer fits (a decoded value can grow by its padding when
     * re-encoded, e.g. the last PASSWORD-ALGORITHMS entry), which only a message close to the limit can hit.
     */
    private static byte[] encode(StunMessage message, StunEncodeOptions options) {
        ByteBuf out;
        try {
            out = StunCodec.encode(message, UnpooledByteBufAllocator.DEFAULT, options);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).contains("exceeds");
            return null;
        }
        try {
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    private static StunMessage decodeBytes(byte[] bytes) {
        ByteBuf buf = FuzzBuffers.wrap(bytes);
        try {
            return StunCodec.decode(buf);
        } finally {
            FuzzBuffers.release(buf);
        }
    }

    /**
     * Append integrity and fingerprint as asked, where the codec's rules allow (otherwise it must refuse with an
     * IllegalArgumentException), then check the result decodes to the message plus what was appended and that
     * what was appended verifies with the key.
     */
    private static void appendAndVerify(StunMessage message, boolean sha1, boolean sha256, boolean fingerprint,
            byte padding) {
        List<StunAttribute> attributes = message.attributes();
        boolean hasSha1 = attributes.stream().anyMatch(MessageIntegrity.class::isInstance);
        boolean hasSha256 = attributes.stream().anyMatch(MessageIntegritySha256.class::isInstance);
        boolean hasFingerprint = attributes.stream().anyMatch(Fingerprint.class::isInstance);
        StunEncodeOptions options = StunEncodeOptions.defaults().padding(padding & 0xFF).fingerprint(fingerprint);
        if (sha1) {
            options = options.messageIntegrity(KEY);
        }
        if (sha256) {
            options = options.messageIntegritySha256(KEY);
        }
        boolean refused = ((sha1 || sha256 || fingerprint) && hasFingerprint) || (sha1 && (hasSha1 || hasSha256))
                || (sha256 && hasSha256);
        StunEncodeOptions chosen = options;
        if (refused) {
            assertThatThrownBy(() -> StunCodec.encode(message, UnpooledByteBufAllocator.DEFAULT, chosen))
                    .isInstanceOf(IllegalArgumentException.class);
            return;
        }
        if (hasFingerprint) {
            return;
        }
        ByteBuf out;
        try {
            out = StunCodec.encode(message, UnpooledByteBufAllocator.DEFAULT, chosen);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).contains("exceeds");
            return;
        }
        try {
            byte[] bytes = ByteBufUtil.getBytes(out);
            StunMessage decoded = StunCodec.decode(out);
            assertThat(ByteBufUtil.getBytes(out)).isEqualTo(bytes);
            WireLayout layout = decoded.wireLayout().orElseThrow();
            assertThat(layout.hasFingerprint()).isEqualTo(fingerprint);
            IntegrityCheck check = StunCodec.verifyIntegrity(out, decoded, KEY);
            if (sha1) {
                assertThat(check.messageIntegrity()).isEqualTo(IntegrityStatus.VALID);
            }
            if (sha256) {
                assertThat(check.messageIntegritySha256()).isEqualTo(IntegrityStatus.VALID);
            }
            int kept = message.attributes().size();
            assertThat(decoded.attributes().subList(0, Math.min(kept, decoded.attributes().size())))
                    .isEqualTo(message.attributes());
            assertThat(decoded.attributes()).hasSize(kept + (sha1 ? 1 : 0) + (sha256 ? 1 : 0) + (fingerprint ? 1 : 0));
        } finally {
            out.release();
        }
    }
}
