package io.iceflux.netty.internal.turn;

import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.ServerTransport;
import io.iceflux.netty.internal.transport.StunTransportException;
import io.iceflux.netty.internal.turn.ScriptedTransport.Sent;
import io.iceflux.netty.stun.StunAttribute.Lifetime;
import io.iceflux.netty.stun.StunAttribute.Software;
import io.iceflux.netty.stun.StunMessage;
import io.iceflux.netty.stun.StunMethod;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.Disposable;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;

/**
 * Cancelling an allocate at any moment leaves no allocation on the (scripted) server and no transport the client
 * opened: an authenticated Allocate in flight runs to its end and what it created is deleted with its credentials,
 * including when the cancel comes at the very moment its success is delivered; and the owner's {@link RelayLedger}
 * waits for that clean-up. Every case runs on the scripted transports' virtual-time event loop, so each interleaving
 * is exact and repeatable.
 */
class TurnClientCancelTest extends TurnFixture {

    private static final Duration ANSWER_DELAY = Duration.ofMillis(30);

    /** What the subscriber of the allocate saw: nothing at all once it cancelled. */
    private final List<Object> signals = new CopyOnWriteArrayList<>();
    private final List<Throwable> dropped = new CopyOnWriteArrayList<>();

    @BeforeEach
    void recordDroppedErrors() {
        Hooks.onErrorDropped(dropped::add);
    }

    @AfterEach
    void nothingWasSignalledIntoTheVoid() {
        Hooks.resetOnErrorDropped();
        assertThat(dropped).as("errors signalled to a cancelled subscriber").isEmpty();
    }

    private Disposable subscribe(TurnClient client, RelayLedger ledger) {
        return client.allocate(ledger).subscribe(signals::add, signals::add, () -> signals.add("complete"));
    }

    /** A 437 on the shared socket, then a 401 on the fresh socket the client opens (and owns). */
    private void mismatchThenChallenge() {
        script.respond(r -> Script.error(r, 437, "Allocation Mismatch"))
                .respond(r -> Script.unauthorized(r, REALM, "nonce-1"));
    }

    private ScriptedTransport fresh() {
        return factory.opens().get(0).opened();
    }

    private static void assertDelete(Sent sent, String nonce) {
        assertMd5Request(sent, StunMethod.REFRESH, nonce, new Lifetime(0), new Software(SOFTWARE));
    }

    @Test
    void cancelFirstAndTheSuccessAfterDeletesTheAllocationThenClosesTheSocketItOpened() {
        mismatchThenChallenge();
        script.respondAfter(ANSWER_DELAY, TurnFixture::allocated)
                .respondAfter(ANSWER_DELAY, r -> Script.success(r, new Lifetime(0)));

        Disposable subscription = subscribe(new TurnClient(udpRequest()), null);
        assertThat(fresh().sent()).hasSize(2);
        subscription.dispose();

        assertThat(fresh().cancelledTransactions()).as("the authenticated Allocate keeps running").isZero();
        assertThat(fresh().sent()).as("no delete may overtake the Allocate it undoes").hasSize(2);
        assertThat(fresh().closes()).isZero();

        scheduler.advanceTimeBy(ANSWER_DELAY);
        assertThat(fresh().sent()).hasSize(3);
        assertDelete(fresh().sent().get(2), "nonce-1");
        assertThat(fresh().closes()).as("closed only after the delete").isZero();

        scheduler.advanceTimeBy(ANSWER_DELAY);
        assertThat(fresh().closes()).isEqualTo(1);
        assertThat(udp.closes()).isZero();
        assertThat(script.exhausted()).isTrue();
        assertThat(signals).isEmpty();
    }

    /** When, relative to the success response reaching the client, the subscriber cancels. */
    enum Moment {
        /** Inside the transport's signal, just before the response is passed on: the client learns of it second. */
        JUST_BEFORE_THE_CLIENT_SEES_THE_SUCCESS(true),
        /**
         * Right after the transport passed the response on, in the same event-loop turn: the client builds the
         * allocation and hands it to a subscriber that has just cancelled.
         */
        WHILE_THE_ALLOCATION_IS_HANDED_OVER(false);

