package io.iceflux.netty.internal.transport;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandle;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;

/**
 * The datagram and socket channel classes that can be registered on one event loop group, found from the group the
 * way reactor-netty's {@code LoopResources.onChannel} finds them, on Netty 4.1 and 4.2 alike: NIO, epoll, io_uring
 * (Netty 4.2's {@code io.netty.channel.uring}) and kqueue. The native transports are optional: their classes are
 * looked up by name, and only when the group is of their transport.
 *
 * <p>On Netty 4.2 an event loop tells whether a transport's {@link IoHandle} fits it
 * ({@link IoEventLoop#isCompatible}), whatever group it belongs to ({@code MultiThreadIoEventLoopGroup} with any
 * handler, the deprecated {@code EpollEventLoopGroup}, reactor-netty's colocated group). On Netty 4.1 the loop's
 * group is the transport's own group class ({@code NioEventLoopGroup}, {@code EpollEventLoopGroup},
 * {@code KQueueEventLoopGroup}). Either way the group's {@link EventLoopGroup#next() next} loop is asked, so that a
 * group that wraps another (reactor-netty's {@code onClient(true)}) is seen through.
 *
 * @param transport the transport's name: {@code nio}, {@code epoll}, {@code io_uring} or {@code kqueue}
 * @param datagram  the UDP channel class
 * @param socket    the TCP client channel class
 */
public record ChannelTypes(String transport, Class<? extends DatagramChannel> datagram,
        Class<? extends SocketChannel> socket) {

    /** Whether the Netty on the class path is 4.2 or later (its event loops are {@link IoEventLoop}s). */
    static final boolean NETTY_42 = present("io.netty.channel.IoEventLoop");

    /**
     * Check the arguments.
     *
     * @param transport the transport's name
     * @param datagram  the UDP channel class
     * @param socket    the TCP client channel class
     */
    public ChannelTypes {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(datagram, "datagram");
        Objects.requireNonNull(socket, "socket");
    }

    /** The transports, most specific first, by the names of their classes. */
    private record Transport(String name, String ioHandle, String group41, String datagram, String socket) {
    }

    private static final List<Transport> TRANSPORTS = List.of(
            new Transport("io_uring", "io.netty.channel.uring.IoUringIoHandle", null,
                    "io.netty.channel.uring.IoUringDatagramChannel", "io.netty.channel.uring.IoUringSocketChannel"),
            new Transport("epoll", "io.netty.channel.epoll.EpollIoHandle", "io.netty.channel.epoll.EpollEventLoopGroup",
                    "io.netty.channel.epoll.EpollDatagramChannel", "io.netty.channel.epoll.EpollSocketChannel"),
            new Transport("kqueue", "io.netty.channel.kqueue.KQueueIoHandle",
                    "io.netty.channel.kqueue.KQueueEventLoopGroup", "io.netty.channel.kqueue.KQueueDatagramChannel",
                    "io.netty.channel.kqueue.KQueueSocketChannel"),
            new Transport("nio", "io.netty.channel.nio.NioIoHandle", "io.netty.channel.nio.NioEventLoopGroup",
                    "io.netty.channel.socket.nio.NioDatagramChannel", "io.netty.channel.socket.nio.NioSocketChannel"));

    /**
     * Return the channel types for {@code group}'s transport.
     *
     * @param group the application's or the gatherer's event loops
     * @return the datagram and socket channel classes of the group's transport
     * @throws IllegalArgumentException if the group is of no supported transport (e.g. a {@code DefaultEventLoopGroup}
     *     or a local transport), naming the group's class
     * @throws NullPointerException if {@code group} is null
     */
    public static ChannelTypes of(EventLoopGroup group) {
        Objects.requireNonNull(group, "group");
        EventLoop loop = group.next();
        ClassLoader loader = group.getClass().getClassLoader();
        for (Transport transport : TRANSPORTS) {
            if (fits(transport, group, loop, loader)) {
                return new ChannelTypes(transport.name(),
                        load(transport.datagram(), loader).asSubclass(DatagramChannel.class),
                        load(transport.socket(), loader).asSubclass(SocketChannel.class));
            }
        }
        throw new IllegalArgumentException("IceFlux cannot open channels on an event loop group of class "
                + group.getClass().getName() + " (event loop " + loop.getClass().getName() + "): its transport is "
                + "none of NIO, epoll, io_uring (Netty 4.2) or kqueue");
    }

    /**
     * Create an NIO event loop group of {@code threads} threads made by {@code threadFactory}: Netty 4.2's
     * {@code MultiThreadIoEventLoopGroup} with the NIO handler, or Netty 4.1's {@code NioEventLoopGroup}.
     *
     * @param threads       how many event-loop threads
     * @param threadFactory makes (and names) the threads
     * @return the new group, the caller's to shut down
     */
    public static EventLoopGroup newNioGroup(int threads, ThreadFactory threadFactory) {
        return NETTY_42 ? Netty42.newNioGroup(threads, threadFactory) : Netty41.newNioGroup(threads, threadFactory);
    }

    private static boolean fits(Transport transport, EventLoopGroup group, EventLoop loop, ClassLoader loader) {
        if (NETTY_42 && Netty42.isIoEventLoop(loop)) {
            Class<?> handle = find(transport.ioHandle(), loader);
            return handle != null && Netty42.isCompatible(loop, handle);
        }
        Class<?> groupClass = transport.group41() == null ? null : find(transport.group41(), loader);
        return groupClass != null && (groupClass.isInstance(group) || groupClass.isInstance(loop.parent()));
    }

    private static boolean present(String name) {
        return find(name, ChannelTypes.class.getClassLoader()) != null;
    }

    private static Class<?> find(String name, ClassLoader loader) {
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    private static Class<?> load(String name, ClassLoader loader) {
        Class<?> type = find(name, loader);
        if (type == null) {
            throw new IllegalArgumentException("the event loop group is of a transport whose channel class " + name
                    + " is not on the class path");
        }
        return type;
    }

    /** Netty 4.2's API, in a class of its own: loaded only when {@link #NETTY_42}. */
    private static final class Netty42 {

        static boolean isIoEventLoop(EventLoop loop) {
            return loop instanceof IoEventLoop;
        }

        static boolean isCompatible(EventLoop loop, Class<?> handle) {
            return ((IoEventLoop) loop).isCompatible(handle.asSubclass(IoHandle.class));
        }

        static EventLoopGroup newNioGroup(int threads, ThreadFactory threadFactory) {
            return new MultiThreadIoEventLoopGroup(threads, threadFactory, NioIoHandler.newFactory());
        }
    }

    /** Netty 4.1's NIO group (deprecated on 4.2, where {@link Netty42} is used instead). */
    private static final class Netty41 {

        @SuppressWarnings("deprecation")
        static EventLoopGroup newNioGroup(int threads, ThreadFactory threadFactory) {
            return new NioEventLoopGroup(threads, threadFactory);
        }
    }
}
