package io.iceflux.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DroppedPacketsTest {

    static Map<DropReason, Long> counts(long value) {
        Map<DropReason, Long> counts = new HashMap<>();
        for (DropReason reason : DropReason.values()) {
            counts.put(reason, value);
        }
        return counts;
    }

    @Test
    void noneHasEveryReasonAtZero() {
        DroppedPackets none = DroppedPackets.none();

        assertThat(none.counts()).hasSize(DropReason.values().length).containsOnlyKeys(DropReason.values())
                .allSatisfy((reason, count) -> assertThat(count).isZero());
        assertThat(none.total()).isZero();
        assertThat(none.count(DropReason.BAD_INTEGRITY)).isZero();
    }

    @Test
    void countsAreCopiedUnmodifiableAndInReasonOrder() {
        Map<DropReason, Long> source = counts(2);
        DroppedPackets snapshot = new DroppedPackets(source);
        source.put(DropReason.NOT_STUN, 99L);

        assertThat(snapshot.count(DropReason.NOT_STUN)).isEqualTo(2);
        assertThat(snapshot.total()).isEqualTo(2L * DropReason.values().length);
        assertThat(snapshot.counts().keySet()).containsExactly(DropReason.values());
        assertThatThrownBy(() -> snapshot.counts().put(DropReason.NOT_STUN, 1L))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(snapshot).isEqualTo(new DroppedPackets(new EnumMap<>(counts(2))));
    }

    @Test
    void sinceIsTheGrowthPerReason() {
        Map<DropReason, Long> later = counts(3);
        later.put(DropReason.WRONG_SOURCE, 5L);

        DroppedPackets delta = new DroppedPackets(later).since(new DroppedPackets(counts(3)));

        assertThat(delta.count(DropReason.WRONG_SOURCE)).isEqualTo(2);
        assertThat(delta.total()).isEqualTo(2);
        assertThatThrownBy(() -> new DroppedPackets(counts(3)).since(new DroppedPackets(later)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("earlier has more WRONG_SOURCE drops (5) than this snapshot (3): it is not an earlier "
                        + "snapshot");
    }

    @Test
    void badCountsAreRejectedNamingTheReason() {
        Map<DropReason, Long> missing = counts(0);
        missing.remove(DropReason.MALFORMED);
        assertThatThrownBy(() -> new DroppedPackets(missing)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("counts has no entry for MALFORMED");

        Map<DropReason, Long> negative = counts(0);
        negative.put(DropReason.NOT_STUN, -1L);
        assertThatThrownBy(() -> new DroppedPackets(negative)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the count of NOT_STUN must not be negative, not -1");

        Map<DropReason, Long> nullCount = counts(0);
        nullCount.put(DropReason.WRONG_METHOD, null);
        assertThatThrownBy(() -> new DroppedPackets(nullCount)).isInstanceOf(NullPointerException.class)
                .hasMessage("the count of WRONG_METHOD");

        assertThatThrownBy(() -> new DroppedPackets(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("counts");
        assertThatThrownBy(() -> DroppedPackets.none().count(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("reason");
    }
}
