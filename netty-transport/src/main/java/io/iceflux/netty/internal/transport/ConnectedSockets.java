package io.iceflux.netty.internal.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import reactor.core.scheduler.Scheduler;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * The UDP sockets connected to each server a host socket talks to, so that ICMP errors for that server are heard:
 * each is bound to the host socket's own address and port ({@code SO_REUSEPORT}, set on the host socket once it is
 * bound, so that its ephemeral port was unused when the kernel picked it) and connected to one server. Linux delivers
 * a datagram to the socket whose 4-tuple matches it best, so the server's responses arrive on the connected socket
 * and everything else (any other source) on the host socket; both feed the same {@link StunTransactions}. The server
 * sees the same source address and port either way: the mapped address of a Binding is the host candidate's.
 *
 * <p>An ICMP error is matched by the kernel to the connected socket whose 4-tuple equals the addresses and ports
 * quoted in the ICMP message, and fails that socket's next read (or write); the pending transactions to that server,
 * and only those, then fail with {@link StunTransportException.IcmpUnreachable}. A connected socket lives while a
 * transaction to its server is pending, and {@link #IDLE_GRACE} after: when the last one ends and no other starts
 * within that time it is closed ({@link #idle}, by the loop's {@link IdleSockets} sweep), and the next request to
 * that server (a Refresh, say) opens another; the grace keeps one socket for a gathering's back-to-back exchanges
 * (Binding, 401, Allocate). One closed by another read error, or by NIO after a host unreachable, is replaced by the
 * next request to that server too. So a gathering holds a second file descriptor per server only
 * while it waits for that server, and at most {@link IcmpErrors#limit()} connected sockets are open at once in a
 * factory: beyond that a request leaves from the host socket and its timers decide, as without this class. Netty's epoll sockets are edge-triggered, so the
 * error queue that {@code IP_RECVERR} fills (and nobody reads; it is bounded by the receive buffer) does not wake
 * the loop again.
 *
 * <p>When a connected socket cannot be opened (e.g. {@code SO_REUSEPORT} refused), requests leave from the host
 * socket and the timers decide, as without this class; after one such failure no other is tried on this host
 * socket. Confined to the host channel's event loop; every connected socket is registered on that loop and closed
 * with the host socket.
 */
final class ConnectedSockets implements StunTransactions.Router {

    private static final Logger log = Loggers.getLogger(ConnectedSockets.class);

    private final DatagramChannel host;
    private final ChannelFactory<? extends DatagramChannel> channelFactory;
    private final ByteBufAllocator allocator;
    private final IcmpErrors icmp;
    private final StunTransactions transactions;
    /** How long a connected socket stays open after the last transaction to its server ended. */
    static final Duration IDLE_GRACE = Duration.ofSeconds(2);

    private final Scheduler scheduler;
    private final Map<InetSocketAddress, ChannelFuture> byServer = new HashMap<>();
    /** When each server's transactions last went idle (a close scheduled then checks it is still the same). */
    private final Map<InetSocketAddress, Object> idleSince = new HashMap<>();
    private boolean unavailable;
    private boolean closed;

    ConnectedSockets(DatagramChannel host, ChannelFactory<? extends DatagramChannel> channelFactory,
            ByteBufAllocator allocator, IcmpErrors icmp, StunTransactions transactions, Scheduler scheduler) {
        this.scheduler = scheduler;
        this.host = host;
        this.channelFactory = channelFactory;
        this.allocator = allocator;
        this.icmp = icmp;
        this.transactions = transactions;
    }

    /**
     * Make the host socket shareable; return false (and use nothing of this class) when it cannot be. Call once the
     * host socket is bound.
     */
    boolean enable() {
        try {
            if (host.config().setOption(icmp.reusePort(), Boolean.TRUE)) {
                return true;
            }
        } catch (RuntimeException e) {
            log.debug("SO_REUSEPORT refused on {}: {}", host.localAddress(), e.toString());
        }
        return false;
    }

    /**
     * Open the socket connected to {@code server} unless it is open or opening; the returned future completes when
     * it is ready or could not be opened (never with a failure). Call on the event loop.
     */
    @Override
    public ChannelFuture prepare(InetSocketAddress server) {
        idleSince.remove(server);
        ChannelFuture existing = byServer.get(server);
        if (existing != null && (!existing.isDone() || existing.channel().isOpen())) {
            return existing;
        }
        if (unavailable || closed || !host.isOpen() || !icmp.tryAcquire()) {
            return host.newSucceededFuture();
        }
        InetSocketAddress local = (InetSocketAddress) host.localAddress();
        Bootstrap bootstrap = new Bootstrap()
                .group(host.eventLoop())
                .channelFactory(channelFactory)
                .option(ChannelOption.ALLOCATOR, allocator)
                .option(icmp.reusePort(), Boolean.TRUE)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(
                        StunTransport.MAX_INBOUND_MESSAGE_LENGTH).maxMessagesPerRead(16))
                .handler(new Inbound(server));
        ChannelOption<Integer> recvErr = icmp.recvErr(local.getAddress());
        if (recvErr != null) {
            bootstrap.option(recvErr, 1);
        }
        ChannelFuture connect = bootstrap.connect(server, local);
        // the room taken above is given back when this socket closes, however it closes (or fails to open)
        connect.channel().closeFuture().addListener(f -> icmp.release());
        byServer.put(server, connect);
        ChannelPromise ready = host.newPromise();
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                log.debug("No socket connected to {} from {} (ICMP errors will not be heard, the timers decide): {}",
                        server, local, f.cause().toString());
                unavailable = true;
                byServer.remove(server, connect);
                connect.channel().close();
            } else if (closed) {
                connect.channel().close();
            }
            ready.trySuccess();
        });
        return ready;
    }

    /** The socket a request to {@code server} leaves from: its connected socket when open, else the host socket. */
    @Override
    public Channel route(InetSocketAddress server) {
        ChannelFuture f = byServer.get(server);
        if (f != null && f.isSuccess() && f.channel().isActive()) {
            return f.channel();
        }
        return host;
    }

    /**
     * No transaction to {@code server} is pending any more: close its connected socket after {@link #IDLE_GRACE} unless
     * another starts meanwhile (a late response then reaches the host socket, which knows the ended transaction).
     * Call on the event loop.
     */
    @Override
    public void idle(InetSocketAddress server) {
        ChannelFuture f = byServer.get(server);
        if (f == null) {
            return;
        }
        Object mark = new Object();
        idleSince.put(server, mark);
        icmp.idleSockets(host.eventLoop(), scheduler).add(() -> {
            // still idle since then, and still that socket: close it
            if (idleSince.remove(server, mark) && byServer.get(server) == f && f.isDone()) {
                byServer.remove(server);
                f.channel().close();
            }
        });
    }

    /** Close every connected socket; later {@link #prepare} calls open none. Call on the event loop. */
    void closeAll() {
        closed = true;
        idleSince.clear();
        List<ChannelFuture> all = new ArrayList<>(byServer.values());
        byServer.clear();
        for (ChannelFuture f : all) {
            f.channel().close();
        }
    }

    /** The connected sockets, open or opening (tests; not confined: a snapshot that may be stale). */
    List<Channel> channels() {
        return new ArrayList<>(byServer.values()).stream().map(ChannelFuture::channel).toList();
    }

    /** Feeds the connected socket's datagrams to the transactions; turns its ICMP errors into failures. */
    private final class Inbound extends SimpleChannelInboundHandler<DatagramPacket> {
        private final InetSocketAddress server;

        Inbound(InetSocketAddress server) {
            super(DatagramPacket.class, true);
            this.server = server;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            InetSocketAddress sender = packet.sender() != null ? packet.sender() : server;
            transactions.onFrame(packet.content(), sender);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            String what = IcmpErrors.unreachable(cause);
            if (what != null) {
                int failed = transactions.failUnreachable(server, what);
                log.debug("ICMP {} from {} on {}: {} transaction(s) failed", what, server, ctx.channel(), failed);
                return;
            }
            log.debug("Read error on the socket connected to {}: {}", server, cause.toString());
            Channel ch = ctx.channel();
            ChannelFuture current = byServer.get(server);
            if (current != null && current.channel() == ch) {
                byServer.remove(server);
            }
            ch.close();
        }
    }
}
