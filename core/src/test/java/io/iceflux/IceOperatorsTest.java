package io.iceflux;

import static io.iceflux.IceGatheringState.COMPLETE;
import static io.iceflux.IceGatheringState.GATHERING;
import static io.iceflux.IceGatheringState.NEW;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;

class IceOperatorsTest {

    static final String STUN_A = "stun:stun.example.org";
    static final String TURN_B = "turn:turn.example.org?transport=tcp";

    static IceEvent state(int generation, IceGatheringState s) {
        return new IceEvent.GatheringStateChanged(generation, s);
    }

    static IceEvent unreachable(int generation, String url, String text) {
        return new IceEvent.CandidateError(generation, IceCandidateError.withoutAddress(url, 701, text));
    }

    static IceEvent unreachableFrom(int generation, String url, String address, int port) {
        return new IceEvent.CandidateError(generation,
                new IceCandidateError(url, 701, "STUN binding request timed out.", address, port));
    }

    static IceEvent serverError(int generation, String url, int code, String text) {
        return new IceEvent.CandidateError(generation, IceCandidateError.withoutAddress(url, code, text));
    }

    static IceEvent end(int generation) {
        return new IceEvent.EndOfCandidates(generation);
    }

    @Nested
    class UnreachableOncePerUrl {

        @Test
        void secondUnreachableForTheSameUrlIsDroppedWhateverTheLocalAddress() {
            IceEvent first = unreachableFrom(0, STUN_A, "192.168.1.10", 50000);
            IceEvent fromOtherInterface = unreachableFrom(0, STUN_A, "10.0.0.2", 50001);
            IceEvent again = unreachable(0, STUN_A, "STUN host lookup received error.");

            Flux.just(state(0, GATHERING), first, fromOtherInterface, again, end(0), state(0, COMPLETE))
                    .transform(IceOperators.unreachableOncePerUrl())
                    .as(StepVerifier::create)
                    .expectNext(state(0, GATHERING), first, end(0), state(0, COMPLETE))
                    .verifyComplete();
        }

        @Test
        void urlsThatDifferOnlyInCaseOrDefaultsAreTheSameServer() {
            IceEvent a = unreachable(0, "turn:Turn.Example.ORG", "TURN allocate request timed out.");
            IceEvent b = unreachable(0, "TURN:turn.example.org:3478?transport=udp", "TURN allocate request timed out.");
            IceEvent c = unreachable(0, "turn:turn.example.org:3478", "TURN allocate request timed out.");

            Flux.just(state(0, GATHERING), a, b, c)
                    .transform(IceOperators.unreachableOncePerUrl())
                    .as(StepVerifier::create)
                    .expectNext(state(0, GATHERING), a)
                    .verifyComplete();
        }

        @Test
        void differentTransportOrPortIsAnotherServer() {
            IceEvent udp = unreachable(0, "turn:turn.example.org", "x");
            IceEvent tcp = unreachable(0, "turn:turn.example.org?transport=tcp", "x");
            IceEvent otherPort = unreachable(0, "turn:turn.example.org:3479", "x");
            IceEvent tls = unreachable(0, "turns:turn.example.org", "x");

            Flux.just(state(0, GATHERING), udp, tcp, otherPort, tls)
                    .transform(IceOperators.unreachableOncePerUrl())
                    .as(StepVerifier::create)
                    .expectNext(state(0, GATHERING), udp, tcp, otherPort, tls)
                    .verifyComplete();
        }

        @Test
        void serverErrorsAreNeverDeduplicated() {
            IceEvent e401 = serverError(0, TURN_B, 401, "Unauthorized");
            IceEvent again = serverError(0, TURN_B, 401, "Unauthorized");
            IceEvent e438 = serverError(0, TURN_B, 438, "Stale Nonce");

            Flux.just(state(0, GATHERING), e401, again, e438)
                    .transform(IceOperators.unreachableOncePerUrl())
                    .as(StepVerifier::create)
                    .expectNext(state(0, GATHERING), e401, again, e438)
                    .verifyComplete();
        }

