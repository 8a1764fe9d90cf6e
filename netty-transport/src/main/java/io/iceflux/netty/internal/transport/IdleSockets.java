package io.iceflux.netty.internal.transport;

import io.netty.channel.EventLoop;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import reactor.core.scheduler.Scheduler;

/**
 * The connected sockets of one event loop that went idle, closed {@link ConnectedSockets#IDLE_GRACE} later by one
 * timer for the whole loop rather than one per socket: a gathering makes a socket idle two or three times (after its
 * Binding and 401, after its Allocate, after the delete of its allocation), and a timer that fires costs its loop a
 * wake-up, or up to half a millisecond of polling when the timer runs on that loop. The timer is set only while some
 * socket waits, for the earliest one's due time but at least {@link #TICK_MILLIS} after the last sweep, so the loop
 * sweeps at most ten times a second however many gatherings end; a socket may then close up to that much after its
 * grace. Times come from the gatherer's {@link Scheduler} (virtual time in tests). Confined to its event loop.
 */
final class IdleSockets {

    /** The shortest time between two sweeps of one loop. */
    static final long TICK_MILLIS = 100;

    private final EventLoop loop;
    private final Scheduler scheduler;
    private final long graceMillis;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private boolean timerSet;

    /** One idle socket: {@code closeIfStillIdle} is run once it is due. */
    private record Waiting(long dueMillis, Runnable closeIfStillIdle) {
    }

    IdleSockets(EventLoop loop, Scheduler scheduler, long graceMillis) {
        this.loop = loop;
        this.scheduler = scheduler;
        this.graceMillis = graceMillis;
    }

    /** Run {@code closeIfStillIdle} on the loop once the grace has passed. Call on the loop. */
    void add(Runnable closeIfStillIdle) {
        // the grace is the same for every socket, so the queue stays in due order
        waiting.add(new Waiting(scheduler.now(TimeUnit.MILLISECONDS) + graceMillis, closeIfStillIdle));
        if (!timerSet) {
            setTimer(graceMillis);
        }
    }

    private void setTimer(long delayMillis) {
        timerSet = true;
        try {
            scheduler.schedule(() -> {
                if (loop.inEventLoop()) {
                    sweep();
                    return;
                }
                try {
                    loop.execute(this::sweep);
                } catch (RejectedExecutionException loopShutDown) {
                    // the loop is gone, and every socket registered on it with it
                }
            }, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException schedulerDisposed) {
            // nothing will sweep: closing a host socket still closes its connected sockets
            timerSet = false;
            waiting.clear();
        }
    }

    private void sweep() {
        timerSet = false;
        long now = scheduler.now(TimeUnit.MILLISECONDS);
        Waiting next;
        while ((next = waiting.peek()) != null && next.dueMillis() <= now) {
            waiting.poll();
            next.closeIfStillIdle().run();
        }
        if (next != null) {
            setTimer(Math.max(next.dueMillis() - now, TICK_MILLIS));
        }
    }
}
