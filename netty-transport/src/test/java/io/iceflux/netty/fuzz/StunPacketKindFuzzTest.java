package io.iceflux.netty.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.iceflux.netty.stun.ChannelData;
import io.iceflux.netty.stun.StunCodec;
import io.iceflux.netty.stun.StunCodecException;
import io.iceflux.netty.stun.StunCodecException.Problem;
import io.iceflux.netty.stun.StunPacketKind;
import io.netty.buffer.ByteBuf;

/**
 * Coverage-guided fuzzing of {@link StunPacketKind#classify(ByteBuf)} with Jazzer, checked against the rule its
 * documentation states and against the decoders it routes to.
 *
 * <p>Invariants: the kind is what the documented rule gives; the packet keeps its bytes and indexes; a packet
 * the STUN decoder accepts is STUN and one the ChannelData decoder accepts is STUN or CHANNEL_DATA; a packet
 * classified STUN never fails the STUN decoder on its header (size, leading bits, cookie), and one classified
 * CHANNEL_DATA never fails the ChannelData decoder on its header or channel number.
 */
class StunPacketKindFuzzTest {

    @FuzzTest
    void classify(byte[] input) {
        ByteBuf buf = FuzzBuffers.wrap(input);
        try {
            StunPacketKind kind = StunPacketKind.classify(buf);
            FuzzBuffers.assertUntouched(buf, input, 1);
            assertThat(kind).isEqualTo(documentedRule(input));

            Problem stunProblem = null;
            try {
                StunCodec.decode(buf);
            } catch (StunCodecException e) {
                stunProblem = e.problem();
            }
            if (stunProblem == null) {
                assertThat(kind).isEqualTo(StunPacketKind.STUN);
            } else if (kind == StunPacketKind.STUN) {
                assertThat(stunProblem).isNotIn(Problem.TRUNCATED_HEADER, Problem.BAD_LEADING_BITS,
                        Problem.BAD_MAGIC_COOKIE);
            }
            Problem channelDataProblem = null;
            try {
                ChannelData.decode(buf).release();
            } catch (StunCodecException e) {
                channelDataProblem = e.problem();
            }
            if (channelDataProblem == null) {
                assertThat(kind).isIn(StunPacketKind.CHANNEL_DATA, StunPacketKind.STUN);
            } else if (kind == StunPacketKind.CHANNEL_DATA) {
                assertThat(channelDataProblem).isNotIn(Problem.TRUNCATED_HEADER, Problem.BAD_CHANNEL_NUMBER);
            }
            FuzzBuffers.assertUntouched(buf, input, 1);
        } finally {
            FuzzBuffers.release(buf);
            FuzzBuffers.assertNoLeakReported();
        }
    }

    /** The rule of the {@link StunPacketKind} class comment, written out independently. */
    private static StunPacketKind documentedRule(byte[] p) {
        if (p.length >= 20 && (p[0] & 0xC0) == 0 && p[4] == 0x21 && p[5] == 0x12 && p[6] == (byte) 0xA4
                && p[7] == 0x42) {
            return StunPacketKind.STUN;
        }
        if (p.length >= 4 && (p[0] & 0xFF) >= 0x40 && (p[0] & 0xFF) <= 0x4F) {
            return StunPacketKind.CHANNEL_DATA;
        }
        return StunPacketKind.OTHER;
    }
}