        @Test
        void aNewGenerationReportsEachUrlAgain() {
            Flux.just(state(0, GATHERING), unreachable(0, STUN_A, "t"), unreachable(0, STUN_A, "t"),
                            state(0, COMPLETE), state(1, GATHERING), unreachable(1, STUN_A, "t"),
                            unreachable(1, STUN_A, "t"))
                    .transform(IceOperators.unreachableOncePerUrl())
                    .as(StepVerifier::create)
                    .expectNext(state(0, GATHERING), unreachable(0, STUN_A, "t"), state(0, COMPLETE),
                            state(1, GATHERING), unreachable(1, STUN_A, "t"))
                    .verifyComplete();
        }

        @Test
        void alone_itDoesNotGateOnTheState() {
            IceEvent early = unreachable(0, STUN_A, "t");
            Flux.just(early, state(0, COMPLETE), unreachable(0, TURN_B, "t"))
                    .transform(IceOperators.unreachableOncePerUrl())
                    .as(StepVerifier::create)
                    .expectNext(early, state(0, COMPLETE), unreachable(0, TURN_B, "t"))
                    .verifyComplete();
        }
    }

    @Nested
    class ErrorsOnlyWhileGathering {

        @Test
        void errorsBeforeGatheringAndAfterCompleteAreDropped() {
            IceEvent before = serverError(0, STUN_A, 400, "Bad Request");
            IceEvent during = serverError(0, STUN_A, 401, "Unauthorized");
            IceEvent after = serverError(0, STUN_A, 500, "Server Error");

            Flux.just(state(0, NEW), before, state(0, GATHERING), during, end(0), state(0, COMPLETE), after)
                    .transform(IceOperators.errorsOnlyWhileGathering())
                    .as(StepVerifier::create)
                    .expectNext(state(0, NEW), state(0, GATHERING), during, end(0), state(0, COMPLETE))
                    .verifyComplete();
        }

        @Test
        void alone_itDoesNotDeduplicate() {
            Flux.just(state(0, GATHERING), unreachable(0, STUN_A, "t"), unreachable(0, STUN_A, "t"))
                    .transform(IceOperators.errorsOnlyWhileGathering())
                    .as(StepVerifier::create)
                    .expectNextCount(3)
                    .verifyComplete();
        }

        @Test
        void errorsOfASupersededGenerationAreDropped() {
            IceEvent late = serverError(0, STUN_A, 401, "Unauthorized");
            IceEvent current = serverError(1, STUN_A, 401, "Unauthorized");
            Flux.just(state(0, GATHERING), state(1, GATHERING), late, current, state(0, COMPLETE))
                    .transform(IceOperators.errorsOnlyWhileGathering())
                    .as(StepVerifier::create)
                    // the old generation's "complete" passes but does not end generation 1's gathering
                    .expectNext(state(0, GATHERING), state(1, GATHERING), current, state(0, COMPLETE))
                    .verifyComplete();
        }
    }

    @Nested
    class W3cErrorSemantics {

        @Test
        void twoUrlsInterleaved() {
            IceEvent aFromEth0 = unreachableFrom(0, STUN_A, "192.168.1.10", 50000);
            IceEvent b401 = serverError(0, TURN_B, 401, "Unauthorized");
            IceEvent aFromWlan0 = unreachableFrom(0, STUN_A, "10.0.0.2", 50001);
            IceEvent bFromEth0 = unreachableFrom(0, TURN_B, "192.168.1.10", 50000);
            IceEvent aAgain = unreachable(0, STUN_A, "t");
            IceEvent bAgain = unreachable(0, TURN_B, "t");

            Flux.just(state(0, GATHERING), aFromEth0, b401, aFromWlan0, bFromEth0, aAgain, bAgain, end(0),
                            state(0, COMPLETE), unreachable(0, "stun:late.example.org", "t"))
                    .transform(IceOperators.w3cErrorSemantics())
                    .as(StepVerifier::create)
                    .expectNext(state(0, GATHERING), aFromEth0, b401, bFromEth0, end(0), state(0, COMPLETE))
                    .verifyComplete();
        }

