package io.iceflux.examples.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.IceCandidate;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceGatheringState;
import io.iceflux.IceServer;
import io.iceflux.netty.NettyIceGatherer;
import io.iceflux.testkit.TestTurnServer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MergeGatheringsTest {

    @Test
    void twoGatheringsMergeIntoOneTaggedStreamThatCompletesAfterBoth() {
        try (TestTurnServer server = TestTurnServer.builder().start();
             NettyIceGatherer gatherer = NettyIceGatherer.create()) {
            Map<String, IceConfiguration> gatherings = new LinkedHashMap<>();
            gatherings.put("stun", ReactorTestSupport.loopbackConfiguration()
                    .server(IceServer.of(server.stunUrl())).build());
            gatherings.put("turn", ReactorTestSupport.loopbackConfiguration()
                    .server(IceServer.of(List.of(server.turnUdpUrl()), server.username(), server.password()))
                    .build());

            List<MergeGatherings.Tagged> events = MergeGatherings.merge(gatherer, gatherings)
                    .collectList().block(Duration.ofSeconds(20));

            assertThat(events).extracting(MergeGatherings.Tagged::name).containsOnly("stun", "turn");
            for (String name : List.of("stun", "turn")) {
                List<IceEvent> own = events.stream().filter(t -> t.name().equals(name))
                        .map(MergeGatherings.Tagged::event).toList();
                assertThat(own).as(name).allSatisfy(e -> assertThat(e.generation()).isZero());
                assertThat(own.get(0)).as(name)
                        .isEqualTo(new IceEvent.GatheringStateChanged(0, IceGatheringState.GATHERING));
                assertThat(own.get(own.size() - 2)).as(name).isEqualTo(new IceEvent.EndOfCandidates(0));
                assertThat(own.get(own.size() - 1)).as(name)
                        .isEqualTo(new IceEvent.GatheringStateChanged(0, IceGatheringState.COMPLETE));
                assertThat(own).as(name).noneMatch(IceEvent.CandidateError.class::isInstance);
            }
            List<IceCandidate> stun = candidates(events, "stun");
            assertThat(stun).extracting(IceCandidate::type)
                    .containsExactlyInAnyOrder(IceCandidate.Type.HOST, IceCandidate.Type.SRFLX);
            assertThat(stun).filteredOn(c -> c.type() == IceCandidate.Type.SRFLX).singleElement()
                    .satisfies(c -> {
                        assertThat(c.url()).isEqualTo(server.stunUrl());
                        assertThat(c.address()).isEqualTo("127.0.0.1");
                        assertThat(c.relatedAddress()).isEqualTo("127.0.0.1");
                    });
            List<IceCandidate> turn = candidates(events, "turn");
            // A TURN URL also gives the server-reflexive address the Allocate success reports.
            assertThat(turn).extracting(IceCandidate::type).containsExactlyInAnyOrder(IceCandidate.Type.HOST,
                    IceCandidate.Type.SRFLX, IceCandidate.Type.RELAY);
            assertThat(turn).filteredOn(c -> c.type() != IceCandidate.Type.HOST).extracting(IceCandidate::url)
                    .containsOnly(server.turnUdpUrl());
            assertThat(turn).filteredOn(c -> c.type() == IceCandidate.Type.RELAY).singleElement()
                    .satisfies(c -> {
                        assertThat(c.url()).isEqualTo(server.turnUdpUrl());
                        assertThat(c.address()).isEqualTo("127.0.0.1");
                    });
        }
    }

    @Test
    void noGatheringIsRejected() {
        try (NettyIceGatherer gatherer = NettyIceGatherer.create()) {
            assertThatThrownBy(() -> MergeGatherings.merge(gatherer, Map.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("gatherings must name at least one gathering");
        }
    }

    private static List<IceCandidate> candidates(List<MergeGatherings.Tagged> events, String name) {
        return events.stream().filter(t -> t.name().equals(name))
                .map(MergeGatherings.Tagged::event)
                .filter(IceEvent.CandidateGathered.class::isInstance)
                .map(e -> ((IceEvent.CandidateGathered) e).candidate())
                .toList();
    }
}
