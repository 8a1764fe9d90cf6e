package io.iceflux.netty.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.IceCandidate;
import io.iceflux.IceProtocol;
import io.iceflux.ServerTransport;
import io.iceflux.netty.DropReason;
import io.iceflux.netty.GathererMetrics.GatheringOutcome;
import io.iceflux.netty.TransactionOutcome;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each callback lands in the meter, with the tags, the documentation names. */
class MicrometerGathererMetricsTest {

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final MicrometerGathererMetrics metrics = new MicrometerGathererMetrics(registry);

    @AfterEach
    void close() {
        registry.close();
    }

    @Test
    void theActiveGaugeFollowsStartsAndFinishesAndFinishesAreCountedAndTimedByOutcome() {
        assertThat(registry.get("iceflux.gatherings.active").gauge().value()).isZero();
        metrics.gatheringStarted();
        metrics.gatheringStarted();
        metrics.gatheringStarted();
        assertThat(registry.get("iceflux.gatherings.active").gauge().value()).isEqualTo(3);

        metrics.gatheringFinished(GatheringOutcome.COMPLETE, Duration.ofMillis(120));
        metrics.gatheringFinished(GatheringOutcome.CANCELLED, Duration.ofMillis(30));
        metrics.gatheringFinished(GatheringOutcome.ERROR, Duration.ofMillis(5));

        assertThat(registry.get("iceflux.gatherings.active").gauge().value()).isZero();
        assertThat(registry.get("iceflux.gatherings").tag("outcome", "complete").counter().count()).isEqualTo(1);
        assertThat(registry.get("iceflux.gatherings").tag("outcome", "cancelled").counter().count()).isEqualTo(1);
        assertThat(registry.get("iceflux.gatherings").tag("outcome", "error").counter().count()).isEqualTo(1);
        Timer complete = registry.get("iceflux.gathering.duration").tag("outcome", "complete").timer();
        assertThat(complete.count()).isEqualTo(1);
        assertThat(complete.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(120.0);
    }

    @Test
    void candidatesAreCountedByTypeAndProtocolOnly() {
        metrics.candidateGathered(IceCandidate.Type.HOST, IceProtocol.UDP, null);
        metrics.candidateGathered(IceCandidate.Type.SRFLX, IceProtocol.UDP, "stun:192.0.2.1:3478");
        metrics.candidateGathered(IceCandidate.Type.SRFLX, IceProtocol.UDP, "stun:192.0.2.2:3478");
        metrics.candidateGathered(IceCandidate.Type.RELAY, IceProtocol.UDP, "turn:192.0.2.1:3478?transport=udp");
        metrics.candidateGathered(IceCandidate.Type.PRFLX, IceProtocol.TCP, null);

        assertThat(registry.get("iceflux.candidates").tags("type", "host", "protocol", "udp").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("iceflux.candidates").tags("type", "srflx", "protocol", "udp").counter().count())
                .isEqualTo(2);
        assertThat(registry.get("iceflux.candidates").tags("type", "relay", "protocol", "udp").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("iceflux.candidates").tags("type", "prflx", "protocol", "tcp").counter().count())
                .isEqualTo(1);
        assertThat(registry.find("iceflux.candidates").counters()).hasSize(4)
                .allSatisfy(c -> assertThat(c.getId().getTags()).hasSize(2));
    }

    @Test
    void errorsAreCountedByCodeAndServer() {
        metrics.candidateError(701, "stun:stun.example.org:3478");
        metrics.candidateError(701, "stun:stun.example.org:3478");
        metrics.candidateError(401, "turn:turn.example.org:3478?transport=udp");

        assertThat(registry.get("iceflux.errors").tags("code", "701", "server", "stun:stun.example.org:3478")
                .counter().count()).isEqualTo(2);
        assertThat(registry.get("iceflux.errors").tags("code", "401", "server",
                "turn:turn.example.org:3478?transport=udp").counter().count()).isEqualTo(1);
        assertThat(registry.find("iceflux.errors").counters()).hasSize(2);
    }

    @Test
    void transactionsAreTimedByMethodTransportAndOutcome() {
        metrics.transactionCompleted("binding", ServerTransport.UDP, TransactionOutcome.SUCCESS, Duration.ofMillis(12));
        metrics.transactionCompleted("binding", ServerTransport.UDP, TransactionOutcome.SUCCESS, Duration.ofMillis(8));
        metrics.transactionCompleted("allocate", ServerTransport.TLS, TransactionOutcome.ERROR_RESPONSE,
                Duration.ofMillis(40));
        metrics.transactionCompleted("refresh", ServerTransport.TCP, TransactionOutcome.TIMEOUT, Duration.ofSeconds(39));

        Timer binding = registry.get("iceflux.stun.transaction.rtt")
                .tags("method", "binding", "transport", "udp", "outcome", "success").timer();
        assertThat(binding.count()).isEqualTo(2);
        assertThat(binding.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(20.0);
        assertThat(binding.max(TimeUnit.MILLISECONDS)).isEqualTo(12.0);
        assertThat(registry.get("iceflux.stun.transaction.rtt")
                .tags("method", "allocate", "transport", "tls", "outcome", "error-response").timer().count())
                .isEqualTo(1);
        assertThat(registry.get("iceflux.stun.transaction.rtt")
                .tags("method", "refresh", "transport", "tcp", "outcome", "timeout").timer()
                .totalTime(TimeUnit.SECONDS)).isEqualTo(39.0);
    }

    @Test
    void droppedPacketsAreCountedByReason() {
        metrics.packetDropped(DropReason.WRONG_SOURCE);
        metrics.packetDropped(DropReason.WRONG_SOURCE);
        metrics.packetDropped(DropReason.BAD_INTEGRITY);

        assertThat(registry.get("iceflux.packets.dropped").tag("reason", "wrong-source").counter().count())
                .isEqualTo(2);
        assertThat(registry.get("iceflux.packets.dropped").tag("reason", "bad-integrity").counter().count())
                .isEqualTo(1);
    }

    @Test
    void commonTagsGoOnEveryMeter() {
        SimpleMeterRegistry tagged = new SimpleMeterRegistry();
        MicrometerGathererMetrics withTags = new MicrometerGathererMetrics(tagged, Tags.of("gatherer", "probe"));
        withTags.gatheringStarted();
        withTags.gatheringFinished(GatheringOutcome.COMPLETE, Duration.ofMillis(1));
        withTags.candidateGathered(IceCandidate.Type.HOST, IceProtocol.UDP, null);
        withTags.candidateError(701, "stun:192.0.2.1:3478");
        withTags.transactionCompleted("binding", ServerTransport.UDP, TransactionOutcome.TIMEOUT, Duration.ofMillis(1));
        withTags.packetDropped(DropReason.NOT_STUN);

        assertThat(tagged.getMeters()).hasSize(7)
                .allSatisfy(m -> assertThat(m.getId().getTag("gatherer")).isEqualTo("probe"));
        tagged.close();
    }

    @Test
    void theMeterNamesAreThoseDocumented() {
        assertThat(MicrometerGathererMetrics.GATHERINGS).isEqualTo("iceflux.gatherings");
        assertThat(MicrometerGathererMetrics.GATHERINGS_ACTIVE).isEqualTo("iceflux.gatherings.active");
        assertThat(MicrometerGathererMetrics.GATHERING_DURATION).isEqualTo("iceflux.gathering.duration");
        assertThat(MicrometerGathererMetrics.CANDIDATES).isEqualTo("iceflux.candidates");
        assertThat(MicrometerGathererMetrics.ERRORS).isEqualTo("iceflux.errors");
        assertThat(MicrometerGathererMetrics.TRANSACTION_RTT).isEqualTo("iceflux.stun.transaction.rtt");
        assertThat(MicrometerGathererMetrics.PACKETS_DROPPED).isEqualTo("iceflux.packets.dropped");
    }

    @Test
    void nullArgumentsAreRejectedByName() {
        assertThatThrownBy(() -> new MicrometerGathererMetrics(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("registry");
        assertThatThrownBy(() -> new MicrometerGathererMetrics(registry, null))
                .isInstanceOf(NullPointerException.class).hasMessage("commonTags");
    }
}
