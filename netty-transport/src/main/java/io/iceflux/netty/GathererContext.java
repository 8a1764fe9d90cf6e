package io.iceflux.netty;

import reactor.core.scheduler.Scheduler;

/**
 * What every gathering of one {@link NettyIceGatherer} shares.
 *
 * @param transports opens sockets and connections
 * @param resolver   resolves server host names
 * @param relays     allocates TURN relays
 * @param scheduler  runs every timer
 */
record GathererContext(StunTransportFactory transports, IceServerResolver resolver, RelayAllocator relays,
        Scheduler scheduler) {
}
