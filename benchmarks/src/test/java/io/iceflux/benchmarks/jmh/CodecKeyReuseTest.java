package io.iceflux.benchmarks.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.netty.stun.IntegrityStatus;
import io.iceflux.netty.stun.PasswordAlgorithm;
import io.iceflux.netty.stun.StunCodec;
import io.iceflux.netty.stun.StunCredentials;
import io.iceflux.netty.stun.StunEncodeOptions;
import io.iceflux.netty.stun.StunMessage;
import io.iceflux.testkit.NettyLeakDetectionExtension;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The codec reuses a thread's HMAC between messages signed with the same key (the optimisation the codec benchmark
 * led to); switching keys back and forth, changing the caller's key array afterwards, and direct and heap buffers
 * must all still give the right answer.
 */
@ExtendWith(NettyLeakDetectionExtension.class)
class CodecKeyReuseTest {

    private static final byte[] OTHER_KEY =
            StunCredentials.longTermKey("someone-else", CodecFixtures.REALM, "other", PasswordAlgorithm.MD5);

    @Test
    void verifyingWithAlternatingKeysGivesEachKeyItsOwnAnswer() {
        byte[] signed = CodecFixtures.allocateSuccessBytes();
        ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(signed);
        ByteBuf heap = Unpooled.wrappedBuffer(signed.clone());
        try {
            for (ByteBuf buf : new ByteBuf[] {direct, heap}) {
                StunMessage message = StunCodec.decode(buf);
                for (int i = 0; i < 3; i++) {
                    assertThat(StunCodec.verifyIntegrity(buf, message, CodecFixtures.LONG_TERM_KEY)
                            .messageIntegrity()).isEqualTo(IntegrityStatus.VALID);
                    assertThat(StunCodec.verifyIntegrity(buf, message, OTHER_KEY).messageIntegrity())
                            .isEqualTo(IntegrityStatus.INVALID);
                    assertThat(StunCodec.verifyIntegrity(buf, message, new byte[0]).messageIntegrity())
                            .isEqualTo(IntegrityStatus.INVALID);
                }
            }
        } finally {
            direct.release();
            heap.release();
        }
    }

    @Test
    void changingTheKeyArrayAfterUseChangesTheAnswer() {
        byte[] key = CodecFixtures.LONG_TERM_KEY.clone();
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(CodecFixtures.allocateSuccessBytes());
        try {
            StunMessage message = StunCodec.decode(buf);
            assertThat(StunCodec.verifyIntegrity(buf, message, key).isValid()).isTrue();
            key[0] ^= 1;
            assertThat(StunCodec.verifyIntegrity(buf, message, key).isValid()).isFalse();
            key[0] ^= 1;
            assertThat(StunCodec.verifyIntegrity(buf, message, key).isValid()).isTrue();
        } finally {
            buf.release();
        }
    }

    @Test
    void signingWithAlternatingKeysMatchesSigningWithAFreshCodec() {
        byte[] expected = CodecFixtures.allocateRequestBytes();
        StunEncodeOptions other = StunEncodeOptions.defaults().messageIntegrity(OTHER_KEY).fingerprint(true);
        for (int i = 0; i < 3; i++) {
            assertThat(CodecFixtures.encode(CodecFixtures.allocateRequest(), other)).isNotEqualTo(expected);
            assertThat(CodecFixtures.encode(CodecFixtures.allocateRequest(), CodecFixtures.signed()))
                    .isEqualTo(expected);
        }
    }
}
