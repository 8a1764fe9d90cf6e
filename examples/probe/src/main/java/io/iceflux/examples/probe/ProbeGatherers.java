package io.iceflux.examples.probe;

import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceGatherer;
import io.iceflux.netty.DroppedPackets;
import io.iceflux.RelayCheck;
import io.iceflux.RelayCheckOptions;
import io.iceflux.netty.NettyIceGatherer;
import io.iceflux.netty.GathererMetrics;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
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
        /**
         * Check that the TURN servers of {@code configuration} relay data ({@link NettyIceGatherer#checkRelays});
         * a gatherer that cannot checks nothing.
         */
        default Flux<RelayCheck> checkRelays(IceConfiguration configuration, RelayCheckOptions options) {
            return Flux.empty();
        }

        /** Release what the gatherer holds (event loops, DNS resolver). */
        @Override
        void close();

        /**
         * How many incoming packets the gatherer has dropped so far, by reason; empty when it cannot tell. The probe
         * runs one gathering per gatherer, so the growth over a generation is that generation's.
         */
        default Optional<DroppedPackets> droppedPackets() {
            return Optional.empty();
        }

        /**
         * Every TURN challenge the gatherer could not answer so far, in order; empty when it cannot tell (see
         * {@link GathererMetrics#challengeUnanswered}).
         */
        default Optional<List<UnansweredChallenge>> unansweredChallenges() {
            return Optional.empty();
        }
    }

    /** A TURN challenge the gatherer could not answer: the canonical URL of its server, and why. */
    record UnansweredChallenge(String server, String reason) {
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
            List<UnansweredChallenge> challenges = new CopyOnWriteArrayList<>();
            NettyIceGatherer.Builder builder = NettyIceGatherer.builder().metrics(new GathererMetrics() {
                @Override
                public void challengeUnanswered(String server, int code, String reason) {
                    challenges.add(new UnansweredChallenge(server, reason));
                }
            });
            if (trustAllCertificates) {
                builder.insecureTrustAllCertificates();
            }
            return closing(builder.build(), challenges);
        };
    }

    /** {@code gatherer} as a {@link Gatherer} that closes it. */
    static Gatherer closing(NettyIceGatherer gatherer) {
        return closing(gatherer, null);
    }

    /** {@code gatherer} as a {@link Gatherer} that closes it and tells the {@code challenges} its metrics record. */
    private static Gatherer closing(NettyIceGatherer gatherer, List<UnansweredChallenge> challenges) {
        return new Gatherer() {
            @Override
            public Optional<List<UnansweredChallenge>> unansweredChallenges() {
                return challenges == null ? Optional.empty() : Optional.of(List.copyOf(challenges));
            }

            @Override
            public Flux<IceEvent> gather(IceConfiguration configuration) {
                return gatherer.gather(configuration);
            }

            @Override
            public Flux<RelayCheck> checkRelays(IceConfiguration configuration, RelayCheckOptions options) {
                return gatherer.checkRelays(configuration, options);
            }

            @Override
            public Flux<IceEvent> gather(IceConfiguration configuration, Publisher<?> restarts) {
                return gatherer.gather(configuration, restarts);
            }

            @Override
            public Optional<DroppedPackets> droppedPackets() {
                return Optional.of(gatherer.droppedPackets());
            }

            @Override
            public void close() {
                gatherer.close();
            }
        };
    }
}
