package io.iceflux.netty.internal.turn;

import io.iceflux.netty.internal.transport.StunTransport;
import io.iceflux.netty.internal.transport.StunTransportException;

import io.iceflux.StunTimers;
import io.iceflux.netty.stun.StunAttribute.ErrorCode;
import io.iceflux.netty.stun.StunAttribute.Lifetime;
import io.iceflux.netty.stun.StunAttribute.Software;
import io.iceflux.netty.stun.StunClass;
import io.iceflux.netty.stun.StunCredentials;
import io.iceflux.netty.stun.StunEncodeOptions;
import io.iceflux.netty.stun.StunMessage;
import io.iceflux.netty.stun.StunMethod;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * A relayed transport address allocated on a TURN server (RFC 8656 §7), with what it takes to keep it alive and to
 * delete it: the transport it lives on, the server and the current long-term credentials.
 *
 * <p>Refreshes are authenticated with the current realm, nonce and key; a 438 (Stale Nonce) answer makes the
 * refresh retry with the new NONCE, at most twice in a row. {@link #release()} deletes the allocation and closes the
 * transport if the allocation owns it, never the shared UDP host socket it was handed.
 */
public final class TurnAllocation {

    /** How many 438 (Stale Nonce) answers in a row a refresh retries before failing with the 438. */
    static final int MAX_STALE_NONCE_RETRIES = 2;
    /** The refresh lead time before the lifetime ends (libwebrtc's ScheduleRefresh). */
    static final Duration REFRESH_LEAD = Duration.ofSeconds(60);
    /** Below this lifetime, refreshes happen at half the lifetime. */
    static final Duration SHORT_LIFETIME = Duration.ofSeconds(120);
    /** The longest delay between refreshes: lifetimes above an hour are refreshed every 59 minutes. */
    static final Duration MAX_REFRESH_DELAY = Duration.ofMinutes(59);
    /** The errorText of a Refresh error response without ERROR-CODE (code 600). */
    static final String REFRESH_NO_ERROR_CODE = "TURN refresh response with no error code attribute.";

    private final StunTransport transport;
    private final boolean ownsTransport;
    private final InetSocketAddress server;
    private final InetSocketAddress relayedAddress;
    private final InetSocketAddress mappedAddress;
    private final StunCredentials credentials;
    private final String software;
    private final StunTimers timers;
    private final Scheduler scheduler;
    private final AtomicReference<TurnAuth> auth;
    private volatile Duration lifetime;
    private final AtomicBoolean releaseStarted = new AtomicBoolean();
    private final Sinks.Empty<Void> releaseDone = Sinks.empty();
    private final Disposable.Composite keepAlives = Disposables.composite();

    TurnAllocation(TurnRequest request, StunTransport transport, boolean ownsTransport, InetSocketAddress server,
            TurnAuth auth, InetSocketAddress relayedAddress, InetSocketAddress mappedAddress, Duration lifetime) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.ownsTransport = ownsTransport;
        this.server = Objects.requireNonNull(server, "server");
        this.relayedAddress = Objects.requireNonNull(relayedAddress, "relayedAddress");
        this.mappedAddress = mappedAddress;
        this.credentials = request.credentials();
        this.software = request.software();
        this.timers = request.timers();
        this.scheduler = request.scheduler();
        this.auth = new AtomicReference<>(auth);
        this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
    }

    /** Return the relayed transport address (XOR-RELAYED-ADDRESS). */
    InetSocketAddress relayedAddress() {
        return relayedAddress;
    }

    /** Return the server-reflexive address the server saw (XOR-MAPPED-ADDRESS), or {@code null} if it sent none. */
    InetSocketAddress mappedAddress() {
        return mappedAddress;
    }

    /** Return the lifetime the server granted last (at allocation or at the latest refresh). */
    Duration lifetime() {
        return lifetime;
    }

    /** Return the transport the allocation lives on (its 5-tuple identifies the allocation). */
    StunTransport transport() {
        return transport;
    }

    /** Return whether {@link #release()} closes {@link #transport()}: the client opened it, or was handed it. */
    boolean ownsTransport() {
        return ownsTransport;
    }

    /** Return the address of the server that holds the allocation (after any 300 redirect). */
    InetSocketAddress server() {
        return server;
    }

    /** Return the current long-term credential state (after any 438 answered by a refresh), or null if none. */
    TurnAuth auth() {
        return auth.get();
    }

    /**
     * Send a Refresh asking for {@code requested} and complete when the server accepts it; {@link #lifetime()} then
     * holds the LIFETIME the server granted (the requested one if it sent none). Lazy; cancelling stops the
     * transaction.
     *
     * @return fails with {@link StunTransportException.ErrorResponse} (a 438 after two retries included),
     *         {@link StunTransportException.Timeout} or {@link StunTransportException.Closed}, or with
     *         {@link IllegalStateException} once {@link #release()} has started
     * @throws IllegalArgumentException if {@code requested} is not 1 s to 2^32-1 s (use {@link #release()} to delete)
     * @throws NullPointerException if {@code requested} is null
     */
    Mono<Void> refresh(Duration requested) {
        Objects.requireNonNull(requested, "requested");
        long seconds = requested.getSeconds();
        if (seconds < 1 || seconds > TurnRequest.MAX_LIFETIME_SECONDS) {
            throw new IllegalArgumentException(
                    "refresh lifetime must be 1 s to " + TurnRequest.MAX_LIFETIME_SECONDS + " s, got " + requested);
        }
        return Mono.defer(() -> {
            if (releaseStarted.get()) {
                return Mono.error(new IllegalStateException("the TURN allocation on " + server + " is released"));
            }
            return refreshTransaction(seconds, MAX_STALE_NONCE_RETRIES).doOnNext(response -> lifetime = response
                    .attribute(Lifetime.class).map(l -> Duration.ofSeconds(l.seconds())).orElse(requested)).then();
        });
    }

    /**
     * Keep the allocation alive: refresh it on the scheduler {@link #refreshDelay(Duration)} after it was granted
     * (lifetime − 60 s; half the lifetime below 120 s; every 59 min above an hour), asking for the current lifetime,
     * and again after each successful refresh. The first failed refresh stops the refreshes and is passed to
     * {@code onFailure} (not after {@link #release()} or disposal). Disposing the result stops the timers and any
     * refresh in flight; {@link #release()} disposes it too.
     *
     * @throws NullPointerException if {@code onFailure} is null
     */
    Disposable keepAlive(Consumer<? super Throwable> onFailure) {
        Objects.requireNonNull(onFailure, "onFailure");
        if (releaseStarted.get()) {
            return Disposables.disposed();
        }
        Disposable.Swap handle = Disposables.swap();
        handle.update(Mono.defer(() -> Mono.delay(refreshDelay(lifetime), scheduler))
                .then(Mono.defer(() -> refresh(lifetime)))
                .repeat()
                .subscribe(null, failure -> {
                    if (!releaseStarted.get() && !handle.isDisposed()) {
                        onFailure.accept(failure);
                    }
                }));
        keepAlives.add(handle);
        return handle;
    }

    /**
     * Return how long after a grant of {@code lifetime} the next refresh is sent, as libwebrtc schedules it:
     * lifetime − 60 s, half the lifetime when it is under 120 s, at most 59 minutes.
     *
     * @throws NullPointerException if {@code lifetime} is null
     */
    static Duration refreshDelay(Duration lifetime) {
        if (lifetime.compareTo(SHORT_LIFETIME) < 0) {
            return lifetime.dividedBy(2);
        }
        Duration delay = lifetime.minus(REFRESH_LEAD);
        return delay.compareTo(MAX_REFRESH_DELAY) > 0 ? MAX_REFRESH_DELAY : delay;
    }

    /**
     * Delete the allocation: stop the keep-alive, send a Refresh with LIFETIME 0 (RFC 8656 §7.2), answered 438 by
     * retrying with the new nonce, and accept a success or a 437 (the allocation is already gone); then close the
     * transport if the allocation owns it. The transaction is bounded by the STUN timers, so this never hangs.
     * Idempotent: later calls complete when the first release is over. Lazy; cancelling it stops the transaction and
     * still closes an owned transport.
     *
     * @return completes when released; fails with the Refresh's failure (Timeout, Closed, another error response)
     *         after the transport has been closed
     */
    Mono<Void> release() {
        return Mono.defer(() -> {
            if (!releaseStarted.compareAndSet(false, true)) {
                return releaseDone.asMono();
            }
            keepAlives.dispose();
            // StunTransport.close() starts closing when called: defer it until the Refresh is over
            Mono<Void> close = Mono.defer(this::closeIfOwned);
            return refreshTransaction(0, MAX_STALE_NONCE_RETRIES)
                    .then()
                    .onErrorResume(failure -> isAllocationMismatch(failure) ? Mono.empty() : Mono.error(failure))
                    .onErrorResume(failure -> close.then(Mono.error(failure)))
                    .then(close)
                    .doOnCancel(() -> close.subscribe())
                    .doFinally(signal -> releaseDone.tryEmitEmpty());
        });
    }

    private Mono<Void> closeIfOwned() {
        return ownsTransport ? transport.close().onErrorResume(ignored -> Mono.empty()) : Mono.empty();
    }

    private static boolean isAllocationMismatch(Throwable failure) {
        return failure instanceof StunTransportException.ErrorResponse error && error.code() == 437;
    }

    private Mono<StunMessage> refreshTransaction(long seconds, int staleRetriesLeft) {
        return Mono.defer(() -> {
            TurnAuth current = auth.get();
            StunMessage refresh = refreshMessage(seconds, current, software);
            return transport.request(refresh, encodeOptions(current), server, current == null ? null : current.key(),
                    timers).flatMap(response -> {
                        if (response.messageClass() == StunClass.SUCCESS_RESPONSE) {
                            return Mono.just(response);
                        }
                        StunTransportException.ErrorResponse error = errorOf(response, REFRESH_NO_ERROR_CODE);
                        boolean stale = error.code() == 438 && staleRetriesLeft > 0;
                        boolean firstChallenge = error.code() == 401 && current == null;
                        if (stale || firstChallenge) {
                            auth.set(TurnAuth.fromChallenge(credentials, response, current));
                            return refreshTransaction(seconds, stale ? staleRetriesLeft - 1 : 0);
                        }
                        return Mono.error(error);
                    });
        });
    }

    /** Build a Refresh request with this LIFETIME, SOFTWARE if any and the credentials if any. */
    static StunMessage refreshMessage(long lifetimeSeconds, TurnAuth current, String software) {
        StunMessage.Builder builder = StunMessage.builder(StunClass.REQUEST, StunMethod.REFRESH)
                .add(new Lifetime(lifetimeSeconds));
        if (software != null) {
            builder.add(new Software(software));
        }
        if (current != null) {
            current.addTo(builder);
        }
        return builder.build();
    }

    /** Return the signing options of a request: FINGERPRINT, and the integrity of {@code current} if any. */
    static StunEncodeOptions encodeOptions(TurnAuth current) {
        return current != null ? current.encodeOptions() : StunEncodeOptions.defaults().fingerprint(true);
    }

    /**
     * Return the failure an error response stands for: its ERROR-CODE and reason verbatim, or 600 with
     * {@code noErrorCodeText} when it has none.
     */
    static StunTransportException.ErrorResponse errorOf(StunMessage response, String noErrorCodeText) {
        return response.attribute(ErrorCode.class)
                .map(code -> new StunTransportException.ErrorResponse(code.code(), code.reasonPhrase(), response))
                .orElseGet(() -> new StunTransportException.ErrorResponse(600, noErrorCodeText, response));
    }

    /**
     * Send one Refresh with LIFETIME 0 signed with {@code current} and forget the outcome: the best-effort delete of
     * an allocation the server may have created. Bounded by {@code timers}; never fails.
     */
    static Mono<Void> bestEffortDelete(StunTransport transport, InetSocketAddress server, TurnAuth current,
            String software, StunTimers timers) {
        return transport.request(refreshMessage(0, current, software), encodeOptions(current), server,
                current == null ? null : current.key(), timers).then().onErrorResume(ignored -> Mono.empty());
    }

    @Override
    public String toString() {
        return "TurnAllocation[relayed=" + relayedAddress + ", mapped=" + mappedAddress + ", server=" + server
                + ", lifetime=" + lifetime + ", local=" + transport.localAddress() + "]";
    }
}
