package io.iceflux.benchmarks.scale;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;

/**
 * Peak threads and heap of this process, sampled by the thread that waits for the gatherings (so measuring adds
 * no thread), plus the exact Java-thread peak from {@link ThreadMXBean} and the RSS high-water mark from the
 * kernel.
 */
final class Peaks {

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private int osThreads;
    private long heapBytes;
    private long rssBytes;

    /** Forget what was seen so far and start over from now. */
    void reset() {
        THREADS.resetPeakThreadCount();
        osThreads = 0;
        heapBytes = 0;
        rssBytes = 0;
        sample();
    }

    /** Take one sample. */
    void sample() {
        ProcStatus status = ProcStatus.read();
        osThreads = Math.max(osThreads, status.threads());
        rssBytes = Math.max(rssBytes, status.rssBytes());
        heapBytes = Math.max(heapBytes, MEMORY.getHeapMemoryUsage().getUsed());
    }

    /** The most OS threads seen (JVM, GC and compiler threads included). */
    int osThreads() {
        return osThreads;
    }

    /** The most Java threads alive at once since {@link #reset()} (exact, from the JVM). */
    int javaThreads() {
        return THREADS.getPeakThreadCount();
    }

    /** The most heap in use seen. */
    long heapBytes() {
        return heapBytes;
    }

    /** The peak resident set size of the whole process life (kernel high-water mark), or the sampled peak if larger. */
    long rssBytes() {
        return Math.max(rssBytes, ProcStatus.read().hwmBytes());
    }

    /** CPU time (user + system) this process has used so far, or -1 if the JVM does not say. */
    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** Java threads alive now. */
    static int javaThreadsNow() {
        return THREADS.getThreadCount();
    }

    /** Heap in use after full collections: what is reachable. */
    static long usedHeapAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, MEMORY.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
