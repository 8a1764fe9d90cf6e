package io.iceflux.netty.internal.transport;

import com.sun.management.UnixOperatingSystemMXBean;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioChannelOption;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.scheduler.Scheduler;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * What a transport needs to hear ICMP errors on UDP: the socket options that let a connected socket share the host
 * socket's port ({@code SO_REUSEPORT}) and, on epoll, report every ICMP unreachable ({@code IP_RECVERR}), found for
 * the channel types in use; and the reading of the exceptions a connected socket's reads and writes fail with.
 *
 * <p>Linux reports an ICMP error to the UDP socket whose 4-tuple matches the IP and UDP headers quoted in the ICMP
 * message (RFC 1122 §4.1.3.3): an unconnected socket hears nothing, a connected one fails its next read or write.
 * NIO and epoll turn {@code ECONNREFUSED} (port unreachable) into {@link PortUnreachableException}; NIO turns a
 * hard {@code EHOSTUNREACH} into {@link NoRouteToHostException}; epoll's other errors are Netty's
 * {@code Errors.NativeIoException}, whose errno is read by reflection (netty-transport-native-unix-common is the
 * application's, not ours). Without {@code IP_RECVERR} Linux reports only the ICMP codes it deems hard errors:
 * port unreachable and the "administratively prohibited" host codes, not a router's plain host unreachable (code
 * 1); NIO cannot set {@code IP_RECVERR}, epoll can.
 *
 * <p>io_uring and kqueue are not supported: their transports keep the retransmission timers. (Netty 4.2.18's
 * io_uring datagram channel leaks its read buffer when a connected socket's read fails with an ICMP error.)
 */
final class IcmpErrors {

    private static final Logger log = Loggers.getLogger(IcmpErrors.class);

    /** Linux's errno values (epoll is Linux-only). */
    private static final int ECONNREFUSED = 111;
    private static final int EHOSTUNREACH = 113;
    private static final int ENETUNREACH = 101;
    private static final int SOL_IP = 0;
    private static final int IP_RECVERR = 11;
    private static final int SOL_IPV6 = 41;
    private static final int IPV6_RECVERR = 25;

    static final String PORT_UNREACHABLE = "port unreachable";
    static final String HOST_UNREACHABLE = "host unreachable";
    static final String NETWORK_UNREACHABLE = "network unreachable";

    /** The options of no transport: ICMP errors are not listened for. */
    static final IcmpErrors NONE = new IcmpErrors(null, null, null, 0);

    /** The most connected sockets a factory keeps open at once, whatever the process's file descriptor limit. */
    static final int MAX_CONNECTED_SOCKETS = 4096;

    private static volatile Method expectedErr;

    private final ChannelOption<Boolean> reusePort;
    private final ChannelOption<Integer> recvErr4;
    private final ChannelOption<Integer> recvErr6;

    /** Each event loop's idle connected sockets, waiting for their grace to end. */
    private final Map<EventLoop, IdleSockets> idle = new ConcurrentHashMap<>();

    /** How many more connected sockets may be opened (each is one file descriptor beside its host socket's). */
    private final AtomicInteger budget;
    private final int limit;

    private IcmpErrors(ChannelOption<Boolean> reusePort, ChannelOption<Integer> recvErr4,
            ChannelOption<Integer> recvErr6, int limit) {
        this.reusePort = reusePort;
        this.recvErr4 = recvErr4;
        this.recvErr6 = recvErr6;
        this.limit = limit;
        this.budget = new AtomicInteger(limit);
    }

    /**
     * The same options with room for at most {@code limit} connected sockets open at once (a request beyond it
     * leaves from its host socket, and its timers decide).
     */
    IcmpErrors withLimit(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, not " + limit);
        }
        return new IcmpErrors(reusePort, recvErr4, recvErr6, limit);
    }

    /** How many connected sockets may be open at once. */
    int limit() {
        return limit;
    }

    /** Take room for one connected socket; false when {@link #limit()} are open. */
    boolean tryAcquire() {
        return budget.getAndUpdate(n -> n > 0 ? n - 1 : n) > 0;
    }

    /**
     * The idle connected sockets of {@code loop}, closed after their grace by timers on {@code scheduler} (the
     * factory's: one scheduler per {@code IcmpErrors}).
     */
    IdleSockets idleSockets(EventLoop loop, Scheduler scheduler) {
        return idle.computeIfAbsent(loop,
                l -> new IdleSockets(l, scheduler, ConnectedSockets.IDLE_GRACE.toMillis()));
    }

    /** Give back the room of a connected socket that closed. */
    void release() {
        budget.incrementAndGet();
    }

    /**
     * The default limit: a quarter of the process's file descriptor limit (every gathering's host socket needs one
     * too, and the rest of the application more), at most {@value #MAX_CONNECTED_SOCKETS}; 256 where the limit is
     * unknown.
     */
    static int defaultLimit() {
        try {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
                long max = unix.getMaxFileDescriptorCount();
                if (max > 0) {
                    return (int) Math.min(MAX_CONNECTED_SOCKETS, max / 4);
                }
            }
        } catch (RuntimeException | LinkageError e) {
            log.debug("The file descriptor limit is unknown: {}", e.toString());
        }
        return 256;
    }

    /**
     * The options for {@code types}' transport: NIO ({@code SO_REUSEPORT} when the JDK supports it for datagram
     * channels) or epoll ({@code SO_REUSEPORT} and {@code IP_RECVERR}/{@code IPV6_RECVERR}); {@link #NONE} for any
     * other transport or when the options cannot be found.
     */
    static IcmpErrors of(ChannelTypes types) {
        try {
            switch (types.transport()) {
                case "nio":
                    return nioSupportsReusePort()
                            ? new IcmpErrors(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), null, null,
                                    defaultLimit())
                            : NONE;
                case "epoll":
                    return unix(types.datagram().getClassLoader());
                default:
                    return NONE;
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            log.debug("ICMP errors are not listened for on {}: {}", types.transport(), e.toString());
            return NONE;
        }
    }

    @SuppressWarnings("unchecked")
    private static IcmpErrors unix(ClassLoader loader) throws ReflectiveOperationException {
        Class<?> unixOption = Class.forName("io.netty.channel.unix.UnixChannelOption", true, loader);
        ChannelOption<Boolean> reusePort = (ChannelOption<Boolean>) unixOption.getField("SO_REUSEPORT").get(null);
        Class<?> integerOption = Class.forName("io.netty.channel.unix.IntegerUnixChannelOption", true, loader);
        var constructor = integerOption.getConstructor(String.class, int.class, int.class);
        ChannelOption<Integer> v4 = (ChannelOption<Integer>) constructor.newInstance("IP_RECVERR", SOL_IP, IP_RECVERR);
        ChannelOption<Integer> v6 = (ChannelOption<Integer>) constructor.newInstance("IPV6_RECVERR", SOL_IPV6,
                IPV6_RECVERR);
        return new IcmpErrors(reusePort, v4, v6, defaultLimit());
    }

    private static boolean nioSupportsReusePort() {
        try (DatagramChannel probe = DatagramChannel.open()) {
            return probe.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** Whether connected sockets can be opened at all. */
    boolean supported() {
        return reusePort != null;
    }

    /** {@code SO_REUSEPORT}: set on the host socket once it is bound, and on each connected socket before bind. */
    ChannelOption<Boolean> reusePort() {
        return reusePort;
    }

    /** {@code IP_RECVERR} or {@code IPV6_RECVERR} for a socket on {@code local}, or null where it cannot be set. */
    ChannelOption<Integer> recvErr(InetAddress local) {
        return local instanceof Inet6Address ? recvErr6 : recvErr4;
    }

    /**
     * What the ICMP error behind {@code cause} says, as the errorText words ({@value #PORT_UNREACHABLE},
     * {@value #HOST_UNREACHABLE}, {@value #NETWORK_UNREACHABLE}), or null when {@code cause} is no ICMP
     * unreachable error. Call only for errors of a connected socket, where nothing but an ICMP error makes
     * these errno values.
     */
    static String unreachable(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PortUnreachableException) {
                return PORT_UNREACHABLE;
            }
            if (t instanceof NoRouteToHostException) {
                return HOST_UNREACHABLE;
            }
            int errno = nativeErrno(t);
            if (errno == ECONNREFUSED) {
                return PORT_UNREACHABLE;
            }
            if (errno == EHOSTUNREACH) {
                return HOST_UNREACHABLE;
            }
            if (errno == ENETUNREACH) {
                return NETWORK_UNREACHABLE;
            }
            if (errno < 0 && t instanceof IOException && t.getMessage() != null) {
                // NIO's write of a connected socket: a plain IOException with strerror's text
                String m = t.getMessage().toLowerCase(Locale.ROOT);
                if (m.endsWith("connection refused")) {
                    return PORT_UNREACHABLE;
                }
                if (m.endsWith("no route to host")) {
                    return HOST_UNREACHABLE;
                }
                if (m.endsWith("network is unreachable")) {
                    return NETWORK_UNREACHABLE;
                }
            }
        }
        return null;
    }

    /** The errno of a Netty {@code Errors.NativeIoException} (positive), or -1 for any other throwable. */
    private static int nativeErrno(Throwable t) {
        if (!"io.netty.channel.unix.Errors$NativeIoException".equals(t.getClass().getName())) {
            return -1;
        }
        try {
            Method m = expectedErr;
            if (m == null || m.getDeclaringClass() != t.getClass()) {
                m = t.getClass().getMethod("expectedErr");
                expectedErr = m;
            }
            return Math.abs((Integer) m.invoke(t));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }
}
