package io.iceflux.netty.stun;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Transaction ids are what keeps an off-path attacker from forging a response (RFC 8489 §6: "uniformly and randomly
 * chosen … cryptographically random"): they come from a {@link SecureRandom}, and look like it.
 */
class TransactionIdRandomnessTest {

    private static final int SAMPLES = 20_000;

    @Test
    void theSourceIsASharedSecureRandom() throws Exception {
        Field source = null;
        for (Field f : TransactionId.class.getDeclaredFields()) {
            if (java.util.Random.class.isAssignableFrom(f.getType())) {
                assertThat(source).as("one random source").isNull();
                source = f;
            }
        }
        assertThat(source).as("a random source field").isNotNull();
        assertThat(Modifier.isStatic(source.getModifiers())).isTrue();
        assertThat(Modifier.isFinal(source.getModifiers())).isTrue();
        source.setAccessible(true);
        assertThat(source.get(null)).isInstanceOf(SecureRandom.class);
    }

    @Test
    void requestsGetDistinctIdsWithEveryBitSetAboutHalfTheTime() {
        Set<TransactionId> seen = new HashSet<>();
        int[] ones = new int[TransactionId.LENGTH * 8];
        for (int i = 0; i < SAMPLES; i++) {
            TransactionId id = StunMessage.builder(StunClass.REQUEST, StunMethod.BINDING).build().transactionId();
            assertThat(seen.add(id)).as("id %s is new", id).isTrue();
            byte[] bytes = id.toByteArray();
            for (int bit = 0; bit < ones.length; bit++) {
                ones[bit] += (bytes[bit / 8] >>> (7 - bit % 8)) & 1;
            }
        }
        // the share of ones per bit is 0.5 with a standard deviation of 0.0035 at 20 000 samples: ±0.05 is 14σ
        for (int bit = 0; bit < ones.length; bit++) {
            assertThat((double) ones[bit] / SAMPLES).as("share of ones of bit %d", bit).isBetween(0.45, 0.55);
        }
    }

    @Test
    void randomIdsDifferFromEachOther() {
        Set<TransactionId> seen = new HashSet<>();
        for (int i = 0; i < SAMPLES; i++) {
            assertThat(seen.add(TransactionId.random())).isTrue();
        }
    }
}
