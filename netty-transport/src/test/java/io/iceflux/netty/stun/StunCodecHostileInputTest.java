package io.iceflux.netty.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.netty.stun.StunAttribute.Fingerprint;
import io.iceflux.netty.stun.StunAttribute.MessageIntegrity;
import io.iceflux.netty.stun.StunAttribute.MessageIntegritySha256;
import io.iceflux.netty.stun.StunAttribute.Software;
import io.iceflux.netty.stun.StunAttribute.Unknown;
import io.iceflux.netty.stun.StunCodecException.Problem;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile input: one minimal crafted datagram per problem the decoder reports, each checked for the problem, a
 * message fragment that says where, and a buffer left exactly as it was (reference count, indexes).
 */
class StunCodecHostileInputTest {

    private static final String COOKIE_AND_TID = "2112a442 000102030405060708090a0b";

    /** A Binding request header with the right length for {@code bodyHex}, followed by the body. */
    static byte[] message(String bodyHex) {
        byte[] body = Hex.bytes(bodyHex);
        return Hex.bytes(String.format("0001 %04x", body.length) + COOKIE_AND_TID + bodyHex);
    }

    static byte[] raw(String hex) {
        return Hex.bytes(hex);
    }

    static Stream<Arguments> hostileDatagrams() {
        return Stream.of(
                Arguments.of("empty datagram", raw(""), Problem.TRUNCATED_HEADER, "0 bytes are fewer than"),
                Arguments.of("19 bytes", raw("0001 0000 2112a442 000102030405060708090a"),
                        Problem.TRUNCATED_HEADER, "19 bytes are fewer than the 20-byte header"),
                Arguments.of("first bits 11", raw("c001 0000" + COOKIE_AND_TID), Problem.BAD_LEADING_BITS,
                        "first byte 0xc0"),
                Arguments.of("first bits 01", raw("4001 0000" + COOKIE_AND_TID), Problem.BAD_LEADING_BITS,
                        "first byte 0x40"),
                Arguments.of("RFC 3489 message without cookie",
                        raw("0001 0000 0a0b0c0d 000102030405060708090a0b"), Problem.BAD_MAGIC_COOKIE,
                        "header bytes 4-7 are 0x0a0b0c0d"),
                Arguments.of("length 2", raw("0001 0002" + COOKIE_AND_TID + "0000"),
                        Problem.BAD_LENGTH_ALIGNMENT, "message length 2 in the header is not a multiple of 4"),
                Arguments.of("last attribute without padding", raw("0001 0007" + COOKIE_AND_TID + "8022 0003 616263"),
                        Problem.BAD_LENGTH_ALIGNMENT, "message length 7"),
                Arguments.of("length beyond datagram", raw("0001 0008" + COOKIE_AND_TID),
                        Problem.LENGTH_OVERRUNS_DATAGRAM, "needs 28 bytes, the datagram has 20"),
                Arguments.of("bytes after the message", raw("0001 0000" + COOKIE_AND_TID + "00000000"),
                        Problem.TRAILING_BYTES, "4 bytes follow the message of 20 bytes"),
                Arguments.of("attribute value beyond message", message("8022 0008 61626364"),
                        Problem.ATTRIBUTE_OVERRUNS_MESSAGE,
                        "SOFTWARE at offset 20 has a value of 8 bytes that runs past the message end at 28"),
                Arguments.of("second attribute beyond message", message("8022 0000 0020 0004"),
                        Problem.ATTRIBUTE_OVERRUNS_MESSAGE, "XOR-MAPPED-ADDRESS at offset 24 has a value of 4"),
                Arguments.of("unknown address family", message("0020 0008 0003a147 e112a643"),
                        Problem.MALFORMED_ATTRIBUTE,
                        "XOR-MAPPED-ADDRESS at offset 20 has unknown address family 0x03"),
                Arguments.of("IPv4 address of 20 bytes",
                        message("0001 0014 0001a147 e112a643 00000000 00000000 00000000"),
                        Problem.MALFORMED_ATTRIBUTE, "MAPPED-ADDRESS at offset 20 needs a value of 8 bytes, got 20"),
                Arguments.of("IPv6 address of 8 bytes", message("0012 0008 0002a147 e112a643"),
                        Problem.MALFORMED_ATTRIBUTE, "XOR-PEER-ADDRESS at offset 20 needs a value of 20 bytes, got 8"),
                Arguments.of("address of 2 bytes", message("8023 0002 0001 0000"),
                        Problem.MALFORMED_ATTRIBUTE, "ALTERNATE-SERVER at offset 20 needs a value of at least 4"),
                Arguments.of("malformed UTF-8", message("8022 0002 c328 0000"), Problem.MALFORMED_ATTRIBUTE,
                        "SOFTWARE at offset 20 is not well-formed UTF-8"),
                Arguments.of("UTF-8 surrogate", message("0006 0003 eda080 00"), Problem.MALFORMED_ATTRIBUTE,
                        "USERNAME at offset 20 is not well-formed UTF-8"),
                Arguments.of("error class 2", message("0009 0004 0000 0264"), Problem.MALFORMED_ATTRIBUTE,
                        "ERROR-CODE at offset 20 has error class 2, outside 3 to 6"),
                Arguments.of("error number 100", message("0009 0004 0000 0464"), Problem.MALFORMED_ATTRIBUTE,
                        "ERROR-CODE at offset 20 has error number 100, outside 0 to 99"),
                Arguments.of("ERROR-CODE of 3 bytes", message("0009 0003 000004 00"), Problem.MALFORMED_ATTRIBUTE,
                        "ERROR-CODE at offset 20 needs a value of at least 4 bytes, got 3"),
                Arguments.of("REQUESTED-ADDRESS-FAMILY of 8 bytes", message("0017 0008 02000000 00000000"),
                        Problem.MALFORMED_ATTRIBUTE,
                        "REQUESTED-ADDRESS-FAMILY at offset 20 needs a value of 4 bytes, got 8"),
                Arguments.of("REQUESTED-ADDRESS-FAMILY of 1 byte", message("0017 0001 02 000000"),
                        Problem.MALFORMED_ATTRIBUTE,
                        "REQUESTED-ADDRESS-FAMILY at offset 20 needs a value of 4 bytes, got 1"),
                Arguments.of("REQUESTED-ADDRESS-FAMILY 0x03", message("0017 0004 03000000"),
                        Problem.MALFORMED_ATTRIBUTE,
                        "REQUESTED-ADDRESS-FAMILY at offset 20 has unknown address family 0x03"),
                Arguments.of("REQUESTED-ADDRESS-FAMILY 0x00", message("0017 0004 00000000"),
                        Problem.MALFORMED_ATTRIBUTE,
                        "REQUESTED-ADDRESS-FAMILY at offset 20 has unknown address family 0x00"),
                Arguments.of("ADDITIONAL-ADDRESS-FAMILY of 0 bytes", message("8000 0000"),
                        Problem.MALFORMED_ATTRIBUTE,
                        "ADDITIONAL-ADDRESS-FAMILY at offset 20 needs a value of 4 bytes, got 0"),
                Arguments.of("ADDITIONAL-ADDRESS-FAMILY 0x06", message("8000 0004 06000000"),
                        Problem.MALFORMED_ATTRIBUTE,
                        "ADDITIONAL-ADDRESS-FAMILY at offset 20 has unknown address family 0x06"),
                Arguments.of("ADDRESS-ERROR-CODE of 3 bytes", message("8001 0003 020004 00"),
                        Problem.MALFORMED_ATTRIBUTE,
                        "ADDRESS-ERROR-CODE at offset 20 needs a value of at least 4 bytes, got 3"),
                Arguments.of("ADDRESS-ERROR-CODE family 0xff", message("8001 0004 ff000428"),
                        Problem.MALFORMED_ATTRIBUTE, "ADDRESS-ERROR-CODE at offset 20 has unknown address family 0xff"),
                Arguments.of("ADDRESS-ERROR-CODE class 7", message("8001 0004 02000728"),
                        Problem.MALFORMED_ATTRIBUTE,
                        "ADDRESS-ERROR-CODE at offset 20 has error class 7, outside 3 to 6"),
                Arguments.of("LIFETIME of 8 bytes", message("000d 0008 00000000 00000258"),
                        Problem.MALFORMED_ATTRIBUTE, "LIFETIME at offset 20 needs a value of 4 bytes, got 8"),
                Arguments.of("FINGERPRINT of 8 bytes", message("8028 0008 00000000 00000000"),
                        Problem.MALFORMED_ATTRIBUTE, "FINGERPRINT at offset 20 needs a value of 4 bytes, got 8"),
                Arguments.of("MESSAGE-INTEGRITY of 16 bytes", message("0008 0010" + "00".repeat(16)),
                        Problem.MALFORMED_ATTRIBUTE, "MESSAGE-INTEGRITY at offset 20 needs a value of 20 bytes"),
                Arguments.of("MESSAGE-INTEGRITY-SHA256 of 12 bytes", message("001c 000c" + "00".repeat(12)),
                        Problem.MALFORMED_ATTRIBUTE,
                        "MESSAGE-INTEGRITY-SHA256 at offset 20 needs 16 to 32 bytes in steps of 4, got 12"),
                Arguments.of("two MESSAGE-INTEGRITY",
                        message("0008 0014" + "00".repeat(20) + "0008 0014" + "00".repeat(20)),
                        Problem.DUPLICATE_INTEGRITY, "MESSAGE-INTEGRITY at offset 44 repeats the one at offset 20"),
                Arguments.of("two MESSAGE-INTEGRITY-SHA256",
                        message("001c 0020" + "00".repeat(32) + "001c 0010" + "00".repeat(16)),
                        Problem.DUPLICATE_INTEGRITY,
                        "MESSAGE-INTEGRITY-SHA256 at offset 56 repeats the one at offset 20"),
                Arguments.of("MESSAGE-INTEGRITY after MESSAGE-INTEGRITY-SHA256",
                        message("001c 0020" + "00".repeat(32) + "0008 0014" + "00".repeat(20)),
                        Problem.MISPLACED_INTEGRITY,
                        "MESSAGE-INTEGRITY at offset 56 follows MESSAGE-INTEGRITY-SHA256 at offset 20"),
                Arguments.of("attribute after FINGERPRINT", message("8028 0004 00000000 8022 0000"),
                        Problem.MISPLACED_FINGERPRINT, "attribute at offset 28 follows FINGERPRINT at offset 20"),
                Arguments.of("wrong FINGERPRINT", message("8028 0004 00000000"), Problem.BAD_FINGERPRINT,
                        "FINGERPRINT at offset 20 is 0x00000000"));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("hostileDatagrams")
    void eachProblemIsReportedAndTheBufferIsLeftAlone(String name, byte[] datagram, Problem problem,
            String fragment) {
        assertRejected(datagram, StunCodec.MAX_MESSAGE_LENGTH, problem, fragment);
    }

    @Test
    void datagramsAboveTheLimitAreTooLarge() {
        assertRejected(message("0013 0054" + "00".repeat(84)), 100, Problem.TOO_LARGE,
                "108 bytes exceed the limit of 100");
        assertRejected(new byte[StunCodec.MAX_MESSAGE_LENGTH + 4], StunCodec.MAX_MESSAGE_LENGTH, Problem.TOO_LARGE,
                "65556 bytes exceed the limit of 65552");
        assertThatThrownBy(() -> StunCodec.decode(Unpooled.EMPTY_BUFFER, 19))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxLength");
    }

    @Test
    void theLargestMessageDecodes() {
        ByteBuf buf = Unpooled.wrappedBuffer(message("0013 fff8" + "ab".repeat(0xfff8)));
        try {
            assertThat(buf.readableBytes()).isEqualTo(StunCodec.MAX_MESSAGE_LENGTH);
            StunMessage m = StunCodec.decode(buf);
            assertThat(m.attribute(StunAttribute.Data.class).orElseThrow().value()).hasSize(0xfff8);
        } finally {
            buf.release();
        }
    }

    /** Decoding from a pooled direct buffer whose message starts at reader index 5, then checking the buffer. */
    private static void assertRejected(byte[] datagram, int maxLength, Problem problem, String fragment) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(datagram.length + 5);
        try {
            buf.writeBytes(new byte[] {1, 2, 3, 4, 5}).writeBytes(datagram).skipBytes(5);
            int writerIndex = buf.writerIndex();
            assertThatThrownBy(() -> StunCodec.decode(buf, maxLength))
                    .isInstanceOfSatisfying(StunCodecException.class, e -> {
                        assertThat(e.problem()).isEqualTo(problem);
                        assertThat(e.getStackTrace()).isEmpty();
                    })
                    .hasMessageStartingWith(problem + ": ")
                    .hasMessageContaining(fragment);
            assertThat(buf.refCnt()).isEqualTo(1);
            assertThat(buf.readerIndex()).isEqualTo(5);
            assertThat(buf.writerIndex()).isEqualTo(writerIndex);
        } finally {
            buf.release();
        }
    }

