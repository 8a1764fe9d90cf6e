package io.iceflux.netty.internal.gather;

import io.iceflux.netty.IceServerResolver;
import io.iceflux.netty.internal.transport.StunTransportFactory;
import io.iceflux.netty.internal.transport.TransportListener;
import io.iceflux.netty.internal.turn.RelayAllocator;
import reactor.core.scheduler.Scheduler;

/**
 * What every gathering of one {@code NettyIceGatherer} shares.
 *
 * @param transports opens sockets and connections
 * @param resolver   resolves server host names
 * @param relays     allocates TURN relays
 * @param scheduler  runs every timer
 * @param listener   hears about what the gatherings drop (a server's unusable address, as the transports do for
 *                   packets)
 * @param cleanups   the releases of the gatherings under way, which closing the gatherer waits for
 */
public record GathererContext(StunTransportFactory transports, IceServerResolver resolver, RelayAllocator relays,
        Scheduler scheduler, TransportListener listener, Cleanups cleanups) {
}
