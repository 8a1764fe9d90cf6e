package io.iceflux.testkit;

import static io.iceflux.testkit.Gathering.FAST;
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
import io.iceflux.IceServer;
import io.iceflux.netty.NettyIceGatherer;
import io.iceflux.netty.stun.StunClass;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Faults injected into a fresh server per test, seen through the real client's events and the counters. */
class GathererFaultsTest {

    @RegisterExtension
    final TestTurnServerExtension turn = TestTurnServerExtension.perTest(TestTurnServer.builder().tls(false));

    static NettyIceGatherer gatherer;

    @BeforeAll
    static void startGatherer() {
        gatherer = NettyIceGatherer.create();
    }

    @AfterAll
    static void stopGatherer() {
        gatherer.close();
    }

    TestTurnServer server() {
        return turn.server();
    }

    static int hostPort(List<IceEvent> events) {
        return candidates(events, IceCandidate.Type.HOST).get(0).port();
    }

    @Test
    void errorFaultIsTheClientsError() {
        server().respondWithError(TurnMethod.ALLOCATE, 486, "Allocation Quota Reached");

        List<IceEvent> events = gather(gatherer, config(turn(server(), server().turnUdpUrl())).build());

        assertThat(skeleton(events)).isEqualTo(ONE_GENERATION);
        assertThat(candidates(events, IceCandidate.Type.SRFLX)).hasSize(1);
        assertThat(candidates(events, IceCandidate.Type.RELAY)).isEmpty();
        assertThat(errors(events)).containsExactly(new IceCandidateError(server().turnUdpUrl(), 486,
                "Allocation Quota Reached", "127.0.0.1", hostPort(events)));
        assertThat(server().received(TurnMethod.ALLOCATE)).isEqualTo(1);
        assertThat(server().sent(TurnMethod.ALLOCATE, StunClass.ERROR_RESPONSE)).isEqualTo(1);
        assertThat(server().allocationsCreated()).isZero();
        assertThat(server().fault(TurnMethod.ALLOCATE)).contains(Fault.error(486, "Allocation Quota Reached"));
    }

    @Test
    void silentBindingTimesOut() {
        server().silent(TurnMethod.BINDING);

        List<IceEvent> events = gather(gatherer, config(IceServer.of(server().stunUrl())).stunTimers(FAST).build());

        assertThat(skeleton(events)).isEqualTo(ONE_GENERATION);
        assertThat(candidates(events, IceCandidate.Type.SRFLX)).isEmpty();
        assertThat(errors(events)).containsExactly(new IceCandidateError(server().stunUrl(), 701,
                "STUN binding request timed out.", "127.0.0.1", hostPort(events)));
        assertThat(server().received(TurnMethod.BINDING)).isEqualTo(FAST.maxRequests());
        assertThat(server().packetsDropped()).isEqualTo(FAST.maxRequests());
        assertThat(server().sent(TurnMethod.BINDING, StunClass.SUCCESS_RESPONSE)).isZero();
    }

    @Test
    void staleNonceOnceStillGivesARelayWithOneMoreAllocate() {
        server().staleNonce(TurnMethod.ALLOCATE);

        List<IceEvent> events = gather(gatherer, config(turn(server(), server().turnUdpUrl())).build());

        assertThat(errors(events)).isEmpty();
        assertThat(candidates(events, IceCandidate.Type.RELAY)).singleElement()
                .satisfies(r -> assertThat(r.url()).isEqualTo(server().turnUdpUrl()));
        // 401 to the first, 438 to the second, success to the third
        assertThat(server().received(TurnMethod.ALLOCATE)).isEqualTo(3);
        assertThat(server().sent(TurnMethod.ALLOCATE, StunClass.ERROR_RESPONSE)).isEqualTo(2);
        assertThat(server().sent(TurnMethod.ALLOCATE, StunClass.SUCCESS_RESPONSE)).isEqualTo(1);
        assertThat(server().fault(TurnMethod.ALLOCATE)).as("the one-shot fault is used up").isEmpty();
        server().awaitAllocationsAlive(0, Duration.ofSeconds(10));
        assertThat(server().allocationsCreated()).isEqualTo(1);
    }

