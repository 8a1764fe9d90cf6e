package io.iceflux.netty;

import static io.iceflux.IceGatheringState.COMPLETE;
import static io.iceflux.IceGatheringState.GATHERING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.HostInterfaces;
import io.iceflux.IceCandidate;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceProtocol;
import io.iceflux.IceServer;
import io.iceflux.IceServerUrl;
import io.iceflux.IceTransportPolicy;
import io.iceflux.ServerTransport;
import io.iceflux.StunTimers;
import io.iceflux.netty.GathererMetrics.GatheringOutcome;
import io.iceflux.netty.TransactionOutcome;
import io.iceflux.netty.fixtures.FakeStunServer.Reply;
import io.iceflux.netty.fixtures.FakeStunServer;
import io.iceflux.netty.fixtures.RecordingMetrics;
import io.iceflux.netty.fixtures.TestLoops;
import io.iceflux.netty.internal.gather.GathererAccounting;
import io.iceflux.netty.stun.StunMethod;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** What a {@link GathererMetrics} is told, in order, by gatherings against a fake STUN server. */
class GathererMetricsTest {

    static final StunTimers FAST = StunTimers.rfc8489().withInitialRto(Duration.ofMillis(50)).withMaxRequests(3)
            .withLastWaitMultiplier(2).withReliableTimeout(Duration.ofSeconds(2));

    @RegisterExtension
    static final TestLoops LOOPS = TestLoops.serverOnly();

    FakeStunServer server;
    RecordingMetrics recorder = new RecordingMetrics();

    static IceConfiguration config(String url) {
        return IceConfiguration.builder().servers(List.of(IceServer.of(url))).stunTimers(FAST)
                .hostInterfaces(HostInterfaces.loopbackOnly().ipv4Only()).build();
    }

    String answeringStunUrl() throws Exception {
        server = LOOPS.udpServer()
                .responder((request, from) -> List.of(Reply.of(FakeStunServer.success(request, from))));
        return "stun:127.0.0.1:" + server.address().getPort();
    }

    @Test
    void aTurnChallengeWithoutNonceOrRealmIsReportedAsUnanswered() throws Exception {
        // an "Allocate" answered 401 with neither REALM nor NONCE: not a working TURN server
        server = LOOPS.udpServer().responder((request, from) -> List.of(Reply.of(
                request.method() == StunMethod.ALLOCATE ? FakeStunServer.error(request, 401, "Unauthorized")
                        : FakeStunServer.success(request, from))));
        String url = "turn:127.0.0.1:" + server.address().getPort();
        IceConfiguration config = IceConfiguration.builder()
                .servers(List.of(IceServer.of(List.of(url), "alice", "secret"))).stunTimers(FAST)
                .transportPolicy(IceTransportPolicy.RELAY)
                .hostInterfaces(HostInterfaces.loopbackOnly().ipv4Only()).build();
        try (NettyIceGatherer gatherer = NettyIceGatherer.builder().threads(1).metrics(recorder).build()) {
            List<IceEvent> events = gatherer.gather(config).collectList().block(Duration.ofSeconds(20));

            assertThat(events).filteredOn(e -> e instanceof IceEvent.CandidateError)
                    .extracting(e -> ((IceEvent.CandidateError) e).error().errorCode() + " "
                            + ((IceEvent.CandidateError) e).error().errorText())
                    .containsExactly("401 Unauthorized");
        }

        String canonical = IceServerUrl.parse(url).canonical();
        assertThat(recorder.calls).filteredOn(c -> c.startsWith("challenge "))
                .containsExactly("challenge 401 " + canonical + " cannot answer the 401 challenge: it has no NONCE");
        assertThat(recorder.calls.indexOf("challenge 401 " + canonical + " cannot answer the 401 challenge: it has "
                + "no NONCE")).as("before the error it explains").isLessThan(recorder.calls.indexOf("error 401 "
                + canonical));
    }

