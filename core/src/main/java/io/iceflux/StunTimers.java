package io.iceflux;

import java.time.Duration;
import java.util.Objects;

/**
 * STUN transaction timers (RFC 8489 §6.2.1 and §6.2.2).
 *
 * <p>Over UDP a request is sent, then retransmitted after RTO, 2·RTO, 4·RTO … until {@code maxRequests} have been
 * sent; after the last one the client waits {@code lastWaitMultiplier}·RTO. With the defaults (RTO 500 ms,
 * Rc 7, Rm 16) the requests leave at 0, 0.5, 1.5, 3.5, 7.5, 15.5 and 31.5 s and the transaction fails at
 * 39.5 s. Over TCP and TLS a request is sent once and fails after {@code reliableTimeout} (39.5 s by default).
 *
 * @param initialRto         RTO, the first retransmission interval (RFC 8489: 500 ms)
 * @param maxRequests        Rc, requests sent in all, including the first (RFC 8489: 7)
 * @param lastWaitMultiplier Rm, the wait after the last request in units of RTO (RFC 8489: 16)
 * @param reliableTimeout    Ti, the transaction timeout over TCP/TLS (RFC 8489: 39.5 s)
 */
public record StunTimers(Duration initialRto, int maxRequests, int lastWaitMultiplier, Duration reliableTimeout) {

    private static final StunTimers RFC_8489 =
            new StunTimers(Duration.ofMillis(500), 7, 16, Duration.ofMillis(39_500));

    public StunTimers {
        Objects.requireNonNull(initialRto, "initialRto");
        Objects.requireNonNull(reliableTimeout, "reliableTimeout");
        if (initialRto.isNegative() || initialRto.isZero()) {
            throw new IllegalArgumentException("initialRto must be positive, not " + initialRto);
        }
        if (maxRequests < 1) {
            throw new IllegalArgumentException("maxRequests (Rc) must be at least 1, not " + maxRequests);
        }
        if (lastWaitMultiplier < 1) {
            throw new IllegalArgumentException("lastWaitMultiplier (Rm) must be at least 1, not " + lastWaitMultiplier);
        }
        if (reliableTimeout.isNegative() || reliableTimeout.isZero()) {
            throw new IllegalArgumentException("reliableTimeout must be positive, not " + reliableTimeout);
        }
    }

    /** The RFC 8489 defaults: RTO 500 ms, Rc 7, Rm 16, Ti 39.5 s. */
    public static StunTimers rfc8489() {
        return RFC_8489;
    }

    /**
     * The delay before the {@code n}-th send (0-based) of a UDP request, measured from the previous send:
     * 0 for the first, then RTO, 2·RTO, 4·RTO ….
     *
     * @param n 0 ≤ n &lt; {@link #maxRequests()}
     */
    public Duration retransmissionDelay(int n) {
        if (n < 0 || n >= maxRequests) {
            throw new IllegalArgumentException("n must be in [0, " + maxRequests + "), not " + n);
        }
        return n == 0 ? Duration.ZERO : initialRto.multipliedBy(1L << Math.min(n - 1, 30));
    }

    /** How long after the last UDP request the transaction fails: Rm·RTO. */
    public Duration lastWait() {
        return initialRto.multipliedBy(lastWaitMultiplier);
    }

    /** The total time from the first UDP request to a timeout (39.5 s with the defaults). */
    public Duration udpTimeout() {
        Duration total = Duration.ZERO;
        for (int n = 1; n < maxRequests; n++) {
            total = total.plus(retransmissionDelay(n));
        }
        return total.plus(lastWait());
    }

    /** A copy with another RTO. */
    public StunTimers withInitialRto(Duration rto) {
        return new StunTimers(rto, maxRequests, lastWaitMultiplier, reliableTimeout);
    }

    /** A copy with another Rc. */
    public StunTimers withMaxRequests(int rc) {
        return new StunTimers(initialRto, rc, lastWaitMultiplier, reliableTimeout);
    }

    /** A copy with another Rm. */
    public StunTimers withLastWaitMultiplier(int rm) {
        return new StunTimers(initialRto, maxRequests, rm, reliableTimeout);
    }

    /** A copy with another TCP/TLS timeout. */
    public StunTimers withReliableTimeout(Duration ti) {
        return new StunTimers(initialRto, maxRequests, lastWaitMultiplier, ti);
    }
}
