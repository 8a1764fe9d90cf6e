package io.iceflux.netty.internal.gather;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The releases of one gatherer's gatherings that are under way: what a generation does once it completed, failed or
 * was cancelled (delete its TURN allocations, wait for the exchanges it cancelled, close its sockets). A cancel
 * returns at once and its release goes on in the background; the gatherer waits for {@link #idle()} before it shuts
 * down the event loops those releases run on. Thread-safe without locks.
 */
public final class Cleanups {

    private final Set<Sinks.Empty<Void>> running = ConcurrentHashMap.newKeySet();

    /**
     * Return {@code release}, recorded as under way from its subscription (synchronously, so a release started by a
     * cancel is recorded by the time the cancel returns) until it terminates.
     */
    Mono<Void> track(Mono<Void> release) {
        return Mono.defer(() -> {
            Sinks.Empty<Void> done = Sinks.empty();
            running.add(done);
            return release.doFinally(signal -> {
                running.remove(done);
                done.tryEmitEmpty();
            });
        });
    }

    /** Return how many releases are under way now. */
    public int running() {
        return running.size();
    }

    /**
     * Return a {@code Mono} that completes once no release is under way: those running at subscription, and any that
     * started while it waited. Never fails.
     */
    public Mono<Void> idle() {
        return Mono.defer(() -> {
            List<Mono<Void>> now = running.stream().map(Sinks.Empty::asMono).toList();
            return now.isEmpty() ? Mono.<Void>empty() : Mono.when(now).then(idle());
        });
    }
}