        @Test
        void backpressure_requestOneThenMore_droppedEventsDoNotConsumeDemand() {
            TestPublisher<IceEvent> upstream = TestPublisher.create();
            IceEvent b401 = serverError(0, TURN_B, 401, "Unauthorized");

            StepVerifier.create(upstream.flux().transform(IceOperators.w3cErrorSemantics()), 1)
                    .then(() -> upstream.next(state(0, GATHERING)))
                    .expectNext(state(0, GATHERING))
                    .then(() -> upstream.assertMinRequested(0))
                    .thenRequest(1)
                    .then(() -> upstream.next(unreachable(0, STUN_A, "t")))
                    .expectNext(unreachable(0, STUN_A, "t"))
                    .thenRequest(1)
                    // dropped: a duplicate 701; the operator asks upstream for one more in its place
                    .then(() -> upstream.next(unreachable(0, STUN_A, "t")))
                    .then(() -> upstream.assertMinRequested(1))
                    .then(() -> upstream.next(b401))
                    .expectNext(b401)
                    .expectNoEvent(Duration.ofMillis(10))
                    .thenRequest(5)
                    .then(() -> upstream.next(end(0), state(0, COMPLETE)))
                    .expectNext(end(0), state(0, COMPLETE))
                    .then(upstream::complete)
                    .verifyComplete();
        }

        @Test
        void requestedNeverExceeded() {
            List<IceEvent> events = new ArrayList<>();
            events.add(state(0, GATHERING));
            for (int i = 0; i < 100; i++) {
                events.add(unreachable(0, "stun:s" + (i % 10) + ".example.org", "t"));
            }
            events.add(state(0, COMPLETE));

            StepVerifier.create(Flux.fromIterable(events).transform(IceOperators.w3cErrorSemantics()), 0)
                    .expectSubscription()
                    .expectNoEvent(Duration.ofMillis(5))
                    .thenRequest(1)
                    .expectNext(state(0, GATHERING))
                    .thenRequest(3)
                    .expectNextCount(3)
                    .expectNoEvent(Duration.ofMillis(5))
                    .thenRequest(Long.MAX_VALUE)
                    .expectNextCount(7)
                    .expectNext(state(0, COMPLETE))
                    .verifyComplete();
        }

        @Test
        void droppedEventsAreDiscarded() {
            List<IceEvent> discarded = new ArrayList<>();
            IceEvent dup = unreachable(0, STUN_A, "t");
            IceEvent afterComplete = serverError(0, STUN_A, 401, "Unauthorized");

            Flux.just(state(0, GATHERING), unreachable(0, STUN_A, "t"), dup, state(0, COMPLETE), afterComplete)
                    .transform(IceOperators.w3cErrorSemantics())
                    .doOnDiscard(IceEvent.class, discarded::add)
                    .as(StepVerifier::create)
                    .expectNextCount(3)
                    .verifyComplete();
            assertThat(discarded).containsExactly(dup, afterComplete);
        }

        @Test
        void cancelStopsUpstreamAndReleasesState() {
            TestPublisher<IceEvent> upstream = TestPublisher.create();
            StepVerifier.create(upstream.flux().transform(IceOperators.w3cErrorSemantics()))
                    .then(() -> upstream.next(state(0, GATHERING), unreachable(0, STUN_A, "t")))
                    .expectNextCount(2)
                    .thenCancel()
                    .verify(Duration.ofSeconds(5));
            upstream.assertCancelled();
        }

        @Test
        void upstreamErrorPassesThrough() {
            IllegalStateException boom = new IllegalStateException("socket exploded");
            Flux.just(state(0, GATHERING), unreachable(0, STUN_A, "t"))
                    .concatWith(Flux.error(boom))
                    .transform(IceOperators.w3cErrorSemantics())
                    .as(StepVerifier::create)
                    .expectNext(state(0, GATHERING), unreachable(0, STUN_A, "t"))
                    .verifyErrorSatisfies(e -> assertThat(e).isSameAs(boom));
        }

