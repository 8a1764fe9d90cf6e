package io.iceflux.netty.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.netty.stun.StunAttribute.Fingerprint;
import io.iceflux.netty.stun.StunAttribute.IceControlled;
import io.iceflux.netty.stun.StunAttribute.MessageIntegrity;
import io.iceflux.netty.stun.StunAttribute.MessageIntegritySha256;
import io.iceflux.netty.stun.StunAttribute.Nonce;
import io.iceflux.netty.stun.StunAttribute.PasswordAlgorithmAttribute;
import io.iceflux.netty.stun.StunAttribute.Priority;
import io.iceflux.netty.stun.StunAttribute.Realm;
import io.iceflux.netty.stun.StunAttribute.Software;
import io.iceflux.netty.stun.StunAttribute.UserHash;
import io.iceflux.netty.stun.StunAttribute.Username;
import io.iceflux.netty.stun.StunAttribute.XorMappedAddress;
import io.iceflux.netty.stun.StunCodecException.Problem;
import io.iceflux.netty.stun.StunMessage.WireLayout;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The test vectors of RFC 5769 (all four) and RFC 8489 Appendix B.1 as corrected by errata 6268, decoded field by
 * field, verified, and re-encoded byte for byte, verbatim and re-signed.
 */
class Rfc5769VectorsTest {

    static final byte[] SHORT_TERM_KEY = "VOkJxbRl1RmTxUk/WvJxBt".getBytes(StandardCharsets.UTF_8);
    /** マトリックス (U+30DE U+30C8 U+30EA U+30C3 U+30AF U+30B9). */
    static final String USERNAME = "\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9";
    static final TransactionId TID_5769 = TransactionId.of(Hex.bytes("b7e7a701 bc34d686 fa87dfae"));
    static final TransactionId TID_LONG_TERM = TransactionId.of(Hex.bytes("78ad3433 c6ad72c0 29da412e"));

    /** RFC 5769 §2.1 Sample Request. */
    static final byte[] REQUEST = Hex.bytes("""
            00 01 00 58 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
            80 22 00 10 53 54 55 4e 20 74 65 73 74 20 63 6c 69 65 6e 74
            00 24 00 04 6e 00 01 ff
            80 29 00 08 93 2f f9 b1 51 26 3b 36
            00 06 00 09 65 76 74 6a 3a 68 36 76 59 20 20 20
            00 08 00 14 9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2
            80 28 00 04 e5 7a 3b cf""");

    /** RFC 5769 §2.2 Sample IPv4 Response. */
    static final byte[] IPV4_RESPONSE = Hex.bytes("""
            01 01 00 3c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
            80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
            00 20 00 08 00 01 a1 47 e1 12 a6 43
            00 08 00 14 2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7
            80 28 00 04 c0 7d 4c 96""");

    /** RFC 5769 §2.3 Sample IPv6 Response. */
    static final byte[] IPV6_RESPONSE = Hex.bytes("""
            01 01 00 48 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
            80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
            00 20 00 14 00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9
            00 08 00 14 a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41
            80 28 00 04 c8 fb 0b 4c""");

    /** RFC 5769 §2.4 Sample Request with Long-Term Authentication. */
    static final byte[] LONG_TERM_REQUEST = Hex.bytes("""
            00 01 00 60 21 12 a4 42 78 ad 34 33 c6 ad 72 c0 29 da 41 2e
            00 06 00 12 e3 83 9e e3 83 88 e3 83 aa e3 83 83 e3 82 af e3 82 b9 00 00
            00 15 00 1c 66 2f 2f 34 39 39 6b 39 35 34 64 36 4f 4c 33 34 6f 4c 39 46 53 54 76 79 36 34 73 41
            00 14 00 0b 65 78 61 6d 70 6c 65 2e 6f 72 67 00
            00 08 00 14 f6 70 24 65 6d d6 4a 3e 02 b8 e0 71 2e 85 c9 a2 8c a8 96 66""");

