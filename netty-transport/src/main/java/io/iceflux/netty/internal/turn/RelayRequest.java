package io.iceflux.netty.internal.turn;

import io.iceflux.IceServer;
import io.iceflux.IceServerUrl;
import io.iceflux.StunTimers;
import io.iceflux.netty.internal.transport.StunTransport;
import java.net.InetSocketAddress;

/**
 * What an allocation needs.
 *
 * @param transport  the transport to allocate on (a host socket shared with Binding requests, or a stream)
 * @param ownsTransport whether the stream was opened for this allocation (the gathering closes it either way)
 * @param serverAddress the server's resolved address
 * @param url        the URL being gathered from
 * @param iceServer  the server entry, with its credentials
 * @param timers     the STUN timers
 * @param keepAlive  whether to keep the allocation refreshed until it is released (session-style gathering)
 * @param ledger     where the allocation exchange records itself, so that the owner of {@code transport} can delete
 *                   the allocation, or wait for a cancelled exchange's clean-up, before it closes the transport
 */
public record RelayRequest(StunTransport transport, boolean ownsTransport, InetSocketAddress serverAddress,
        IceServerUrl url, IceServer iceServer, StunTimers timers, boolean keepAlive, RelayLedger ledger) {
}
