package io.iceflux.examples.probe;

import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceGatherer;
import io.iceflux.netty.NettyIceGatherer;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/**
 * Opens the gatherer of one probe run; the command closes it when the run ends. The command line uses
 * {@link #netty()}; tests give the command a gatherer of their own (e.g. one that sees more host addresses than
 * the machine has).
 */
@FunctionalInterface
interface ProbeGatherers {

    /** A gatherer the command closes when its run ends. */
    interface Gatherer extends IceGatherer, AutoCloseable {
        /** Release what the gatherer holds (event loops, DNS resolver). */
        @Override
        void close();
    }

    /**
     * Open the gatherer of one run.
     *
     * @param trustAllCertificates {@code --insecure}: trust every TLS certificate
     */
    Gatherer open(boolean trustAllCertificates);

    /** {@link NettyIceGatherer}s, with the JDK's trust store unless every certificate is trusted. */
    static ProbeGatherers netty() {
        return trustAllCertificates -> {
            NettyIceGatherer.Builder builder = NettyIceGatherer.builder();
            if (trustAllCertificates) {
                builder.insecureTrustAllCertificates();
            }
            return closing(builder.build());
        };
    }

    /** {@code gatherer} as a {@link Gatherer} that closes it. */
    static Gatherer closing(NettyIceGatherer gatherer) {
        return new Gatherer() {
            @Override
            public Flux<IceEvent> gather(IceConfiguration configuration) {
                return gatherer.gather(configuration);
            }

            @Override
            public Flux<IceEvent> gather(IceConfiguration configuration, Publisher<?> restarts) {
                return gatherer.gather(configuration, restarts);
            }

            @Override
            public void close() {
                gatherer.close();
            }
        };
    }
}