    /** RFC 8489 Appendix B.1 as corrected by errata 6268: length 0x90 and PASSWORD-ALGORITHM SHA-256. */
    static final byte[] SHA256_REQUEST = Hex.bytes("""
            00 01 00 90 21 12 a4 42 78 ad 34 33 c6 ad 72 c0 29 da 41 2e
            00 1e 00 20 4a 3c f3 8f ef 69 92 bd a9 52 c6 78 04 17 da 0f 24 81 94 15 56 9e 60 b2 05 c4 6e 41 40 7f 17 04
            00 15 00 29 6f 62 4d 61 74 4a 6f 73 32 41 41 41 43 66 2f 2f 34 39 39 6b 39 35 34 64 36 4f 4c 33 34 6f 4c 39
                        46 53 54 76 79 36 34 73 41 00 00 00
            00 14 00 0b 65 78 61 6d 70 6c 65 2e 6f 72 67 00
            00 1d 00 04 00 02 00 00
            00 1c 00 20 b5 c7 bf 00 5b 6c 52 a2 1c 51 c5 e8 92 f8 19 24 13 62 96 cb 92 7c 43 14 93 09 27 8c c6 51 8e 65""");

    /** RFC 8489 Appendix B.1 as published: its length (0x9c) counts the header, PASSWORD-ALGORITHM is missing. */
    static final byte[] SHA256_REQUEST_AS_PUBLISHED = Hex.bytes("""
            00 01 00 9c 21 12 a4 42 78 ad 34 33 c6 ad 72 c0 29 da 41 2e
            00 1e 00 20 4a 3c f3 8f ef 69 92 bd a9 52 c6 78 04 17 da 0f 24 81 94 15 56 9e 60 b2 05 c4 6e 41 40 7f 17 04
            00 15 00 29 6f 62 4d 61 74 4a 6f 73 32 41 41 41 43 66 2f 2f 34 39 39 6b 39 35 34 64 36 4f 4c 33 34 6f 4c 39
                        46 53 54 76 79 36 34 73 41 00 00 00
            00 14 00 0b 65 78 61 6d 70 6c 65 2e 6f 72 67 00
            00 1c 00 20 e4 68 6c 8f 0e de b5 90 13 e0 70 90 01 0a 93 ef cc bc cc 54 4c 0a 45 d9 f8 30 aa 6d 6f 73 5a 01""");

    static byte[] longTermMd5Key() throws Exception {
        return MessageDigest.getInstance("MD5")
                .digest((USERNAME + ":example.org:TheMatrIX").getBytes(StandardCharsets.UTF_8));
    }

    static byte[] longTermSha256Key() throws Exception {
        return MessageDigest.getInstance("SHA-256")
                .digest((USERNAME + ":example.org:TheMatrIX").getBytes(StandardCharsets.UTF_8));
    }

