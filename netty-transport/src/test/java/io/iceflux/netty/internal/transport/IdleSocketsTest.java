package io.iceflux.netty.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The per-loop sweep that closes idle connected sockets after their grace, in virtual time. */
class IdleSocketsTest {

    private static final long GRACE = ConnectedSockets.IDLE_GRACE.toMillis();

    private VirtualTimeScheduler time;
    private final AtomicInteger timersSet = new AtomicInteger();
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final List<String> closed = new ArrayList<>();
    private IdleSockets idle;

    @BeforeEach
    void setUp() {
        time = VirtualTimeScheduler.create();
        idle = new IdleSockets(channel.eventLoop(), counting(time), GRACE);
    }

    @AfterEach
    void tearDown() {
        time.dispose();
        channel.finishAndReleaseAll();
    }

    @Test
    void eachSocketClosesOnceItsGraceHasPassedAndNotBefore() {
        idle.add(() -> closed.add("a"));
        advanceTo(50);
        idle.add(() -> closed.add("b"));
        advanceTo(1_500);
        idle.add(() -> closed.add("c"));

        advanceTo(GRACE - 1);
        assertThat(closed).isEmpty();
        advanceTo(GRACE);
        assertThat(closed).containsExactly("a");
        // b was due at 2,050, but a loop sweeps at most every TICK_MILLIS
        advanceTo(GRACE + IdleSockets.TICK_MILLIS - 1);
        assertThat(closed).containsExactly("a");
        advanceTo(GRACE + IdleSockets.TICK_MILLIS);
        assertThat(closed).containsExactly("a", "b");
        advanceTo(1_500 + GRACE - 1);
        assertThat(closed).containsExactly("a", "b");
        advanceTo(1_500 + GRACE);
        assertThat(closed).containsExactly("a", "b", "c");
        assertThat(timersSet).as("one timer per sweep, none left once nothing waits").hasValue(3);

        // nothing waits: the next one sets a timer of its own, for its whole grace
        advanceTo(10_000);
        idle.add(() -> closed.add("d"));
        advanceTo(10_000 + GRACE - 1);
        assertThat(closed).hasSize(3);
        advanceTo(10_000 + GRACE);
        assertThat(closed).containsExactly("a", "b", "c", "d");
        assertThat(timersSet).hasValue(4);
    }

    @Test
    void aThousandSocketsGoingIdleOneMillisecondApartCostAFewSweepsNotAThousandTimers() {
        for (int i = 0; i < 1_000; i++) {
            int n = i;
            idle.add(() -> closed.add("s" + n));
            time.advanceTimeBy(Duration.ofMillis(1));
        }
        advanceTo(1_000 + GRACE + IdleSockets.TICK_MILLIS);

        assertThat(closed).hasSize(1_000).startsWith("s0", "s1").endsWith("s998", "s999");
        // the first at the grace, then every TICK_MILLIS over the second the thousand were due in
        assertThat(timersSet.get()).isLessThanOrEqualTo(1 + (int) (1_000 / IdleSockets.TICK_MILLIS) + 1);
    }

    @Test
    void aDisposedSchedulerLeavesTheSocketsToTheirHostSocketsClose() {
        time.dispose();
        idle.add(() -> closed.add("a"));
        assertThat(closed).isEmpty();
    }

    private void advanceTo(long millis) {
        long now = time.now(TimeUnit.MILLISECONDS);
        time.advanceTimeBy(Duration.ofMillis(millis - now));
    }

    /** {@code delegate}, counting the delayed tasks scheduled on it. */
    private Scheduler counting(Scheduler delegate) {
        return new Scheduler() {
            @Override
            public Disposable schedule(Runnable task) {
                return delegate.schedule(task);
            }

            @Override
            public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
                timersSet.incrementAndGet();
                return delegate.schedule(task, delay, unit);
            }

            @Override
            public long now(TimeUnit unit) {
                return delegate.now(unit);
            }

            @Override
            public Worker createWorker() {
                return delegate.createWorker();
            }
        };
    }
}
