package io.iceflux.netty.internal.turn;

import io.iceflux.netty.internal.transport.StunTransport;
import io.iceflux.netty.internal.transport.StunTransportException;
import io.iceflux.netty.stun.StunAttribute.Lifetime;
import io.iceflux.netty.stun.StunAttribute.Data;
import io.iceflux.netty.stun.StunAttribute.XorPeerAddress;
import io.iceflux.netty.stun.StunClass;
import io.iceflux.netty.stun.StunCodec;
import io.iceflux.netty.stun.StunEncodeOptions;
import io.iceflux.netty.stun.StunMessage;
import io.iceflux.netty.stun.StunMethod;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.BiConsumer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;

/**
 * A relayed transport address allocated on a TURN server (RFC 8656 §7): what the server granted, the transport and
 * server it lives on, its current long-term credentials, and the entry points that refresh and release it. How the
 * Refresh transactions talk to the server (challenges, 438 retries, 437 on delete) is {@link TurnClient}'s.
 *
 * <p>Threading: the allocation's state (credentials, lifetime, released) changes only on the event loop of its
 * transport ({@link StunTransport#executor()}); the accessors may be called from any thread. {@link #release()}
 * deletes the allocation and closes the transport if the allocation owns it, never the shared UDP host socket it was
 * handed.
 */
public final class TurnAllocation implements Relay {

    /** The refresh lead time before the lifetime ends (libwebrtc's ScheduleRefresh). */
    static final Duration REFRESH_LEAD = Duration.ofSeconds(60);
    /** Below this lifetime, refreshes happen at half the lifetime. */
    static final Duration SHORT_LIFETIME = Duration.ofSeconds(120);
    /** The longest delay between refreshes: lifetimes above an hour are refreshed every 59 minutes. */
    static final Duration MAX_REFRESH_DELAY = Duration.ofMinutes(59);

    private final TurnClient client;
    private final StunTransport transport;
    private final boolean ownsTransport;
    private final InetSocketAddress server;
    private final InetSocketAddress relayedAddress;
    private final List<InetSocketAddress> additionalRelayedAddresses;
    private final InetSocketAddress mappedAddress;
    private final TurnClient.Challenge credentials;
    private final Scheduler scheduler;
    private final Sinks.Empty<Void> releaseDone = Sinks.empty();
    private final Disposable.Composite keepAlives = Disposables.composite();
    private volatile Duration lifetime;
    private volatile boolean released;

    /**
     * An allocation granted on {@code transport} by {@code server} to an Allocate signed with {@code auth} (null if
     * it was not signed); {@code scheduler} runs its keep-alive timers.
     */
    TurnAllocation(TurnClient client, StunTransport transport, boolean ownsTransport, InetSocketAddress server,
            TurnAuth auth, InetSocketAddress relayedAddress, InetSocketAddress mappedAddress, Duration lifetime,
            Scheduler scheduler) {
        this(client, transport, ownsTransport, server, auth, relayedAddress, List.of(), mappedAddress, lifetime,
                scheduler);
    }

