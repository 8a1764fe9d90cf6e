package io.iceflux.examples.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.IceCandidateError;
import io.iceflux.IceGatherer;
import io.iceflux.IceServer;
import io.iceflux.netty.NettyIceGatherer;
import io.iceflux.testkit.TestTurnServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ProbeManyServersTest {

    @Test
    void sixServersTwoAtATimeGiveOneResultEachWithTheRightVerdict() {
        try (TestTurnServer server = TestTurnServer.builder().start();
             NettyIceGatherer gatherer = NettyIceGatherer.builder().trustManager(server.trustManager()).build()) {
            String deadA = "stun:127.0.0.1:" + ReactorTestSupport.closedUdpPort();
            String deadB = "stun:127.0.0.1:" + ReactorTestSupport.closedUdpPort();
            List<IceServer> servers = List.of(
                    IceServer.of(server.stunUrl()),
                    IceServer.of(List.of(server.turnUdpUrl()), server.username(), server.password()),
                    IceServer.of(deadA).withTimers(ReactorTestSupport.SHORT_TIMERS),
                    IceServer.of(List.of(server.turnTcpUrl()), server.username(), server.password()),
                    IceServer.of(deadB).withTimers(ReactorTestSupport.SHORT_TIMERS),
                    IceServer.of(List.of(server.turnsIpUrl()), server.username(), server.password()));
            AtomicInteger running = new AtomicInteger();
            AtomicInteger maxRunning = new AtomicInteger();
            AtomicInteger started = new AtomicInteger();
            IceGatherer counting = ReactorTestSupport.decorated(gatherer, events -> events
                    .doOnSubscribe(s -> {
                        started.incrementAndGet();
                        maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                    })
                    // doOnTerminate, not doFinally: doFinally runs after the completion reached flatMap, which
                    // has by then subscribed to the next gathering, so it would count one gathering too many.
                    .doOnTerminate(running::decrementAndGet)
                    .doOnCancel(running::decrementAndGet));

            List<ProbeManyServers.ServerResult> results = ProbeManyServers
                    .probe(counting, servers, ReactorTestSupport.loopbackConfiguration().build(), 2)
                    .collectList().block(Duration.ofSeconds(30));

            assertThat(results).hasSize(6);
            Map<String, ProbeManyServers.ServerResult> byUrl = results.stream()
                    .collect(Collectors.toMap(ProbeManyServers.ServerResult::url, Function.identity()));
            assertThat(byUrl).containsOnlyKeys(server.stunUrl(), server.turnUdpUrl(), server.turnTcpUrl(),
                    server.turnsIpUrl(), deadA, deadB);
            for (String good : List.of(server.stunUrl(), server.turnUdpUrl(), server.turnTcpUrl(),
                    server.turnsIpUrl())) {
                assertThat(byUrl.get(good).ok()).as(good).isTrue();
                assertThat(byUrl.get(good).errors()).as(good).isEmpty();
            }
            for (String dead : List.of(deadA, deadB)) {
                ProbeManyServers.ServerResult result = byUrl.get(dead);
                assertThat(result.ok()).as(dead).isFalse();
                assertThat(result.errors()).as(dead).isNotEmpty().allSatisfy(error -> {
                    assertThat(error.url()).isEqualTo(dead);
                    assertThat(error.errorCode()).isEqualTo(IceCandidateError.SERVER_NOT_REACHABLE);
                    assertThat(error.address()).isEqualTo("127.0.0.1");
                    assertThat(error.port()).isPositive();
                });
            }
            assertThat(started.get()).isEqualTo(6);
            assertThat(maxRunning.get()).isEqualTo(2);
            assertThat(running.get()).isZero();
        }
    }

    @Test
    void badArgumentsAreRejectedNamingTheProblem() {
        try (NettyIceGatherer gatherer = NettyIceGatherer.create()) {
            assertThatThrownBy(() -> ProbeManyServers.probe(gatherer, List.of(IceServer.of("stun:127.0.0.1:3478")),
                    ReactorTestSupport.loopbackConfiguration().build(), 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("maxConcurrency must be at least 1, not 0");
            assertThatThrownBy(() -> ProbeManyServers.probe(gatherer,
                    List.of(IceServer.of("stun:127.0.0.1:3478", "stun:127.0.0.1:3479")),
                    ReactorTestSupport.loopbackConfiguration().build(), 2))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("each server must have exactly one URL, not [stun:127.0.0.1:3478, stun:127.0.0.1:3479]");
        }
    }
}
