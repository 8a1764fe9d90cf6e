package io.iceflux.testkit;

import static io.iceflux.testkit.Gathering.ONE_GENERATION;
import static io.iceflux.testkit.Gathering.candidates;
import static io.iceflux.testkit.Gathering.config;
import static io.iceflux.testkit.Gathering.errors;
import static io.iceflux.testkit.Gathering.gather;
import static io.iceflux.testkit.Gathering.skeleton;
import static io.iceflux.testkit.Gathering.turn;
import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.IceCandidate;
import io.iceflux.IceCandidateError;
import io.iceflux.IceEvent;
import io.iceflux.IceProtocol;
import io.iceflux.IceServer;
import io.iceflux.netty.NettyIceGatherer;
import io.iceflux.netty.stun.StunClass;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The real client gathers against the testkit server over UDP, TCP and TLS: every candidate and counter checked. */
class GathererAgainstTestTurnServerTest {

    @RegisterExtension
    static final TestTurnServerExtension TURN = TestTurnServerExtension.perClass(TestTurnServer.builder());

    static NettyIceGatherer gatherer;

    @BeforeAll
    static void startGatherer() {
        gatherer = NettyIceGatherer.builder().trustManager(TURN.server().trustManager()).build();
    }

    @AfterAll
    static void stopGatherer() {
        gatherer.close();
    }

    static TestTurnServer server() {
        return TURN.server();
    }

    @Test
    void stunGivesHostAndServerReflexive() {
        List<IceEvent> events = gather(gatherer, config(IceServer.of(server().stunUrl())).build());

        assertThat(skeleton(events)).isEqualTo(ONE_GENERATION);
        assertThat(errors(events)).isEmpty();
        IceCandidate host = candidates(events, IceCandidate.Type.HOST).get(0);
        assertThat(candidates(events, IceCandidate.Type.HOST)).hasSize(1);
        assertThat(host.address()).isEqualTo("127.0.0.1");
        assertThat(candidates(events, IceCandidate.Type.SRFLX)).singleElement().satisfies(srflx -> {
            assertThat(srflx.address()).isEqualTo("127.0.0.1");
            assertThat(srflx.port()).isEqualTo(host.port());
            assertThat(srflx.relatedAddress()).isEqualTo("127.0.0.1");
            assertThat(srflx.relatedPort()).isEqualTo(host.port());
            assertThat(srflx.url()).isEqualTo(server().stunUrl());
        });
        assertThat(candidates(events, IceCandidate.Type.RELAY)).isEmpty();
        assertThat(server().received(TurnMethod.BINDING)).isEqualTo(1);
        assertThat(server().sent(TurnMethod.BINDING, StunClass.SUCCESS_RESPONSE)).isEqualTo(1);
        assertThat(server().received(TurnMethod.ALLOCATE)).isZero();
        assertThat(server().packetsDropped()).isZero();
    }

    @Test
    void turnOverUdpGivesHostSrflxAndRelayAndDeletesTheAllocation() {
        List<IceEvent> events = gather(gatherer, config(turn(server(), server().turnUdpUrl())).build());

        assertThat(skeleton(events)).isEqualTo(ONE_GENERATION);
        assertThat(errors(events)).isEmpty();
        IceCandidate host = candidates(events, IceCandidate.Type.HOST).get(0);
        assertThat(candidates(events, IceCandidate.Type.SRFLX)).singleElement()
                .satisfies(c -> assertThat(c.url()).isEqualTo(server().turnUdpUrl()));
        assertThat(candidates(events, IceCandidate.Type.RELAY)).singleElement().satisfies(relay -> {
            assertThat(relay.address()).isEqualTo("127.0.0.1");
            assertThat(relay.port()).isNotIn(host.port(), server().udpPort());
            assertThat(relay.protocol()).isEqualTo(IceProtocol.UDP);
            assertThat(relay.relatedAddress()).isEqualTo("127.0.0.1");
            assertThat(relay.relatedPort()).isEqualTo(host.port());
            assertThat(relay.url()).isEqualTo(server().turnUdpUrl());
        });
        server().awaitAllocationsAlive(0, Duration.ofSeconds(10));
        assertThat(server().allocationsCreated()).isEqualTo(1);
        // unauthenticated Allocate (401), then the signed one
        assertThat(server().received(TurnMethod.ALLOCATE)).isEqualTo(2);
        assertThat(server().sent(TurnMethod.ALLOCATE, StunClass.ERROR_RESPONSE)).isEqualTo(1);
        assertThat(server().sent(TurnMethod.ALLOCATE, StunClass.SUCCESS_RESPONSE)).isEqualTo(1);
        // the probe-style gathering deleted its allocation with Refresh LIFETIME 0
        assertThat(server().received(TurnMethod.REFRESH)).isEqualTo(1);
        assertThat(server().sent(TurnMethod.REFRESH, StunClass.SUCCESS_RESPONSE)).isEqualTo(1);
    }

    @Test
    void turnOverTcpAndTlsGiveRelays() {
        List<IceEvent> events = gather(gatherer,
                config(turn(server(), server().turnTcpUrl(), server().turnsUrl())).build());

        assertThat(skeleton(events)).isEqualTo(ONE_GENERATION);
        assertThat(errors(events)).isEmpty();
        assertThat(candidates(events, IceCandidate.Type.HOST)).hasSize(1);
        List<IceCandidate> relays = candidates(events, IceCandidate.Type.RELAY);
        assertThat(relays).extracting(IceCandidate::url)
                .containsExactlyInAnyOrder(server().turnTcpUrl(), server().turnsUrl());
        assertThat(relays).allSatisfy(r -> {
            assertThat(r.address()).isEqualTo("127.0.0.1");
            assertThat(r.protocol()).isEqualTo(IceProtocol.UDP);
        });
        server().awaitAllocationsAlive(0, Duration.ofSeconds(10));
        assertThat(server().allocationsCreated()).isEqualTo(2);
        assertThat(server().sent(TurnMethod.ALLOCATE, StunClass.SUCCESS_RESPONSE)).isEqualTo(2);
    }

    @Test
    void wrongPasswordIs401() {
        IceServer bad = IceServer.of(List.of(server().turnUdpUrl()), server().username(), "not-the-password");
        List<IceEvent> events = gather(gatherer, config(bad).build());

        assertThat(skeleton(events)).isEqualTo(ONE_GENERATION);
        IceCandidate host = candidates(events, IceCandidate.Type.HOST).get(0);
        assertThat(candidates(events, IceCandidate.Type.RELAY)).isEmpty();
        assertThat(errors(events)).containsExactly(new IceCandidateError(server().turnUdpUrl(), 401, "Unauthorized",
                "127.0.0.1", host.port()));
        assertThat(server().received(TurnMethod.ALLOCATE)).isEqualTo(2);
        assertThat(server().sent(TurnMethod.ALLOCATE, StunClass.ERROR_RESPONSE)).isEqualTo(2);
        assertThat(server().allocationsCreated()).isZero();
        assertThat(server().allocationsAlive()).isZero();
    }
}
