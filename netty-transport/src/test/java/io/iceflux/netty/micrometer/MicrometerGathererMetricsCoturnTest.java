package io.iceflux.netty.micrometer;

import static io.iceflux.netty.fixtures.GatheringEvents.errors;
import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.IceCandidateError;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceServer;
import io.iceflux.IceServerUrl;
import io.iceflux.IceTransportPolicy;
import io.iceflux.StunTimers;
import io.iceflux.netty.NettyIceGatherer;
import io.iceflux.netty.coturn.Coturn;
import io.iceflux.netty.coturn.CoturnExtension;
import io.iceflux.netty.fixtures.GatheringEvents;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The meters after real gatherings against coturn on 127.0.0.1, counted exactly. */
class MicrometerGathererMetricsCoturnTest {

    @RegisterExtension
    static final CoturnExtension COTURN = new CoturnExtension(Coturn.builder().userQuota(4));

    /** Short timers: a silent UDP server is a 701 after 3 requests in 350 ms. */
    static final StunTimers FAST = StunTimers.rfc8489().withInitialRto(Duration.ofMillis(50)).withMaxRequests(3)
            .withLastWaitMultiplier(2).withReliableTimeout(Duration.ofSeconds(5));

    SimpleMeterRegistry registry;
    NettyIceGatherer gatherer;

    @BeforeEach
    void start() {
        registry = new SimpleMeterRegistry();
        gatherer = NettyIceGatherer.builder().threads(1).trustManager(coturn().trustManager())
                .metrics(new MicrometerGathererMetrics(registry)).build();
    }

    @AfterEach
    void stop() {
        gatherer.close();
        registry.close();
        coturn().awaitAllocationCount(0, Duration.ofSeconds(10));
    }

    static Coturn coturn() {
        return COTURN.coturn();
    }

    static IceConfiguration.Builder config(IceServer... servers) {
        return GatheringEvents.loopbackConfig(FAST, servers);
    }

    List<IceEvent> gather(IceConfiguration config) {
        return gatherer.gather(config).collectList().block(Duration.ofSeconds(30));
    }

    static String canonical(String url) {
        return IceServerUrl.parse(url).canonical();
    }

    @Test
    void stunAndTurnOverUdpCountsEveryCandidateGatheringAndTransaction() {
        IceServer turn = IceServer.of(List.of(coturn().turnUdpUrl()), coturn().username(), coturn().password());

        List<IceEvent> events = gather(config(turn).build());

        assertThat(errors(events)).isEmpty();
        assertThat(candidateCounts(events)).isEqualTo(Map.of("host/udp", 1L, "srflx/udp", 1L, "relay/udp", 1L));
        assertThat(counters(MicrometerGathererMetrics.CANDIDATES, "type", "protocol"))
                .isEqualTo(Map.of("host/udp", 1.0, "srflx/udp", 1.0, "relay/udp", 1.0));
        assertThat(counters(MicrometerGathererMetrics.GATHERINGS, "outcome")).isEqualTo(Map.of("complete", 1.0));
        assertThat(registry.get(MicrometerGathererMetrics.GATHERINGS_ACTIVE).gauge().value()).isZero();
        Timer duration = registry.get(MicrometerGathererMetrics.GATHERING_DURATION).tag("outcome", "complete").timer();
        assertThat(duration.count()).isEqualTo(1);
        assertThat(duration.totalTime(TimeUnit.NANOSECONDS)).isPositive();
        // Binding; Allocate answered 401, then signed; the Refresh with LIFETIME 0 that deleted the allocation
        assertThat(timerCounts(MicrometerGathererMetrics.TRANSACTION_RTT, "method", "transport", "outcome"))
                .isEqualTo(Map.of("binding/udp/success", 1L, "allocate/udp/error-response", 1L,
                        "allocate/udp/success", 1L, "refresh/udp/success", 1L));
        assertThat(registry.find(MicrometerGathererMetrics.ERRORS).meters()).isEmpty();
        assertThat(registry.find(MicrometerGathererMetrics.PACKETS_DROPPED).meters()).isEmpty();
        assertThat(gatherer.droppedPackets().total()).isZero();
    }

    @Test
    void stunAndTurnUrlsTogetherGiveASrflxEach() {
        IceServer turn = IceServer.of(List.of(coturn().turnUdpUrl()), coturn().username(), coturn().password());

        List<IceEvent> events = gather(config(IceServer.of(coturn().stunUrl()), turn).build());

        assertThat(errors(events)).isEmpty();
        assertThat(candidateCounts(events)).isEqualTo(Map.of("host/udp", 1L, "srflx/udp", 2L, "relay/udp", 1L));
        assertThat(counters(MicrometerGathererMetrics.CANDIDATES, "type", "protocol"))
                .isEqualTo(Map.of("host/udp", 1.0, "srflx/udp", 2.0, "relay/udp", 1.0));
        assertThat(timerCounts(MicrometerGathererMetrics.TRANSACTION_RTT, "method", "transport", "outcome"))
                .isEqualTo(Map.of("binding/udp/success", 2L, "allocate/udp/error-response", 1L,
                        "allocate/udp/success", 1L, "refresh/udp/success", 1L));
        assertThat(counters(MicrometerGathererMetrics.GATHERINGS, "outcome")).isEqualTo(Map.of("complete", 1.0));
    }