    @Test
    void aStunGatheringReportsItsStartCandidatesTransactionAndCompletion() throws Exception {
        String url = answeringStunUrl();
        try (NettyIceGatherer gatherer = NettyIceGatherer.builder().threads(1).metrics(recorder).build()) {
            gatherer.gather(config(url)).blockLast(Duration.ofSeconds(20));
        }

        String server = IceServerUrl.parse(url).canonical();
        assertThat(server).isEqualTo(url);
        assertThat(recorder.calls).containsExactly(
                "started",
                "candidate host udp null",
                "transaction binding udp SUCCESS",
                "candidate srflx udp " + server,
                "finished COMPLETE");
        assertThat(recorder.durations).hasSize(2).allSatisfy(d -> assertThat(d).isPositive());
    }

    @Test
    void aSilentServerReportsATimedOutTransactionAnd701() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                NettyIceGatherer gatherer = NettyIceGatherer.builder().threads(1).metrics(recorder).build()) {
            String url = "stun:127.0.0.1:" + silent.getLocalPort();

            gatherer.gather(config(url)).blockLast(Duration.ofSeconds(20));

            assertThat(recorder.calls).containsExactly("started", "candidate host udp null",
                    "transaction binding udp TIMEOUT", "error 701 " + url, "finished COMPLETE");
            assertThat(recorder.durations.get(0)).isGreaterThanOrEqualTo(FAST.udpTimeout());
        }
    }

    @Test
    void cancellingAGatheringReportsItCancelledAndNoTransaction() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                NettyIceGatherer gatherer = NettyIceGatherer.builder().threads(1).metrics(recorder).build()) {
            BlockingQueue<IceEvent> events = new LinkedBlockingQueue<>();
            Disposable subscription = gatherer.gather(config("stun:127.0.0.1:" + silent.getLocalPort()))
                    .subscribe(events::add);
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo(new IceEvent.GatheringStateChanged(0, GATHERING));
            assertThat(events.poll(10, TimeUnit.SECONDS)).isInstanceOf(IceEvent.CandidateGathered.class);

            subscription.dispose();

            assertThat(recorder.calls).containsExactly("started", "candidate host udp null", "finished CANCELLED");
        }
    }

    @Test
    void eachGenerationOfASessionIsAGathering() throws Exception {
        String url = answeringStunUrl();
        Sinks.Many<Object> restarts = Sinks.many().unicast().onBackpressureBuffer();
        try (NettyIceGatherer gatherer = NettyIceGatherer.builder().threads(1).metrics(recorder).build()) {
            BlockingQueue<IceEvent> events = new LinkedBlockingQueue<>();
            Disposable session = gatherer.gather(config(url), restarts.asFlux()).subscribe(events::add);
            awaitState(events, 0, COMPLETE);
            restarts.tryEmitNext("restart");
            awaitState(events, 1, COMPLETE);

            session.dispose();
        }

        List<String> oneGeneration = List.of("started", "candidate host udp null", "transaction binding udp SUCCESS",
                "candidate srflx udp " + url, "finished COMPLETE");
        assertThat(recorder.calls.subList(0, 5)).isEqualTo(oneGeneration);
        assertThat(recorder.calls.subList(5, recorder.calls.size())).isEqualTo(oneGeneration);
    }

    @Test
    void aRestartBeforeCompletionCancelsTheRunningGeneration() throws Exception {
        Sinks.Many<Object> restarts = Sinks.many().unicast().onBackpressureBuffer();
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                NettyIceGatherer gatherer = NettyIceGatherer.builder().threads(1).metrics(recorder).build()) {
            IceConfiguration config = IceConfiguration.builder()
                    .servers(List.of(IceServer.of("stun:127.0.0.1:" + silent.getLocalPort())))
                    .hostInterfaces(HostInterfaces.loopbackOnly().ipv4Only()).build();
            BlockingQueue<IceEvent> events = new LinkedBlockingQueue<>();
            Disposable session = gatherer.gather(config, restarts.asFlux()).subscribe(events::add);
            awaitState(events, 0, GATHERING);
            restarts.tryEmitNext("restart");
            awaitState(events, 1, GATHERING);

            session.dispose();
        }

        assertThat(recorder.calls).filteredOn(c -> !c.startsWith("candidate")).containsExactly(
                "started", "finished CANCELLED", "started", "finished CANCELLED");
    }

    @Test
    void aListenerThatThrowsDoesNotDisturbTheGathering() throws Exception {
        String url = answeringStunUrl();
        GathererMetrics throwing = new GathererMetrics() {
            @Override
            public void gatheringStarted() {
                throw new IllegalStateException("broken listener");
            }

            @Override
            public void gatheringFinished(GatheringOutcome outcome, Duration duration) {
                throw new IllegalStateException("broken listener");
            }

            @Override
            public void candidateGathered(IceCandidate.Type type, IceProtocol protocol, String server) {
                throw new IllegalStateException("broken listener");
            }

            @Override
            public void transactionCompleted(String method, ServerTransport transport, TransactionOutcome outcome,
                    Duration duration) {
                throw new IllegalStateException("broken listener");
            }
        };
        try (NettyIceGatherer gatherer = NettyIceGatherer.builder().threads(1).metrics(throwing).build()) {
            List<IceEvent> events = gatherer.gather(config(url)).collectList().block(Duration.ofSeconds(20));

            assertThat(events).extracting(e -> e.getClass().getSimpleName()).containsExactly("GatheringStateChanged",
                    "CandidateGathered", "CandidateGathered", "EndOfCandidates", "GatheringStateChanged");
            assertThat(((IceEvent.CandidateGathered) events.get(2)).candidate().type())
                    .isEqualTo(IceCandidate.Type.SRFLX);
        }
    }

    @Test
    void anEventStreamThatFailsIsAnErrorOutcome() {
        GathererAccounting accounting = new GathererAccounting(recorder);
        Flux<IceEvent> failing = Flux.concat(Flux.just(new IceEvent.GatheringStateChanged(0, GATHERING)),
                Flux.error(new IllegalStateException("boom")));

        StepVerifier.create(accounting.observe(failing, IceConfiguration.builder().build()))
                .expectNextCount(1)
                .expectErrorMessage("boom")
                .verify(Duration.ofSeconds(5));

        assertThat(recorder.calls).containsExactly("started", "finished ERROR");
    }

    @Test
    void theDefaultIsNoneAndNullIsRejected() {
        assertThat(GathererMetrics.none()).isSameAs(GathererMetrics.none()).hasToString("GathererMetrics.none()");
        assertThatThrownBy(() -> NettyIceGatherer.builder().metrics(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("metrics");
    }

    @Test
    void tagValuesAreLowerCaseWithHyphens() {
        assertThat(List.of(GatheringOutcome.values())).extracting(GatheringOutcome::tagValue)
                .containsExactly("complete", "cancelled", "error");
        assertThat(List.of(ServerTransport.values())).extracting(ServerTransport::tagValue).containsExactly("udp", "tcp", "tls");
        assertThat(List.of(TransactionOutcome.values())).extracting(TransactionOutcome::tagValue)
                .containsExactly("success", "error-response", "timeout", "closed");
        assertThat(List.of(DropReason.values())).extracting(DropReason::tagValue).containsExactly("not-stun",
                "malformed", "bad-fingerprint", "unknown-transaction", "wrong-source", "not-a-response",
                "wrong-method", "bad-integrity", "unusable-address");
    }

    static void awaitState(BlockingQueue<IceEvent> events, int generation, io.iceflux.IceGatheringState state)
            throws InterruptedException {
        IceEvent wanted = new IceEvent.GatheringStateChanged(generation, state);
        while (true) {
            IceEvent e = events.poll(10, TimeUnit.SECONDS);
            assertThat(e).as("%s within 10 s", wanted).isNotNull();
            if (e.equals(wanted)) {
                return;
            }
        }
    }
}
