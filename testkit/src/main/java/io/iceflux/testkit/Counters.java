package io.iceflux.testkit;

import io.iceflux.netty.stun.StunClass;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/** The counters of one server; thread-safe. */
final class Counters {

    private static final int CLASSES = StunClass.values().length;

    private final AtomicLongArray received = new AtomicLongArray(TurnMethod.values().length * CLASSES);
    private final AtomicLongArray sent = new AtomicLongArray(TurnMethod.values().length * CLASSES);
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong created = new AtomicLong();
    private final AtomicLong channelDataReceived = new AtomicLong();
    private final AtomicLong channelDataSent = new AtomicLong();
    private final Object aliveLock = new Object();
    private int alive;

    private static int index(TurnMethod method, StunClass cls) {
        return method.ordinal() * CLASSES + cls.ordinal();
    }

    void received(TurnMethod method, StunClass cls) {
        received.incrementAndGet(index(method, cls));
    }

    void sent(TurnMethod method, StunClass cls) {
        sent.incrementAndGet(index(method, cls));
    }

    long receivedCount(TurnMethod method, StunClass cls) {
        return received.get(index(method, cls));
    }

    long sentCount(TurnMethod method, StunClass cls) {
        return sent.get(index(method, cls));
    }

    void dropped() {
        dropped.incrementAndGet();
    }

    long droppedCount() {
        return dropped.get();
    }

    void channelDataReceived() {
        channelDataReceived.incrementAndGet();
    }

    long channelDataReceivedCount() {
        return channelDataReceived.get();
    }

    void channelDataSent() {
        channelDataSent.incrementAndGet();
    }

    long channelDataSentCount() {
        return channelDataSent.get();
    }

    long createdCount() {
        return created.get();
    }

    void allocationCreated() {
        created.incrementAndGet();
        synchronized (aliveLock) {
            alive++;
            aliveLock.notifyAll();
        }
    }

    void allocationDeleted() {
        synchronized (aliveLock) {
            alive--;
            aliveLock.notifyAll();
        }
    }

    int alive() {
        synchronized (aliveLock) {
            return alive;
        }
    }

    /** Wait until {@code alive == expected}; false on timeout. */
    boolean awaitAlive(int expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (aliveLock) {
            while (alive != expected) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(aliveLock, left);
            }
            return true;
        }
    }

    /** Zero every counter except the live allocations. */
    void reset() {
        for (int i = 0; i < received.length(); i++) {
            received.set(i, 0);
            sent.set(i, 0);
        }
        dropped.set(0);
        created.set(0);
        channelDataReceived.set(0);
        channelDataSent.set(0);
    }
}
