package io.iceflux.netty.internal.turn;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * A TURN allocation as the gathering sees it: its addresses. It is deleted when the {@link RelayLedger} of the
 * {@link RelayRequest} that made it is released.
 */
public interface Relay {

    /** The relayed transport address (the relay candidate) of the family the Allocate asked for first. */
    InetSocketAddress relayedAddress();

    /**
     * The other relayed addresses of the same allocation: the IPv6 one of a dual allocation (RFC 8656 §7.2), or none.
     * Deleting the allocation releases them all.
     */
    default List<InetSocketAddress> additionalRelayedAddresses() {
        return List.of();
    }

    /** The client's address as the server saw it, or {@code null} if the server did not say. */
    InetSocketAddress mappedAddress();
}
