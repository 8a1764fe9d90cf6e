package io.iceflux.netty.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.iceflux.netty.stun.ChannelData;
import io.iceflux.netty.stun.StunCodecException;
import io.iceflux.netty.stun.StunCodecException.Problem;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.Arrays;

/**
 * Coverage-guided fuzzing of {@link ChannelData#decode(ByteBuf)} with Jazzer (seeds: ChannelData captured from
 * coturn over UDP and TCP, and hand-made edge cases).
 *
 * <p>Invariants: only {@link StunCodecException} with one of the problems the method documents escapes; the
 * datagram keeps its bytes and indexes, its reference count is raised by one while the decoded message lives and
 * is back afterwards; the message's channel number and data are the header's and the bytes after it; encoding it
 * again without padding gives the datagram up to the end of the data, and with padding a multiple of 4 bytes.
 */
class ChannelDataFuzzTest {

    @FuzzTest
    void decode(byte[] input) {
        ByteBuf buf = FuzzBuffers.wrap(input);
        try {
            ChannelData message;
            try {
                message = ChannelData.decode(buf);
            } catch (StunCodecException e) {
                assertThat(e.problem()).isIn(Problem.TRUNCATED_HEADER, Problem.BAD_CHANNEL_NUMBER,
                        Problem.LENGTH_OVERRUNS_DATAGRAM, Problem.TRAILING_BYTES);
                FuzzBuffers.assertUntouched(buf, input, 1);
                return;
            }
            try {
                FuzzBuffers.assertUntouched(buf, input, 2);
                checkDecoded(input, message);
            } finally {
                message.release();
            }
            FuzzBuffers.assertUntouched(buf, input, 1);
        } finally {
            FuzzBuffers.release(buf);
            FuzzBuffers.assertNoLeakReported();
        }
    }

    private static void checkDecoded(byte[] input, ChannelData message) {
        int channel = (input[0] & 0xFF) << 8 | (input[1] & 0xFF);
        int length = (input[2] & 0xFF) << 8 | (input[3] & 0xFF);
        assertThat(message.channelNumber()).isEqualTo(channel).isBetween(ChannelData.MIN_CHANNEL_NUMBER,
                ChannelData.MAX_CHANNEL_NUMBER);
        assertThat(ByteBufUtil.getBytes(message.content())).isEqualTo(Arrays.copyOfRange(input, 4, 4 + length));
        assertThat(input.length - 4 - length).as("padding after the data").isBetween(0, 3);
        assertThat(message.toString()).isNotEmpty();
        assertThat(message.encodedLength(false)).isEqualTo(4 + length);
        assertThat(message.encodedLength(true) % 4).isZero();

        ByteBuf unpadded = message.encode(UnpooledByteBufAllocator.DEFAULT, false);
        try {
            assertThat(ByteBufUtil.getBytes(unpadded)).isEqualTo(Arrays.copyOf(input, 4 + length));
            ChannelData again = ChannelData.decode(unpadded);
            try {
                assertThat(again).isEqualTo(message).hasSameHashCodeAs(message);
            } finally {
                again.release();
            }
        } finally {
            unpadded.release();
        }
        ByteBuf padded = message.encode(UnpooledByteBufAllocator.DEFAULT, true);
        try {
            assertThat(padded.readableBytes()).isEqualTo(message.encodedLength(true));
            assertThat(ByteBufUtil.getBytes(padded, 0, 4 + length)).isEqualTo(Arrays.copyOf(input, 4 + length));
            for (int i = 4 + length; i < padded.readableBytes(); i++) {
                assertThat(padded.getByte(i)).as("padding byte %d", i).isZero();
            }
        } finally {
            padded.release();
        }
    }
}
