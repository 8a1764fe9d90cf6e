package io.iceflux.examples.reactor;

import io.iceflux.HostInterfaces;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceGatherer;
import io.iceflux.IceServer;
import io.iceflux.StunTimers;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/** Short timers, loopback-only configurations and gatherer decorators for the recipe tests. */
final class ReactorTestSupport {

    /**
     * RTO 50 ms, 2 requests, a last wait of 2 RTO: a dead UDP server gives its 701 after about 200 ms. Only for
     * servers that are meant to be dead: a live server on a loaded machine may not answer that fast.
     */
    static final StunTimers SHORT_TIMERS = new StunTimers(Duration.ofMillis(50), 2, 2, Duration.ofSeconds(2));

    /** RTO 500 ms, 3 requests, a last wait of 4 RTO: 3.5 s, ample for a live loopback server under load. */
    static final StunTimers PATIENT_TIMERS = new StunTimers(Duration.ofMillis(500), 3, 4, Duration.ofSeconds(5));

    private ReactorTestSupport() {
    }

    /**
     * A configuration without servers: IPv4 loopback only, {@link #PATIENT_TIMERS}, a 10 s deadline; give a
     * server meant to be dead {@link #SHORT_TIMERS} with {@link IceServer#withTimers}.
     */
    static IceConfiguration.Builder loopbackConfiguration() {
        return IceConfiguration.builder()
                .hostInterfaces(HostInterfaces.loopbackOnly().ipv4Only())
                .stunTimers(PATIENT_TIMERS)
                .gatheringDeadline(Duration.ofSeconds(10));
    }

    /** A UDP port on 127.0.0.1 that was just free, so nothing answers there. */
    static int closedUdpPort() {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return socket.getLocalPort();
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A gatherer whose one-shot gatherings go through {@code decoration}; session gatherings are delegated. */
    static IceGatherer decorated(IceGatherer delegate, Function<Flux<IceEvent>, Flux<IceEvent>> decoration) {
        return new IceGatherer() {
            @Override
            public Flux<IceEvent> gather(IceConfiguration configuration) {
                return decoration.apply(delegate.gather(configuration));
            }

            @Override
            public Flux<IceEvent> gather(IceConfiguration configuration, Publisher<?> restarts) {
                return delegate.gather(configuration, restarts);
            }
        };
    }
}
