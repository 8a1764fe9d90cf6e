package io.iceflux.netty.internal.turn;

import io.iceflux.IceServer;
import io.iceflux.ServerTransport;
import io.iceflux.netty.internal.transport.StunTransportFactory;
import io.iceflux.netty.stun.StunCredentials;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Allocates relays with a {@link TurnClient} on the request's {@link RelayLedger} and, for session-style gatherings,
 * keeps them refreshed until the ledger releases them.
 */
public final class TurnRelayAllocator implements RelayAllocator {

    private static final Logger log = Loggers.getLogger(TurnRelayAllocator.class);

    private final StunTransportFactory transports;
    private final Scheduler scheduler;
    private final String software;

    public TurnRelayAllocator(StunTransportFactory transports, Scheduler scheduler, String software) {
        this.transports = transports;
        this.scheduler = scheduler;
        this.software = software;
    }

    @Override
    public Mono<Relay> allocate(RelayRequest request) {
        return Mono.defer(() -> {
            IceServer server = request.iceServer();
            StunCredentials credentials = StunCredentials.of(server.username().orElseThrow(),
                    server.credential().orElseThrow());
            ServerTransport protocol = request.url().transport();
            TurnRequest turn = new TurnRequest(request.transport(), request.ownsTransport(), request.serverAddress(),
                    request.url().host(), protocol, credentials, null, software, request.timers(), transports,
                    scheduler, RelayFamilies.forHost(request.transport().localAddress().getAddress()));
            return new TurnClient(turn).allocate(request.ledger()).<Relay>map(allocation -> {
                if (request.keepAlive()) {
                    allocation.keepAlive(e -> log.warn("Refreshing the TURN allocation on {} for {} failed: {}",
                            allocation.relayedAddress(), request.url(), e.toString()));
                }
                return allocation;
            });
        });
    }
}
