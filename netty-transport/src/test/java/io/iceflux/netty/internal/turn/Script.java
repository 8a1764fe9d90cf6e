package io.iceflux.netty.internal.turn;

import io.iceflux.netty.internal.transport.StunTransportException;
import io.iceflux.netty.internal.turn.ScriptedTransport.Sent;
import io.iceflux.netty.stun.StunAttribute.ErrorCode;
import io.iceflux.netty.stun.StunAttribute.Nonce;
import io.iceflux.netty.stun.StunAttribute.Realm;
import io.iceflux.netty.stun.StunAttribute;
import io.iceflux.netty.stun.StunClass;
import io.iceflux.netty.stun.StunMessage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The answers of a scripted TURN server, one per request in the order they arrive across every transport that shares
 * the script. A request beyond the script fails with an {@link AssertionError} (the test sent too much).
 */
final class Script {

    private final Deque<Function<Sent, Mono<StunMessage>>> answers = new ArrayDeque<>();
    private final List<Sent> all = new CopyOnWriteArrayList<>();
    private final Scheduler scheduler;
    private final AtomicInteger firedTimers = new AtomicInteger();

    Script(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** Return the scheduler of the script's timers, which also runs the event loop of its transports. */
    Scheduler scheduler() {
        return scheduler;
    }

    /** Answer the next request with {@code answer}. */
    synchronized Script then(Function<Sent, Mono<StunMessage>> answer) {
        answers.add(answer);
        return this;
    }

    /** Answer the next request at once with the response {@code build} makes of it. */
    Script respond(Function<StunMessage, StunMessage> build) {
        return then(sent -> Mono.just(build.apply(sent.request())));
    }

    /** Answer the next request after {@code delay} of virtual time. */
    Script respondAfter(Duration delay, Function<StunMessage, StunMessage> build) {
        return then(sent -> Mono.delay(delay, scheduler).doOnNext(fired -> firedTimers.incrementAndGet())
                .map(ignored -> build.apply(sent.request())));
    }

    /** Never answer the next request (it stays in flight until cancelled). */
    Script silence() {
        return then(sent -> Mono.never());
    }

    /** Fail the next request with {@link StunTransportException.Timeout} after {@code after} of virtual time. */
    Script timeout(Duration after) {
        return then(sent -> Mono.delay(after, scheduler).doOnNext(fired -> firedTimers.incrementAndGet()).then(Mono.error(
                new StunTransportException.Timeout("TURN allocate request timed out."))));
    }

    /** Return the next scripted answer to {@code sent}, or an {@link AssertionError} when the script is used up. */
    synchronized Mono<StunMessage> answer(Sent sent) {
        Function<Sent, Mono<StunMessage>> next = answers.poll();
        if (next == null) {
            return Mono.error(new AssertionError("unscripted request " + sent.request()));
        }
        return next.apply(sent);
    }

    /** Remember a request sent through one of the script's transports. */
    void record(Sent sent) {
        all.add(sent);
    }

    /** Return every request sent through any transport of this script, in order. */
    List<Sent> sent() {
        return List.copyOf(all);
    }

    /** Return how many delayed answers fired (a cancelled one never does). */
    int firedTimers() {
        return firedTimers.get();
    }

    /** Return whether every scripted answer was used. */
    synchronized boolean exhausted() {
        return answers.isEmpty();
    }

    /** Return a success response to {@code request} with these attributes. */
    static StunMessage success(StunMessage request, StunAttribute... attributes) {
        return StunMessage.builder(StunClass.SUCCESS_RESPONSE, request.method())
                .transactionId(request.transactionId()).addAll(List.of(attributes)).build();
    }

    /** Return an error response to {@code request}: ERROR-CODE {@code code reason}, then these attributes. */
    static StunMessage error(StunMessage request, int code, String reason, StunAttribute... attributes) {
        return StunMessage.builder(StunClass.ERROR_RESPONSE, request.method())
                .transactionId(request.transactionId()).add(new ErrorCode(code, reason))
                .addAll(List.of(attributes)).build();
    }

    /** Return a 401 with REALM, NONCE and these further attributes. */
    static StunMessage unauthorized(StunMessage request, String realm, String nonce, StunAttribute... more) {
        StunMessage base = error(request, 401, "Unauthorized", new Realm(realm), new Nonce(nonce));
        return base.toBuilder().addAll(List.of(more)).build();
    }

    /** Return a 438 with REALM and NONCE. */
    static StunMessage staleNonce(StunMessage request, String realm, String nonce) {
        return error(request, 438, "Stale Nonce", new Realm(realm), new Nonce(nonce));
    }
}
