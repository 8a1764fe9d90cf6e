package io.iceflux.netty.internal.turn;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The record of the TURN allocate exchanges that ran on one owner's sockets (a gathering generation's), so that the
 * owner can delete what they left on servers <em>before</em> it closes those sockets: an allocation lives on the
 * 5-tuple of its socket, and a shared UDP host socket closed under an exchange takes away its only way to delete.
 *
 * <p>Each exchange records itself when it starts, on the subscriber's thread, so it is on the ledger before anyone
 * can cancel it. Its entry, subscribed by {@link #release()}, deletes the allocation it handed over, or waits for an
 * exchange that was cancelled mid-way to clean up (it keeps an authenticated Allocate in flight to its end and
 * deletes what it created), or abandons an exchange still running. Each entry is bounded by the STUN timers, so
 * {@link #release()} is too.
 *
 * <p>Thread-safe without locks. The owner releases the ledger once every exchange on it has ended or been cancelled
 * (a gathering's events have terminated or were cancelled); an exchange recorded after that is released at once, and
 * nothing waits for it.
 */
public final class RelayLedger {

    private final Queue<Supplier<Mono<Void>>> entries = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean released = new AtomicBoolean();
    private final Sinks.Empty<Void> done = Sinks.empty();

    /** Record an exchange whose {@code release} leaves nothing of it on the server and must never fail. */
    void record(Supplier<Mono<Void>> release) {
        entries.add(release);
        if (released.get() && entries.remove(release)) {
            release.get().subscribe();
        }
    }

    /**
     * Release every recorded exchange, all at once, and complete when each is done. Never fails. Idempotent: later
     * calls complete when the first release is over.
     */
    public Mono<Void> release() {
        return Mono.defer(() -> {
            if (!released.compareAndSet(false, true)) {
                return done.asMono();
            }
            List<Supplier<Mono<Void>>> all = new ArrayList<>();
            Supplier<Mono<Void>> entry;
            while ((entry = entries.poll()) != null) {
                all.add(entry);
            }
            return Flux.fromIterable(all)
                    .flatMap(release -> Mono.defer(release).onErrorResume(ignored -> Mono.empty()))
                    .then()
                    .doFinally(signal -> done.tryEmitEmpty());
        });
    }
}
