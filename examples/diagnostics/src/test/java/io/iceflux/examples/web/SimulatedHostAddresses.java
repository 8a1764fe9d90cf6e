package io.iceflux.examples.web;

import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceGatherer;
import io.iceflux.netty.NettyIceGatherer;
import io.iceflux.netty.internal.gather.HostAddresses;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/**
 * A gatherer that makes the host-address limit testable on a machine with one usable address: before a gathering
 * starts it runs the check {@link NettyIceGatherer} runs ({@link HostAddresses#checkLimit}) on the count it is told
 * to pretend, so a count above {@link NettyIceGatherer#MAX_HOST_ADDRESSES} fails the gathering with the same
 * {@link io.iceflux.IceLimitExceededException} before any socket opens; then (or with no count set) it gathers with
 * the real gatherer.
 */
final class SimulatedHostAddresses implements IceGatherer {

    private final IceGatherer delegate;
    private volatile int pretendedCount;

    SimulatedHostAddresses(IceGatherer delegate) {
        this.delegate = delegate;
    }

    /** Pretend the host has {@code count} usable addresses; 0 stops pretending. */
    void pretend(int count) {
        this.pretendedCount = count;
    }

    @Override
    public Flux<IceEvent> gather(IceConfiguration configuration) {
        return Flux.defer(() -> {
            check();
            return delegate.gather(configuration);
        });
    }

    @Override
    public Flux<IceEvent> gather(IceConfiguration configuration, Publisher<?> restarts) {
        return Flux.defer(() -> {
            check();
            return delegate.gather(configuration, restarts);
        });
    }

    private void check() {
        int count = pretendedCount;
        if (count > 0) {
            HostAddresses.checkLimit(count);
        }
    }
}
