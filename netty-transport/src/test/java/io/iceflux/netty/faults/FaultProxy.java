package io.iceflux.netty.faults;

import io.iceflux.netty.fixtures.TestLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A UDP proxy on loopback between a client (the gatherer) and one server (coturn) that applies a {@link Rule} to
 * every datagram in either direction: forward, drop, duplicate, delay, hold until the next one overtook it,
 * replace or inject bytes, or answer from another port or IP. Each client address gets its own upstream socket, so
 * the server sees one client per gatherer socket; what the server reports as the client's mapped address is that
 * upstream socket ({@link #upstreamOf(InetSocketAddress)}).
 *
 * <p>One event-loop thread of its own; everything it opens is closed, and the thread stopped, by {@link #close()}.
 */
final class FaultProxy implements AutoCloseable {

    /** Which way a datagram crosses the proxy. */
    enum Direction { TO_SERVER, TO_CLIENT }

    /** Which socket of the proxy sends a datagram to the client. */
    enum Source { PROXY, OTHER_PORT, OTHER_IP }

    /**
     * One datagram crossing the proxy.
     *
     * @param kind       "Binding request", "Allocate success", … for STUN; "other" for anything else
     * @param occurrence 0 for the first datagram of this direction and kind, then 1, 2 …
     * @param client     the client it comes from or goes to
     */
    record Packet(Direction direction, String kind, int occurrence, byte[] bytes, InetSocketAddress client) {
    }

    /**
     * One datagram to send for a packet.
     *
     * @param delayMillis  wait this long first (0: at once)
     * @param holdForNext  keep it until the next datagram in the same direction was sent (a reorder), or for
     *                     {@link #HOLD_LIMIT_MILLIS} if none comes
     */
    record Out(byte[] bytes, Source source, long delayMillis, boolean holdForNext) {
        static Out forward(Packet p) {
            return new Out(p.bytes(), Source.PROXY, 0, false);
        }

        static Out delayed(Packet p, long millis) {
            return new Out(p.bytes(), Source.PROXY, millis, false);
        }

        static Out held(Packet p) {
            return new Out(p.bytes(), Source.PROXY, 0, true);
        }

        static Out bytes(byte[] bytes) {
            return new Out(bytes, Source.PROXY, 0, false);
        }

        static Out from(Source source, Packet p) {
            return new Out(p.bytes(), source, 0, false);
        }
    }

    /** Decides what becomes of each datagram; an empty list drops it. Called on the proxy's thread. */
    @FunctionalInterface
    interface Rule {
        List<Out> apply(Packet packet);
    }

    /** How long a held datagram waits for another one to overtake it before it is sent anyway. */
    static final long HOLD_LIMIT_MILLIS = 300;

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final InetAddress OTHER_LOOPBACK = loopback2();

    private final EventLoopGroup group;
    private final InetSocketAddress server;
    private final Rule rule;
    private final Channel front;
    private final Channel otherPort;
    private final Channel otherIp;
    private final Map<InetSocketAddress, ChannelFuture> upstreams = new ConcurrentHashMap<>();
    private final Map<String, Integer> occurrences = new HashMap<>();
    private final Map<Direction, List<Runnable>> held = new HashMap<>();
    private final List<Packet> dropped = new CopyOnWriteArrayList<>();
    private final List<Packet> seen = new CopyOnWriteArrayList<>();
    private final AtomicInteger sentToClient = new AtomicInteger();
    private final AtomicInteger sentToServer = new AtomicInteger();
    private final AtomicInteger overtaken = new AtomicInteger();

    private FaultProxy(InetSocketAddress server, Rule rule) throws InterruptedException {
        this.server = server;
        this.rule = rule;
        this.group = TestLoops.nio(1, "faultmatrix-proxy");
        held.put(Direction.TO_SERVER, new ArrayList<>());
        held.put(Direction.TO_CLIENT, new ArrayList<>());
        boolean started = false;
        try {
            this.front = bind(LOOPBACK, new FromClient());
            this.otherPort = bind(LOOPBACK, new Ignore());
            this.otherIp = bind(OTHER_LOOPBACK, new Ignore());
            started = true;
        } finally {
            if (!started) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
        }
    }

    /**
     * Start a proxy on 127.0.0.1 in front of {@code server}.
     *
     * @throws InterruptedException if interrupted while binding
     */
    static FaultProxy start(InetSocketAddress server, Rule rule) throws InterruptedException {
        return new FaultProxy(Objects.requireNonNull(server, "server"), Objects.requireNonNull(rule, "rule"));
    }

    /** The address clients send to instead of the server's. */
    InetSocketAddress address() {
        return (InetSocketAddress) front.localAddress();
    }

    /** The port of {@link #address()}. */
    int port() {
        return address().getPort();
    }

    /** The socket that forwards {@code client}'s datagrams: the client's address as the server sees it. */
    InetSocketAddress upstreamOf(InetSocketAddress client) {
        ChannelFuture f = upstreams.get(client);
        if (f == null) {
            throw new IllegalStateException("no datagram came from " + client);
        }
        return (InetSocketAddress) f.syncUninterruptibly().channel().localAddress();
    }

    /** The clients that sent datagrams, in no particular order. */
    List<InetSocketAddress> clients() {
        return List.copyOf(upstreams.keySet());
    }

    /** Every datagram the rule dropped (returned nothing for). */
    List<Packet> dropped() {
        return List.copyOf(dropped);
    }

    /** Every datagram that reached the proxy, in order. */
    List<Packet> seen() {
        return List.copyOf(seen);
    }

    /** How many datagrams the proxy sent to clients (forwarded, duplicated, injected, from any socket). */
    int sentToClient() {
        return sentToClient.get();
    }

    /** How many held datagrams were sent after a later one overtook them. */
    int overtaken() {
        return overtaken.get();
    }

    /** How many datagrams the proxy sent to the server. */
    int sentToServer() {
        return sentToServer.get();
    }

    /** Close every socket, then stop the thread; waits until both are done. */
    @Override
    public void close() {
        try {
            List<Channel> channels = new ArrayList<>(List.of(front, otherPort, otherIp));
            upstreams.values().forEach(f -> channels.add(f.awaitUninterruptibly().channel()));
            channels.forEach(ch -> ch.close().syncUninterruptibly());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private Channel bind(InetAddress address, SimpleChannelInboundHandler<DatagramPacket> handler)
            throws InterruptedException {
        return new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(handler)
                .bind(new InetSocketAddress(address, 0)).sync().channel();
    }

    private void onPacket(Direction direction, InetSocketAddress client, byte[] bytes) {
        String kind = kind(bytes);
        int n = occurrences.merge(direction + " " + kind, 1, Integer::sum) - 1;
        Packet packet = new Packet(direction, kind, n, bytes, client);
        seen.add(packet);
        List<Out> outs = rule.apply(packet);
        if (outs.isEmpty()) {
            dropped.add(packet);
        }
        for (Out out : outs) {
            Runnable send = () -> send(direction, client, out);
            if (out.holdForNext()) {
                held.get(direction).add(send);
                group.next().schedule(() -> {
                    if (held.get(direction).remove(send)) {
                        send.run();
                    }
                }, HOLD_LIMIT_MILLIS, TimeUnit.MILLISECONDS);
            } else if (out.delayMillis() > 0) {
                group.next().schedule(() -> {
                    send.run();
                    releaseHeld(direction);
                }, out.delayMillis(), TimeUnit.MILLISECONDS);
            } else {
                send.run();
                releaseHeld(direction);
            }
        }
    }

    private void releaseHeld(Direction direction) {
        List<Runnable> waiting = held.get(direction);
        List<Runnable> now = new ArrayList<>(waiting);
        waiting.clear();
        overtaken.addAndGet(now.size());
        now.forEach(Runnable::run);
    }

    private void send(Direction direction, InetSocketAddress client, Out out) {
        if (direction == Direction.TO_SERVER) {
            ChannelFuture upstream = upstreams.get(client);
            upstream.addListener(f -> {
                if (f.isSuccess()) {
                    sentToServer.incrementAndGet();
                    upstream.channel().writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(out.bytes()), server));
                }
            });
        } else {
            Channel from = switch (out.source()) {
                case PROXY -> front;
                case OTHER_PORT -> otherPort;
                case OTHER_IP -> otherIp;
            };
            sentToClient.incrementAndGet();
            from.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(out.bytes()), client));
        }
    }

    private ChannelFuture upstreamFor(InetSocketAddress client) {
        return upstreams.computeIfAbsent(client, c -> new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new FromServer(c)).bind(new InetSocketAddress(LOOPBACK, 0)));
    }

    /** "Binding request", "Allocate success", "Refresh error", "method 0x9 request" …, or "other". */
    static String kind(byte[] b) {
        if (b.length < 20 || (b[0] & 0xC0) != 0 || b[4] != 0x21 || b[5] != 0x12 || (b[6] & 0xFF) != 0xA4
                || b[7] != 0x42) {
            return "other";
        }
        int type = ((b[0] & 0xFF) << 8) | (b[1] & 0xFF);
        int cls = ((type >> 4) & 1) | ((type >> 7) & 2);
        int method = (type & 0xF) | ((type >> 1) & 0x70) | ((type >> 2) & 0xF80);
        String m = switch (method) {
            case 0x001 -> "Binding";
            case 0x003 -> "Allocate";
            case 0x004 -> "Refresh";
            case 0x008 -> "CreatePermission";
            case 0x009 -> "ChannelBind";
            default -> "method 0x" + Integer.toHexString(method);
        };
        String c = switch (cls) {
            case 0 -> "request";
            case 1 -> "indication";
            case 2 -> "success";
            default -> "error";
        };
        return m + " " + c;
    }

    private static InetAddress loopback2() {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, 2});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private final class FromClient extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            InetSocketAddress client = packet.sender();
            upstreamFor(client);
            onPacket(Direction.TO_SERVER, client, ByteBufUtil.getBytes(packet.content()));
        }
    }

    private final class FromServer extends SimpleChannelInboundHandler<DatagramPacket> {
        private final InetSocketAddress client;

        FromServer(InetSocketAddress client) {
            this.client = client;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            onPacket(Direction.TO_CLIENT, client, ByteBufUtil.getBytes(packet.content()));
        }
    }

    private static final class Ignore extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            // a client answering the other sockets is not part of any case
        }
    }
}