        final boolean before;

        Moment(boolean before) {
            this.before = before;
        }
    }

    @ParameterizedTest
    @EnumSource(Moment.class)
    void cancelAtTheMomentTheSuccessArrivesDeletesTheAllocationWithItsCredentialsAndClosesTheSocketItOpened(
            Moment moment) {
        AtomicReference<Disposable> subscription = new AtomicReference<>();
        mismatchThenChallenge();
        script.then(sent -> cancelling(Mono.delay(ANSWER_DELAY, scheduler).map(t -> allocated(sent.request())),
                        moment, () -> subscription.get().dispose()))
                .respond(r -> Script.success(r, new Lifetime(0)));

        subscription.set(subscribe(new TurnClient(udpRequest()), null));
        assertThat(fresh().sent()).hasSize(2);
        scheduler.advanceTimeBy(ANSWER_DELAY);

        assertThat(subscription.get().isDisposed()).isTrue();
        assertThat(signals).as("the subscriber never got the allocation").isEmpty();
        assertThat(fresh().sent()).hasSize(3);
        assertDelete(fresh().sent().get(2), "nonce-1");
        assertThat(fresh().closes()).isEqualTo(1);
        assertThat(udp.closes()).isZero();
        assertThat(udp.isOpen()).isTrue();
        assertThat(script.exhausted()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(Moment.class)
    void cancelAtTheMomentTheSuccessArrivesOnTheSharedSocketDeletesAndKeepsTheSocket(Moment moment) {
        AtomicReference<Disposable> subscription = new AtomicReference<>();
        script.respond(r -> Script.unauthorized(r, REALM, "nonce-1"))
                .then(sent -> cancelling(Mono.delay(ANSWER_DELAY, scheduler).map(t -> allocated(sent.request())),
                        moment, () -> subscription.get().dispose()))
                .respond(r -> Script.success(r, new Lifetime(0)));

        subscription.set(subscribe(new TurnClient(udpRequest()), null));
        scheduler.advanceTimeBy(ANSWER_DELAY);

        assertThat(signals).isEmpty();
        assertThat(udp.sent()).hasSize(3);
        assertDelete(udp.sent().get(2), "nonce-1");
        assertThat(udp.closes()).isZero();
        assertThat(factory.opens()).isEmpty();
        assertThat(script.exhausted()).isTrue();
    }

    private static Mono<StunMessage> cancelling(Mono<StunMessage> answer, Moment moment, Runnable cancel) {
        return moment.before ? answer.doOnNext(response -> cancel.run()) : answer.doAfterTerminate(cancel);
    }

    /** How an authenticated Allocate that was cancelled in flight ends without creating anything. */
    enum Failure {
        STALE_NONCE(r -> Mono.just(Script.staleNonce(r, REALM, "nonce-2"))),
        MISMATCH(r -> Mono.just(Script.error(r, 437, "Allocation Mismatch"))),
        UNAUTHENTICATED(r -> Mono.just(Script.error(r, 401, "Unauthorized"))),
        TIMEOUT(r -> Mono.error(new StunTransportException.Timeout("TURN allocate request timed out.")));

        final Function<StunMessage, Mono<StunMessage>> answer;

        Failure(Function<StunMessage, Mono<StunMessage>> answer) {
            this.answer = answer;
        }
    }

    @ParameterizedTest
    @EnumSource(Failure.class)
    void aCancelledAllocateThatEndsWithoutSuccessIsNotRetriedSendsNoDeleteAndClosesTheSocketItOpened(Failure failure) {
        mismatchThenChallenge();
        script.then(sent -> Mono.delay(ANSWER_DELAY, scheduler).then(failure.answer.apply(sent.request())));

        subscribe(new TurnClient(udpRequest()), null).dispose();
        assertThat(fresh().closes()).isZero();
        scheduler.advanceTimeBy(ANSWER_DELAY);

        assertThat(script.sent()).hasSize(3);
        assertThat(factory.opens()).hasSize(1);
        assertThat(fresh().closes()).isEqualTo(1);
        assertThat(udp.closes()).isZero();
        assertThat(signals).isEmpty();
    }

    @Test
    void theDeleteOfACancelledAllocateRetriesA438AndTakesA437AsGone() {
        mismatchThenChallenge();
        script.respondAfter(ANSWER_DELAY, TurnFixture::allocated)
                .respond(r -> Script.staleNonce(r, REALM, "nonce-2"))
                .respond(r -> Script.error(r, 437, "Allocation Mismatch"));

        subscribe(new TurnClient(udpRequest()), null).dispose();
        scheduler.advanceTimeBy(ANSWER_DELAY);

        assertThat(fresh().sent()).hasSize(4);
        assertDelete(fresh().sent().get(2), "nonce-1");
        assertDelete(fresh().sent().get(3), "nonce-2");
        assertThat(fresh().closes()).isEqualTo(1);
        assertThat(script.exhausted()).isTrue();
    }

    @Test
    void theLedgerWaitsForACancelledExchangeToDeleteItsAllocationAndCloseItsSocket() {
        RelayLedger ledger = new RelayLedger();
        mismatchThenChallenge();
        script.respondAfter(ANSWER_DELAY, TurnFixture::allocated)
                .respondAfter(ANSWER_DELAY, r -> Script.success(r, new Lifetime(0)));

        subscribe(new TurnClient(udpRequest()), ledger).dispose();
        AtomicBoolean released = new AtomicBoolean();
        ledger.release().subscribe(null, null, () -> released.set(true));

        assertThat(released).as("the Allocate is still in flight").isFalse();
        scheduler.advanceTimeBy(ANSWER_DELAY);
        assertThat(released).as("the delete is in flight").isFalse();
        assertDelete(fresh().sent().get(2), "nonce-1");
        scheduler.advanceTimeBy(ANSWER_DELAY);
        assertThat(released).isTrue();
        assertThat(fresh().closes()).isEqualTo(1);
    }

    @Test
    void theLedgerDeletesTheAllocationsItWasHandedAndStopsExchangesStillRunning() {
        RelayLedger ledger = new RelayLedger();
        ScriptedTransport second = new ScriptedTransport(script, HOST, ServerTransport.UDP);
        TurnRequest base = udpRequest();
        TurnRequest other = new TurnRequest(second, false, SERVER, HOST_NAME, base.protocol(), base.credentials(),
                null, SOFTWARE, TIMERS, factory, scheduler);
        script.respond(r -> Script.unauthorized(r, REALM, "nonce-1")).respond(TurnFixture::allocated)
                .silence()
                .respond(r -> Script.success(r, new Lifetime(0)));

        subscribe(new TurnClient(udpRequest()), ledger);
        assertThat(signals).hasSize(2).first().isInstanceOf(TurnAllocation.class);
        subscribe(new TurnClient(other), ledger);
        AtomicBoolean released = new AtomicBoolean();
        ledger.release().subscribe(null, null, () -> released.set(true));

        assertThat(released).isTrue();
        assertThat(second.sent()).singleElement().satisfies(s -> assertUnauthenticatedAllocate(s, SERVER));
        assertThat(second.cancelledTransactions()).as("an unauthenticated Allocate allocates nothing").isEqualTo(1);
        assertThat(udp.sent()).hasSize(3);
        assertDelete(udp.sent().get(2), "nonce-1");
        assertThat(script.exhausted()).isTrue();
        assertThat(signals).hasSize(3).last().isInstanceOfSatisfying(StunTransportException.Closed.class,
                closed -> assertThat(closed).hasMessage("The TURN allocation was released before it completed."));
    }
}
