package io.iceflux.netty.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.netty.stun.StunAttribute.AddressErrorCode;
import io.iceflux.netty.stun.StunAttribute.AdditionalAddressFamily;
import io.iceflux.netty.stun.StunAttribute.AlgorithmEntry;
import io.iceflux.netty.stun.StunAttribute.AlternateDomain;
import io.iceflux.netty.stun.StunAttribute.AlternateServer;
import io.iceflux.netty.stun.StunAttribute.ChannelNumber;
import io.iceflux.netty.stun.StunAttribute.Data;
import io.iceflux.netty.stun.StunAttribute.DontFragment;
import io.iceflux.netty.stun.StunAttribute.ErrorCode;
import io.iceflux.netty.stun.StunAttribute.EvenPort;
import io.iceflux.netty.stun.StunAttribute.Fingerprint;
import io.iceflux.netty.stun.StunAttribute.IceControlled;
import io.iceflux.netty.stun.StunAttribute.IceControlling;
import io.iceflux.netty.stun.StunAttribute.Icmp;
import io.iceflux.netty.stun.StunAttribute.Lifetime;
import io.iceflux.netty.stun.StunAttribute.MappedAddress;
import io.iceflux.netty.stun.StunAttribute.MessageIntegrity;
import io.iceflux.netty.stun.StunAttribute.MessageIntegritySha256;
import io.iceflux.netty.stun.StunAttribute.Nonce;
import io.iceflux.netty.stun.StunAttribute.PasswordAlgorithmAttribute;
import io.iceflux.netty.stun.StunAttribute.PasswordAlgorithms;
import io.iceflux.netty.stun.StunAttribute.Priority;
import io.iceflux.netty.stun.StunAttribute.Realm;
import io.iceflux.netty.stun.StunAttribute.RequestedAddressFamily;
import io.iceflux.netty.stun.StunAttribute.RequestedTransport;
import io.iceflux.netty.stun.StunAttribute.ReservationToken;
import io.iceflux.netty.stun.StunAttribute.Software;
import io.iceflux.netty.stun.StunAttribute.Unknown;
import io.iceflux.netty.stun.StunAttribute.UnknownAttributes;
import io.iceflux.netty.stun.StunAttribute.UseCandidate;
import io.iceflux.netty.stun.StunAttribute.UserHash;
import io.iceflux.netty.stun.StunAttribute.Username;
import io.iceflux.netty.stun.StunAttribute.XorMappedAddress;
import io.iceflux.netty.stun.StunAttribute.XorPeerAddress;
import io.iceflux.netty.stun.StunAttribute.XorRelayedAddress;
import io.iceflux.netty.stun.StunCodecException.Problem;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every attribute type: its exact wire form, a decode/encode round trip, and malformed lengths rejected. */
class StunAttributeRoundTripTest {

    static final TransactionId TID = TransactionId.of(Hex.bytes("000102030405060708090a0b"));

