package io.iceflux.netty;

import java.util.Locale;

/** How a STUN client transaction ended, as {@link GathererMetrics#transactionCompleted} reports it. */
public enum TransactionOutcome {
    /** A success response arrived. */
    SUCCESS,
    /** An error response arrived (including the 401 that starts every TURN authentication). */
    ERROR_RESPONSE,
    /** No response came in time. */
    TIMEOUT,
    /**
     * The socket or connection closed, the request could not be sent, or an ICMP error said the server's port or host
     * is unreachable ({@link NettyIceGatherer.Builder#icmpFastFailure(boolean)}) before a response came.
     */
    CLOSED;

    /** Return the tag value: {@code success}, {@code error-response}, {@code timeout} or {@code closed}. */
    public String tagValue() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
