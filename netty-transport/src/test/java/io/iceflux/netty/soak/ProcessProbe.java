package io.iceflux.netty.soak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** What this JVM holds right now: open sockets (from {@code /proc/self/fd}), live threads, heap after a GC. */
final class ProcessProbe {

    private static final Path FDS = Path.of("/proc/self/fd");

    private ProcessProbe() {
    }

    /**
     * Returns how many of this process's file descriptors are sockets ({@code socket:[inode]} links).
     *
     * @throws UncheckedIOException if {@code /proc/self/fd} cannot be listed (not Linux)
     */
    static int openSockets() {
        try (Stream<Path> fds = Files.list(FDS)) {
            return (int) fds.filter(ProcessProbe::isSocket).count();
        } catch (IOException e) {
            throw new UncheckedIOException("could not list " + FDS, e);
        }
    }

    private static boolean isSocket(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString().startsWith("socket:");
        } catch (IOException closedMeanwhile) {
            return false;
        }
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
