package io.iceflux.benchmarks.scale;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What Linux says about this process in {@code /proc/self/status}: OS threads (every JVM thread, GC and compiler
 * threads included), resident set size and its high-water mark.
 *
 * @param threads OS threads now
 * @param rssBytes resident set size now
 * @param hwmBytes the peak resident set size so far
 */
record ProcStatus(int threads, long rssBytes, long hwmBytes) {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path FDS = Path.of("/proc/self/fd");

    /**
     * Read {@code /proc/self/status} now.
     *
     * @throws UncheckedIOException if it cannot be read (not Linux)
     */
    static ProcStatus read() {
        List<String> lines;
        try {
            lines = Files.readAllLines(STATUS);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + STATUS + " (the harness needs Linux)", e);
        }
        int threads = -1;
        long rss = -1;
        long hwm = -1;
        for (String line : lines) {
            if (line.startsWith("Threads:")) {
                threads = Integer.parseInt(line.substring(8).trim());
            } else if (line.startsWith("VmRSS:")) {
                rss = kilobytes(line.substring(6));
            } else if (line.startsWith("VmHWM:")) {
                hwm = kilobytes(line.substring(6));
            }
        }
        return new ProcStatus(threads, rss, hwm);
    }

    /** The machine's 1-minute load average from {@code /proc/loadavg}, or -1 if it cannot be read. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The number of open file descriptors of this process, or -1 if they cannot be listed. */
    static int openFileDescriptors() {
        try (Stream<Path> fds = Files.list(FDS)) {
            return (int) fds.count();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    /**
     * CPU time (user + system) used so far by this process's threads, summed per group of thread names: {@code io}
     * (IceFlux's event loops, {@code iceflux-io-*}), {@code jit} (the JIT compiler threads), {@code gc} (the VM thread
     * and GC threads) and {@code other}. In the kernel's clock ticks (10 ms here), converted to nanoseconds; a thread
     * that ended is no longer counted.
     */
    static Map<String, Long> cpuNanosByThreadGroup() {
        Map<String, Long> groups = new TreeMap<>();
        for (String g : List.of("io", "jit", "gc", "other")) {
            groups.put(g, 0L);
        }
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException e) {
                    continue; // the thread ended meanwhile
                }
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                String[] fields = stat.substring(close + 2).split(" ");
                long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                groups.merge(threadGroup(stat.substring(open + 1, close)), ticks * 10_000_000L, Long::sum);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new UncheckedIOException("cannot list /proc/self/task (the harness needs Linux)",
                    e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
        }
        return groups;
    }

    /** The group of a thread by its (kernel, 15 characters at most) name. */
    static String threadGroup(String name) {
        if (name.startsWith("iceflux-io")) {
            return "io";
        }
        if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
            return "jit";
        }
        if (name.equals("VM Thread") || name.startsWith("GC Thread") || name.startsWith("G1 ")) {
            return "gc";
        }
        return "other";
    }

    private static long kilobytes(String value) {
        String v = value.trim();
        if (v.endsWith("kB")) {
            v = v.substring(0, v.length() - 2).trim();
        }
        return Long.parseLong(v) * 1024;
    }
}
