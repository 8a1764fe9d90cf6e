package io.iceflux.netty.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.iceflux.netty.stun.StunCodecException;
import io.iceflux.netty.stun.StunCodecException.Problem;
import io.iceflux.netty.stun.StunFrameDecoder;
import io.iceflux.netty.stun.StunPacketKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Coverage-guided fuzzing of STUN-over-TCP framing: a {@link StunFrameDecoder} in an {@link EmbeddedChannel} fed
 * a fuzzer-chosen byte stream in fuzzer-chosen chunks, then closed (seeds: TCP streams captured from coturn).
 *
 * <p>Input layout: byte 0 chooses the chunking (bit 6 set: the whole stream at once; otherwise chunks of 1 to
 * {@code (b & 0x3F) + 1} bytes from a fixed pseudo-random sequence), byte 1 the maximum frame length (0: the
 * default, otherwise {@code 20 + 16 * b}), the rest is the stream.
 *
 * <p>Invariants, checked against a whole-stream splitter written from the decoder's documentation: the frames
 * emitted are exactly the complete frames before the first bad one, whatever the chunking; each is STUN or
 * ChannelData; the stream fails exactly when the splitter says, with a {@link DecoderException} whose cause is the
 * {@link StunCodecException} for the same problem; nothing is emitted after the failure; every chunk and frame is
 * released in the end.
 */
class StunFrameDecoderFuzzTest {

    @FuzzTest
    void stream(byte[] input) {
        if (input.length < 2) {
            return;
        }
        int chunking = input[0] & 0xFF;
        int maxFrame = (input[1] & 0xFF) == 0 ? StunFrameDecoder.DEFAULT_MAX_FRAME_LENGTH : 20 + 16 * (input[1] & 0xFF);
        byte[] stream = Arrays.copyOfRange(input, 2, input.length);
        Expected expected = split(stream, maxFrame);

        EmbeddedChannel channel = new EmbeddedChannel(new StunFrameDecoder(maxFrame));
        List<ByteBuf> chunks = new ArrayList<>();
        List<byte[]> frames = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        try {
            int pos = 0;
            int seed = chunking;
            while (pos < stream.length) {
                seed = seed * 1103515245 + 12345;
                int size = (chunking & 0x40) != 0 ? stream.length
                        : 1 + Math.floorMod(seed >>> 16, (chunking & 0x3F) + 1);
                size = Math.min(size, stream.length - pos);
                ByteBuf chunk = Unpooled.buffer(size).writeBytes(stream, pos, size);
                chunks.add(chunk);
                pos += size;
                try {
                    channel.writeInbound(chunk);
                } catch (DecoderException e) {
                    problems.add(problemOf(e));
                }
                drain(channel, frames);
            }
            try {
                channel.finish();
            } catch (DecoderException e) {
                problems.add(problemOf(e));
            }
            drain(channel, frames);
        } finally {
            try {
                channel.finishAndReleaseAll();
            } catch (DecoderException e) {
                problems.add(problemOf(e));
            }
        }
        for (ByteBuf chunk : chunks) {
            assertThat(chunk.refCnt()).as("refCnt of a chunk after the channel closed").isZero();
        }
        assertThat(frames).as("frames emitted").hasSize(expected.frames().size());
        for (int i = 0; i < frames.size(); i++) {
            assertThat(frames.get(i)).as("frame %d", i).isEqualTo(expected.frames().get(i));
        }
        if (expected.problem() == null) {
            assertThat(problems).as("problems").isEmpty();
        } else {
            assertThat(problems).as("problems").containsExactly(expected.problem());
        }
        FuzzBuffers.assertNoLeakReported();
    }

    private static Problem problemOf(DecoderException e) {
        assertThat(e.getCause()).as("cause of %s", e).isInstanceOf(StunCodecException.class);
        return ((StunCodecException) e.getCause()).problem();
    }

    private static void drain(EmbeddedChannel channel, List<byte[]> frames) {
        for (Object o = channel.readInbound(); o != null; o = channel.readInbound()) {
            ByteBuf frame = (ByteBuf) o;
            try {
                assertThat(StunPacketKind.classify(frame)).as("kind of an emitted frame")
                        .isIn(StunPacketKind.STUN, StunPacketKind.CHANNEL_DATA);
                frames.add(ByteBufUtil.getBytes(frame));
            } finally {
                frame.release();
            }
        }
    }

    /** The frames before the first bad one and the problem that ends the stream, or {@code null} for none. */
    record Expected(List<byte[]> frames, Problem problem) {
    }

    /** Split the whole stream as the decoder documents it. */
    static Expected split(byte[] s, int maxFrame) {
        List<byte[]> frames = new ArrayList<>();
        int pos = 0;
        while (pos < s.length) {
            int left = s.length - pos;
            int first = s[pos] & 0xFF;
            int frameLength;
            int headerLength;
            if ((first & 0xC0) == 0) {
                headerLength = 20;
                if (left >= 4) {
                    int length = u16(s, pos + 2);
                    if (length % 4 != 0) {
                        return new Expected(frames, Problem.BAD_LENGTH_ALIGNMENT);
                    }
                    if (20 + length > maxFrame) {
                        return new Expected(frames, Problem.TOO_LARGE);
                    }
                    if (left >= 8 && !(s[pos + 4] == 0x21 && s[pos + 5] == 0x12 && s[pos + 6] == (byte) 0xA4
                            && s[pos + 7] == 0x42)) {
                        return new Expected(frames, Problem.BAD_MAGIC_COOKIE);
                    }
                }
                frameLength = left >= 4 ? 20 + u16(s, pos + 2) : Integer.MAX_VALUE;
            } else if (first >= 0x40 && first <= 0x4F) {
                headerLength = 4;
                if (left >= 4) {
                    int length = u16(s, pos + 2);
                    frameLength = 4 + length + (-length & 3);
                    if (frameLength > maxFrame) {
                        return new Expected(frames, Problem.TOO_LARGE);
                    }
                } else {
                    frameLength = Integer.MAX_VALUE;
                }
            } else {
                return new Expected(frames, Problem.UNKNOWN_FRAME);
            }
            if (left < frameLength) {
                return new Expected(frames,
                        left < headerLength ? Problem.TRUNCATED_HEADER : Problem.LENGTH_OVERRUNS_DATAGRAM);
            }
            frames.add(Arrays.copyOfRange(s, pos, pos + frameLength));
            pos += frameLength;
        }
        return new Expected(frames, null);
    }

    private static int u16(byte[] s, int at) {
        return (s[at] & 0xFF) << 8 | (s[at + 1] & 0xFF);
    }
}