    private static StunMessage encodeThenDecode(StunMessage m, StunEncodeOptions options) {
        ByteBuf buf = StunCodec.encode(m, ByteBufAllocator.DEFAULT, options);
        try {
            return StunCodec.decode(buf);
        } finally {
            buf.release();
        }
    }

    @Test
    void attributesAfterMessageIntegrityAreIgnoredButFingerprintIsKept() {
        MessageIntegrity mi = new MessageIntegrity(new byte[20]);
        StunMessage m = StunMessage.builder(StunClass.REQUEST, StunMethod.BINDING)
                .add(new Software("before"))
                .add(mi)
                .add(new Unknown(StunAttributeType.XOR_MAPPED_ADDRESS, Hex.bytes("0003")))
                .add(new Software("after"))
                .build();
        StunMessage decoded = encodeThenDecode(m, StunEncodeOptions.defaults().fingerprint(true));
        assertThat(decoded.attributes()).hasSize(3);
        assertThat(decoded.attributes().subList(0, 2)).containsExactly(new Software("before"), mi);
        assertThat(decoded.attributes().get(2)).isInstanceOf(Fingerprint.class);
        assertThat(decoded.wireLayout().orElseThrow().messageIntegrityOffset()).isEqualTo(32);
    }

    @Test
    void afterMessageIntegritySha256OnlyFingerprintIsKept() {
        MessageIntegrity mi = new MessageIntegrity(new byte[20]);
        MessageIntegritySha256 mi256 = new MessageIntegritySha256(new byte[16]);
        StunMessage m = StunMessage.builder(StunClass.SUCCESS_RESPONSE, StunMethod.ALLOCATE)
                .add(new Software("kept"))
                .add(mi)
                .add(new Software("ignored after MESSAGE-INTEGRITY"))
                .add(mi256)
                .add(new Software("ignored after MESSAGE-INTEGRITY-SHA256"))
                .build();
        StunMessage decoded = encodeThenDecode(m, StunEncodeOptions.defaults());
        assertThat(decoded.attributes()).containsExactly(new Software("kept"), mi, mi256);
        StunMessage.WireLayout layout = decoded.wireLayout().orElseThrow();
        assertThat(layout.hasMessageIntegrity()).isTrue();
        assertThat(layout.hasMessageIntegritySha256()).isTrue();
        assertThat(layout.hasFingerprint()).isFalse();
        assertThat(layout.messageIntegritySha256Offset()).isEqualTo(20 + 8 + 24 + 36);

        StunMessage onlySha = StunMessage.builder(StunClass.SUCCESS_RESPONSE, StunMethod.ALLOCATE)
                .add(mi256).add(new Software("ignored")).build();
        assertThat(encodeThenDecode(onlySha, StunEncodeOptions.defaults().fingerprint(true)).attributes())
                .hasSize(2).first().isEqualTo(mi256);
    }
}