    @Test
    void redirectGivesARelayFromTheSecondServer() {
        try (TestTurnServer second = TestTurnServer.builder().tls(false).tcp(false).start()) {
            server().redirect(TurnMethod.ALLOCATE, second.udpAddress());

            List<IceEvent> events = gather(gatherer, config(turn(server(), server().turnUdpUrl())).build());

            assertThat(errors(events)).isEmpty();
            assertThat(candidates(events, IceCandidate.Type.RELAY)).singleElement()
                    .satisfies(r -> assertThat(r.url()).isEqualTo(server().turnUdpUrl()));
            assertThat(server().received(TurnMethod.ALLOCATE)).isEqualTo(1);
            assertThat(server().allocationsCreated()).isZero();
            assertThat(second.received(TurnMethod.ALLOCATE)).isEqualTo(2);
            assertThat(second.allocationsCreated()).isEqualTo(1);
            second.awaitAllocationsAlive(0, Duration.ofSeconds(10));
            assertThat(second.received(TurnMethod.REFRESH)).isEqualTo(1);
        }
    }

    @Test
    void resetTcpIs701SayingReset() {
        server().resetTcp(TurnMethod.ALLOCATE);

        List<IceEvent> events = gather(gatherer, config(turn(server(), server().turnTcpUrl())).build());

        assertThat(skeleton(events)).isEqualTo(ONE_GENERATION);
        assertThat(candidates(events, IceCandidate.Type.RELAY)).isEmpty();
        assertThat(errors(events)).singleElement().satisfies(e -> {
            assertThat(e.url()).isEqualTo(server().turnTcpUrl());
            assertThat(e.errorCode()).isEqualTo(701);
            assertThat(e.errorText()).containsIgnoringCase("reset");
            assertThat(e.address()).isNull();
            assertThat(e.port()).isNull();
        });
        assertThat(server().received(TurnMethod.ALLOCATE)).isEqualTo(1);
        assertThat(server().sent(TurnMethod.ALLOCATE, StunClass.ERROR_RESPONSE)).isZero();
        assertThat(server().allocationsAlive()).isZero();
    }

    @Test
    void closeTcpIs701() {
        server().closeTcp(TurnMethod.ALLOCATE);

        List<IceEvent> events = gather(gatherer, config(turn(server(), server().turnTcpUrl())).build());

        assertThat(candidates(events, IceCandidate.Type.RELAY)).isEmpty();
        assertThat(errors(events)).singleElement().satisfies(e -> {
            assertThat(e.url()).isEqualTo(server().turnTcpUrl());
            assertThat(e.errorCode()).isEqualTo(701);
            assertThat(e.errorText()).doesNotContainIgnoringCase("reset");
        });
        assertThat(server().received(TurnMethod.ALLOCATE)).isEqualTo(1);
    }

    @Test
    void halfTheBindingsDroppedStillGivesServerReflexive() {
        server().dropPercent(TurnMethod.BINDING, 50);

        List<IceEvent> events = gather(gatherer, config(IceServer.of(server().stunUrl()))
                .stunTimers(FAST.withMaxRequests(7)).build());

        assertThat(errors(events)).isEmpty();
        assertThat(candidates(events, IceCandidate.Type.SRFLX)).singleElement()
                .satisfies(c -> assertThat(c.url()).isEqualTo(server().stunUrl()));
        long answered = server().sent(TurnMethod.BINDING, StunClass.SUCCESS_RESPONSE);
        assertThat(answered).isPositive();
        assertThat(server().packetsDropped()).isEqualTo(server().received(TurnMethod.BINDING) - answered);
    }

    @Test
    void delayedAllocateStillGivesARelay() {
        server().delay(TurnMethod.ALLOCATE, Duration.ofMillis(100));

        List<IceEvent> events = gather(gatherer, config(turn(server(), server().turnUdpUrl())).build());

        assertThat(errors(events)).isEmpty();
        assertThat(candidates(events, IceCandidate.Type.RELAY)).hasSize(1);
        assertThat(server().received(TurnMethod.ALLOCATE)).isEqualTo(2);
        assertThat(server().packetsDropped()).isZero();
    }

    @Test
    void clearFaultsRestoresNormalService() {
        server().silent(TurnMethod.BINDING);
        server().clearFaults();

        List<IceEvent> events = gather(gatherer, config(IceServer.of(server().stunUrl())).build());

        assertThat(errors(events)).isEmpty();
        assertThat(candidates(events, IceCandidate.Type.SRFLX)).hasSize(1);
        assertThat(server().fault(TurnMethod.BINDING)).isEmpty();
    }
}
