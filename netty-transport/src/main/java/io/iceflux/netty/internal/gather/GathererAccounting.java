package io.iceflux.netty.internal.gather;

import io.iceflux.IceCandidate;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceGatheringState;
import io.iceflux.IceServer;
import io.iceflux.IceServerUrl;
import io.iceflux.ServerTransport;
import io.iceflux.netty.DropReason;
import io.iceflux.netty.DroppedPackets;
import io.iceflux.netty.GathererMetrics;
import io.iceflux.netty.TransactionOutcome;
import io.iceflux.netty.internal.transport.TransportListener;
import io.iceflux.netty.stun.StunMethod;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;
import reactor.core.publisher.Flux;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * What one {@code NettyIceGatherer} counts: dropped packets by reason (always), and everything its
 * {@link GathererMetrics} is told. A listener that throws is logged and otherwise ignored.
 */
public final class GathererAccounting implements TransportListener {

    private static final Logger log = Loggers.getLogger(GathererAccounting.class);

    private final GathererMetrics metrics;
    private final AtomicLongArray drops = new AtomicLongArray(DropReason.values().length);

    public GathererAccounting(GathererMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** Count one dropped packet. */
    @Override
    public void packetDropped(DropReason reason) {
        drops.incrementAndGet(reason.ordinal());
        tell(() -> metrics.packetDropped(reason));
    }

    /** Return the dropped-packet counts so far. */
    public DroppedPackets droppedPackets() {
        EnumMap<DropReason, Long> counts = new EnumMap<>(DropReason.class);
        for (DropReason reason : DropReason.values()) {
            counts.put(reason, drops.get(reason.ordinal()));
        }
        return new DroppedPackets(counts);
    }

    /** Report a STUN transaction that ended. */
    @Override
    public void transactionEnded(int method, ServerTransport transport, TransactionOutcome outcome,
            long nanos) {
        if (metrics == GathererMetrics.none()) {
            return;
        }
        tell(() -> metrics.transactionCompleted(StunMethod.name(method).toLowerCase(Locale.ROOT), transport, outcome,
                Duration.ofNanos(Math.max(0, nanos))));
    }

    /** Report a TURN challenge that could not be answered. */
    @Override
    public void challengeUnanswered(String server, int code, String reason) {
        tell(() -> metrics.challengeUnanswered(server, code, reason));
    }

    /**
     * Return {@code events} observed: each subscription is a gathering (started on subscription, finished at the
     * COMPLETE state, on error or on cancel), each restart of a session starts another one, and every candidate and
     * error is reported, tagged with the canonical form of its URL as {@code configuration} parsed it.
     */
    public Flux<IceEvent> observe(Flux<IceEvent> events, IceConfiguration configuration) {
        if (metrics == GathererMetrics.none()) {
            return events;
        }
        return Flux.defer(() -> {
            Observer observer = new Observer(canonicalUrls(configuration));
            observer.start(-1);
            return events.doOnNext(observer::onEvent)
                    .doOnComplete(() -> observer.finish(GathererMetrics.GatheringOutcome.COMPLETE))
                    .doOnError(e -> observer.finish(GathererMetrics.GatheringOutcome.ERROR))
                    .doOnCancel(() -> observer.finish(GathererMetrics.GatheringOutcome.CANCELLED));
        });
    }

    private void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("The gatherer metrics listener {} failed: {}", metrics, e.toString());
        }
    }

    /** The canonical form (no credentials) of every configured URL, by the URL as configured. */
    private static Map<String, String> canonicalUrls(IceConfiguration configuration) {
        Map<String, String> canonical = new HashMap<>();
        for (IceServer server : configuration.servers()) {
            for (IceServerUrl url : server.parsedUrls()) {
                canonical.put(url.url(), url.canonical());
            }
        }
        return canonical;
    }

    /** The gathering state of one subscription; synchronized, because a cancel may race with an event. */
    private final class Observer {
        private final Map<String, String> canonicalUrls;
        private boolean active;
        private int generation;
        private long startNanos;

        Observer(Map<String, String> canonicalUrls) {
            this.canonicalUrls = canonicalUrls;
        }

        /** The canonical URL of a configured one; {@code null} (a host candidate) stays null. */
        private String server(String url) {
            return url == null ? null : canonicalUrls.getOrDefault(url, "unknown");
        }

        synchronized void start(int newGeneration) {
            active = true;
            generation = newGeneration;
            startNanos = System.nanoTime();
            tell(metrics::gatheringStarted);
        }

        synchronized void finish(GathererMetrics.GatheringOutcome outcome) {
            if (!active) {
                return;
            }
            active = false;
            Duration duration = Duration.ofNanos(System.nanoTime() - startNanos);
            tell(() -> metrics.gatheringFinished(outcome, duration));
        }

        void onEvent(IceEvent event) {
            if (event instanceof IceEvent.GatheringStateChanged state) {
                onState(state);
            } else if (event instanceof IceEvent.CandidateGathered gathered) {
                IceCandidate c = gathered.candidate();
                String server = server(c.url());
                tell(() -> metrics.candidateGathered(c.type(), c.protocol(), server));
            } else if (event instanceof IceEvent.CandidateError error) {
                String server = server(error.error().url());
                tell(() -> metrics.candidateError(error.error().errorCode(), server));
            }
        }

        private synchronized void onState(IceEvent.GatheringStateChanged state) {
            if (state.state() == IceGatheringState.GATHERING) {
                if (active && generation >= 0 && generation != state.generation()) {
                    finish(GathererMetrics.GatheringOutcome.CANCELLED);
                }
                if (!active) {
                    start(state.generation());
                } else {
                    generation = state.generation();
                }
            } else if (state.state() == IceGatheringState.COMPLETE && active && generation == state.generation()) {
                finish(GathererMetrics.GatheringOutcome.COMPLETE);
            }
        }
    }
}
