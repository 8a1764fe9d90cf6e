package io.iceflux.netty.internal.turn;

import io.iceflux.ServerTransport;
import io.iceflux.netty.internal.transport.StunTransport;
import io.iceflux.netty.internal.transport.StunTransportFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * A {@link StunTransportFactory} that opens {@link ScriptedTransport}s sharing one {@link Script}, on ports 40000,
 * 40001 …, and records each call. {@link #failWith} makes the next opens fail instead.
 */
final class ScriptedFactory implements StunTransportFactory {

    /** One call to {@link #openUdp} ({@code server} and {@code tlsHostName} null) or {@link #openStream}. */
    record Open(InetAddress localAddress, InetSocketAddress server, String tlsHostName, ScriptedTransport opened) {
    }

    private final Script script;
    private final AtomicInteger nextPort = new AtomicInteger(40_000);
    private final List<Open> opens = new CopyOnWriteArrayList<>();
    private volatile RuntimeException failure;
    private volatile Duration openDelay = Duration.ZERO;
    private volatile Scheduler scheduler;

    ScriptedFactory(Script script) {
        this.script = script;
    }

    /** Make every later open complete only after {@code delay} of time on {@code timer}. */
    void delayOpens(Duration delay, Scheduler timer) {
        this.openDelay = delay;
        this.scheduler = timer;
    }

    /** Fail every later open with {@code error}. */
    void failWith(RuntimeException error) {
        this.failure = error;
    }

    @Override
    public Mono<StunTransport> openUdp(InetAddress localAddress) {
        return open(localAddress, null, null, ServerTransport.UDP);
    }

    @Override
    public Mono<StunTransport> openStream(InetAddress localAddress, InetSocketAddress server, String tlsHostName) {
        return open(localAddress, server, tlsHostName, tlsHostName != null ? ServerTransport.TLS : ServerTransport.TCP);
    }

    private Mono<StunTransport> open(InetAddress local, InetSocketAddress server, String tlsHostName,
            ServerTransport transport) {
        Mono<Long> wait = openDelay.isZero() ? Mono.just(0L) : Mono.delay(openDelay, scheduler);
        return wait.then(Mono.defer(() -> {
            if (failure != null) {
                opens.add(new Open(local, server, tlsHostName, null));
                return Mono.error(failure);
            }
            ScriptedTransport t = new ScriptedTransport(script,
                    new InetSocketAddress(local, nextPort.getAndIncrement()), transport);
            opens.add(new Open(local, server, tlsHostName, t));
            return Mono.just(t);
        }));
    }

    /** Return the opens so far, in order. */
    List<Open> opens() {
        return List.copyOf(opens);
    }
}