        @Test
        void retryStartsWithCleanState() {
            AtomicInteger attempts = new AtomicInteger();
            Flux<IceEvent> flaky = Flux.defer(() -> {
                Flux<IceEvent> events = Flux.just(state(0, GATHERING), unreachable(0, STUN_A, "t"));
                return attempts.incrementAndGet() == 1
                        ? events.concatWith(Flux.error(new IllegalStateException("first attempt fails")))
                        : events.concatWith(Flux.just(state(0, COMPLETE)));
            });

            flaky.transform(IceOperators.w3cErrorSemantics())
                    .retry(1)
                    .as(StepVerifier::create)
                    // the 701 comes again on the second attempt: the retry is a new gathering
                    .expectNext(state(0, GATHERING), unreachable(0, STUN_A, "t"),
                            state(0, GATHERING), unreachable(0, STUN_A, "t"), state(0, COMPLETE))
                    .verifyComplete();
            assertThat(attempts).hasValue(2);
        }

        @Test
        void twoSubscribersHaveTheirOwnState() {
            Sinks.Many<IceEvent> sink = Sinks.many().replay().all();
            sink.tryEmitNext(state(0, GATHERING));
            sink.tryEmitNext(unreachable(0, STUN_A, "t"));
            sink.tryEmitNext(unreachable(0, STUN_A, "t"));
            sink.tryEmitComplete();
            Flux<IceEvent> shared = sink.asFlux().transform(IceOperators.w3cErrorSemantics());

            StepVerifier.create(shared).expectNextCount(2).verifyComplete();
            StepVerifier.create(shared).expectNextCount(2).verifyComplete();
        }

        @Test
        void restartResetsTheDeduplication() {
            Flux.just(state(0, GATHERING), unreachable(0, STUN_A, "t"), end(0), state(0, COMPLETE),
                            unreachable(0, STUN_A, "t"),
                            state(1, GATHERING), unreachable(1, STUN_A, "t"), unreachable(1, STUN_A, "t"),
                            end(1), state(1, COMPLETE))
                    .transform(IceOperators.w3cErrorSemantics())
                    .as(StepVerifier::create)
                    .expectNext(state(0, GATHERING), unreachable(0, STUN_A, "t"), end(0), state(0, COMPLETE),
                            state(1, GATHERING), unreachable(1, STUN_A, "t"), end(1), state(1, COMPLETE))
                    .verifyComplete();
        }

        @Test
        void stateIsReleasedOnCompleteErrorAndCancel() {
            IceOperators.ErrorRules rules = new IceOperators.ErrorRules(true, true);
            rules.admit(state(0, GATHERING));
            rules.admit(unreachable(0, STUN_A, "t"));
            rules.admit(unreachable(0, TURN_B, "t"));
            assertThat(rules.trackedUrls()).isEqualTo(2);
            rules.release();
            assertThat(rules.trackedUrls()).isZero();
        }

        @Test
        void itWorksUnderVirtualTime() {
            StepVerifier.withVirtualTime(() -> Flux.concat(
                                    Flux.just(state(0, GATHERING)),
                                    Flux.just(unreachable(0, STUN_A, "STUN binding request timed out."))
                                            .delayElements(Duration.ofMillis(39_500)),
                                    Flux.just(unreachable(0, STUN_A, "again")).delayElements(Duration.ofSeconds(1)),
                                    Flux.just(end(0), state(0, COMPLETE)))
                            .transform(IceOperators.w3cErrorSemantics()))
                    .expectSubscription()
                    .expectNext(state(0, GATHERING))
                    .expectNoEvent(Duration.ofMillis(39_500))
                    .expectNext(unreachable(0, STUN_A, "STUN binding request timed out."))
                    .thenAwait(Duration.ofSeconds(1))
                    .expectNext(end(0), state(0, COMPLETE))
                    .verifyComplete();
        }
    }
}
