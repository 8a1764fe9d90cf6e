package io.iceflux.netty.internal.transport;

import io.iceflux.ServerTransport;
import io.iceflux.StunTimers;
import io.iceflux.netty.DropReason;
import io.iceflux.netty.TransactionOutcome;
import io.iceflux.netty.stun.StunAttribute;
import io.iceflux.netty.stun.StunClass;
import io.iceflux.netty.stun.StunCodec;
import io.iceflux.netty.stun.StunCodecException;
import io.iceflux.netty.stun.StunEncodeOptions;
import io.iceflux.netty.stun.StunErrorCodes;
import io.iceflux.netty.stun.StunMessage;
import io.iceflux.netty.stun.StunPacketKind;
import io.iceflux.netty.stun.TransactionId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;

/**
 * The STUN client transactions of one channel: the pending requests by transaction id, their retransmission and
 * timeout timers, and the matching of incoming responses (RFC 8489 §6.2, §6.3).
 *
 * <p>Threading: the table is only touched on the channel's event loop. A subscription hops onto the event loop
 * to start its transaction; timers run on the {@link Scheduler} and hop onto the event loop before they act; the
 * channel's inbound handler calls {@link #onMessage} and {@link #closeAll} on the event loop.
 *
 * <p>The {@code Mono}s signal on the channel's event loop: whoever subscribes must not block in the signal
 * handlers (and must never block on a transaction's {@code Mono} from an event loop thread).
 *
 * <p>Buffers: a request is encoded once when its {@code Mono} is subscribed; every send writes a retained
 * duplicate, and the encoded buffer is released when the transaction ends: response, timeout, write failure,
 * close or cancel.
 */
public final class StunTransactions {

    /**
     * The most transactions pending at once on one transport. A gathering runs at most two per URL on a host
     * socket ({@link io.iceflux.IceConfiguration#MAX_URLS} URLs), plus refreshes; a transaction started beyond
     * this fails at once with {@link StunTransportException.TooManyTransactions} and nothing is sent.
     */
    static final int MAX_PENDING = 1024;

    /** How many ended UDP transactions are remembered for classifying late responses. */
    private static final int RECENT = 64;

