package io.iceflux.netty.stun;

import static io.iceflux.netty.stun.FramingTestBytes.RFC5769_REQUEST;
import static io.iceflux.netty.stun.FramingTestBytes.buffer;
import static io.iceflux.netty.stun.FramingTestBytes.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link StunPacketKind#classify(ByteBuf)}: the demultiplexing rule, on readable bytes only, indices untouched. */
class StunPacketKindTest {

    private static final String COOKIE = "2112a442";
    private static final String TXID = "0102030405060708090a0b0c";

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "Binding request header,                 0001 0000 " + COOKIE + " " + TXID + ",        STUN",
        "Binding success response with body,     0101 0004 " + COOKIE + " " + TXID + " 00000000, STUN",
        "leading bits 00 max type,               3fff 0000 " + COOKIE + " " + TXID + ",        STUN",
        "cookie present but only 19 bytes,       0001 0000 " + COOKIE + " 0102030405060708090a0b,  OTHER",
        "20 bytes leading bits 00 but no cookie,  0001 0000 2112a443 " + TXID + ",              OTHER",
        "leading bits 11 with cookie,            c001 0000 " + COOKIE + " " + TXID + ",        OTHER",
        "leading bits 10 with cookie (RTP),      8001 0000 " + COOKIE + " " + TXID + ",        OTHER",
        "DTLS handshake record,                  16fefd0000000000000000000000000000000000,       OTHER",
        "lowest channel 0x4000 empty,            40000000,                                       CHANNEL_DATA",
        "highest channel 0x4FFF with data,       4fff0002abcd,                                   CHANNEL_DATA",
        "channel byte with cookie at offset 4,   4001 0000 " + COOKIE + " " + TXID + ",        CHANNEL_DATA",
        "first byte 0x3F 4 bytes,                3f000000,                                       OTHER",
        "first byte 0x50 just above channels,    50000000,                                       OTHER",
        "channel byte but only 3 bytes,          400100,                                         OTHER",
        "RTP version 2 first byte 0x80,          80000001,                                       OTHER",
        "RTCP first byte 0xBF,                   bf000001,                                       OTHER",
        "single byte,                            00,                                             OTHER",
        "empty,                                  '',                                             OTHER",
    })
    void classifiesByFirstBytesAndLength(String description, String hexBytes, StunPacketKind expected) {
        ByteBuf packet = buffer(hex(hexBytes));
        try {
            int reader = packet.readerIndex();
            int writer = packet.writerIndex();
            assertThat(StunPacketKind.classify(packet)).as(description).isEqualTo(expected);
            assertThat(packet.readerIndex()).isEqualTo(reader);
            assertThat(packet.writerIndex()).isEqualTo(writer);
        } finally {
            packet.release();
        }
    }

    @Test
    void rfc5769SampleRequestIsStun() {
        ByteBuf packet = buffer(RFC5769_REQUEST);
        try {
            assertThat(StunPacketKind.classify(packet)).isEqualTo(StunPacketKind.STUN);
            assertThat(packet.readerIndex()).isZero();
            assertThat(packet.writerIndex()).isEqualTo(108);
        } finally {
            packet.release();
        }
    }

    @Test
    void looksOnlyAtReadableBytesFromTheReaderIndex() {
        ByteBuf packet = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        try {
            packet.writeBytes(hex("ffffff"));
            packet.writeBytes(RFC5769_REQUEST);
            packet.readerIndex(3);
            assertThat(StunPacketKind.classify(packet)).isEqualTo(StunPacketKind.STUN);
            assertThat(packet.readerIndex()).isEqualTo(3);
            assertThat(packet.writerIndex()).isEqualTo(111);

            packet.readerIndex(1);
            assertThat(StunPacketKind.classify(packet)).isEqualTo(StunPacketKind.OTHER);
            assertThat(packet.readerIndex()).isEqualTo(1);

            packet.readerIndex(3);
            packet.writerIndex(3 + 19);
            assertThat(StunPacketKind.classify(packet)).as("a header cut short by the writer index")
                    .isEqualTo(StunPacketKind.OTHER);
            assertThat(packet.readerIndex()).isEqualTo(3);
            assertThat(packet.writerIndex()).isEqualTo(22);
        } finally {
            packet.release();
        }
    }

    @Test
    void everyChannelHighByteIsChannelDataAndNoOtherNonStunByteIs() {
        ByteBuf packet = PooledByteBufAllocator.DEFAULT.heapBuffer(4);
        try {
            for (int first = 0; first < 256; first++) {
                packet.clear().writeByte(first).writeByte(0).writeShort(0);
                StunPacketKind expected = first >= 0x40 && first <= 0x4F
                        ? StunPacketKind.CHANNEL_DATA : StunPacketKind.OTHER;
                assertThat(StunPacketKind.classify(packet)).as("first byte %d", first).isEqualTo(expected);
            }
        } finally {
            packet.release();
        }
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> StunPacketKind.classify(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("packet");
    }
}
