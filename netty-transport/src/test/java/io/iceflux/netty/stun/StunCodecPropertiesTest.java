package io.iceflux.netty.stun;

import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.netty.stun.StunAttribute.Fingerprint;
import io.iceflux.netty.stun.StunAttribute.MessageIntegrity;
import io.iceflux.netty.stun.StunAttribute.MessageIntegritySha256;
import io.iceflux.testsupport.LeakRecorder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.Arrays;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterProperty;

/** Generated messages with attributes of every type survive encoding and decoding; signatures verify. */
class StunCodecPropertiesTest {

    static {
        // jqwik tests may run before any JUnit test installs the recorder; it must precede the buffer classes.
        LeakRecorder.install();
    }

    @Provide
    Arbitrary<StunMessage> messages() {
        return StunArbitraries.messages();
    }

    @AfterProperty
    void nothingLeaked() {
        LeakRecorder.provokeReports();
        assertThat(LeakRecorder.drain()).isEmpty();
    }

    @Property(tries = 2000)
    void decodingAnEncodedMessageGivesItBack(@ForAll("messages") StunMessage m,
            @ForAll @IntRange(max = 255) int padding) {
        ByteBuf buf = StunCodec.encode(m, PooledByteBufAllocator.DEFAULT,
                StunEncodeOptions.defaults().padding(padding));
        try {
            assertThat(buf.readableBytes() % 4).isZero();
            StunMessage decoded = StunCodec.decode(buf);
            assertThat(decoded).isEqualTo(m);
            assertThat(decoded.attributes()).isEqualTo(m.attributes());
            assertThat(decoded.wireLayout().orElseThrow())
                    .isEqualTo(new StunMessage.WireLayout(buf.readableBytes(), -1, -1, -1));
            ByteBuf again = StunCodec.encode(decoded, PooledByteBufAllocator.DEFAULT,
                    StunEncodeOptions.defaults().padding(padding));
            try {
                assertThat(again).isEqualTo(buf);
            } finally {
                again.release();
            }
        } finally {
            buf.release();
        }
    }

    @Property(tries = 1000)
    void signedMessagesVerifyWithTheKeyAndNotWithAnother(@ForAll("messages") StunMessage m,
            @ForAll @Size(max = 40) byte[] key, @ForAll @Size(max = 40) byte[] otherKey,
            @ForAll boolean fingerprint) {
        // HMAC pads keys shorter than its 64-byte block with zeros: keys that differ only in trailing zeros are
        // the same key.
        Assume.that(!Arrays.equals(withoutTrailingZeros(key), withoutTrailingZeros(otherKey)));
        ByteBuf buf = StunCodec.encode(m, PooledByteBufAllocator.DEFAULT, StunEncodeOptions.defaults()
                .messageIntegrity(key).messageIntegritySha256(key).fingerprint(fingerprint));
        try {
            StunMessage decoded = StunCodec.decode(buf);
            int n = m.attributes().size();
            assertThat(decoded.attributes().subList(0, n)).isEqualTo(m.attributes());
            assertThat(decoded.attributes().get(n)).isInstanceOf(MessageIntegrity.class);
            assertThat(decoded.attributes().get(n + 1)).isInstanceOf(MessageIntegritySha256.class);
            assertThat(decoded.attributes()).hasSize(fingerprint ? n + 3 : n + 2);
            assertThat(decoded.attribute(Fingerprint.class).isPresent()).isEqualTo(fingerprint);
            assertThat(StunCodec.verifyIntegrity(buf, decoded, key))
                    .isEqualTo(new IntegrityCheck(IntegrityStatus.VALID, IntegrityStatus.VALID));
            IntegrityCheck wrong = StunCodec.verifyIntegrity(buf, decoded, otherKey);
            assertThat(wrong).isEqualTo(new IntegrityCheck(IntegrityStatus.INVALID, IntegrityStatus.INVALID));
            assertThat(wrong.isValid()).isFalse();
            assertThat(buf.refCnt()).isEqualTo(1);
            assertThat(buf.readerIndex()).isZero();
        } finally {
            buf.release();
        }
    }

    private static byte[] withoutTrailingZeros(byte[] key) {
        int n = key.length;
        while (n > 0 && key[n - 1] == 0) {
            n--;
        }
        return Arrays.copyOf(key, n);
    }

    @Property(tries = 500)
    void eachIntegrityAttributeAloneVerifies(@ForAll("messages") StunMessage m, @ForAll @Size(max = 40) byte[] key,
            @ForAll boolean sha256) {
        StunEncodeOptions options = sha256 ? StunEncodeOptions.defaults().messageIntegritySha256(key)
                : StunEncodeOptions.defaults().messageIntegrity(key);
        ByteBuf buf = StunCodec.encode(m, PooledByteBufAllocator.DEFAULT, options);
        try {
            IntegrityCheck check = StunCodec.verifyIntegrity(buf, StunCodec.decode(buf), key);
            assertThat(check).isEqualTo(sha256
                    ? new IntegrityCheck(IntegrityStatus.ABSENT, IntegrityStatus.VALID)
                    : new IntegrityCheck(IntegrityStatus.VALID, IntegrityStatus.ABSENT));
            assertThat(check.isValid()).isTrue();
        } finally {
            buf.release();
        }
    }
}
