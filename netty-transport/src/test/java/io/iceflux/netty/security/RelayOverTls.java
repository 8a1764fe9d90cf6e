package io.iceflux.netty.security;

import io.iceflux.IceEvent;
import io.iceflux.IceServer;
import io.iceflux.IceTransportPolicy;
import io.iceflux.StunTimers;
import io.iceflux.netty.NettyIceGatherer;
import io.iceflux.netty.coturn.Coturn;
import io.iceflux.netty.fixtures.GatheringEvents;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import reactor.core.publisher.Mono;

/** What the TLS tests against coturn share: a relay-only gathering from IPv4 loopback with short timers. */
final class RelayOverTls {

    static final StunTimers FAST = StunTimers.rfc8489().withInitialRto(Duration.ofMillis(50)).withMaxRequests(3)
            .withLastWaitMultiplier(2).withReliableTimeout(Duration.ofSeconds(3));

    private RelayOverTls() {
    }

    /** A gatherer builder whose resolver answers 127.0.0.1 for every name (coturn's certificate names localhost). */
    static NettyIceGatherer.Builder resolvingEverythingToLoopback() {
        return NettyIceGatherer.builder().resolver(host -> Mono.just(List.of(InetAddress.getLoopbackAddress())));
    }

    /** Gather relays only from {@code url} with coturn's credentials; return once coturn holds no allocation. */
    static List<IceEvent> gather(Coturn coturn, NettyIceGatherer gatherer, String url) {
        List<IceEvent> events = gatherer.gather(GatheringEvents.loopbackConfig(FAST,
                        IceServer.of(List.of(url), coturn.username(), coturn.password()))
                .transportPolicy(IceTransportPolicy.RELAY).build()).collectList().block(Duration.ofSeconds(30));
        coturn.awaitAllocationCount(0, Duration.ofSeconds(10));
        return events;
    }
}
