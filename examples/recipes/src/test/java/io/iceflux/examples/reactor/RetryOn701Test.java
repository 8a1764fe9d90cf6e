package io.iceflux.examples.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.IceCandidate;
import io.iceflux.IceCandidateError;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceGatherer;
import io.iceflux.IceGatheringState;
import io.iceflux.IceServer;
import io.iceflux.netty.NettyIceGatherer;
import io.iceflux.testkit.TestTurnServer;
import io.iceflux.testkit.TurnMethod;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryOn701Test {

    private static final Duration BACKOFF = Duration.ofMillis(50);

    @Test
    void aSilentServerIsRetriedAndTheSecondAttemptSucceeds() {
        try (TestTurnServer server = TestTurnServer.builder().start();
             NettyIceGatherer gatherer = NettyIceGatherer.create()) {
            server.silent(TurnMethod.BINDING);
            AtomicInteger attempts = new AtomicInteger();
            IceGatherer counting = ReactorTestSupport.decorated(gatherer, events -> events
                    .doOnSubscribe(s -> attempts.incrementAndGet())
                    .doOnComplete(() -> {
                        if (attempts.get() == 1) {
                            server.clearFaults();
                        }
                    }));
            IceConfiguration configuration = ReactorTestSupport.loopbackConfiguration()
                    .server(IceServer.of(server.stunUrl())).build();

            List<IceEvent> events = RetryOn701.gather(counting, configuration, 3, BACKOFF)
                    .block(Duration.ofSeconds(20));

            assertThat(attempts.get()).isEqualTo(2);
            assertThat(events).noneMatch(IceEvent.CandidateError.class::isInstance);
            assertThat(events.get(0)).isEqualTo(new IceEvent.GatheringStateChanged(0, IceGatheringState.GATHERING));
            assertThat(events.get(events.size() - 1))
                    .isEqualTo(new IceEvent.GatheringStateChanged(0, IceGatheringState.COMPLETE));
            List<IceCandidate> candidates = events.stream().filter(IceEvent.CandidateGathered.class::isInstance)
                    .map(e -> ((IceEvent.CandidateGathered) e).candidate()).toList();
            assertThat(candidates).extracting(IceCandidate::type)
                    .containsExactlyInAnyOrder(IceCandidate.Type.HOST, IceCandidate.Type.SRFLX);
            assertThat(candidates).filteredOn(c -> c.type() == IceCandidate.Type.SRFLX).singleElement()
                    .satisfies(c -> {
                        assertThat(c.url()).isEqualTo(server.stunUrl());
                        assertThat(c.address()).isEqualTo("127.0.0.1");
                    });
            // The silent first attempt sent 3 requests (Rc = 3), the second attempt 1 that was answered.
            assertThat(server.received(TurnMethod.BINDING)).isEqualTo(4);
        }
    }

    @Test
    void whenEveryAttemptGetsA701TheTypedExceptionCarriesTheLastErrors() {
        try (NettyIceGatherer gatherer = NettyIceGatherer.create()) {
            String dead = "stun:127.0.0.1:" + ReactorTestSupport.closedUdpPort();
            AtomicInteger attempts = new AtomicInteger();
            IceGatherer counting = ReactorTestSupport.decorated(gatherer,
                    events -> events.doOnSubscribe(s -> attempts.incrementAndGet()));
            IceConfiguration configuration = ReactorTestSupport.loopbackConfiguration()
                    .server(IceServer.of(dead).withTimers(ReactorTestSupport.SHORT_TIMERS)).build();

            assertThatThrownBy(() -> RetryOn701.gather(counting, configuration, 2, BACKOFF)
                    .block(Duration.ofSeconds(20)))
                    .isInstanceOfSatisfying(RetryOn701.ServerNotReachableException.class, e -> {
                        assertThat(e.getMessage()).isEqualTo("server not reachable (701): " + dead);
                        assertThat(e.errors()).singleElement().satisfies(error -> {
                            assertThat(error.url()).isEqualTo(dead);
                            assertThat(error.errorCode()).isEqualTo(IceCandidateError.SERVER_NOT_REACHABLE);
                            // a closed port answers with ICMP port unreachable: each attempt fails at once
                            assertThat(error.errorText())
                                    .isEqualTo("STUN binding request failed: port unreachable (ICMP).");
                            assertThat(error.address()).isEqualTo("127.0.0.1");
                            assertThat(error.port()).isPositive();
                        });
                    });
            assertThat(attempts.get()).isEqualTo(3);
        }
    }

    @Test
    void badArgumentsAreRejectedNamingTheProblem() {
        try (NettyIceGatherer gatherer = NettyIceGatherer.create()) {
            IceConfiguration configuration = ReactorTestSupport.loopbackConfiguration().build();
            assertThatThrownBy(() -> RetryOn701.gather(gatherer, configuration, -1, BACKOFF))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("maxRetries must be at least 0, not -1");
            assertThatThrownBy(() -> RetryOn701.gather(gatherer, configuration, 1, Duration.ofMillis(-1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("firstBackoff must not be negative, not PT-0.001S");
            assertThatThrownBy(() -> new RetryOn701.ServerNotReachableException(
                    List.of(IceCandidateError.withoutAddress("stun:127.0.0.1:3478", 401, "Unauthorized"))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("errors must all be 701, not ");
        }
    }
}
