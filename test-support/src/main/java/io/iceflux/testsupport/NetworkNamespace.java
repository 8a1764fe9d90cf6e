package io.iceflux.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A Linux network namespace made for one test: {@code ip netns add}, a veth pair with one end in the namespace,
 * and a private IPv4 /30 from {@code 10.77.0.0/16} on it ({@link #hostAddress()} on the host's end,
 * {@link #nsAddress()} on the namespace's end). Tests talk only to the namespace they made: nothing is routed beyond
 * the veth, and the namespace's loopback is up.
 *
 * <pre>{@code
 * NetworkNamespace.assumeAvailable();              // skips the test unless root with iproute2
 * try (NetworkNamespace ns = NetworkNamespace.create("icmp")) {
 *     ns.exec("ip", "route", "add", "unreachable", "10.77.1.200/32");
 *     Process server = ns.start("/usr/bin/turnserver", "-c", config);
 *     ...
 * }
 * }</pre>
 *
 * <p>{@link #close()} kills every process still running in the namespace (SIGKILL, by the PIDs
 * {@code ip netns pids} lists, plus the ones {@link #start} started), deletes the namespace (which deletes the veth
 * pair and every route through it) and waits for that. A JVM shutdown hook does the same for a run that never
 * reaches {@code close()}. Needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN) and {@code ip} from iproute2:
 * {@link #available()} tells, {@link #assumeAvailable()} turns it into a JUnit assumption. The name and the /30 are
 * picked at random among those not in use, so that tests of several builds on one machine do not collide.
 *
 * <p>Thread-safe.
 */
public final class NetworkNamespace implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
    private static final String[] IP_PATHS = {"/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"};
    private static final int ATTEMPTS = 8;

    private final String name;
    private final String hostInterface;
    private final InetAddress hostAddress;
    private final InetAddress nsAddress;
    private final List<Process> started = new CopyOnWriteArrayList<>();
    private final Thread shutdownHook;
    private boolean closed;

    private NetworkNamespace(String name, String hostInterface, InetAddress hostAddress, InetAddress nsAddress) {
        this.name = name;
        this.hostInterface = hostInterface;
        this.hostAddress = hostAddress;
        this.nsAddress = nsAddress;
        this.shutdownHook = new Thread(this::teardown, "netns-teardown-" + name);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Whether namespaces can be made here: running as root on Linux with {@code ip} installed. */
    public static boolean available() {
        return ip() != null && isRoot();
    }

    /** Skip the calling JUnit test unless {@link #available()}, saying why. */
    public static void assumeAvailable() {
        org.junit.jupiter.api.Assumptions.assumeTrue(ip() != null, "iproute2's ip is not installed");
        org.junit.jupiter.api.Assumptions.assumeTrue(isRoot(), "network namespaces need root");
    }

    /**
     * Create a namespace named {@code namePrefix} plus a random suffix, with a veth pair and a /30 on it, both ends
     * up, and the namespace's loopback up.
     *
     * @param namePrefix a few letters that say which test made it (at most 6 characters, letters and digits)
     * @throws IllegalStateException if the namespace cannot be made (not root, no {@code ip}); what {@code ip} said is
     *     in the message
     */
    public static NetworkNamespace create(String namePrefix) {
        Objects.requireNonNull(namePrefix, "namePrefix");
        if (!namePrefix.matches("[a-z0-9]{1,6}")) {
            throw new IllegalArgumentException("namePrefix must be 1 to 6 lower-case letters or digits: " + namePrefix);
        }
        if (ip() == null) {
            throw new IllegalStateException("iproute2's ip is not installed");
        }
        IllegalStateException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            String suffix = String.format("%04x", RANDOM.nextInt(0x10000));
            String name = "if" + namePrefix + suffix;
            int third = RANDOM.nextInt(256);
            int fourth = RANDOM.nextInt(64) * 4;
            String prefix = "10.77." + third + ".";
            if (run(false, ip(), "-4", "route", "show", "match", prefix + (fourth + 1)).stdout().contains(prefix)
                    || run(false, ip(), "netns", "list").stdout().contains(name)) {
                continue;
            }
            String hostIf = "vh" + namePrefix + suffix;
            String nsIf = "vn" + namePrefix + suffix;
            InetAddress host = literal(prefix + (fourth + 1));
            InetAddress ns = literal(prefix + (fourth + 2));
            try {
                must(ip(), "netns", "add", name);
            } catch (IllegalStateException e) {
                last = e;
                continue;
            }
            NetworkNamespace made = new NetworkNamespace(name, hostIf, host, ns);
            try {
                must(ip(), "link", "add", hostIf, "type", "veth", "peer", "name", nsIf);
                must(ip(), "link", "set", nsIf, "netns", name);
                must(ip(), "addr", "add", host.getHostAddress() + "/30", "dev", hostIf);
                must(ip(), "link", "set", hostIf, "up");
                made.exec(ip(), "addr", "add", ns.getHostAddress() + "/30", "dev", nsIf);
                made.exec(ip(), "link", "set", nsIf, "up");
                made.exec(ip(), "link", "set", "lo", "up");
                return made;
            } catch (IllegalStateException e) {
                made.close();
                last = e;
            }
        }
        throw new IllegalStateException("could not create a network namespace after " + ATTEMPTS + " attempts"
                + (last == null ? "" : ": " + last.getMessage()), last);
    }

    /** The namespace's name, for {@code ip netns exec}. */
    public String name() {
        return name;
    }

    /** The host's end of the veth pair (in the namespace the test runs in). */
    public String hostInterface() {
        return hostInterface;
    }

    /** The address of the host's end of the veth pair: where the namespace sees the test's packets come from. */
    public InetAddress hostAddress() {
        return hostAddress;
    }

    /** The address of the namespace's end of the veth pair: where servers in the namespace listen. */
    public InetAddress nsAddress() {
        return nsAddress;
    }

    /**
     * Route {@code destination}/32 from the host through the namespace ({@code ip route add … via nsAddress dev
     * hostInterface}); what the namespace does with it is the test's to set up (e.g. {@code exec("ip", "route",
     * "add", "unreachable", …)} with forwarding on). The route goes away with the veth pair.
     *
     * @throws IllegalStateException if {@code ip} fails
     */
    public void routeThrough(InetAddress destination) {
        if (!(destination instanceof Inet4Address)) {
            throw new IllegalArgumentException("only IPv4 destinations: " + destination);
        }
        must(ip(), "route", "add", destination.getHostAddress() + "/32", "via", nsAddress.getHostAddress(), "dev",
                hostInterface);
    }

    /**
     * Run {@code command} inside the namespace ({@code ip netns exec NAME command…}) and wait for it.
     *
     * @return what it wrote on standard output
     * @throws IllegalStateException if it exits with a non-zero status or runs longer than 20 s; the message has its
     *     output
     */
    public String exec(String... command) {
        return must(inside(command)).stdout();
    }

    /**
     * Start {@code command} inside the namespace and return at once; {@link #close()} kills it if it is still
     * running. Its standard input is empty; its output goes to {@code output} (standard error merged in).
     */
    public Process start(Path output, String... command) {
        try {
            Process p = new ProcessBuilder(inside(command))
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            started.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + String.join(" ", command) + " in " + name, e);
        }
    }

    /**
     * Kill what runs in the namespace, delete it (the veth pair and its routes go with it) and wait for that.
     * Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        teardown();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs teardown again, which is harmless
        }
    }

    @Override
    public String toString() {
        return "NetworkNamespace[" + name + ", host " + hostAddress.getHostAddress() + ", ns "
                + nsAddress.getHostAddress() + "]";
    }

    private void teardown() {
        for (Process p : started) {
            p.destroyForcibly();
        }
        for (String pid : run(false, ip(), "netns", "pids", name).stdout().split("\\s+")) {
            if (pid.matches("\\d+")) {
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        for (Process p : started) {
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        run(false, ip(), "netns", "delete", name);
        run(false, ip(), "link", "delete", hostInterface);
    }

    private String[] inside(String... command) {
        if (command.length == 0) {
            throw new IllegalArgumentException("no command");
        }
        List<String> all = new ArrayList<>(List.of(ip(), "netns", "exec", name));
        all.addAll(List.of(command));
        return all.toArray(String[]::new);
    }

    private static Result must(String... command) {
        Result r = run(true, command);
        if (r.exit() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + r.exit() + ": "
                    + r.stdout().strip());
        }
        return r;
    }

    private record Result(int exit, String stdout) {
    }

    private static Result run(boolean strict, String... command) {
        try {
            Path out = Files.createTempFile("netns", ".out");
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
                if (!p.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    if (strict) {
                        throw new IllegalStateException(String.join(" ", command) + " ran longer than "
                                + COMMAND_TIMEOUT.toSeconds() + " s");
                    }
                    return new Result(-1, "");
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            if (strict) {
                throw new IllegalStateException("could not run " + String.join(" ", command) + ": " + e, e);
            }
            return new Result(-1, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }

    private static String ip() {
        for (String path : IP_PATHS) {
            if (Files.isExecutable(Path.of(path))) {
                return path;
            }
        }
        return null;
    }

    private static boolean isRoot() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return Integer.valueOf(0).equals(uid);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    private static InetAddress literal(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(ip, e);
        }
    }
}
