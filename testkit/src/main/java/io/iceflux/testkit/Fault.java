package io.iceflux.testkit;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@link TestTurnServer} does instead of (or before) its normal handling of a message of one method; set
 * with {@link TestTurnServer#inject(TurnMethod, Fault)}. Every received message is counted before its fault
 * applies.
 *
 * <p>Faults that answer ({@link ErrorResponse}, {@link Redirect}, {@link StaleNonce}) apply to requests only;
 * indications of the method are handled normally. The answer is signed with MESSAGE-INTEGRITY when the request
 * carried valid long-term credentials, like a real server's.
 */
public sealed interface Fault {

    /**
     * Answer every request with an error response carrying ERROR-CODE {@code code} and {@code reason}.
     *
     * @param code the error code, 300–699
     * @param reason the reason phrase, sent verbatim
     */
    record ErrorResponse(int code, String reason) implements Fault {
        /**
         * Check the code and reason.
         *
         * @throws IllegalArgumentException if {@code code} is outside 300–699
         * @throws NullPointerException if {@code reason} is null
         */
        public ErrorResponse {
            if (code < 300 || code > 699) {
                throw new IllegalArgumentException("error code must be 300-699, got " + code);
            }
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Answer every request with 300 (Try Alternate) and ALTERNATE-SERVER {@code alternate}.
     *
     * @param alternate the server the client should try instead
     */
    record Redirect(InetSocketAddress alternate) implements Fault {
        /**
         * Check the address.
         *
         * @throws IllegalArgumentException if {@code alternate} is unresolved
         * @throws NullPointerException if {@code alternate} is null
         */
        public Redirect {
            Objects.requireNonNull(alternate, "alternate");
            if (alternate.isUnresolved()) {
                throw new IllegalArgumentException("alternate server address is unresolved: " + alternate);
            }
        }
    }

    /**
     * Answer the next {@code times} requests that carry valid credentials with 438 (Stale Nonce) and a fresh
     * NONCE, invalidating the nonce they used; then the fault removes itself. Requests without credentials get
     * their usual 401.
     *
     * @param times how many requests get a 438, at least 1
     */
    record StaleNonce(int times) implements Fault {
        /**
         * Check the count.
         *
         * @throws IllegalArgumentException if {@code times} is less than 1
         */
        public StaleNonce {
            if (times < 1) {
                throw new IllegalArgumentException("stale nonce count must be at least 1, got " + times);
            }
        }
    }

    /**
     * Drop each message of the method with probability {@code percent}/100, decided by the server's seeded
     * random generator; dropped messages count in {@link TestTurnServer#packetsDropped()}.
     *
     * @param percent the share of messages to drop, 0–100
     */
    record Drop(int percent) implements Fault {
        /**
         * Check the percentage.
         *
         * @throws IllegalArgumentException if {@code percent} is outside 0–100
         */
        public Drop {
            if (percent < 0 || percent > 100) {
                throw new IllegalArgumentException("drop percentage must be 0-100, got " + percent);
            }
        }
    }

    /**
     * Handle each message of the method normally, but only after {@code delay}.
     *
     * @param delay how long to wait, zero or positive
     */
    record Delay(Duration delay) implements Fault {
        /**
         * Check the delay.
         *
         * @throws IllegalArgumentException if {@code delay} is negative
         * @throws NullPointerException if {@code delay} is null
         */
        public Delay {
            if (Objects.requireNonNull(delay, "delay").isNegative()) {
                throw new IllegalArgumentException("delay is negative: " + delay);
            }
        }
    }

    /** Ignore every message of the method (counted as dropped); the client times out. */
    record Silent() implements Fault {
    }

    /**
     * Close the TCP or TLS connection (TLS with close_notify) when a message of the method arrives on one; over
     * UDP the message is handled normally.
     */
    record CloseConnection() implements Fault {
    }

    /**
     * Reset the TCP or TLS connection (RST through SO_LINGER 0, without TLS close_notify) when a message of the
     * method arrives on one; over UDP the message is handled normally.
     */
    record ResetConnection() implements Fault {
    }

    /**
     * Return {@link ErrorResponse}{@code (code, reason)}.
     *
     * @throws IllegalArgumentException if {@code code} is outside 300–699
     */
    static Fault error(int code, String reason) {
        return new ErrorResponse(code, reason);
    }

    /**
     * Return {@link Redirect}{@code (alternate)}.
     *
     * @throws IllegalArgumentException if {@code alternate} is unresolved
     */
    static Fault redirect(InetSocketAddress alternate) {
        return new Redirect(alternate);
    }

    /** Return {@link StaleNonce}{@code (1)}: the next authenticated request gets 438. */
    static Fault staleNonce() {
        return new StaleNonce(1);
    }

    /**
     * Return {@link StaleNonce}{@code (times)}.
     *
     * @throws IllegalArgumentException if {@code times} is less than 1
     */
    static Fault staleNonce(int times) {
        return new StaleNonce(times);
    }

    /**
     * Return {@link Drop}{@code (percent)}.
     *
     * @throws IllegalArgumentException if {@code percent} is outside 0–100
     */
    static Fault drop(int percent) {
        return new Drop(percent);
    }

    /**
     * Return {@link Delay}{@code (delay)}.
     *
     * @throws IllegalArgumentException if {@code delay} is negative
     */
    static Fault delay(Duration delay) {
        return new Delay(delay);
    }

    /** Return {@link Silent}. */
    static Fault silent() {
        return new Silent();
    }

    /** Return {@link CloseConnection}. */
    static Fault closeConnection() {
        return new CloseConnection();
    }

    /** Return {@link ResetConnection}. */
    static Fault resetConnection() {
        return new ResetConnection();
    }
}
