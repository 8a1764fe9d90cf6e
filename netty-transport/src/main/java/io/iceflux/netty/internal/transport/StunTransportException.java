package io.iceflux.netty.internal.transport;

import io.iceflux.netty.stun.StunMessage;
import java.util.Objects;

/**
 * Why a STUN transaction or transport failed. These are outcomes of talking to a server (a 401 before every
 * authenticated Allocate, a timeout, a refused connection), not programming errors, and each becomes an event; they
 * carry no stack trace (filling one in cost more than the rest of a TURN exchange's error path), a cause keeps its own.
 */
public abstract sealed class StunTransportException extends RuntimeException {

    private StunTransportException(String message, Throwable cause) {
        super(message, cause, true, false);
    }

    /** No response came in time: after every retransmission over UDP, or after the timeout over TCP/TLS. */
    public static final class Timeout extends StunTransportException {
        public Timeout(String message) {
            super(message, null);
        }
    }

    /** The transport was closed (by us, or the connection was closed or reset by the server). */
    public static final class Closed extends StunTransportException {
        public Closed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The server could not be reached at all: TCP connection refused, reset or timed out, TLS handshake failed,
     * or no socket could be opened. {@link #getMessage()} is a sentence fit for a 701's errorText.
     */
    public static final class Unreachable extends StunTransportException {
        public Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * An ICMP error answered the request over UDP: the server's port or host cannot be reached
     * ({@link #what()}: {@code "port unreachable"}, {@code "host unreachable"} or {@code "network unreachable"}). Only
     * an error the kernel matched to the 4-tuple of the connected socket the request left from, while a transaction to
     * that server was pending, becomes one.
     */
    public static final class IcmpUnreachable extends StunTransportException {
        private final String what;

        public IcmpUnreachable(String what, String message) {
            super(message, null);
            this.what = Objects.requireNonNull(what, "what");
        }

        /** What the ICMP error said, in the words of the errorText: {@code "port unreachable"} etc. */
        public String what() {
            return what;
        }
    }

    /**
     * The transport already has {@link StunTransactions#MAX_PENDING} transactions pending; the new one was not
     * sent.
     */
    public static final class TooManyTransactions extends StunTransportException {
        public TooManyTransactions(String message) {
            super(message, null);
        }
    }

    /**
     * The server answered with success, but an address it reports cannot be used ({@link ServerClaims}): an
     * unspecified, broadcast or multicast address, port 0, or the wrong family. {@link #getMessage()} is the errorText
     * of the 600 error that replaces the candidate.
     */
    public static final class UnusableAddress extends StunTransportException {
        public UnusableAddress(String message) {
            super(message, null);
        }
    }

    /** The server answered with an error response. */
    public static final class ErrorResponse extends StunTransportException {
        private final int code;
        private final String reason;
        private final transient StunMessage response;

        public ErrorResponse(int code, String reason, StunMessage response) {
            super(code + " " + reason, null);
            this.code = code;
            this.reason = Objects.requireNonNull(reason, "reason");
            this.response = response;
        }

        public int code() {
            return code;
        }

        public String reason() {
            return reason;
        }

        public StunMessage response() {
            return response;
        }
    }
}
