package io.iceflux.netty.internal.transport;

import io.iceflux.ServerTransport;
import io.iceflux.netty.DropReason;
import io.iceflux.netty.TransactionOutcome;

/**
 * What the transports report about themselves: incoming packets they dropped and client transactions that ended.
 * Whoever opens transports (the gatherer) implements it; the transports know nothing else about their user.
 * Called on event-loop threads: implementations must be thread-safe, quick and must not throw.
 */
public interface TransportListener {

    /** The listener that ignores everything. */
    TransportListener NONE = new TransportListener() {
        @Override
        public void packetDropped(DropReason reason) {
        }

        @Override
        public void transactionEnded(int method, ServerTransport transport, TransactionOutcome outcome,
                long nanos) {
        }
    };

    /** An incoming packet was dropped for {@code reason}. */
    void packetDropped(DropReason reason);

    /**
     * A transaction that was sent ended.
     *
     * @param method  the STUN method of the request
     * @param nanos   from the first send to the end
     */
    void transactionEnded(int method, ServerTransport transport, TransactionOutcome outcome, long nanos);

    /**
     * A TURN server's 401 or 438 could not be answered, and the Allocate to {@code server} (a canonical URL) ended
     * with it; {@code reason} says why. Nothing by default.
     */
    default void challengeUnanswered(String server, int code, String reason) {
    }
}
