package io.iceflux.netty.micrometer;

import io.iceflux.IceCandidate;
import io.iceflux.IceProtocol;
import io.iceflux.ServerTransport;
import io.iceflux.netty.DropReason;
import io.iceflux.netty.GathererMetrics;
import io.iceflux.netty.TransactionOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records what a {@link io.iceflux.netty.NettyIceGatherer} does in a Micrometer {@link MeterRegistry}:
 *
 * <pre>{@code
 * NettyIceGatherer gatherer = NettyIceGatherer.builder()
 *         .metrics(new MicrometerGathererMetrics(registry))
 *         .build();
 * }</pre>
 *
 * <p>The meters, each with the common tags given at construction:
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>Name</th><th>Type</th><th>Tags</th><th>What</th></tr>
 *   <tr><td>{@value #GATHERINGS}</td><td>counter</td><td>{@code outcome}: complete, cancelled, error</td>
 *       <td>gatherings (and session generations) that ended</td></tr>
 *   <tr><td>{@value #GATHERINGS_ACTIVE}</td><td>gauge</td><td></td><td>gatherings running now</td></tr>
 *   <tr><td>{@value #GATHERING_DURATION}</td><td>timer</td><td>{@code outcome}</td>
 *       <td>from the start of a gathering to its end</td></tr>
 *   <tr><td>{@value #CANDIDATES}</td><td>counter</td><td>{@code type}: host, srflx, prflx, relay;
 *       {@code protocol}: udp, tcp</td><td>candidates emitted</td></tr>
 *   <tr><td>{@value #ERRORS}</td><td>counter</td><td>{@code code}: 300–699 or 701; {@code server}</td>
 *       <td>candidate errors emitted</td></tr>
 *   <tr><td>{@value #TRANSACTION_RTT}</td><td>timer</td><td>{@code method}: binding, allocate, refresh …;
 *       {@code transport}: udp, tcp, tls; {@code outcome}: success, error-response, timeout, closed</td>
 *       <td>STUN transactions, from the first send to the response, timeout or close</td></tr>
 *   <tr><td>{@value #PACKETS_DROPPED}</td><td>counter</td><td>{@code reason}: not-stun, malformed,
 *       bad-fingerprint, unknown-transaction, wrong-source, not-a-response, wrong-method, bad-integrity</td>
 *       <td>incoming packets dropped (see {@link DropReason})</td></tr>
 * </table>
 *
 * <p>Cardinality: every tag has a small fixed set of values except {@code server}, the canonical URL of a configured
 * server ({@code turn:turn.example.org:3478?transport=udp}); it grows with the number of distinct server URLs the
 * application gathers from. URLs cannot carry user names or credentials, so neither ever appears in a tag. An
 * application that gathers from arbitrary user-supplied servers should filter or rename the {@code server} tag with
 * a Micrometer {@code MeterFilter}.
 *
 * <p>The gauge holds this object strongly; create one instance per registry (a second one on the same registry and
 * tags shares the counters but its active gauge is not the registered one).
 */
public final class MicrometerGathererMetrics implements GathererMetrics {

    /** The name of the counter of ended gatherings. */
    public static final String GATHERINGS = "iceflux.gatherings";
    /** The name of the gauge of running gatherings. */
    public static final String GATHERINGS_ACTIVE = "iceflux.gatherings.active";
    /** The name of the timer of gathering durations. */
    public static final String GATHERING_DURATION = "iceflux.gathering.duration";
    /** The name of the counter of emitted candidates. */
    public static final String CANDIDATES = "iceflux.candidates";
    /** The name of the counter of emitted candidate errors. */
    public static final String ERRORS = "iceflux.errors";
    /** The name of the timer of STUN transactions. */
    public static final String TRANSACTION_RTT = "iceflux.stun.transaction.rtt";
    /** The name of the counter of dropped incoming packets. */
    public static final String PACKETS_DROPPED = "iceflux.packets.dropped";

    private final MeterRegistry registry;
    private final Tags tags;
    private final AtomicInteger active = new AtomicInteger();

    /**
     * Record in {@code registry} with no common tags.
     *
     * @throws NullPointerException if {@code registry} is null
     */
    public MicrometerGathererMetrics(MeterRegistry registry) {
        this(registry, Tags.empty());
    }

    /**
     * Record in {@code registry}, adding {@code commonTags} to every meter (e.g. the name of the gatherer).
     *
     * @throws NullPointerException if an argument is null
     */
    public MicrometerGathererMetrics(MeterRegistry registry, Iterable<Tag> commonTags) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.tags = Tags.of(Objects.requireNonNull(commonTags, "commonTags"));
        Gauge.builder(GATHERINGS_ACTIVE, active, AtomicInteger::get)
                .description("ICE gatherings running now")
                .tags(tags)
                .strongReference(true)
                .register(registry);
    }

    /** Count one more running gathering. */
    @Override
    public void gatheringStarted() {
        active.incrementAndGet();
    }

    /** Count the gathering as ended with {@code outcome} and record its duration. */
    @Override
    public void gatheringFinished(GatheringOutcome outcome, Duration duration) {
        active.decrementAndGet();
        Counter.builder(GATHERINGS).description("ICE gatherings that ended")
                .tags(tags).tag("outcome", outcome.tagValue())
                .register(registry).increment();
        Timer.builder(GATHERING_DURATION).description("How long ICE gatherings took")
                .tags(tags).tag("outcome", outcome.tagValue())
                .register(registry).record(duration);
    }

    /** Count the candidate by type and protocol. */
    @Override
    public void candidateGathered(IceCandidate.Type type, IceProtocol protocol, String server) {
        Counter.builder(CANDIDATES).description("ICE candidates gathered")
                .tags(tags).tag("type", type.sdpName()).tag("protocol", protocol.w3cName())
                .register(registry).increment();
    }

    /** Count the error by code and server. */
    @Override
    public void candidateError(int code, String server) {
        Counter.builder(ERRORS).description("ICE candidate errors")
                .tags(tags).tag("code", Integer.toString(code)).tag("server", server == null ? "none" : server)
                .register(registry).increment();
    }

    /** Record the transaction's duration by method, transport and outcome. */
    @Override
    public void transactionCompleted(String method, ServerTransport transport, TransactionOutcome outcome,
            Duration duration) {
        Timer.builder(TRANSACTION_RTT).description("STUN transaction round-trip times")
                .tags(tags).tag("method", method).tag("transport", transport.tagValue())
                .tag("outcome", outcome.tagValue())
                .register(registry).record(duration);
    }

    /** Count the dropped packet by reason. */
    @Override
    public void packetDropped(DropReason reason) {
        Counter.builder(PACKETS_DROPPED).description("Incoming packets dropped by the ICE gatherer")
                .tags(tags).tag("reason", reason.tagValue())
                .register(registry).increment();
    }

    @Override
    public String toString() {
        return "MicrometerGathererMetrics[" + registry.getClass().getSimpleName() + ", tags=" + tags + "]";
    }
}
