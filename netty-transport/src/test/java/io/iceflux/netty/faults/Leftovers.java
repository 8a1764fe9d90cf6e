package io.iceflux.netty.faults;

import io.iceflux.netty.fixtures.OpenSockets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * What a test may leave behind in this JVM: open sockets (the {@code socket:[inode]} links in
 * {@code /proc/self/fd}) and live threads. Take a snapshot before, then {@link #assertNothingNew} after: closing is
 * asynchronous, so it polls for up to 5 s before it fails with what is left.
 */
final class Leftovers {

    /**
     * Threads started on first use by the JDK or Netty for the whole process, which outlive any one test on
     * purpose: the process reaper (coturn is a child process; it idles out after 60 s) and Netty's object cleaner.
     */
    private static final Predicate<String> PROCESS_WIDE = name -> name.startsWith("process reaper")
            || name.startsWith("ObjectCleanerThread") || name.startsWith("Attach Listener")
            || name.startsWith("globalEventExecutor");

    private final Set<String> sockets;
    private final Set<String> threads;
    private final Predicate<String> shared;

    private Leftovers(Set<String> sockets, Set<String> threads, Predicate<String> shared) {
        this.sockets = sockets;
        this.threads = threads;
        this.shared = shared;
    }

    /** A snapshot; threads whose name {@code shared} accepts (the class's shared gatherer) are not counted. */
    static Leftovers snapshot(Predicate<String> shared) {
        return new Leftovers(sockets(), threads(), shared);
    }

    /** Fail if a socket or a thread that was not in the snapshot is still there after 5 s. */
    void assertNothingNew() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            Set<String> newSockets = new TreeSet<>(sockets());
            newSockets.removeAll(sockets);
            Set<String> newThreads = threads().stream()
                    .filter(t -> !threads.contains(t) && !PROCESS_WIDE.test(t) && !shared.test(t))
                    .collect(Collectors.toCollection(TreeSet::new));
            if (newSockets.isEmpty() && newThreads.isEmpty()) {
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("left behind after 5 s: sockets " + describe(newSockets) + ", threads "
                        + newThreads);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /** Fail if a thread whose name starts with {@code prefix} is still alive after 5 s. */
    static void awaitNoThread(String prefix) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (threads().stream().anyMatch(t -> t.startsWith(prefix))) {
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("threads still alive after 5 s: " + threads().stream()
                        .filter(t -> t.startsWith(prefix)).toList());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    /** The open sockets of this process, as {@code socket:[inode]}. */
    static Set<String> sockets() {
        return OpenSockets.now();
    }

    /** Each socket with its protocol and addresses, as {@link OpenSockets#describe} gives them. */
    static List<String> describe(Set<String> sockets) {
        return OpenSockets.describe(sockets);
    }

    /** The names and ids of the live threads. */
    @SuppressWarnings("deprecation") // Thread.threadId() is Java 19+
    static Set<String> threads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .map(t -> t.getName() + "#" + t.getId()).collect(Collectors.toCollection(TreeSet::new));
    }
}
