package io.iceflux.netty.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.netty.stun.StunAttribute.Fingerprint;
import io.iceflux.netty.stun.StunAttribute.MessageIntegrity;
import io.iceflux.netty.stun.StunAttribute.MessageIntegritySha256;
import io.iceflux.netty.stun.StunAttribute.Software;
import io.iceflux.netty.stun.StunAttribute.Username;
import io.iceflux.netty.stun.StunAttribute.XorPeerAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Message type interleaving, transaction ids, the message model and encoder failures. */
class StunMessageTest {

    @Test
    void messageTypesInterleaveClassAndMethodBits() {
        assertThat(StunMethod.messageType(StunClass.REQUEST, StunMethod.BINDING)).isEqualTo(0x0001);
        assertThat(StunMethod.messageType(StunClass.INDICATION, StunMethod.BINDING)).isEqualTo(0x0011);
        assertThat(StunMethod.messageType(StunClass.SUCCESS_RESPONSE, StunMethod.BINDING)).isEqualTo(0x0101);
        assertThat(StunMethod.messageType(StunClass.ERROR_RESPONSE, StunMethod.BINDING)).isEqualTo(0x0111);
        assertThat(StunMethod.messageType(StunClass.ERROR_RESPONSE, StunMethod.ALLOCATE)).isEqualTo(0x0113);
        assertThat(StunMethod.messageType(StunClass.INDICATION, StunMethod.SEND)).isEqualTo(0x0016);
        assertThat(StunMethod.messageType(StunClass.INDICATION, StunMethod.DATA)).isEqualTo(0x0017);
        assertThat(StunMethod.messageType(StunClass.SUCCESS_RESPONSE, StunMethod.CONNECTION_BIND)).isEqualTo(0x010B);
        assertThat(StunMethod.messageType(StunClass.REQUEST, 0xFFF)).isEqualTo(0x3EEF);
        assertThat(StunMethod.messageType(StunClass.ERROR_RESPONSE, 0xFFF)).isEqualTo(0x3FFF);
        assertThat(StunMethod.messageType(StunClass.REQUEST, 0x080)).isEqualTo(0x0200);
    }

