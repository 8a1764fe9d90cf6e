package io.iceflux.netty.stun;

import static io.iceflux.netty.stun.FramingTestBytes.RFC5769_REQUEST;
import static io.iceflux.netty.stun.FramingTestBytes.buffer;
import static io.iceflux.netty.stun.FramingTestBytes.bytes;
import static io.iceflux.netty.stun.FramingTestBytes.channelDataFrame;
import static io.iceflux.netty.stun.FramingTestBytes.concat;
import static io.iceflux.netty.stun.FramingTestBytes.counting;
import static io.iceflux.netty.stun.FramingTestBytes.hex;
import static io.iceflux.netty.stun.FramingTestBytes.paddedChannelDataFrame;
import static io.iceflux.netty.stun.FramingTestBytes.stunFrame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.netty.stun.StunCodecException.Problem;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link StunFrameDecoder} on an {@link EmbeddedChannel}: framing, splitting, hostile streams, no leaks. */
class StunFrameDecoderTest {

    private EmbeddedChannel channel = new EmbeddedChannel(new StunFrameDecoder());

    @AfterEach
    void closeChannel() {
        if (channel.isOpen()) {
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void passesTheRfc5769SampleRequestAsOneFrame() {
        assertThat(channel.writeInbound(buffer(RFC5769_REQUEST))).isTrue();
        assertThat(readAllFrames()).containsExactly(RFC5769_REQUEST);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void emitsSeveralFramesFromOneBufferInOrder() {
        byte[] a = stunFrame(0x0001, new byte[0]);
        byte[] b = stunFrame(0x0101, counting(12));
        byte[] c = RFC5769_REQUEST;
        channel.writeInbound(buffer(concat(a, b, c)));
        assertThat(readAllFrames()).containsExactly(a, b, c);
    }

    @Test
    void interleavesStunAndPaddedChannelDataFrames() {
        List<byte[]> frames = List.of(
                stunFrame(0x0003, counting(8)),
                paddedChannelDataFrame(0x4000, counting(5)),
                paddedChannelDataFrame(0x4FFF, new byte[0]),
                stunFrame(0x0113, counting(4)),
                paddedChannelDataFrame(0x4abc, counting(7)),
                RFC5769_REQUEST,
                paddedChannelDataFrame(0x4001, counting(4)));
        channel.writeInbound(buffer(concat(frames.toArray(byte[][]::new))));
        assertThat(readAllFrames()).containsExactlyElementsOf(frames);
        assertThat(channel.finish()).isFalse();
    }

    @ParameterizedTest(name = "data length {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7})
    void channelDataFramesIncludeTheirPaddingAndDecodeBack(int length) {
        byte[] data = counting(length);
        int padding = -length & 3;
        byte[] frame = channelDataFrame(0x4123, data, padding);
        byte[] next = stunFrame(0x0001, new byte[0]);
        channel.writeInbound(buffer(concat(frame, next)));

        ByteBuf first = channel.readInbound();
        try {
            assertThat(first.readableBytes()).isEqualTo(4 + length + padding).isEqualTo(frame.length);
            assertThat(first.readableBytes() % 4).isZero();
            ChannelData message = ChannelData.decode(first);
            try {
                assertThat(message.channelNumber()).isEqualTo(0x4123);
                assertThat(bytes(message.content())).isEqualTo(data);
            } finally {
                message.release();
            }
        } finally {
            first.release();
        }
        assertThat(readAllFrames()).as("the padding was not taken for the start of the next frame")
                .containsExactly(next);
    }

    @Test
    void emptyChannelDataIsAFourByteFrame() {
        channel.writeInbound(buffer(hex("40000000" + "4fff0000")));
        assertThat(readAllFrames()).containsExactly(hex("40000000"), hex("4fff0000"));
    }

    @Test
    void waitsForEveryByteOfFramesFedOneByteAtATime() {
        List<byte[]> frames = List.of(
                RFC5769_REQUEST,
                paddedChannelDataFrame(0x4000, new byte[0]),
                paddedChannelDataFrame(0x4001, counting(1)),
                paddedChannelDataFrame(0x4002, counting(2)),
                paddedChannelDataFrame(0x4003, counting(3)),
                paddedChannelDataFrame(0x4004, counting(4)),
                stunFrame(0x0001, new byte[0]),
                stunFrame(0x0101, counting(40)));
        byte[] stream = concat(frames.toArray(byte[][]::new));
        int[] frameEnds = new int[frames.size()];
        int end = 0;
        for (int i = 0; i < frames.size(); i++) {
            end += frames.get(i).length;
            frameEnds[i] = end;
        }

        List<byte[]> received = new ArrayList<>();
        for (int i = 0; i < stream.length; i++) {
            channel.writeInbound(buffer(new byte[] {stream[i]}));
            List<byte[]> now = readAllFrames();
            int fed = i + 1;
            boolean completesAFrame = Arrays.stream(frameEnds).anyMatch(e -> e == fed);
            assertThat(now).as("frames after %d bytes", fed).hasSize(completesAFrame ? 1 : 0);
            received.addAll(now);
        }
        assertThat(received).containsExactlyElementsOf(frames);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void framesAreSlicesThatStayReadableAfterTheChannelIsGone() {
        channel.writeInbound(buffer(concat(RFC5769_REQUEST, paddedChannelDataFrame(0x4000, counting(3)))));
        ByteBuf stun = channel.readInbound();
        ByteBuf channelData = channel.readInbound();
        try {
            assertThat(channel.finish()).isFalse();
            assertThat(bytes(stun)).isEqualTo(RFC5769_REQUEST);
            assertThat(bytes(channelData)).isEqualTo(hex("40000003010203" + "00"));
            assertThat(stun.refCnt()).isEqualTo(1);
        } finally {
            stun.release();
            channelData.release();
        }
    }

    @Test
    void acceptsTheLargestStunAndChannelDataFramesByDefault() {
        byte[] largestStun = stunFrame(0x0001, new byte[0xFFFC]);
        byte[] largestChannelData = paddedChannelDataFrame(0x4000, new byte[0xFFFF]);
        assertThat(largestStun).hasSize(StunFrameDecoder.DEFAULT_MAX_FRAME_LENGTH);
        assertThat(largestChannelData).hasSize(65_540);
        channel.writeInbound(buffer(concat(largestStun, largestChannelData)));
        List<byte[]> frames = readAllFrames();
        assertThat(frames).hasSize(2);
        assertThat(frames.get(0)).isEqualTo(largestStun);
        assertThat(frames.get(1)).isEqualTo(largestChannelData);
    }

    @Test
    void acceptsAFrameOfExactlyTheConfiguredMaximum() {
        channel = new EmbeddedChannel(new StunFrameDecoder(28));
        byte[] frame = stunFrame(0x0001, counting(8));
        channel.writeInbound(buffer(concat(frame, paddedChannelDataFrame(0x4000, counting(24)))));
        assertThat(readAllFrames()).containsExactly(frame, paddedChannelDataFrame(0x4000, counting(24)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "first byte 0x50 just above the channels,   50000000,                      UNKNOWN_FRAME",
        "RTP version 2,                            80000001,                      UNKNOWN_FRAME",
        "first byte 0xFF alone,                    ff,                            UNKNOWN_FRAME",
        "RFC 4571 length prefix before STUN,       006c00010058,                  BAD_LENGTH_ALIGNMENT",
        "STUN length 5,                            00010005,                      BAD_LENGTH_ALIGNMENT",
        "STUN length 2,                            00010002,                      BAD_LENGTH_ALIGNMENT",
        "STUN cookie off by one,                   000100002112a443,              BAD_MAGIC_COOKIE",
        "classic RFC 3489 message without cookie,  00010000a1b2c3d4,              BAD_MAGIC_COOKIE",
        "DTLS record on the stream,                16fefd0000000000,              BAD_MAGIC_COOKIE",
    })
    void rejectsHostileStreamsWithTheRightProblem(String description, String hexBytes, Problem expected) {
        ByteBuf input = buffer(hex(hexBytes));
        assertDecoderFails(() -> channel.writeInbound(input), expected);
        assertThat(input.refCnt()).isZero();
        assertDiscardsEverythingAfterwards();
    }

    @Test
    void rejectsStunWithAnRfc4571LengthPrefixAsIce4jWouldSendIt() {
        byte[] prefixed = concat(hex("006c"), RFC5769_REQUEST);
        assertDecoderFails(() -> channel.writeInbound(buffer(prefixed)), Problem.BAD_LENGTH_ALIGNMENT)
                .hasMessageContaining("message length 1,");
        assertDiscardsEverythingAfterwards();
    }

    @Test
    void detectsABadCookieAsSoonAsItsLastByteArrives() {
        byte[] header = hex("000100002112a4ff");
        for (int i = 0; i < 7; i++) {
            assertThat(channel.writeInbound(buffer(new byte[] {header[i]}))).isFalse();
        }
        assertDecoderFails(() -> channel.writeInbound(buffer(new byte[] {header[7]})), Problem.BAD_MAGIC_COOKIE)
                .hasMessageContaining("0x2112A4FF");
        assertDiscardsEverythingAfterwards();
    }

    @Test
    void detectsAnUnknownFrameFromItsFirstByte() {
        assertDecoderFails(() -> channel.writeInbound(buffer(hex("c0"))), Problem.UNKNOWN_FRAME)
                .hasMessageContaining("0xC0");
        assertDiscardsEverythingAfterwards();
    }

    @Test
    void detectsATooLargeStunFrameFromTheHeaderBeforeTheBodyArrives() {
        channel = new EmbeddedChannel(new StunFrameDecoder(100));
        assertDecoderFails(() -> channel.writeInbound(buffer(hex("00010054"))), Problem.TOO_LARGE)
                .hasMessageContaining("STUN").hasMessageContaining("104 bytes").hasMessageContaining("100");
        assertDiscardsEverythingAfterwards();
    }

    @Test
    void detectsATooLargeChannelDataFrameFromTheHeaderCountingThePadding() {
        channel = new EmbeddedChannel(new StunFrameDecoder(100));
        channel.writeInbound(buffer(paddedChannelDataFrame(0x4000, counting(96))));
        assertThat(readAllFrames()).hasSize(1);
        assertDecoderFails(() -> channel.writeInbound(buffer(hex("40000061"))), Problem.TOO_LARGE)
                .hasMessageContaining("ChannelData").hasMessageContaining("104 bytes");
        assertDiscardsEverythingAfterwards();
    }

    @Test
    void emitsTheFramesBeforeABadOneAndNothingAfterIt() {
        byte[] good = stunFrame(0x0001, counting(4));
        byte[] goodChannelData = paddedChannelDataFrame(0x4000, counting(2));
        assertDecoderFails(() -> channel.writeInbound(buffer(concat(good, goodChannelData, hex("60000000"), good))),
                Problem.UNKNOWN_FRAME);
        assertThat(readAllFrames()).containsExactly(good, goodChannelData);
        assertDiscardsEverythingAfterwards();
    }

    @Test
    void reportsAStreamThatEndsInsideAHeader() {
        channel.writeInbound(buffer(concat(RFC5769_REQUEST, hex("0001000021"))));
        assertThat(readAllFrames()).containsExactly(RFC5769_REQUEST);
        assertDecoderFails(channel::finish, Problem.TRUNCATED_HEADER)
                .hasMessageContaining("5 of the 20 bytes of a STUN header");
    }

    @Test
    void reportsAStreamThatEndsInsideAChannelDataHeader() {
        channel.writeInbound(buffer(hex("400f00")));
        assertDecoderFails(channel::finish, Problem.TRUNCATED_HEADER)
                .hasMessageContaining("3 of the 4 bytes of a ChannelData header");
    }

    @Test
    void reportsAStreamThatEndsInsideABody() {
        channel.writeInbound(buffer(hex("40000008010203")));
        assertDecoderFails(channel::finish, Problem.LENGTH_OVERRUNS_DATAGRAM)
                .hasMessageContaining("7 bytes of a ChannelData frame");
    }

    @Test
    void aStreamThatEndsBetweenFramesIsFine() {
        channel.writeInbound(buffer(RFC5769_REQUEST));
        assertThat(readAllFrames()).hasSize(1);
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void rejectsAMaximumBelowTheSmallestStunMessage() {
        assertThat(new StunFrameDecoder(20).maxFrameLength()).isEqualTo(20);
        assertThat(new StunFrameDecoder().maxFrameLength()).isEqualTo(65_552);
        assertThatThrownBy(() -> new StunFrameDecoder(19))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxFrameLength 19");
    }

    /** Runs {@code action}, expects the decoder's failure and returns an assertion on the StunCodecException. */
    private static AbstractThrowableAssert<?, ? extends Throwable> assertDecoderFails(Runnable action,
            Problem problem) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(action::run);
        assertThat(thrown).isInstanceOf(DecoderException.class);
        assertThat(thrown.getCause()).isInstanceOfSatisfying(StunCodecException.class,
                e -> assertThat(e.problem()).isEqualTo(problem));
        return assertThat(thrown.getCause()).hasMessageStartingWith(problem + ": ");
    }

    /** After a failure, valid frames fed later produce neither frames nor new errors, and are released. */
    private void assertDiscardsEverythingAfterwards() {
        ByteBuf later = buffer(concat(RFC5769_REQUEST, paddedChannelDataFrame(0x4000, counting(3))));
        assertThat(channel.writeInbound(later)).isFalse();
        assertThat(later.refCnt()).isZero();
        channel.checkException();
        assertThat(readAllFrames()).isEmpty();
        assertThat(channel.finish()).isFalse();
    }

    /** Reads, copies and releases every frame waiting in the channel. */
    private List<byte[]> readAllFrames() {
        List<byte[]> frames = new ArrayList<>();
        for (Object o; (o = channel.readInbound()) != null; ) {
            ByteBuf frame = (ByteBuf) o;
            try {
                frames.add(bytes(frame));
            } finally {
                frame.release();
            }
        }
        return frames;
    }
}
