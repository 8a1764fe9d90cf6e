package io.iceflux.spring.boot;

import io.iceflux.IceCandidate;
import io.iceflux.IceProtocol;
import io.iceflux.ServerTransport;
import io.iceflux.netty.DropReason;
import io.iceflux.netty.GathererMetrics;
import io.iceflux.netty.TransactionOutcome;
import io.iceflux.netty.micrometer.MicrometerGathererMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The gatherer's meters as a Micrometer {@link MeterBinder}: Spring Boot binds it to the application's registry, and
 * from then on the auto-configured gatherer records into that registry through a {@link MicrometerGathererMetrics}
 * (meter names in its javadoc: {@code iceflux.gatherings}, {@code iceflux.candidates}, {@code iceflux.errors} …).
 *
 * <p>Before it is bound it records nothing; Boot binds it before the context starts (so before the health probe's
 * first gathering). Bound to several registries, it records into each.
 */
public final class IceFluxMeterBinder implements MeterBinder, GathererMetrics {

    private final List<GathererMetrics> bound = new CopyOnWriteArrayList<>();

    /** A binder bound to no registry yet. */
    public IceFluxMeterBinder() {
    }

    /** Record what the gatherer does into {@code registry} from now on. */
    @Override
    public void bindTo(MeterRegistry registry) {
        bound.add(new MicrometerGathererMetrics(registry));
    }

    @Override
    public void gatheringStarted() {
        bound.forEach(GathererMetrics::gatheringStarted);
    }

    @Override
    public void gatheringFinished(GatheringOutcome outcome, Duration duration) {
        bound.forEach(m -> m.gatheringFinished(outcome, duration));
    }

    @Override
    public void candidateGathered(IceCandidate.Type type, IceProtocol protocol, String server) {
        bound.forEach(m -> m.candidateGathered(type, protocol, server));
    }

    @Override
    public void candidateError(int code, String server) {
        bound.forEach(m -> m.candidateError(code, server));
    }

    @Override
    public void transactionCompleted(String method, ServerTransport transport, TransactionOutcome outcome,
            Duration duration) {
        bound.forEach(m -> m.transactionCompleted(method, transport, outcome, duration));
    }

    @Override
    public void packetDropped(DropReason reason) {
        bound.forEach(m -> m.packetDropped(reason));
    }
}
