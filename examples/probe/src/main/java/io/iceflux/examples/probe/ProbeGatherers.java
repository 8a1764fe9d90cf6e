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

    /**
     * {@code base}'s gatherers, the first one started now on a thread of its own for {@code trustAllCertificates}
     * (what the command line most likely asks for), so that its event loops, TLS context and resolver are built
     * while picocli parses the command line. A run that asks for the other trust gets a fresh gatherer and the early
     * one is closed; a failure to build the early one is thrown by {@link #open(boolean)}, as {@code base} would.
     */
    static ProbeGatherers startingEarly(ProbeGatherers base, boolean trustAllCertificates) {
        java.util.concurrent.CompletableFuture<Gatherer> early = new java.util.concurrent.CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                early.complete(base.open(trustAllCertificates));
            } catch (RuntimeException | Error e) {
                early.completeExceptionally(e);
            }
        }, "iceflux-probe-early-gatherer");
        thread.setDaemon(true);
        thread.start();
        java.util.concurrent.atomic.AtomicBoolean taken = new java.util.concurrent.atomic.AtomicBoolean();
        return trustAll -> {
            if (taken.compareAndSet(false, true)) {
                Gatherer gatherer;
                try {
                    gatherer = early.join();
                } catch (java.util.concurrent.CompletionException e) {
                    if (e.getCause() instanceof RuntimeException cause) {
                        throw cause;
                    }
                    throw e;
                }
                if (trustAll == trustAllCertificates) {
                    return gatherer;
                }
                gatherer.close();
            }
            return base.open(trustAll);
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