    @Test
    void turnOverTcpAndTlsAreTaggedByTransport() {
        IceServer turn = IceServer.of(List.of(coturn().turnTcpUrl(), coturn().turnsUrl()), coturn().username(),
                coturn().password());

        List<IceEvent> events = gather(config(turn).transportPolicy(IceTransportPolicy.RELAY).build());

        assertThat(errors(events)).isEmpty();
        assertThat(candidateCounts(events)).isEqualTo(Map.of("relay/udp", 2L));
        assertThat(counters(MicrometerGathererMetrics.CANDIDATES, "type", "protocol"))
                .isEqualTo(Map.of("relay/udp", 2.0));
        assertThat(timerCounts(MicrometerGathererMetrics.TRANSACTION_RTT, "method", "transport", "outcome"))
                .isEqualTo(Map.of("allocate/tcp/error-response", 1L, "allocate/tcp/success", 1L,
                        "refresh/tcp/success", 1L, "allocate/tls/error-response", 1L, "allocate/tls/success", 1L,
                        "refresh/tls/success", 1L));
    }

    @Test
    void aWrongPasswordIsCountedAs401WithTheServerUrlAndNoCredentialInAnyTag() {
        String url = coturn().turnUdpUrl();
        String password = "not-" + coturn().password();
        IceServer turn = IceServer.of(List.of(url), coturn().username(), password);

        List<IceEvent> events = gather(config(turn).build());

        assertThat(errors(events)).extracting(IceCandidateError::errorCode).containsExactly(401);
        assertThat(counters(MicrometerGathererMetrics.ERRORS, "code", "server"))
                .isEqualTo(Map.of("401/" + canonical(url), 1.0));
        assertThat(counters(MicrometerGathererMetrics.CANDIDATES, "type", "protocol"))
                .isEqualTo(Map.of("host/udp", 1.0, "srflx/udp", 1.0));
        assertThat(counters(MicrometerGathererMetrics.GATHERINGS, "outcome")).isEqualTo(Map.of("complete", 1.0));
        // Binding; the first Allocate's 401; the signed Allocate's 401 (wrong key)
        assertThat(timerCounts(MicrometerGathererMetrics.TRANSACTION_RTT, "method", "transport", "outcome"))
                .isEqualTo(Map.of("binding/udp/success", 1L, "allocate/udp/error-response", 2L));
        for (Meter meter : registry.getMeters()) {
            for (Tag tag : meter.getId().getTags()) {
                assertThat(tag.getValue()).as("tag %s of %s", tag.getKey(), meter.getId().getName())
                        .doesNotContain(coturn().username()).doesNotContain(password)
                        .doesNotContain(coturn().password());
            }
        }
    }

    @Test
    void aSilentServerIsCountedAs701AndATimedOutBinding() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            String url = "stun:127.0.0.1:" + silent.getLocalPort();

            List<IceEvent> events = gather(config(IceServer.of(url)).build());

            assertThat(errors(events)).extracting(IceCandidateError::errorCode).containsExactly(701);
            assertThat(counters(MicrometerGathererMetrics.ERRORS, "code", "server"))
                    .isEqualTo(Map.of("701/" + canonical(url), 1.0));
            assertThat(timerCounts(MicrometerGathererMetrics.TRANSACTION_RTT, "method", "transport", "outcome"))
                    .isEqualTo(Map.of("binding/udp/timeout", 1L));
            Timer timeout = registry.get(MicrometerGathererMetrics.TRANSACTION_RTT).tag("outcome", "timeout").timer();
            assertThat(timeout.totalTime(TimeUnit.MILLISECONDS))
                    .as("the transaction lasted its whole timeout").isGreaterThanOrEqualTo(
                            (double) FAST.udpTimeout().toMillis());
            assertThat(counters(MicrometerGathererMetrics.GATHERINGS, "outcome")).isEqualTo(Map.of("complete", 1.0));
            assertThat(registry.get(MicrometerGathererMetrics.GATHERINGS_ACTIVE).gauge().value()).isZero();
        }
    }

    // -------------------------------------------------------------------------------------------------- helpers

    /** The counters called {@code name} by the values of {@code tags} joined with "/". */
    Map<String, Double> counters(String name, String... tags) {
        return registry.find(name).counters().stream().collect(Collectors.toMap(
                c -> key(c.getId(), tags), c -> c.count(), Double::sum, TreeMap::new));
    }

    /** The counts of the timers called {@code name} by the values of {@code tags} joined with "/". */
    Map<String, Long> timerCounts(String name, String... tags) {
        return registry.find(name).timers().stream().collect(Collectors.toMap(
                t -> key(t.getId(), tags), Timer::count, Long::sum, TreeMap::new));
    }

    static String key(Meter.Id id, String... tags) {
        StringBuilder key = new StringBuilder();
        for (String tag : tags) {
            key.append(key.length() == 0 ? "" : "/").append(id.getTag(tag));
        }
        return key.toString();
    }

    static Map<String, Long> candidateCounts(List<IceEvent> events) {
        return events.stream().filter(IceEvent.CandidateGathered.class::isInstance)
                .map(e -> ((IceEvent.CandidateGathered) e).candidate())
                .collect(Collectors.groupingBy(c -> c.type().sdpName() + "/" + c.protocol().w3cName(),
                        TreeMap::new, Collectors.counting()));
    }

}