    private final Channel channel;
    private final EventLoop eventLoop;
    /** Takes what no transaction takes (the relay check's Data indications and peer datagrams), or null. */
    private volatile StunTransport.UnsolicitedHandler unsolicited;
    private final Scheduler scheduler;
    private final ByteBufAllocator allocator;
    private final boolean datagram;
    private final Map<TransactionId, Pending> pending = new HashMap<>();
    /**
     * Over UDP, where the last {@value #RECENT} transactions that ended had gone: a response from elsewhere that is
     * looked at after the genuine one (they may come in on two sockets, {@link ConnectedSockets}) is still a
     * {@link DropReason#WRONG_SOURCE}, not an unknown transaction.
     */
    private final Map<TransactionId, InetSocketAddress> recent = new java.util.LinkedHashMap<>(32, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<TransactionId, InetSocketAddress> eldest) {
            return size() > RECENT;
        }
    };
    private final TransportListener listener;
    private final ServerTransport transport;
    private Supplier<StunTransportException.Closed> closedReason;
    /** The sockets UDP requests leave from, or null for {@link #channel} always. */
    private Router router;

    /**
     * Create the transactions of {@code channel}.
     *
     * @param datagram {@code true} for a UDP channel (requests are written as {@link DatagramPacket}s to their
     *     destination, retransmitted, and responses must come from it); {@code false} for a TCP/TLS stream (sent
     *     once, the source is the connected server)
     */
    StunTransactions(Channel channel, Scheduler scheduler, ByteBufAllocator allocator, boolean datagram) {
        this(channel, scheduler, allocator, datagram, TransportListener.NONE,
                datagram ? ServerTransport.UDP : ServerTransport.TCP);
    }

    /**
     * Create the transactions of {@code channel}, reporting dropped packets and ended transactions to
     * {@code listener} as transactions over {@code transport}.
     */
    StunTransactions(Channel channel, Scheduler scheduler, ByteBufAllocator allocator, boolean datagram,
            TransportListener listener, ServerTransport transport) {
        this.listener = Objects.requireNonNull(listener, "listener");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.channel = Objects.requireNonNull(channel, "channel");
        this.eventLoop = channel.eventLoop();
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        this.datagram = datagram;
    }

    /**
     * Which socket a UDP request leaves from: a socket connected to its destination that shares this channel's port,
     * or this channel. Both methods are called on the event loop.
     */
    interface Router {
        /** Make the socket for {@code destination} ready; the first send waits for the returned future. */
        io.netty.util.concurrent.Future<?> prepare(InetSocketAddress destination);

        /** The channel to write a request to {@code destination} to (a connected one is written the bare bytes). */
        Channel route(InetSocketAddress destination);

        /** The last pending transaction to {@code destination} ended. */
        void idle(InetSocketAddress destination);
    }

    /** Send each UDP request (and its retransmissions) through {@code router}. Call before the first request. */
    void router(Router router) {
        this.router = router;
    }

    /**
     * Fail every pending transaction to {@code destination} with an {@link StunTransportException.IcmpUnreachable}
     * saying {@code what}: an ICMP error for that destination arrived. Transactions to other destinations, and
     * transactions started later, are untouched. Call on the event loop. Returns how many failed.
     */
    int failUnreachable(InetSocketAddress destination, String what) {
        int failed = 0;
        for (Pending p : new ArrayList<>(pending.values())) {
            if (p.destination.equals(destination)) {
                fail(p, new StunTransportException.IcmpUnreachable(what, FailureTexts.icmpFrom(destination, what)));
                failed++;
            }
        }
        return failed;
    }

    /**
     * Return a lazy {@code Mono} that runs one client transaction, as {@link StunTransport#request} describes.
     *
     * @throws IllegalArgumentException if {@code request} is not of class REQUEST or {@code destination} is
     *     unresolved
     * @throws NullPointerException if an argument other than {@code responseKey} is null
     */
    Mono<StunMessage> request(StunMessage request, StunEncodeOptions options, InetSocketAddress destination,
            byte[] responseKey, StunTimers timers) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(timers, "timers");
        if (destination.isUnresolved()) {
            throw new IllegalArgumentException("destination " + destination + " must be a resolved address");
        }
        if (request.messageClass() != StunClass.REQUEST) {
            throw new IllegalArgumentException("a STUN transaction sends a REQUEST, not a " + request.messageClass()
                    + " (" + request + ")");
        }
        byte[] key = responseKey == null ? null : responseKey.clone();
        return Mono.create(sink -> {
            ByteBuf encoded;
            try {
                encoded = StunCodec.encode(request, allocator, options);
            } catch (RuntimeException e) {
                sink.error(e);
                return;
            }
            Pending p = new Pending(request, encoded, destination, key, timers, sink);
            sink.onCancel(() -> {
                p.cancelled = true;
                onLoop(p, () -> finish(p));
            });
            onLoop(p, () -> start(p));
        });
    }

    private InetSocketAddress localAddress() {
        java.net.SocketAddress local = channel.localAddress();
        return local instanceof InetSocketAddress a ? a : new InetSocketAddress(0);
    }

    /**
     * Classify, decode and match one incoming datagram or stream frame, or report it as dropped: not STUN
     * (ChannelData, DTLS, RTP, garbage), malformed, or not answering a pending request. Call on the event loop; the
     * buffer stays the caller's.
     *
     * @param sender where the datagram came from, or {@code null} on a stream
     */
    void onFrame(ByteBuf frame, InetSocketAddress sender) {
        if (StunPacketKind.classify(frame) != StunPacketKind.STUN) {
            if (takenUnsolicited(frame, null, sender)) {
                return;
            }
            listener.packetDropped(DropReason.NOT_STUN);
            return;
        }
        StunMessage message;
        try {
            message = StunCodec.decode(frame);
        } catch (StunCodecException e) {
            listener.packetDropped(e.problem() == StunCodecException.Problem.BAD_FINGERPRINT
                    ? DropReason.BAD_FINGERPRINT : DropReason.MALFORMED);
            return;
        }
        onMessage(frame, message, sender);
    }

    /**
     * Complete the transaction this decoded message answers, or count it as dropped. Call on the event loop with
     * the buffer the message was decoded from (for the integrity check); the buffer stays the caller's.
     *
     * @param sender where the datagram came from, or {@code null} on a stream
     */
    void onMessage(ByteBuf frame, StunMessage message, InetSocketAddress sender) {
        if (message.messageClass() == StunClass.INDICATION && takenUnsolicited(frame, message, sender)) {
            return;
        }
        Pending p = pending.get(message.transactionId());
        DropReason rejection = rejection(p, frame, message, sender);
        if (rejection != null) {
            listener.packetDropped(rejection);
            return;
        }
        if (finish(p)) {
            report(p, message.messageClass() == StunClass.SUCCESS_RESPONSE
                    ? TransactionOutcome.SUCCESS : TransactionOutcome.ERROR_RESPONSE);
            p.sink.success(message);
        }
    }

    /** Set (or, with {@code null}, remove) the handler of what no transaction takes. */
    void unsolicited(StunTransport.UnsolicitedHandler handler) {
        this.unsolicited = handler;
    }

    /** Offer a packet no transaction takes to the unsolicited handler; return whether it took it. */
    private boolean takenUnsolicited(ByteBuf frame, StunMessage indication, InetSocketAddress sender) {
        StunTransport.UnsolicitedHandler handler = unsolicited;
        if (handler == null) {
            return false;
        }
        try {
            return handler.take(frame, indication, sender);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Write {@code packet} outside any transaction, as {@link StunTransport#send} says; takes ownership of it.
     *
     * @throws NullPointerException if an argument is null (the packet is released first)
     */
    void send(ByteBuf packet, InetSocketAddress destination) {
        Objects.requireNonNull(packet, "packet");
        if (datagram && destination == null) {
            packet.release();
            throw new NullPointerException("destination");
        }
        Object message = datagram ? new DatagramPacket(packet, destination) : packet;
        // Netty releases the message when the write fails (a closed channel included); the failure is ignored
        channel.writeAndFlush(message);
    }

    /** Return why {@code message} does not answer {@code p}, or null if it does. */
    private DropReason rejection(Pending p, ByteBuf frame, StunMessage message, InetSocketAddress sender) {
        StunClass cls = message.messageClass();
        if (p == null) {
            InetSocketAddress ended = datagram ? recent.get(message.transactionId()) : null;
            return ended != null && !ended.equals(sender) && cls != StunClass.REQUEST && cls != StunClass.INDICATION
                    ? DropReason.WRONG_SOURCE : DropReason.UNKNOWN_TRANSACTION;
        }
        if (datagram && !p.destination.equals(sender)) {
            return DropReason.WRONG_SOURCE;
        }
        if (cls != StunClass.SUCCESS_RESPONSE && cls != StunClass.ERROR_RESPONSE) {
            return DropReason.NOT_A_RESPONSE;
        }
        if (message.method() != p.request.method()) {
            return DropReason.WRONG_METHOD;
        }
        if (!integrityAccepted(frame, message, p.responseKey)) {
            return DropReason.BAD_INTEGRITY;
        }
        return null;
    }

    /** Tell the listener how a transaction that was sent ended. */
    private void report(Pending p, TransactionOutcome outcome) {
        if (p.sent > 0) {
            listener.transactionEnded(p.request.method(), transport, outcome, System.nanoTime() - p.firstSentNanos);
        }
    }

    /**
     * Fail every pending transaction, and every one started later, with a {@link StunTransportException.Closed}
     * from {@code reason}. Call on the event loop.
     */
    void closeAll(Supplier<StunTransportException.Closed> reason) {
        if (closedReason == null) {
            closedReason = reason;
        }
        for (Pending p : new ArrayList<>(pending.values())) {
            fail(p, closedReason.get());
        }
    }

    private static boolean integrityAccepted(ByteBuf frame, StunMessage message, byte[] key) {
        if (key == null) {
            return true;
        }
        if (message.messageClass() == StunClass.ERROR_RESPONSE) {
            int code = message.attribute(StunAttribute.ErrorCode.class).map(StunAttribute.ErrorCode::code).orElse(0);
            if (code == StunErrorCodes.UNAUTHENTICATED || code == StunErrorCodes.STALE_NONCE) {
                return true;
            }
        }
        try {
            return StunCodec.verifyIntegrity(frame, message, key).isValid();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void start(Pending p) {
        if (p.done.get() || p.cancelled) {
            return;
        }
        if (closedReason != null) {
            fail(p, closedReason.get());
            return;
        }
        if (pending.containsKey(p.request.transactionId())) {
            fail(p, new IllegalStateException("a transaction with id " + p.request.transactionId()
                    + " is already pending on this transport"));
            return;
        }
        if (pending.size() >= MAX_PENDING) {
            fail(p, new StunTransportException.TooManyTransactions("too many STUN transactions pending on "
                    + (datagram ? "the UDP socket " : "the connection ") + FailureTexts.address(localAddress())
                    + ": the limit is " + MAX_PENDING + "."));
            return;
        }
        pending.put(p.request.transactionId(), p);
        io.netty.util.concurrent.Future<?> ready = datagram && router != null ? router.prepare(p.destination) : null;
        if (ready == null || ready.isDone()) {
            firstSend(p);
        } else {
            ready.addListener(f -> onLoop(p, () -> {
                if (!p.done.get() && !p.cancelled) {
                    firstSend(p);
                }
            }));
        }
    }

    private void firstSend(Pending p) {
        p.firstSentNanos = System.nanoTime();
        send(p);
    }

    /** Schedule what comes after this send, then write the request once more. */
    private void send(Pending p) {
        p.sent++;
        StunTimers timers = p.timers;
        Duration delay;
        Runnable next;
        if (datagram && p.sent < timers.maxRequests()) {
            delay = timers.retransmissionDelay(p.sent);
            next = () -> send(p);
        } else {
            delay = datagram ? timers.lastWait() : timers.reliableTimeout();
            next = () -> fail(p, new StunTransportException.Timeout(timeoutText(p)));
        }
        try {
            p.timer = scheduler.schedule(() -> onLoop(p, () -> {
                if (!p.done.get() && !p.cancelled) {
                    next.run();
                }
            }), delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            fail(p, new IllegalStateException("the timer scheduler rejected the transaction's timer", e));
            return;
        }
        Channel out = datagram && router != null ? router.route(p.destination) : channel;
        ByteBuf copy = p.encoded.retainedDuplicate();
        Object message = datagram && out == channel ? new DatagramPacket(copy, p.destination) : copy;
        out.writeAndFlush(message).addListener(f -> {
            if (f.isSuccess()) {
                return;
            }
            // a socket connected to the destination reports the ICMP error of an earlier datagram to it on whichever
            // comes first, a read or this write: it concerns every transaction to that destination
            String icmp = out != channel ? IcmpErrors.unreachable(f.cause()) : null;
            if (icmp != null) {
                failUnreachable(p.destination, icmp);
            } else if (datagram || channel.isOpen()) {
                // a stream closed by the failure fails every pending request with the transport's reason
                fail(p, new StunTransportException.Closed(FailureTexts.couldNotSend(p.destination, f.cause()),
                        f.cause()));
            }
        });
    }

    private String timeoutText(Pending p) {
        return datagram ? FailureTexts.noResponse(p.destination, p.sent, p.timers)
                : FailureTexts.noResponse(p.destination, p.timers);
    }

    /** Run {@code action} on the event loop; if the event loop is gone, fail the transaction here. */
    private void onLoop(Pending p, Runnable action) {
        if (eventLoop.inEventLoop()) {
            action.run();
            return;
        }
        try {
            eventLoop.execute(action);
        } catch (RejectedExecutionException e) {
            if (p.done.compareAndSet(false, true)) {
                release(p);
                p.sink.error(new StunTransportException.Closed(FailureTexts.eventLoopShutDown(), e));
            }
        }
    }

    private void fail(Pending p, Throwable error) {
        if (finish(p)) {
            report(p, error instanceof StunTransportException.Timeout ? TransactionOutcome.TIMEOUT
                    : TransactionOutcome.CLOSED);
            p.sink.error(error);
        }
    }

    /** End the transaction: forget it, stop its timer, release its bytes. Return false if it had ended already. */
    private boolean finish(Pending p) {
        if (!p.done.compareAndSet(false, true)) {
            return false;
        }
        if (pending.remove(p.request.transactionId(), p) && datagram) {
            recent.put(p.request.transactionId(), p.destination);
            if (router != null && pending.values().stream().noneMatch(q -> q.destination.equals(p.destination))) {
                router.idle(p.destination);
            }
        }
        release(p);
        return true;
    }

    private static void release(Pending p) {
        Disposable timer = p.timer;
        if (timer != null) {
            timer.dispose();
        }
        p.encoded.release();
    }

    /** One pending transaction; its mutable fields are touched on the event loop only. */
    private static final class Pending {
        final StunMessage request;
        final ByteBuf encoded;
        final InetSocketAddress destination;
        final byte[] responseKey;
        final StunTimers timers;
        final MonoSink<StunMessage> sink;
        final AtomicBoolean done = new AtomicBoolean();
        volatile boolean cancelled;
        int sent;
        long firstSentNanos;
        Disposable timer;

        Pending(StunMessage request, ByteBuf encoded, InetSocketAddress destination, byte[] responseKey,
                StunTimers timers, MonoSink<StunMessage> sink) {
            this.request = request;
            this.encoded = encoded;
            this.destination = destination;
            this.responseKey = responseKey;
            this.timers = timers;
            this.sink = sink;
        }
    }
}
