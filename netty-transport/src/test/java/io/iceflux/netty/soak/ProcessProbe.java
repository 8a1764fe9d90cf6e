package io.iceflux.netty.soak;

import io.iceflux.netty.fixtures.OpenSockets;
import java.lang.management.ManagementFactory;

/** What this JVM holds right now: open sockets (from {@code /proc/self/fd}), live threads, heap after a GC. */
final class ProcessProbe {

    private ProcessProbe() {
    }

    /**
     * Returns how many of this process's file descriptors are sockets ({@code socket:[inode]} links).
     *
     * @throws java.io.UncheckedIOException if {@code /proc/self/fd} cannot be listed (not Linux)
     */
    static int openSockets() {
        return OpenSockets.now().size();
    }

    /** Returns the number of live threads. */
    static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    /** Returns the used heap in bytes after asking for two full collections. */
    static long heapAfterGc() {
        System.gc();
        System.runFinalization();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
