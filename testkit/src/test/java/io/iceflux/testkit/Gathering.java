package io.iceflux.testkit;

import io.iceflux.HostInterfaces;
import io.iceflux.IceCandidate;
import io.iceflux.IceCandidateError;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceGatheringState;
import io.iceflux.IceServer;
import io.iceflux.StunTimers;
import io.iceflux.netty.NettyIceGatherer;
import java.time.Duration;
import java.util.List;

/** Helpers to gather with the real client and pick the events apart. */
final class Gathering {

    /** Short timers so that a silent UDP server is a 701 in 350 ms instead of 39.5 s. */
    static final StunTimers FAST = StunTimers.rfc8489().withInitialRto(Duration.ofMillis(50)).withMaxRequests(3)
            .withLastWaitMultiplier(2).withReliableTimeout(Duration.ofSeconds(2));

    static final List<IceEvent> ONE_GENERATION = List.of(
            new IceEvent.GatheringStateChanged(0, IceGatheringState.GATHERING), new IceEvent.EndOfCandidates(0),
            new IceEvent.GatheringStateChanged(0, IceGatheringState.COMPLETE));

    private Gathering() {
    }

    /**
     * A configuration with RFC 8489 timers (500 ms first RTO, so that no retransmission skews the counters on a
     * busy machine); tests of timeouts set {@link #FAST}.
     */
    static IceConfiguration.Builder config(IceServer... servers) {
        return IceConfiguration.builder().servers(List.of(servers)).stunTimers(StunTimers.rfc8489())
                .hostInterfaces(HostInterfaces.loopbackOnly().ipv4Only());
    }

    static IceServer turn(TestTurnServer server, String... urls) {
        return IceServer.of(List.of(urls), server.username(), server.password());
    }

    static List<IceEvent> gather(NettyIceGatherer gatherer, IceConfiguration config) {
        return gatherer.gather(config).collectList().block(Duration.ofSeconds(30));
    }

    static List<IceCandidate> candidates(List<IceEvent> events, IceCandidate.Type type) {
        return events.stream().filter(IceEvent.CandidateGathered.class::isInstance)
                .map(e -> ((IceEvent.CandidateGathered) e).candidate()).filter(c -> c.type() == type).toList();
    }

    static List<IceCandidateError> errors(List<IceEvent> events) {
        return events.stream().filter(IceEvent.CandidateError.class::isInstance)
                .map(e -> ((IceEvent.CandidateError) e).error()).toList();
    }

    static List<IceEvent> skeleton(List<IceEvent> events) {
        return events.stream().filter(e -> e instanceof IceEvent.GatheringStateChanged
                || e instanceof IceEvent.EndOfCandidates).toList();
    }
}
