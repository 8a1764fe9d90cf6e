package io.iceflux.netty.stun;

import static io.iceflux.netty.stun.FramingTestBytes.buffer;
import static io.iceflux.netty.stun.FramingTestBytes.bytes;
import static io.iceflux.netty.stun.FramingTestBytes.channelDataFrame;
import static io.iceflux.netty.stun.FramingTestBytes.counting;
import static io.iceflux.netty.stun.FramingTestBytes.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.netty.stun.StunCodecException.Problem;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.IllegalReferenceCountException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link ChannelData}: UDP decoding with optional padding, encoding with and without padding, reference counts. */
class ChannelDataTest {

    @Test
    void decodesAnEmptyMessage() {
        ByteBuf datagram = buffer(hex("40010000"));
        try {
            ChannelData message = ChannelData.decode(datagram);
            try {
                assertThat(message.channelNumber()).isEqualTo(0x4001);
                assertThat(message.content().readableBytes()).isZero();
            } finally {
                message.release();
            }
        } finally {
            datagram.release();
        }
    }

    @ParameterizedTest(name = "data length {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7, 8, 100, 65_535})
    void acceptsEveryAmountOfPaddingUpToTheNextMultipleOf4(int length) {
        byte[] data = counting(length);
        int maxPadding = -length & 3;
        for (int padding = 0; padding <= maxPadding; padding++) {
            ByteBuf datagram = buffer(channelDataFrame(0x4ABC, data, padding));
            try {
                ChannelData message = ChannelData.decode(datagram);
                try {
                    assertThat(message.channelNumber()).isEqualTo(0x4ABC);
                    assertThat(bytes(message.content())).as("padding %d", padding).isEqualTo(data);
                    assertThat(datagram.readerIndex()).isZero();
                    assertThat(datagram.writerIndex()).isEqualTo(4 + length + padding);
                } finally {
                    message.release();
                }
            } finally {
                datagram.release();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "no bytes,                                '',                 TRUNCATED_HEADER",
        "3 header bytes,                          400100,             TRUNCATED_HEADER",
        "channel 0x3FFF just below the range,     3fff0000,           BAD_CHANNEL_NUMBER",
        "channel 0x5000 just above the range,     50000000,           BAD_CHANNEL_NUMBER",
        "channel 0x0000,                          00000000,           BAD_CHANNEL_NUMBER",
        "channel 0xFFFF,                          ffff0000,           BAD_CHANNEL_NUMBER",
        "length 1 with no data,                   40000001,           LENGTH_OVERRUNS_DATAGRAM",
        "length 8 with 7 data bytes,              4000000801020304050607, LENGTH_OVERRUNS_DATAGRAM",
        "length 0xFFFF with 4 data bytes,         4000ffff01020304,   LENGTH_OVERRUNS_DATAGRAM",
        "length 0 with 1 trailing byte,           4000000000,         TRAILING_BYTES",
        "length 4 with 4 trailing bytes,          400000040102030400000000, TRAILING_BYTES",
        "length 1 with 4 trailing bytes,          400000010100000000, TRAILING_BYTES",
        "length 3 with 2 trailing bytes,          4000000301020300 00, TRAILING_BYTES",
    })
    void rejectsMalformedDatagrams(String description, String hexBytes, Problem expected) {
        ByteBuf datagram = buffer(hex(hexBytes));
        try {
            assertThatThrownBy(() -> ChannelData.decode(datagram))
                    .as(description)
                    .isInstanceOfSatisfying(StunCodecException.class,
                            e -> assertThat(e.problem()).isEqualTo(expected))
                    .hasMessageStartingWith(expected + ": ChannelData");
            assertThat(datagram.refCnt()).as("the datagram is not retained on failure").isEqualTo(1);
            assertThat(datagram.readerIndex()).isZero();
        } finally {
            datagram.release();
        }
    }

    @Test
    void errorMessagesNameTheOffendingValues() {
        ByteBuf badChannel = buffer(hex("3fff0000"));
        ByteBuf overrun = buffer(hex("40000010aabb"));
        ByteBuf trailing = buffer(hex("4000000101000000ff"));
        try {
            assertThatThrownBy(() -> ChannelData.decode(badChannel))
                    .hasMessageContaining("0x3FFF").hasMessageContaining("0x4000-0x4FFF");
            assertThatThrownBy(() -> ChannelData.decode(overrun))
                    .hasMessageContaining("16 data bytes").hasMessageContaining("has 2");
            assertThatThrownBy(() -> ChannelData.decode(trailing))
                    .hasMessageContaining("1 data bytes").hasMessageContaining("followed by 4 bytes")
                    .hasMessageContaining("3 padding bytes");
        } finally {
            badChannel.release();
            overrun.release();
            trailing.release();
        }
    }

    @Test
    void decodeReadsFromTheReaderIndexAndLeavesIndicesAlone() {
        ByteBuf datagram = PooledByteBufAllocator.DEFAULT.directBuffer(32);
        try {
            datagram.writeBytes(hex("eeeeee" + "4fff0003aabbcc00"));
            datagram.readerIndex(3);
            ChannelData message = ChannelData.decode(datagram);
            try {
                assertThat(message.channelNumber()).isEqualTo(0x4FFF);
                assertThat(bytes(message.content())).isEqualTo(hex("aabbcc"));
                assertThat(datagram.readerIndex()).isEqualTo(3);
                assertThat(datagram.writerIndex()).isEqualTo(11);
            } finally {
                message.release();
            }
        } finally {
            datagram.release();
        }
    }

    @Test
    void decodedMessageIsARetainedSliceThatOutlivesTheReleasedDatagram() {
        ByteBuf datagram = buffer(hex("40020004cafebabe"));
        ChannelData message = ChannelData.decode(datagram);
        try {
            assertThat(datagram.refCnt()).as("the slice retains the datagram").isEqualTo(2);
            assertThat(message.refCnt()).isPositive();

            datagram.setByte(4, 0x11);
            assertThat(message.content().getByte(0)).as("zero-copy: the data is the datagram's memory")
                    .isEqualTo((byte) 0x11);

            assertThat(datagram.release()).as("the message still holds the datagram's memory").isFalse();
            assertThat(datagram.refCnt()).isEqualTo(1);
            assertThat(message.refCnt()).isPositive();
            assertThat(message.channelNumber()).isEqualTo(0x4002);
            assertThat(bytes(message.content())).isEqualTo(hex("11febabe"));
        } finally {
            assertThat(message.release()).isTrue();
        }
        assertThat(message.refCnt()).isZero();
        assertThat(datagram.refCnt()).isZero();
        assertThatThrownBy(message::content).isInstanceOf(IllegalReferenceCountException.class);
    }

    @ParameterizedTest(name = "data length {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 7, 8, 1000, 65_535})
    void encodesWithAndWithoutPaddingAndDecodesBack(int length) {
        byte[] data = counting(length);
        int padding = -length & 3;
        ChannelData message = new ChannelData(0x4123, buffer(data));
        try {
            assertThat(message.encodedLength(false)).isEqualTo(4 + length);
            assertThat(message.encodedLength(true)).isEqualTo(4 + length + padding);
            for (boolean padTo4 : new boolean[] {false, true}) {
                ByteBuf wire = message.encode(PooledByteBufAllocator.DEFAULT, padTo4);
                try {
                    assertThat(bytes(wire)).as("padTo4 %s", padTo4)
                            .isEqualTo(channelDataFrame(0x4123, data, padTo4 ? padding : 0));
                    assertThat(wire.readableBytes() % 4 == 0 || !padTo4).isTrue();
                    ChannelData decoded = ChannelData.decode(wire);
                    try {
                        assertThat(decoded).isEqualTo(message);
                        assertThat(decoded.hashCode()).isEqualTo(message.hashCode());
                    } finally {
                        decoded.release();
                    }
                } finally {
                    wire.release();
                }
            }
            assertThat(message.content().readerIndex()).as("encoding leaves the data indices alone").isZero();
            assertThat(message.content().readableBytes()).isEqualTo(length);
        } finally {
            message.release();
        }
    }

    @Test
    void writeToAppendsAtTheWriterIndexAndReturnsTheByteCount() {
        ChannelData message = new ChannelData(0x4000, buffer(hex("0102030405")));
        ByteBuf out = UnpooledByteBufAllocator.DEFAULT.heapBuffer(2);
        try {
            out.writeBytes(hex("ffff"));
            assertThat(message.writeTo(out, true)).isEqualTo(12);
            assertThat(message.writeTo(out, false)).isEqualTo(9);
            assertThat(bytes(out)).isEqualTo(hex("ffff" + "400000050102030405000000" + "40000005" + "0102030405"));
        } finally {
            out.release();
            message.release();
        }
    }

    @Test
    void encodesOnlyTheReadableBytesOfTheData() {
        ByteBuf data = buffer(hex("aabbccdd"));
        data.readerIndex(1).writerIndex(3);
        ChannelData message = new ChannelData(0x4FFF, data);
        try {
            ByteBuf wire = message.encode(UnpooledByteBufAllocator.DEFAULT, true);
            try {
                assertThat(bytes(wire)).isEqualTo(hex("4fff0002bbcc0000"));
            } finally {
                wire.release();
            }
        } finally {
            message.release();
        }
    }

    @ParameterizedTest(name = "channel {0}")
    @ValueSource(ints = {0x3FFF, 0x5000, 0, -1, 0x10000, 0x7FFF})
    void constructorRejectsChannelNumbersOutsideTheRangeAndLeavesTheDataToTheCaller(int channel) {
        ByteBuf data = buffer(hex("01"));
        try {
            assertThatThrownBy(() -> new ChannelData(channel, data))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("channel number").hasMessageContaining("0x4000-0x4FFF");
            assertThat(data.refCnt()).isEqualTo(1);
        } finally {
            data.release();
        }
    }

    @Test
    void constructorRejectsDataLongerThanTheLengthField() {
        ByteBuf data = PooledByteBufAllocator.DEFAULT.heapBuffer(65_536);
        try {
            data.writeZero(65_536);
            assertThatThrownBy(() -> new ChannelData(0x4000, data))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("65536 bytes").hasMessageContaining("65535");
        } finally {
            data.release();
        }
    }

    @Test
    void writeToRefusesDataThatGrewPastTheLengthFieldAndWritesNothing() {
        ChannelData message = new ChannelData(0x4000, PooledByteBufAllocator.DEFAULT.heapBuffer(8));
        ByteBuf out = PooledByteBufAllocator.DEFAULT.heapBuffer(8);
        try {
            message.content().writeZero(65_536);
            assertThatThrownBy(() -> message.writeTo(out, true))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("65536 bytes");
            assertThatThrownBy(() -> message.encode(PooledByteBufAllocator.DEFAULT, false))
                    .isInstanceOf(IllegalStateException.class);
            assertThat(out.writerIndex()).isZero();
        } finally {
            out.release();
            message.release();
        }
    }

    @Test
    void rejectsNullArguments() {
        ChannelData message = new ChannelData(0x4000, buffer(hex("01")));
        try {
            assertThatThrownBy(() -> ChannelData.decode(null)).isInstanceOf(NullPointerException.class)
                    .hasMessage("datagram");
            assertThatThrownBy(() -> new ChannelData(0x4000, null)).isInstanceOf(NullPointerException.class)
                    .hasMessage("data");
            assertThatThrownBy(() -> message.writeTo(null, true)).isInstanceOf(NullPointerException.class)
                    .hasMessage("out");
            assertThatThrownBy(() -> message.encode(null, true)).isInstanceOf(NullPointerException.class)
                    .hasMessage("allocator");
        } finally {
            message.release();
        }
    }

    @Test
    void holderOperationsKeepTheChannelAndTheTypeAndCountReferences() {
        ChannelData message = new ChannelData(0x4321, buffer(hex("0a0b0c")));
        try {
            ChannelData copy = message.copy();
            try {
                assertThat(copy.channelNumber()).isEqualTo(0x4321);
                assertThat(copy).isEqualTo(message).isNotSameAs(message);
                copy.content().setByte(0, 0x7f);
                assertThat(message.content().getByte(0)).as("a copy does not share memory").isEqualTo((byte) 0x0a);
            } finally {
                copy.release();
            }

            ChannelData duplicate = message.duplicate();
            assertThat(duplicate.channelNumber()).isEqualTo(0x4321);
            assertThat(duplicate.refCnt()).as("duplicate does not retain").isEqualTo(1);
            assertThat(bytes(duplicate.content())).isEqualTo(hex("0a0b0c"));

            ChannelData retained = message.retainedDuplicate();
            assertThat(retained.channelNumber()).isEqualTo(0x4321);
            assertThat(message.refCnt()).isEqualTo(2);
            retained.release();
            assertThat(message.refCnt()).isEqualTo(1);

            ChannelData replaced = message.replace(buffer(hex("ff")));
            try {
                assertThat(replaced.channelNumber()).isEqualTo(0x4321);
                assertThat(bytes(replaced.content())).isEqualTo(hex("ff"));
                assertThat(replaced).isNotEqualTo(message);
            } finally {
                replaced.release();
            }

            assertThat(message.retain()).isSameAs(message);
            assertThat(message.retain(2)).isSameAs(message);
            assertThat(message.refCnt()).isEqualTo(4);
            assertThat(message.release(3)).isFalse();
            assertThat(message.touch()).isSameAs(message);
            assertThat(message.touch("hint")).isSameAs(message);
        } finally {
            assertThat(message.release()).isTrue();
        }
    }

    @Test
    void equalityNeedsTheSameChannelAndTheSameData() {
        ChannelData a = new ChannelData(0x4000, buffer(hex("0102")));
        ChannelData b = new ChannelData(0x4000, buffer(hex("0102")));
        ChannelData otherChannel = new ChannelData(0x4001, buffer(hex("0102")));
        ChannelData otherData = new ChannelData(0x4000, buffer(hex("0103")));
        try {
            assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
            assertThat(a).isNotEqualTo(otherChannel).isNotEqualTo(otherData).isNotEqualTo(a.content());
            assertThat(a.toString()).startsWith("ChannelData(channel=0x4000, data=").endsWith(")");
        } finally {
            a.release();
            b.release();
            otherChannel.release();
            otherData.release();
        }
    }
}