    @Test
    void everyMessageTypeDecodesToTheClassAndMethodThatEncodeIt() {
        for (int type = 0; type <= 0x3FFF; type++) {
            StunClass c = StunClass.ofMessageType(type);
            int method = StunMethod.ofMessageType(type);
            assertThat(method).isBetween(0, 0xFFF);
            assertThat(StunMethod.messageType(c, method)).isEqualTo(type);
        }
        assertThatThrownBy(() -> StunMethod.messageType(StunClass.REQUEST, 0x1000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 to 0xFFF");
        assertThatThrownBy(() -> StunMethod.ofMessageType(0x4000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StunClass.ofMessageType(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void methodsHaveNames() {
        assertThat(StunMethod.name(StunMethod.BINDING)).isEqualTo("Binding");
        assertThat(StunMethod.name(StunMethod.CREATE_PERMISSION)).isEqualTo("CreatePermission");
        assertThat(StunMethod.name(StunMethod.CHANNEL_BIND)).isEqualTo("ChannelBind");
        assertThat(StunMethod.name(StunMethod.CONNECTION_ATTEMPT)).isEqualTo("ConnectionAttempt");
        assertThat(StunMethod.name(0x0AB)).isEqualTo("0x0AB");
    }

    @Test
    void transactionIdsHold96Bits() {
        byte[] bytes = Hex.bytes("b7e7a701bc34d686fa87dfae");
        TransactionId id = TransactionId.of(bytes);
        bytes[0] = 0;
        assertThat(id.toByteArray()).isEqualTo(Hex.bytes("b7e7a701bc34d686fa87dfae"));
        assertThat(id.toString()).isEqualTo("b7e7a701bc34d686fa87dfae");
        assertThat(id).isEqualTo(TransactionId.of(Hex.bytes("b7e7a701bc34d686fa87dfae")))
                .hasSameHashCodeAs(TransactionId.of(Hex.bytes("b7e7a701bc34d686fa87dfae")))
                .isNotEqualTo(TransactionId.of(Hex.bytes("b7e7a701bc34d686fa87dfaf")));
        ByteBuf buf = Unpooled.buffer();
        try {
            buf.writeByte(1);
            id.writeTo(buf);
            assertThat(buf.readableBytes()).isEqualTo(13);
            assertThat(TransactionId.readFrom(buf, 1)).isEqualTo(id);
            assertThat(buf.readerIndex()).isZero();
        } finally {
            buf.release();
        }
        assertThat(TransactionId.random()).isNotEqualTo(TransactionId.random());
        assertThatThrownBy(() -> TransactionId.of(new byte[11])).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("transaction id must be 12 bytes, got 11");
    }

    @Test
    void attributesAreLookedUpByRecordType() throws Exception {
        XorPeerAddress a = new XorPeerAddress(new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 1));
        XorPeerAddress b = new XorPeerAddress(new InetSocketAddress(InetAddress.getByName("10.0.0.2"), 2));
        TransactionId tid = TransactionId.of(new byte[12]);
        StunMessage m = StunMessage.builder(StunClass.REQUEST, StunMethod.CREATE_PERMISSION).transactionId(tid)
                .add(a).add(new Username("u")).add(b).build();
        assertThat(m.attribute(XorPeerAddress.class)).contains(a);
        assertThat(m.attributes(XorPeerAddress.class)).containsExactly(a, b);
        assertThat(m.attribute(Software.class)).isEmpty();
        assertThat(m.attributes(Software.class)).isEmpty();
        assertThat(m.attributes()).containsExactly(a, new Username("u"), b);
        assertThatThrownBy(() -> m.attributes().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThat(m.messageType()).isEqualTo(0x0008);
        assertThat(m.toString()).isEqualTo("CreatePermission REQUEST tid=000000000000000000000000 ["
                + a + ", Username[value=u], " + b + "]");
        assertThat(m.toBuilder().removeAll(XorPeerAddress.class).build().attributes())
                .containsExactly(new Username("u"));
        assertThat(m.toBuilder().build()).isEqualTo(m).hasSameHashCodeAs(m);
        assertThatThrownBy(() -> StunMessage.builder(StunClass.REQUEST, 0x1000))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StunMessage.builder(null, 1)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void tooLargeMessagesAreRefusedAndNothingStaysAllocated() {
        StunMessage big = StunMessage.builder(StunClass.INDICATION, StunMethod.SEND)
                .add(new StunAttribute.Data(new byte[0xFFFF])).build();
        assertThatThrownBy(() -> StunCodec.encode(big, ByteBufAllocator.DEFAULT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("message body of 65540 bytes exceeds 65532");
        StunMessage almost = StunMessage.builder(StunClass.INDICATION, StunMethod.SEND)
                .add(new StunAttribute.Data(new byte[65_500])).build();
        ByteBuf out = Unpooled.buffer();
        try {
            out.writeInt(42);
            assertThatThrownBy(() -> StunCodec.encode(almost,
                    StunEncodeOptions.defaults().messageIntegritySha256(new byte[32]), out))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("message body of 65540 bytes exceeds 65532");
            assertThat(out.writerIndex()).isEqualTo(4);
        } finally {
            out.release();
        }
    }

    @Test
    void signingRefusesWhatWouldMisplaceAnAttribute() {
        byte[] key = new byte[16];
        StunMessage withFingerprint = StunMessage.builder(StunClass.REQUEST, 1).add(new Fingerprint(0)).build();
        StunMessage withIntegrity = StunMessage.builder(StunClass.REQUEST, 1)
                .add(new MessageIntegrity(new byte[20])).build();
        StunMessage withSha256 = StunMessage.builder(StunClass.REQUEST, 1)
                .add(new MessageIntegritySha256(new byte[32])).build();
        assertThatThrownBy(() -> StunCodec.encode(withFingerprint, ByteBufAllocator.DEFAULT,
                StunEncodeOptions.defaults().fingerprint(true)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already holds FINGERPRINT");
        assertThatThrownBy(() -> StunCodec.encode(withIntegrity, ByteBufAllocator.DEFAULT,
                StunEncodeOptions.defaults().messageIntegrity(key)))
                .hasMessage("cannot append MESSAGE-INTEGRITY to a message that already holds "
                        + "MESSAGE-INTEGRITY");
        assertThatThrownBy(() -> StunCodec.encode(withSha256, ByteBufAllocator.DEFAULT,
                StunEncodeOptions.defaults().messageIntegrity(key)))
                .hasMessageContaining("already holds MESSAGE-INTEGRITY-SHA256");
        assertThatThrownBy(() -> StunCodec.encode(withSha256, ByteBufAllocator.DEFAULT,
                StunEncodeOptions.defaults().messageIntegritySha256(key)))
                .hasMessageContaining("already holds one");
        // Appending MESSAGE-INTEGRITY-SHA256 after the message's own MESSAGE-INTEGRITY is allowed.
        ByteBuf buf = StunCodec.encode(withIntegrity, ByteBufAllocator.DEFAULT,
                StunEncodeOptions.defaults().messageIntegritySha256(key));
        try {
            StunMessage decoded = StunCodec.decode(buf);
            assertThat(StunCodec.verifyIntegrity(buf, decoded, key))
                    .isEqualTo(new IntegrityCheck(IntegrityStatus.INVALID, IntegrityStatus.VALID));
            assertThat(StunCodec.verifyIntegrity(buf, decoded, key).isValid()).isTrue();
        } finally {
            buf.release();
        }
    }

    @Test
    void optionsAreImmutable() {
        StunEncodeOptions defaults = StunEncodeOptions.defaults();
        StunEncodeOptions signed = defaults.messageIntegrity(new byte[1]).fingerprint(true).padding(0x20);
        assertThat(List.of(defaults.appendsMessageIntegrity(), defaults.appendsFingerprint(), defaults.padding()))
                .containsExactly(false, false, 0);
        assertThat(List.of(signed.appendsMessageIntegrity(), signed.appendsMessageIntegritySha256(),
                signed.appendsFingerprint(), signed.padding())).containsExactly(true, false, true, 0x20);
        assertThat(signed.toString()).isEqualTo(
                "StunEncodeOptions[messageIntegrity=true, messageIntegritySha256=false, fingerprint=true, "
                        + "padding=0x20]");
        assertThatThrownBy(() -> defaults.padding(256)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void integrityStatusesCombine() {
        assertThat(new IntegrityCheck(IntegrityStatus.VALID, IntegrityStatus.INVALID).isValid()).isFalse();
        assertThat(new IntegrityCheck(IntegrityStatus.INVALID, IntegrityStatus.VALID).isValid()).isTrue();
        assertThat(new IntegrityCheck(IntegrityStatus.ABSENT, IntegrityStatus.ABSENT).strongest())
                .isEqualTo(IntegrityStatus.ABSENT);
        assertThat(new IntegrityCheck(IntegrityStatus.ABSENT, IntegrityStatus.ABSENT).isValid()).isFalse();
    }
}
