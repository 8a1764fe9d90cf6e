package io.iceflux.netty.internal.turn;

import io.iceflux.netty.internal.transport.StunTransportException;

import reactor.core.publisher.Mono;

/** Allocates TURN relays. */
public interface RelayAllocator {

    /**
     * Allocate a relay. Fails with {@link StunTransportException.ErrorResponse} for a final error response (the
     * server's code and reason), {@link StunTransportException.Timeout} or {@link StunTransportException.Unreachable}
     * when the server cannot be reached. Cancelling leaves nothing behind, on either side.
     */
    Mono<Relay> allocate(RelayRequest request);
}
