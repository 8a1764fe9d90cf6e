package io.iceflux.netty.internal.turn;

import java.net.InetSocketAddress;
import reactor.core.publisher.Mono;

/** A TURN allocation as the gathering sees it. */
public interface Relay {

    /** The relayed transport address (the relay candidate). */
    InetSocketAddress relayedAddress();

    /** The client's address as the server saw it, or {@code null} if the server did not say. */
    InetSocketAddress mappedAddress();

    /** Delete the allocation (Refresh with LIFETIME 0) and close what it opened; never fails, never hangs. */
    Mono<Void> release();
}
