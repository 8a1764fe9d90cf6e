package io.iceflux.netty.internal.turn;

import io.iceflux.ServerTransport;
import io.iceflux.StunTimers;
import io.iceflux.netty.internal.transport.StunTransport;
import io.iceflux.netty.internal.transport.StunTransportException;
import io.iceflux.netty.stun.StunEncodeOptions;
import io.iceflux.netty.stun.StunMessage;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;

/**
 * A {@link StunTransport} whose responses come from a {@link Script}: it records every request it is asked to send
 * (with its options, destination and response key), and counts closes and cancelled transactions. No socket.
 *
 * <p>Its event loop ({@link #executor()}) is the script's virtual-time scheduler: a task submitted from the test
 * thread runs at once, one submitted from a task (or a virtual timer) runs right after it, in order, never two at
 * once, so the tests stay single-threaded and deterministic.
 */
final class ScriptedTransport implements StunTransport {

    /** One request handed to {@link #request}, and the transport it went through. */
    record Sent(ScriptedTransport transport, StunMessage request, StunEncodeOptions options,
            InetSocketAddress destination, byte[] responseKey, StunTimers timers) {
    }

    private final Script script;
    private final InetSocketAddress localAddress;
    private final ServerTransport transport;
    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final AtomicInteger closes = new AtomicInteger();
    private final AtomicInteger cancelledTransactions = new AtomicInteger();
    private volatile boolean open = true;

    ScriptedTransport(Script script, InetSocketAddress localAddress, ServerTransport transport) {
        this.script = script;
        this.localAddress = localAddress;
        this.transport = transport;
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public ServerTransport transport() {
        return transport;
    }

    @Override
    public Executor executor() {
        return script.scheduler()::schedule;
    }

    @Override
    public Mono<StunMessage> request(StunMessage request, StunEncodeOptions options, InetSocketAddress destination,
            byte[] responseKey, StunTimers timers) {
        return Mono.defer(() -> {
            if (!open) {
                return Mono.error(new StunTransportException.Closed("transport " + localAddress + " is closed", null));
            }
            Sent s = new Sent(this, request, options, destination, responseKey == null ? null : responseKey.clone(),
                    timers);
            sent.add(s);
            script.record(s);
            AtomicBoolean answered = new AtomicBoolean();
            return script.answer(s).doOnEach(signal -> answered.set(true)).doOnCancel(() -> {
                if (!answered.get()) {
                    cancelledTransactions.incrementAndGet();
                }
            });
        });
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public Mono<Void> close() {
        // like the real transports (StunTransport#close): closing starts on the call, not on subscription
        open = false;
        closes.incrementAndGet();
        return Mono.empty();
    }

    /** Return the requests sent through this transport, in order. */
    List<Sent> sent() {
        return List.copyOf(sent);
    }

    /** Return how many times {@link #close()} ran. */
    int closes() {
        return closes.get();
    }

    /** Return how many transactions were cancelled before they completed. */
    int cancelledTransactions() {
        return cancelledTransactions.get();
    }

    @Override
    public String toString() {
        return "ScriptedTransport[" + transport + " " + localAddress + "]";
    }
}