    /**
     * An allocation with more than one relayed address (a dual allocation, RFC 8656 §7.2): {@code relayedAddress}
     * first, then {@code additionalRelayedAddresses}. One allocation on the server, refreshed and deleted as one.
     */
    TurnAllocation(TurnClient client, StunTransport transport, boolean ownsTransport, InetSocketAddress server,
            TurnAuth auth, InetSocketAddress relayedAddress, List<InetSocketAddress> additionalRelayedAddresses,
            InetSocketAddress mappedAddress, Duration lifetime, Scheduler scheduler) {
        this.client = Objects.requireNonNull(client, "client");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.ownsTransport = ownsTransport;
        this.server = Objects.requireNonNull(server, "server");
        this.relayedAddress = Objects.requireNonNull(relayedAddress, "relayedAddress");
        this.additionalRelayedAddresses = List.copyOf(additionalRelayedAddresses);
        this.mappedAddress = mappedAddress;
        this.credentials = new TurnClient.Challenge(auth);
        this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    /** Return the relayed transport address (XOR-RELAYED-ADDRESS). */
    @Override
    public InetSocketAddress relayedAddress() {
        return relayedAddress;
    }

    /** Return the other relayed addresses of the allocation: the IPv6 one of a dual allocation, or none. */
    @Override
    public List<InetSocketAddress> additionalRelayedAddresses() {
        return additionalRelayedAddresses;
    }

    /** Return the server-reflexive address the server saw (XOR-MAPPED-ADDRESS), or {@code null} if it sent none. */
    @Override
    public InetSocketAddress mappedAddress() {
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
    InetSocketAddress serverAddress() {
        return server;
    }

    /** Return the current long-term credential state (after any 438 answered by a refresh), or null if none. */
    TurnAuth auth() {
        return credentials.auth();
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
        return Mono.defer(() -> released
                ? Mono.error(new IllegalStateException("the TURN allocation on " + server + " is released"))
                : client.refresh(transport, server, credentials, seconds).doOnNext(response -> lifetime = response
                        .attribute(Lifetime.class).map(l -> Duration.ofSeconds(l.seconds())).orElse(requested))
                        .then());
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
        if (released) {
            return Disposables.disposed();
        }
        Disposable.Swap handle = Disposables.swap();
        handle.update(Mono.defer(() -> Mono.delay(refreshDelay(lifetime), scheduler))
                .then(Mono.defer(() -> refresh(lifetime)))
                .repeat()
                .subscribe(null, failure -> {
                    if (!released && !handle.isDisposed()) {
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
     * Delete the allocation: stop the keep-alive, then {@link TurnClient#delete} (a Refresh with LIFETIME 0, RFC 8656
     * §7.2, 438 retried, 437 = already gone); then close the transport if the allocation owns it. The transaction is
     * bounded by the STUN timers, so this never hangs. Idempotent: later calls complete when the first release is
     * over. Lazy; cancelling it stops the transaction and still closes an owned transport.
     *
     * @return completes when released; fails with the Refresh's failure (Timeout, Closed, another error response)
     *         after the transport has been closed
     */
    Mono<Void> release() {
        return TurnClient.onLoop(transport.executor(), () -> {
            if (released) {
                return releaseDone.asMono();
            }
            released = true;
            keepAlives.dispose();
            // StunTransport.close() starts closing when called: defer it until the Refresh is over
            Mono<Void> close = Mono.defer(this::closeIfOwned);
            return client.delete(transport, server, credentials)
                    .onErrorResume(failure -> close.then(Mono.error(failure)))
                    .then(close)
                    .doOnCancel(() -> close.subscribe())
                    .doFinally(signal -> releaseDone.tryEmitEmpty());
        });
    }

    /**
     * Install permissions for the IP addresses of {@code peers} (CreatePermission, RFC 8656 §9), signed with the
     * allocation's credentials (a 438 answered with its new NONCE). Lazy; cancelling stops the transaction.
     *
     * @return completes once the server installed them; fails as {@link TurnClient#createPermission} says, or with
     *     {@link IllegalStateException} once {@link #release()} has started
     */
    Mono<Void> permit(List<InetSocketAddress> peers) {
        Objects.requireNonNull(peers, "peers");
        return Mono.defer(() -> released
                ? Mono.error(new IllegalStateException("the TURN allocation on " + server + " is released"))
                : client.createPermission(transport, server, credentials, peers));
    }

    /**
     * Send {@code data} to {@code peer} through the relay: a Send indication (RFC 8656 §11) with XOR-PEER-ADDRESS,
     * DATA and FINGERPRINT, written on the allocation's transport. Fire and forget; nothing is sent once
     * {@link #release()} has started.
     */
    void sendTo(InetSocketAddress peer, byte[] data) {
        if (released) {
            return;
        }
        StunMessage send = StunMessage.builder(StunClass.INDICATION, StunMethod.SEND)
                .add(new XorPeerAddress(peer)).add(new Data(data)).build();
        transport.send(StunCodec.encode(send, ByteBufAllocator.DEFAULT, StunEncodeOptions.defaults().fingerprint(true)),
                server);
    }

    /**
     * Send {@code data} as a plain datagram from the allocation's UDP socket to {@code destination}, beside the
     * relay (as the host itself would answer a peer on its server-reflexive address). Fire and forget.
     */
    void sendDirect(InetSocketAddress destination, byte[] data) {
        if (!released) {
            transport.send(Unpooled.wrappedBuffer(data), destination);
        }
    }

    /**
     * Listen on the allocation's transport: {@code relayed} gets the peer and data of each Data indication from the
     * server (RFC 8656 §11.4), {@code direct} the sender and bytes of each datagram that is not STUN and comes from
     * anyone but the server. Both are called on the transport's event loop with copies; they must be quick. A
     * later call replaces both.
     */
    void listen(BiConsumer<InetSocketAddress, byte[]> relayed, BiConsumer<InetSocketAddress, byte[]> direct) {
        Objects.requireNonNull(relayed, "relayed");
        Objects.requireNonNull(direct, "direct");
        transport.unsolicited((frame, indication, sender) -> {
            boolean fromServer = sender == null || sender.equals(server);
            if (indication != null) {
                if (!fromServer || indication.method() != StunMethod.DATA) {
                    return false;
                }
                InetSocketAddress peer = indication.attribute(XorPeerAddress.class).map(XorPeerAddress::address)
                        .orElse(null);
                byte[] data = indication.attribute(Data.class).map(Data::value).orElse(null);
                if (peer == null || data == null) {
                    return false;
                }
                relayed.accept(peer, data);
                return true;
            }
            if (fromServer) {
                return false;
            }
            direct.accept(sender, ByteBufUtil.getBytes(frame));
            return true;
        });
    }

    private Mono<Void> closeIfOwned() {
        return ownsTransport ? transport.close().onErrorResume(ignored -> Mono.empty()) : Mono.empty();
    }

    @Override
    public String toString() {
        return "TurnAllocation[relayed=" + relayedAddress
                + (additionalRelayedAddresses.isEmpty() ? "" : ", additional=" + additionalRelayedAddresses)
                + ", mapped=" + mappedAddress + ", server=" + server
                + ", lifetime=" + lifetime + ", local=" + transport.localAddress() + "]";
    }
}