    private static InetSocketAddress address(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    /** Decode, check the buffer is untouched, and return the message. */
    private static StunMessage decode(ByteBuf buf) {
        int readerIndex = buf.readerIndex();
        StunMessage m = StunCodec.decode(buf);
        assertThat(buf.refCnt()).isEqualTo(1);
        assertThat(buf.readerIndex()).isEqualTo(readerIndex);
        return m;
    }

    private static void assertReEncodesVerbatim(StunMessage m, byte[] expected, int padding) {
        ByteBuf out = StunCodec.encode(m, ByteBufAllocator.DEFAULT, StunEncodeOptions.defaults().padding(padding));
        try {
            assertThat(Hex.of(out)).isEqualTo(Hex.of(expected));
        } finally {
            out.release();
        }
    }

    private static void assertReSigns(StunMessage stripped, StunEncodeOptions options, byte[] expected) {
        ByteBuf out = StunCodec.encode(stripped, PooledByteBufAllocator.DEFAULT, options);
        try {
            assertThat(Hex.of(out)).isEqualTo(Hex.of(expected));
        } finally {
            out.release();
        }
    }

    private static void assertFlippedByteFailsFingerprint(byte[] vector, int index) {
        byte[] copy = vector.clone();
        copy[index] ^= 0x01;
        ByteBuf buf = Unpooled.wrappedBuffer(copy);
        try {
            assertThatThrownBy(() -> StunCodec.decode(buf))
                    .isInstanceOfSatisfying(StunCodecException.class,
                            e -> assertThat(e.problem()).isEqualTo(Problem.BAD_FINGERPRINT))
                    .hasMessageContaining("FINGERPRINT at offset " + (vector.length - 8));
        } finally {
            buf.release();
        }
    }

    @Test
    void sampleRequest() {
        ByteBuf buf = Unpooled.wrappedBuffer(REQUEST);
        try {
            StunMessage m = decode(buf);
            assertThat(m.messageClass()).isEqualTo(StunClass.REQUEST);
            assertThat(m.method()).isEqualTo(StunMethod.BINDING);
            assertThat(m.messageType()).isEqualTo(0x0001);
            assertThat(m.transactionId()).isEqualTo(TID_5769);
            assertThat(m.attributes()).containsExactly(
                    new Software("STUN test client"),
                    new Priority(0x6e0001ffL),
                    new IceControlled(0x932ff9b151263b36L),
                    new Username("evtj:h6vY"),
                    new MessageIntegrity(Hex.bytes("9aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2")),
                    new Fingerprint(0xe57a3bcf));
            assertThat(m.wireLayout()).contains(new WireLayout(108, 76, -1, 100));

            IntegrityCheck ok = StunCodec.verifyIntegrity(buf, m, SHORT_TERM_KEY);
            assertThat(ok).isEqualTo(new IntegrityCheck(IntegrityStatus.VALID, IntegrityStatus.ABSENT));
            assertThat(ok.strongest()).isEqualTo(IntegrityStatus.VALID);
            assertThat(ok.isValid()).isTrue();
            IntegrityCheck bad = StunCodec.verifyIntegrity(buf, m, "VOkJxbRl1RmTxUk/WvJxBu".getBytes(
                    StandardCharsets.UTF_8));
            assertThat(bad).isEqualTo(new IntegrityCheck(IntegrityStatus.INVALID, IntegrityStatus.ABSENT));
            assertThat(bad.isValid()).isFalse();

            assertReEncodesVerbatim(m, REQUEST, 0x20);
            assertReSigns(m.toBuilder().removeAll(MessageIntegrity.class).removeAll(Fingerprint.class).build(),
                    StunEncodeOptions.defaults().messageIntegrity(SHORT_TERM_KEY).fingerprint(true).padding(0x20),
                    REQUEST);
        } finally {
            buf.release();
        }
        assertFlippedByteFailsFingerprint(REQUEST, 24);
    }

    @Test
    void sampleIpv4Response() throws Exception {
        ByteBuf buf = Unpooled.wrappedBuffer(IPV4_RESPONSE);
        try {
            StunMessage m = decode(buf);
            assertThat(m.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(m.method()).isEqualTo(StunMethod.BINDING);
            assertThat(m.messageType()).isEqualTo(0x0101);
            assertThat(m.transactionId()).isEqualTo(TID_5769);
            assertThat(m.attributes()).containsExactly(
                    new Software("test vector"),
                    new XorMappedAddress(address("192.0.2.1", 32853)),
                    new MessageIntegrity(Hex.bytes("2b91f599fd9e90c38c7489f92af9ba53f06be7d7")),
                    new Fingerprint(0xc07d4c96));
            assertThat(m.attribute(XorMappedAddress.class).orElseThrow().address().getAddress().getHostAddress())
                    .isEqualTo("192.0.2.1");
            assertThat(m.wireLayout()).contains(new WireLayout(80, 48, -1, 72));
            assertThat(StunCodec.verifyIntegrity(buf, m, SHORT_TERM_KEY))
                    .isEqualTo(new IntegrityCheck(IntegrityStatus.VALID, IntegrityStatus.ABSENT));
            assertThat(StunCodec.verifyIntegrity(buf, m, new byte[0]))
                    .isEqualTo(new IntegrityCheck(IntegrityStatus.INVALID, IntegrityStatus.ABSENT));
            assertReEncodesVerbatim(m, IPV4_RESPONSE, 0x20);
            assertReSigns(m.toBuilder().removeAll(MessageIntegrity.class).removeAll(Fingerprint.class).build(),
                    StunEncodeOptions.defaults().messageIntegrity(SHORT_TERM_KEY).fingerprint(true).padding(0x20),
                    IPV4_RESPONSE);
        } finally {
            buf.release();
        }
        assertFlippedByteFailsFingerprint(IPV4_RESPONSE, 41);
        assertFlippedByteFailsFingerprint(IPV4_RESPONSE, 43);
    }

    @Test
    void sampleIpv6Response() throws Exception {
        ByteBuf buf = Unpooled.wrappedBuffer(IPV6_RESPONSE);
        try {
            StunMessage m = decode(buf);
            assertThat(m.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(m.method()).isEqualTo(StunMethod.BINDING);
            assertThat(m.transactionId()).isEqualTo(TID_5769);
            assertThat(m.attributes()).containsExactly(
                    new Software("test vector"),
                    new XorMappedAddress(address("2001:db8:1234:5678:11:2233:4455:6677", 32853)),
                    new MessageIntegrity(Hex.bytes("a382954e4be67bf11784c97c8292c275bfe3ed41")),
                    new Fingerprint(0xc8fb0b4c));
            InetSocketAddress mapped = m.attribute(XorMappedAddress.class).orElseThrow().address();
            assertThat(mapped.getPort()).isEqualTo(32853);
            assertThat(mapped.getAddress().getHostAddress()).isEqualTo("2001:db8:1234:5678:11:2233:4455:6677");
            assertThat(m.wireLayout()).contains(new WireLayout(92, 60, -1, 84));
            assertThat(StunCodec.verifyIntegrity(buf, m, SHORT_TERM_KEY).isValid()).isTrue();
            assertThat(StunCodec.verifyIntegrity(buf, m, longTermMd5Key()).messageIntegrity())
                    .isEqualTo(IntegrityStatus.INVALID);
            assertReEncodesVerbatim(m, IPV6_RESPONSE, 0x20);
            assertReSigns(m.toBuilder().removeAll(MessageIntegrity.class).removeAll(Fingerprint.class).build(),
                    StunEncodeOptions.defaults().messageIntegrity(SHORT_TERM_KEY).fingerprint(true).padding(0x20),
                    IPV6_RESPONSE);
        } finally {
            buf.release();
        }
        assertFlippedByteFailsFingerprint(IPV6_RESPONSE, 50);
    }

    @Test
    void sampleRequestWithLongTermAuthentication() throws Exception {
        ByteBuf buf = Unpooled.wrappedBuffer(LONG_TERM_REQUEST);
        try {
            StunMessage m = decode(buf);
            assertThat(m.messageClass()).isEqualTo(StunClass.REQUEST);
            assertThat(m.method()).isEqualTo(StunMethod.BINDING);
            assertThat(m.transactionId()).isEqualTo(TID_LONG_TERM);
            assertThat(m.attributes()).containsExactly(
                    new Username(USERNAME),
                    new Nonce("f//499k954d6OL34oL9FSTvy64sA"),
                    new Realm("example.org"),
                    new MessageIntegrity(Hex.bytes("f67024656dd64a3e02b8e0712e85c9a28ca89666")));
            assertThat(m.wireLayout()).contains(new WireLayout(116, 92, -1, -1));
            assertThat(StunCodec.verifyIntegrity(buf, m, longTermMd5Key()))
                    .isEqualTo(new IntegrityCheck(IntegrityStatus.VALID, IntegrityStatus.ABSENT));
            assertThat(StunCodec.verifyIntegrity(buf, m, SHORT_TERM_KEY))
                    .isEqualTo(new IntegrityCheck(IntegrityStatus.INVALID, IntegrityStatus.ABSENT));
            assertReEncodesVerbatim(m, LONG_TERM_REQUEST, 0x00);
            assertReSigns(m.toBuilder().removeAll(MessageIntegrity.class).build(),
                    StunEncodeOptions.defaults().messageIntegrity(longTermMd5Key()), LONG_TERM_REQUEST);
        } finally {
            buf.release();
        }
    }

    @Test
    void integrityIsVerifiedInPlaceOnADirectBufferAtANonZeroReaderIndex() throws Exception {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(LONG_TERM_REQUEST.length + 7);
        try {
            buf.writeBytes(new byte[7]).writeBytes(LONG_TERM_REQUEST).skipBytes(7);
            StunMessage m = decode(buf);
            assertThat(StunCodec.verifyIntegrity(buf, m, longTermMd5Key()).isValid()).isTrue();
            assertThat(buf.readerIndex()).isEqualTo(7);
            assertThat(buf.refCnt()).isEqualTo(1);
        } finally {
            buf.release();
        }
    }

    @Test
    void sha256RequestWithUserHashAsCorrectedByErrata6268() throws Exception {
        ByteBuf buf = Unpooled.wrappedBuffer(SHA256_REQUEST);
        try {
            StunMessage m = decode(buf);
            assertThat(m.messageClass()).isEqualTo(StunClass.REQUEST);
            assertThat(m.method()).isEqualTo(StunMethod.BINDING);
            assertThat(m.transactionId()).isEqualTo(TID_LONG_TERM);
            byte[] userHash = MessageDigest.getInstance("SHA-256")
                    .digest((USERNAME + ":example.org").getBytes(StandardCharsets.UTF_8));
            assertThat(m.attributes()).containsExactly(
                    new UserHash(userHash),
                    new Nonce("obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA"),
                    new Realm("example.org"),
                    PasswordAlgorithmAttribute.of(PasswordAlgorithm.SHA256),
                    new MessageIntegritySha256(Hex.bytes(
                            "b5c7bf005b6c52a21c51c5e892f81924136296cb927c43149309278cc6518e65")));
            assertThat(m.attribute(PasswordAlgorithmAttribute.class).orElseThrow().algorithm().algorithm())
                    .contains(PasswordAlgorithm.SHA256);
            assertThat(m.wireLayout()).contains(new WireLayout(164, -1, 128, -1));

            IntegrityCheck ok = StunCodec.verifyIntegrity(buf, m, longTermSha256Key());
            assertThat(ok).isEqualTo(new IntegrityCheck(IntegrityStatus.ABSENT, IntegrityStatus.VALID));
            assertThat(ok.isValid()).isTrue();
            assertThat(StunCodec.verifyIntegrity(buf, m, longTermMd5Key()))
                    .isEqualTo(new IntegrityCheck(IntegrityStatus.ABSENT, IntegrityStatus.INVALID));

            assertReEncodesVerbatim(m, SHA256_REQUEST, 0x00);
            assertReSigns(m.toBuilder().removeAll(MessageIntegritySha256.class).build(),
                    StunEncodeOptions.defaults().messageIntegritySha256(longTermSha256Key()), SHA256_REQUEST);
        } finally {
            buf.release();
        }
    }

    @Test
    void publishedAppendixB1IsRejectedBecauseItsLengthCountsTheHeader() throws Exception {
        ByteBuf buf = Unpooled.wrappedBuffer(SHA256_REQUEST_AS_PUBLISHED);
        try {
            assertThat(SHA256_REQUEST_AS_PUBLISHED).hasSize(0x9c);
            assertThatThrownBy(() -> StunCodec.decode(buf))
                    .isInstanceOfSatisfying(StunCodecException.class,
                            e -> assertThat(e.problem()).isEqualTo(Problem.LENGTH_OVERRUNS_DATAGRAM))
                    .hasMessageContaining("message length 156")
                    .hasMessageContaining("the datagram has 156");
            assertThat(buf.refCnt()).isEqualTo(1);
            assertThat(buf.readerIndex()).isZero();
        } finally {
            buf.release();
        }
        // With only the length repaired the message decodes, but its HMAC matches no key we can derive.
        byte[] repaired = SHA256_REQUEST_AS_PUBLISHED.clone();
        repaired[3] = (byte) 0x88;
        ByteBuf fixed = Unpooled.wrappedBuffer(repaired);
        try {
            StunMessage m = decode(fixed);
            assertThat(m.attribute(PasswordAlgorithmAttribute.class)).isEmpty();
            assertThat(StunCodec.verifyIntegrity(fixed, m, longTermSha256Key()))
                    .isEqualTo(new IntegrityCheck(IntegrityStatus.ABSENT, IntegrityStatus.INVALID));
            assertThat(StunCodec.verifyIntegrity(fixed, m, longTermMd5Key()).isValid()).isFalse();
        } finally {
            fixed.release();
        }
    }

    @Test
    void verifyingABuiltMessageOrAnotherBufferIsRefused() {
        ByteBuf buf = Unpooled.wrappedBuffer(REQUEST);
        ByteBuf other = Unpooled.wrappedBuffer(IPV4_RESPONSE);
        try {
            StunMessage decoded = StunCodec.decode(buf);
            StunMessage built = decoded.toBuilder().build();
            assertThat(built).isEqualTo(decoded);
            assertThat(built.wireLayout()).isEmpty();
            assertThatThrownBy(() -> StunCodec.verifyIntegrity(buf, built, SHORT_TERM_KEY))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not decoded");
            assertThatThrownBy(() -> StunCodec.verifyIntegrity(other, decoded, SHORT_TERM_KEY))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("80 readable bytes");
        } finally {
            buf.release();
            other.release();
        }
    }

    @Test
    void encodingIntoAGivenBufferAppendsAtItsWriterIndex() {
        ByteBuf in = Unpooled.wrappedBuffer(IPV4_RESPONSE);
        ByteBuf out = Unpooled.buffer();
        try {
            StunMessage m = StunCodec.decode(in);
            out.writeByte(0x7f);
            StunCodec.encode(m, StunEncodeOptions.defaults().padding(0x20), out);
            assertThat(out.readByte()).isEqualTo((byte) 0x7f);
            assertThat(ByteBufUtil.getBytes(out)).isEqualTo(IPV4_RESPONSE);
            assertThat(List.of(out.refCnt(), in.refCnt())).containsExactly(1, 1);
        } finally {
            in.release();
            out.release();
        }
    }
}