    static InetSocketAddress v4(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    static InetSocketAddress v6(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    /** Attribute, and its full wire form (header, value, zero padding). */
    static Stream<Arguments> attributes() throws Exception {
        return Stream.of(
                Arguments.of(new MappedAddress(v4("192.0.2.1", 32853)), "0001 0008 0001 8055 c0000201"),
                Arguments.of(new MappedAddress(v6("2001:db8::1", 3478)),
                        "0001 0014 0002 0d96 20010db8 00000000 00000000 00000001"),
                // 192.0.2.1 ^ 2112a442 = e112a643, 32853 ^ 0x2112 = 0xa147 (RFC 5769 §2.2).
                Arguments.of(new XorMappedAddress(v4("192.0.2.1", 32853)), "0020 0008 0001 a147 e112a643"),
                // ::1 ^ (cookie || tid): 2112a442 00010203 04050607 08090a0b ^ ...0001.
                Arguments.of(new XorMappedAddress(v6("::1", 0)),
                        "0020 0014 0002 2112 2112a442 00010203 04050607 08090a0a"),
                Arguments.of(new XorPeerAddress(v4("10.0.0.1", 5000)), "0012 0008 0001 329a 2b12a443"),
                Arguments.of(new XorRelayedAddress(v4("203.0.113.9", 49152)), "0016 0008 0001 e112 ea12d54b"),
                Arguments.of(new AlternateServer(v4("198.51.100.2", 3478)), "8023 0008 0001 0d96 c6336402"),
                Arguments.of(new Username("evtj:h6vY"), "0006 0009 6576746a3a68367659 000000"),
                Arguments.of(new Realm("example.org"), "0014 000b 6578616d706c652e6f7267 00"),
                Arguments.of(new Nonce("abcd"), "0015 0004 61626364"),
                Arguments.of(new Software("\u00e9"), "8022 0002 c3a9 0000"),
                Arguments.of(new AlternateDomain("a.example"), "8003 0009 612e6578616d706c65 000000"),
                Arguments.of(new ErrorCode(438, "Stale Nonce"), "0009 000f 0000 0426 5374616c65204e6f6e6365 00"),
                Arguments.of(new ErrorCode(300, ""), "0009 0004 0000 0300"),
                Arguments.of(new AddressErrorCode(2, 440, "x"), "8001 0005 02 00 04 28 78 000000"),
                Arguments.of(new UnknownAttributes(List.of(0x0031, 0x0032, 0x0033)),
                        "000a 0006 0031 0032 0033 0000"),
                Arguments.of(new MessageIntegrity(Hex.bytes("00112233445566778899aabbccddeeff00112233")),
                        "0008 0014 00112233445566778899aabbccddeeff00112233"),
                Arguments.of(new MessageIntegritySha256(Hex.bytes("00112233445566778899aabbccddeeff")),
                        "001c 0010 00112233445566778899aabbccddeeff"),
                Arguments.of(new UserHash(
                        Hex.bytes("0102030405060708091011121314151617181920212223242526272829303132")),
                        "001e 0020 0102030405060708091011121314151617181920212223242526272829303132"),
                Arguments.of(PasswordAlgorithmAttribute.of(PasswordAlgorithm.MD5), "001d 0004 0001 0000"),
                Arguments.of(new PasswordAlgorithmAttribute(new AlgorithmEntry(0x1234, Hex.bytes("aabbcc"))),
                        "001d 0008 1234 0003 aabbcc 00"),
                Arguments.of(new PasswordAlgorithms(List.of(AlgorithmEntry.of(PasswordAlgorithm.SHA256),
                        AlgorithmEntry.of(PasswordAlgorithm.MD5), new AlgorithmEntry(9, Hex.bytes("01")))),
                        "8002 0010 0002 0000 0001 0000 0009 0001 01000000"),
                Arguments.of(new ChannelNumber(0x4001), "000c 0004 4001 0000"),
                Arguments.of(new Lifetime(0xFFFF_FFFFL), "000d 0004 ffffffff"),
                Arguments.of(new Data(Hex.bytes("0102030405")), "0013 0005 0102030405 000000"),
                Arguments.of(new Data(new byte[0]), "0013 0000"),
                Arguments.of(new RequestedAddressFamily(2), "0017 0004 02 000000"),
                Arguments.of(new AdditionalAddressFamily(2), "8000 0004 02 000000"),
                Arguments.of(new EvenPort(true), "0018 0001 80 000000"),
                Arguments.of(new EvenPort(false), "0018 0001 00 000000"),
                Arguments.of(new RequestedTransport(RequestedTransport.UDP), "0019 0004 11 000000"),
                Arguments.of(new DontFragment(), "001a 0000"),
                Arguments.of(new ReservationToken(Hex.bytes("0102030405060708")), "0022 0008 0102030405060708"),
                Arguments.of(new Icmp(3, 4, 1400), "8004 0008 0000 03 04 00000578"),
                Arguments.of(new Priority(0x6e0001ffL), "0024 0004 6e0001ff"),
                Arguments.of(new UseCandidate(), "0025 0000"),
                Arguments.of(new IceControlled(-1L), "8029 0008 ffffffffffffffff"),
                Arguments.of(new IceControlling(0x0102030405060708L), "802a 0008 0102030405060708"),
                Arguments.of(new Unknown(0x7fff, Hex.bytes("010203")), "7fff 0003 010203 00"),
                Arguments.of(new Unknown(0xc001, new byte[0]), "c001 0000"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attributes")
    void encodesToItsWireFormAndDecodesBack(StunAttribute attribute, String wire) {
        StunMessage m = StunMessage.builder(StunClass.INDICATION, StunMethod.SEND).transactionId(TID)
                .add(attribute).build();
        ByteBuf buf = StunCodec.encode(m, ByteBufAllocator.DEFAULT);
        try {
            byte[] expected = Hex.bytes(wire);
            assertThat(buf.getUnsignedShort(2)).isEqualTo(expected.length);
            assertThat(Hex.of(buf.slice(20, buf.readableBytes() - 20))).isEqualTo(Hex.of(expected));
            StunMessage decoded = StunCodec.decode(buf);
            assertThat(decoded).isEqualTo(m);
            assertThat(decoded.attributes()).containsExactly(attribute);
            assertThat(decoded.attributes().get(0).type()).isEqualTo(attribute.type());
            assertThat(decoded.attributes().get(0).hashCode()).isEqualTo(attribute.hashCode());
            assertThat(decoded.attributes().get(0).toString()).isEqualTo(attribute.toString());
        } finally {
            buf.release();
        }
    }

    @Test
    void fingerprintIsWrittenVerbatimAndDecodedWhenItMatches() {
        StunMessage m = StunMessage.builder(StunClass.REQUEST, StunMethod.BINDING).transactionId(TID).build();
        ByteBuf signed = StunCodec.encode(m, ByteBufAllocator.DEFAULT, StunEncodeOptions.defaults().fingerprint(true));
        try {
            assertThat(signed.readableBytes()).isEqualTo(28);
            assertThat(signed.getUnsignedShort(2)).isEqualTo(8);
            assertThat(signed.getUnsignedShort(20)).isEqualTo(StunAttributeType.FINGERPRINT);
            Fingerprint fingerprint = new Fingerprint(signed.getInt(24));
            StunMessage decoded = StunCodec.decode(signed);
            assertThat(decoded.attributes()).containsExactly(fingerprint);
            assertThat(decoded.wireLayout().orElseThrow().fingerprintOffset()).isEqualTo(20);
            ByteBuf verbatim = StunCodec.encode(decoded, ByteBufAllocator.DEFAULT);
            try {
                assertThat(Hex.of(verbatim)).isEqualTo(Hex.of(signed));
            } finally {
                verbatim.release();
            }
        } finally {
            signed.release();
        }
        assertThat(new Fingerprint(0xcafebabe).toString()).isEqualTo("Fingerprint[value=0xcafebabe]");
    }

    @Test
    void ipv4MappedIpv6AddressesStayIpv6() throws Exception {
        byte[] mapped = Hex.bytes("00000000000000000000ffffc0000201");
        InetSocketAddress address = new InetSocketAddress(Inet6Address.getByAddress(null, mapped, -1), 9);
        StunMessage m = StunMessage.builder(StunClass.SUCCESS_RESPONSE, StunMethod.BINDING)
                .add(new XorMappedAddress(address)).add(new MappedAddress(address)).build();
        ByteBuf buf = StunCodec.encode(m, ByteBufAllocator.DEFAULT);
        try {
            assertThat(buf.getUnsignedShort(22)).isEqualTo(20);
            StunMessage decoded = StunCodec.decode(buf);
            assertThat(decoded).isEqualTo(m);
            assertThat(decoded.attribute(MappedAddress.class).orElseThrow().address().getAddress())
                    .isInstanceOf(Inet6Address.class);
        } finally {
            buf.release();
        }
    }

    @Test
    void trailingNulBytesCountedIntoAReasonPhraseAreNotPartOfIt() {
        // coturn 4.6.1 answers 300 with "Try Alternate" and its three padding zeros inside the attribute length
        String value = "00000300" + Hex.of("Try Alternate".getBytes(java.nio.charset.StandardCharsets.US_ASCII)) + "000000";
        StunMessage raw = StunMessage.builder(StunClass.ERROR_RESPONSE, StunMethod.ALLOCATE)
                .add(new StunAttribute.Unknown(StunAttributeType.ERROR_CODE, Hex.bytes(value))).build();
        ByteBuf buf = StunCodec.encode(raw, ByteBufAllocator.DEFAULT);
        try {
            ErrorCode decoded = StunCodec.decode(buf).attribute(ErrorCode.class).orElseThrow();
            assertThat(decoded.code()).isEqualTo(300);
            assertThat(decoded.reasonPhrase()).isEqualTo("Try Alternate");
        } finally {
            buf.release();
        }
    }

    /** A known type with a value of the wrong form, sent raw, and what the decoder says. */
    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of(StunAttributeType.MESSAGE_INTEGRITY, "00".repeat(21), "needs a value of 20 bytes, got 21"),
                Arguments.of(StunAttributeType.MESSAGE_INTEGRITY_SHA256, "00".repeat(36), "16 to 32 bytes"),
                Arguments.of(StunAttributeType.MESSAGE_INTEGRITY_SHA256, "00".repeat(18), "got 18"),
                Arguments.of(StunAttributeType.USERHASH, "00".repeat(31), "needs a value of 32 bytes, got 31"),
                Arguments.of(StunAttributeType.LIFETIME, "000000", "needs a value of 4 bytes, got 3"),
                Arguments.of(StunAttributeType.REQUESTED_TRANSPORT, "11", "needs a value of 4 bytes, got 1"),
                Arguments.of(StunAttributeType.CHANNEL_NUMBER, "4000", "needs a value of 4 bytes, got 2"),
                Arguments.of(StunAttributeType.EVEN_PORT, "8000", "needs a value of 1 bytes, got 2"),
                Arguments.of(StunAttributeType.RESERVATION_TOKEN, "00".repeat(4), "needs a value of 8 bytes"),
                Arguments.of(StunAttributeType.DONT_FRAGMENT, "00", "needs a value of 0 bytes, got 1"),
                Arguments.of(StunAttributeType.USE_CANDIDATE, "0000", "needs a value of 0 bytes, got 2"),
                Arguments.of(StunAttributeType.REQUESTED_ADDRESS_FAMILY, "01", "needs a value of 4 bytes"),
                Arguments.of(StunAttributeType.ADDITIONAL_ADDRESS_FAMILY, "0200000000", "needs a value of 4 bytes"),
                Arguments.of(StunAttributeType.ICMP, "00".repeat(4), "needs a value of 8 bytes, got 4"),
                Arguments.of(StunAttributeType.PRIORITY, "00".repeat(8), "needs a value of 4 bytes, got 8"),
                Arguments.of(StunAttributeType.ICE_CONTROLLED, "00".repeat(4), "needs a value of 8 bytes"),
                Arguments.of(StunAttributeType.ICE_CONTROLLING, "00".repeat(12), "needs a value of 8 bytes"),
                Arguments.of(StunAttributeType.ADDRESS_ERROR_CODE, "020000", "at least 4 bytes, got 3"),
                Arguments.of(StunAttributeType.ADDRESS_ERROR_CODE, "02000799", "error class 7"),
                Arguments.of(StunAttributeType.UNKNOWN_ATTRIBUTES, "000100", "even number of bytes, got 3"),
                Arguments.of(StunAttributeType.PASSWORD_ALGORITHM, "0001", "at least 4 bytes, got 2"),
                Arguments.of(StunAttributeType.PASSWORD_ALGORITHM, "00010004 0000", "4 bytes of parameters"),
                Arguments.of(StunAttributeType.PASSWORD_ALGORITHMS, "00010000 0002", "truncated algorithm"),
                Arguments.of(StunAttributeType.PASSWORD_ALGORITHMS, "00010008 00000000", "overrun the value"),
                Arguments.of(StunAttributeType.MAPPED_ADDRESS, "0001 0000 000000", "needs a value of 8 bytes, got 7"),
                Arguments.of(StunAttributeType.XOR_RELAYED_ADDRESS, "0000 0000 00000000", "address family 0x00"),
                Arguments.of(StunAttributeType.REALM, "ff", "not well-formed UTF-8"),
                Arguments.of(StunAttributeType.NONCE, "c0af", "not well-formed UTF-8"),
                Arguments.of(StunAttributeType.ALTERNATE_DOMAIN, "e282", "not well-formed UTF-8"),
                Arguments.of(StunAttributeType.ERROR_CODE, "00000400 ff", "not well-formed UTF-8"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("malformed")
    void malformedValuesAreRejected(int type, String valueHex, String fragment) {
        StunMessage m = StunMessage.builder(StunClass.REQUEST, StunMethod.ALLOCATE)
                .add(new Unknown(type, Hex.bytes(valueHex))).build();
        ByteBuf buf = StunCodec.encode(m, ByteBufAllocator.DEFAULT);
        try {
            assertThatThrownBy(() -> StunCodec.decode(buf))
                    .isInstanceOfSatisfying(StunCodecException.class,
                            e -> assertThat(e.problem()).isEqualTo(Problem.MALFORMED_ATTRIBUTE))
                    .hasMessageContaining(StunAttributeType.name(type) + " at offset 20")
                    .hasMessageContaining(fragment);
            assertThat(buf.refCnt()).isEqualTo(1);
        } finally {
            buf.release();
        }
    }

    @Test
    void lenientFieldsDecode() {
        // Reserved bits are ignored; PASSWORD-ALGORITHM parameters may come without padding in the length.
        ByteBuf buf = Unpooled.wrappedBuffer(StunCodecHostileInputTest.message(
                "0018 0001 ff 000000 000c 0004 4000 ffff 001d 0005 0009 0001 aa 000000"));
        try {
            StunMessage m = StunCodec.decode(buf);
            assertThat(m.attributes()).containsExactly(new EvenPort(true), new ChannelNumber(0x4000),
                    new PasswordAlgorithmAttribute(new AlgorithmEntry(9, Hex.bytes("aa"))));
            assertThat(m.attribute(PasswordAlgorithmAttribute.class).orElseThrow().algorithm().algorithm())
                    .isEmpty();
        } finally {
            buf.release();
        }
    }

    @Test
    void recordsRejectBadComponents() throws Exception {
        assertThatThrownBy(() -> new ErrorCode(299, "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ERROR-CODE code must be 300 to 699, got 299");
        assertThatThrownBy(() -> new ErrorCode(700, "x")).hasMessageContaining("got 700");
        assertThatThrownBy(() -> new AddressErrorCode(256, 440, "x")).hasMessageContaining("family");
        assertThatThrownBy(() -> new MessageIntegrity(new byte[19]))
                .hasMessage("MESSAGE-INTEGRITY hmac must be 20 bytes, got 19");
        assertThatThrownBy(() -> new MessageIntegritySha256(new byte[18])).hasMessageContaining("steps of 4");
        assertThatThrownBy(() -> new MessageIntegritySha256(new byte[36])).hasMessageContaining("got 36");
        assertThatThrownBy(() -> new UserHash(new byte[16])).hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> new ReservationToken(new byte[7])).hasMessageContaining("8 bytes");
        assertThatThrownBy(() -> new XorMappedAddress(InetSocketAddress.createUnresolved("example.org", 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("resolved");
        assertThatThrownBy(() -> new MappedAddress(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Username("a\uD800b")).hasMessage(
                "USERNAME value holds an unpaired surrogate at index 1");
        assertThatThrownBy(() -> new Software("\uDC00")).hasMessageContaining("unpaired surrogate");
        assertThatThrownBy(() -> new Lifetime(-1)).hasMessageContaining("LIFETIME seconds");
        assertThatThrownBy(() -> new Priority(1L << 32)).hasMessageContaining("PRIORITY priority");
        assertThatThrownBy(() -> new ChannelNumber(0x10000)).hasMessageContaining("CHANNEL-NUMBER");
        assertThatThrownBy(() -> new RequestedTransport(256)).hasMessageContaining("REQUESTED-TRANSPORT");
        assertThatThrownBy(() -> new Icmp(128, 0, 0)).hasMessageContaining("ICMP icmpType");
        assertThatThrownBy(() -> new Unknown(0x10000, new byte[0])).hasMessageContaining("attribute type");
        assertThatThrownBy(() -> new Unknown(1, new byte[0x10000])).hasMessageContaining("value length");
        assertThatThrownBy(() -> new UnknownAttributes(List.of(-1))).hasMessageContaining("UNKNOWN-ATTRIBUTES");
        assertThatThrownBy(() -> new AlgorithmEntry(0x10000, new byte[0])).hasMessageContaining("code");
    }

    @Test
    void byteArraysAreCopiedInAndOut() {
        byte[] token = Hex.bytes("0102030405060708");
        ReservationToken t = new ReservationToken(token);
        token[0] = 9;
        assertThat(t.token()[0]).isEqualTo((byte) 1);
        t.token()[1] = 9;
        assertThat(t.token()).isEqualTo(Hex.bytes("0102030405060708"));
        assertThat(t).isEqualTo(new ReservationToken(Hex.bytes("0102030405060708")));
        assertThat(t.toString()).isEqualTo("ReservationToken[token=0102030405060708]");
        assertThat(new Unknown(0x7fff, Hex.bytes("ab")).toString()).isEqualTo("Unknown[type=0x7fff, value=ab]");
        assertThat(new Data(new byte[3]).toString()).isEqualTo("Data[3 bytes]");
    }

    @Test
    void comprehensionRequiredFollowsTheTypeRange() {
        assertThat(new Username("u").isComprehensionRequired()).isTrue();
        assertThat(new Software("s").isComprehensionRequired()).isFalse();
        assertThat(new Unknown(0x7fff, new byte[0]).isComprehensionRequired()).isTrue();
        assertThat(new Unknown(0x8000, new byte[0]).isComprehensionRequired()).isFalse();
        assertThat(StunAttributeType.isKnown(StunAttributeType.ICMP)).isTrue();
        assertThat(StunAttributeType.isKnown(0x7fff)).isFalse();
        assertThat(StunAttributeType.name(0x0020)).isEqualTo("XOR-MAPPED-ADDRESS");
        assertThat(StunAttributeType.name(0x7fff)).isEqualTo("0x7FFF");
    }
}
