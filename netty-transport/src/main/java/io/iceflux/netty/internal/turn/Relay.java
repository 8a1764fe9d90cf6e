package io.iceflux.netty.internal.turn;

import java.net.InetSocketAddress;

/**
 * A TURN allocation as the gathering sees it: its addresses. It is deleted when the {@link RelayLedger} of the
 * {@link RelayRequest} that made it is released.
 */
public interface Relay {

    /** The relayed transport address (the relay candidate). */
    InetSocketAddress relayedAddress();

    /** The client's address as the server saw it, or {@code null} if the server did not say. */
    InetSocketAddress mappedAddress();
}
