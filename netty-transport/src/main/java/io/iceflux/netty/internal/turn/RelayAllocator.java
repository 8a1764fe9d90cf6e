package io.iceflux.netty.internal.turn;

import io.iceflux.netty.internal.transport.StunTransportException;
import reactor.core.publisher.Mono;

/** Allocates TURN relays. */
public interface RelayAllocator {

    /**
     * Allocate a relay, recorded on {@link RelayRequest#ledger()}: releasing the ledger deletes it. Fails with
     * {@link StunTransportException.ErrorResponse} for a final error response (the server's code and reason),
     * {@link StunTransportException.Timeout} or {@link StunTransportException.Unreachable} when the server cannot be
     * reached. Cancelling at any moment leaves nothing behind, on either side, once the clean-up it may still have to
     * do (bounded by the STUN timers) is over; releasing the ledger waits for that clean-up.
     */
    Mono<Relay> allocate(RelayRequest request);
}
