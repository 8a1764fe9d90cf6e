package io.iceflux;

import java.time.Duration;
import java.util.Objects;

/**
 * How the TURN relay data-path check ({@link RelayCheck}) runs.
 *
 * @param packets  how many packets go over each path (relay → relay, relay → server-reflexive), 1 to 1000
 * @param interval the pause between two sends on one path (zero: all at once)
 * @param linger   how long to wait for echoes after the last send before counting the rest as lost
 * @param deadline the most one server's check may take, from its first request to its result: a check
 *                 still running then ends with {@code ok=false} and says so; its allocations are deleted anyway
 */
public record RelayCheckOptions(int packets, Duration interval, Duration linger, Duration deadline) {

    /** The default number of packets per path. */
    public static final int DEFAULT_PACKETS = 10;
    /** The most packets per path. */
    public static final int MAX_PACKETS = 1000;

    /**
     * Check the components.
     *
     * @throws NullPointerException if a duration is null
     * @throws IllegalArgumentException if {@code packets} is not 1 to {@value #MAX_PACKETS}, {@code interval} is
     *     negative, or {@code linger} or {@code deadline} is not positive
     */
    public RelayCheckOptions {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(linger, "linger");
        Objects.requireNonNull(deadline, "deadline");
        if (packets < 1 || packets > MAX_PACKETS) {
            throw new IllegalArgumentException("packets must be 1 to " + MAX_PACKETS + ", not " + packets);
        }
        if (interval.isNegative()) {
            throw new IllegalArgumentException("interval must not be negative, not " + interval);
        }
        if (linger.isNegative() || linger.isZero()) {
            throw new IllegalArgumentException("linger must be positive, not " + linger);
        }
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive, not " + deadline);
        }
    }

    /** {@value #DEFAULT_PACKETS} packets per path, 10 ms apart, echoes awaited 1 s, at most 10 s per server. */
    public static RelayCheckOptions defaults() {
        return new RelayCheckOptions(DEFAULT_PACKETS, Duration.ofMillis(10), Duration.ofSeconds(1),
                Duration.ofSeconds(10));
    }

    /** These options with {@code packets} per path. */
    public RelayCheckOptions withPackets(int packets) {
        return new RelayCheckOptions(packets, interval, linger, deadline);
    }

    /** These options with {@code interval} between sends. */
    public RelayCheckOptions withInterval(Duration interval) {
        return new RelayCheckOptions(packets, interval, linger, deadline);
    }

    /** These options with {@code linger} after the last send. */
    public RelayCheckOptions withLinger(Duration linger) {
        return new RelayCheckOptions(packets, interval, linger, deadline);
    }

    /** These options with {@code deadline} per server. */
    public RelayCheckOptions withDeadline(Duration deadline) {
        return new RelayCheckOptions(packets, interval, linger, deadline);
    }
}
