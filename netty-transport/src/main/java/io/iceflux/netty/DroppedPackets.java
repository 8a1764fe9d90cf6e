package io.iceflux.netty;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable snapshot of how many incoming packets a {@link NettyIceGatherer} dropped, by {@link DropReason},
 * since it was built. Every reason is present in {@link #counts()}, with zero if nothing was dropped for it.
 *
 * @param counts the count of every reason; a copy is kept, unmodifiable, in {@link DropReason} order
 */
public record DroppedPackets(Map<DropReason, Long> counts) {

    /**
     * Check and copy the counts.
     *
     * @throws NullPointerException if {@code counts}, a key or a value is null
     * @throws IllegalArgumentException if a reason is missing or a count is negative
     */
    public DroppedPackets {
        Objects.requireNonNull(counts, "counts");
        EnumMap<DropReason, Long> copy = new EnumMap<>(DropReason.class);
        for (Map.Entry<DropReason, Long> e : counts.entrySet()) {
            DropReason reason = Objects.requireNonNull(e.getKey(), "a drop reason in counts");
            Long count = Objects.requireNonNull(e.getValue(), () -> "the count of " + reason);
            if (count < 0) {
                throw new IllegalArgumentException("the count of " + reason + " must not be negative, not " + count);
            }
            copy.put(reason, count);
        }
        for (DropReason reason : DropReason.values()) {
            if (!copy.containsKey(reason)) {
                throw new IllegalArgumentException("counts has no entry for " + reason);
            }
        }
        counts = Collections.unmodifiableMap(copy);
    }

    /** Return a snapshot in which every count is zero. */
    public static DroppedPackets none() {
        EnumMap<DropReason, Long> zeros = new EnumMap<>(DropReason.class);
        for (DropReason reason : DropReason.values()) {
            zeros.put(reason, 0L);
        }
        return new DroppedPackets(zeros);
    }

    /**
     * Return how many packets were dropped for {@code reason}.
     *
     * @throws NullPointerException if {@code reason} is null
     */
    public long count(DropReason reason) {
        return counts.get(Objects.requireNonNull(reason, "reason"));
    }

    /** Return how many packets were dropped for any reason. */
    public long total() {
        long sum = 0;
        for (long c : counts.values()) {
            sum += c;
        }
        return sum;
    }

    /**
     * Return the counts that grew from {@code earlier} to this snapshot, per reason (this minus earlier).
     *
     * @throws NullPointerException if {@code earlier} is null
     * @throws IllegalArgumentException if a count of {@code earlier} is larger than this one's (not an earlier
     *     snapshot of the same gatherer)
     */
    public DroppedPackets since(DroppedPackets earlier) {
        Objects.requireNonNull(earlier, "earlier");
        EnumMap<DropReason, Long> delta = new EnumMap<>(DropReason.class);
        for (DropReason reason : DropReason.values()) {
            long d = count(reason) - earlier.count(reason);
            if (d < 0) {
                throw new IllegalArgumentException("earlier has more " + reason + " drops (" + earlier.count(reason)
                        + ") than this snapshot (" + count(reason) + "): it is not an earlier snapshot");
            }
            delta.put(reason, d);
        }
        return new DroppedPackets(delta);
    }
}
