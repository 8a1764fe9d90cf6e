package io.iceflux.netty;

import io.iceflux.netty.stun.StunAttribute;
import io.iceflux.netty.stun.StunClass;
import io.iceflux.netty.stun.StunCodec;
import io.iceflux.netty.stun.StunEncodeOptions;
import io.iceflux.netty.stun.StunFrameDecoder;
import io.iceflux.netty.stun.StunMessage;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLSession;

/**
 * A STUN server for tests on 127.0.0.1: UDP (with a second socket to answer from another port) or TCP/TLS, with a
 * pluggable {@link Responder}. It records every request it receives in {@link #received()}.
 */
final class FakeStunServer implements AutoCloseable {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** What the server does with one request. */
    @FunctionalInterface
    interface Responder {
        List<Reply> respond(StunMessage request, InetSocketAddress from);
    }

    /** One thing to send back, or an action on the TCP connection. */
    record Reply(StunMessage message, StunEncodeOptions options, byte[] raw, boolean fromOtherPort, Action action) {
        enum Action { SEND, CLOSE, RESET }

        static Reply of(StunMessage message) {
            return new Reply(message, StunEncodeOptions.defaults(), null, false, Action.SEND);
        }

        static Reply signed(StunMessage message, StunEncodeOptions options) {
            return new Reply(message, options, null, false, Action.SEND);
        }

        static Reply fromOtherPort(StunMessage message) {
            return new Reply(message, StunEncodeOptions.defaults(), null, true, Action.SEND);
        }

        static Reply raw(byte[] bytes) {
            return new Reply(null, null, bytes, false, Action.SEND);
        }

        static Reply close() {
            return new Reply(null, null, null, false, Action.CLOSE);
        }

        static Reply reset() {
            return new Reply(null, null, null, false, Action.RESET);
        }
    }

    /** A request the server received and where from. */
    record Received(StunMessage message, InetSocketAddress from) {
    }

    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final BlockingQueue<List<SNIServerName>> serverNames = new LinkedBlockingQueue<>();
    private final BlockingQueue<Throwable> errors = new LinkedBlockingQueue<>();
    private final BlockingQueue<InetSocketAddress> closedConnections = new LinkedBlockingQueue<>();
    private final List<Channel> channels = new CopyOnWriteArrayList<>();
    private volatile Responder responder = (request, from) -> List.of();
    private Channel main;
    private Channel other;

    private FakeStunServer() {
    }

    /** Start a UDP server on 127.0.0.1 with a second socket to answer from. */
    static FakeStunServer udp(EventLoopGroup group) throws InterruptedException {
        FakeStunServer server = new FakeStunServer();
        server.main = server.bindUdp(group);
        server.other = server.bindUdp(group);
        return server;
    }

    /** Start a TCP server on 127.0.0.1, over TLS when {@code ssl} is not null. */
    static FakeStunServer tcp(EventLoopGroup group, SslContext ssl) throws InterruptedException {
        FakeStunServer server = new FakeStunServer();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        server.channels.add(ch);
                        if (ssl != null) {
                            SslHandler handler = ssl.newHandler(ch.alloc());
                            handler.handshakeFuture().addListener(f -> {
                                if (f.isSuccess()) {
                                    SSLSession session = handler.engine().getSession();
                                    server.serverNames.add(session instanceof ExtendedSSLSession e
                                            ? e.getRequestedServerNames() : List.of());
                                }
                            });
                            ch.pipeline().addLast(handler);
                        }
                        ch.pipeline().addLast(new StunFrameDecoder(), server.new StreamHandler());
                    }
                });
        server.main = bootstrap.bind(new InetSocketAddress(LOOPBACK, 0)).sync().channel();
        server.channels.add(server.main);
        return server;
    }

    private Channel bindUdp(EventLoopGroup group) throws InterruptedException {
        Channel ch = new Bootstrap()
                .group(group)
                .channel(NioDatagramChannel.class)
                .handler(new DatagramHandler())
                .bind(new InetSocketAddress(LOOPBACK, 0)).sync().channel();
        channels.add(ch);
        return ch;
    }

    /** Replace what the server answers. */
    FakeStunServer responder(Responder newResponder) {
        this.responder = newResponder;
        return this;
    }

    /** The address clients send to. */
    InetSocketAddress address() {
        return (InetSocketAddress) main.localAddress();
    }

    /** Wait up to {@code millis} for the next request; null if none came. */
    Received poll(long millis) throws InterruptedException {
        return received.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** Take every request received so far, in arrival order, without waiting. */
    List<Received> drainReceived() {
        List<Received> all = new java.util.ArrayList<>();
        received.drainTo(all);
        return all;
    }

    /** The client address of the next TCP connection that closed, waiting up to {@code millis}; null if none did. */
    InetSocketAddress pollClosed(long millis) throws InterruptedException {
        return closedConnections.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** The SNI names of the next completed TLS handshake, waiting up to 5 s. */
    List<SNIServerName> pollServerNames() throws InterruptedException {
        return serverNames.poll(5, TimeUnit.SECONDS);
    }

    /** The next error a TCP connection's pipeline raised (e.g. bytes that are not STUN), waiting up to 5 s. */
    Throwable pollError() throws InterruptedException {
        return errors.poll(5, TimeUnit.SECONDS);
    }

    /** Send bytes from the main UDP socket to {@code to}. */
    void sendUdp(byte[] bytes, InetSocketAddress to) {
        main.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(bytes), to)).syncUninterruptibly();
    }

    @Override
    public void close() {
        for (Channel ch : channels) {
            ch.close().syncUninterruptibly();
        }
    }

    /** A success response echoing the tid with XOR-MAPPED-ADDRESS = where the request came from. */
    static StunMessage success(StunMessage request, InetSocketAddress from) {
        return StunMessage.builder(StunClass.SUCCESS_RESPONSE, request.method())
                .transactionId(request.transactionId())
                .add(new StunAttribute.XorMappedAddress(from))
                .build();
    }

    /** An error response echoing the tid. */
    static StunMessage error(StunMessage request, int code, String reason) {
        return StunMessage.builder(StunClass.ERROR_RESPONSE, request.method())
                .transactionId(request.transactionId())
                .add(new StunAttribute.ErrorCode(code, reason))
                .build();
    }

    private static StunMessage decodeCopy(ByteBuf buf) {
        return StunCodec.decode(buf);
    }

    private final class DatagramHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            StunMessage request = decodeCopy(packet.content());
            received.add(new Received(request, packet.sender()));
            for (Reply reply : responder.respond(request, packet.sender())) {
                Channel from = reply.fromOtherPort() ? other : main;
                from.writeAndFlush(new DatagramPacket(encode(reply), packet.sender()));
            }
        }
    }

    private final class StreamHandler extends SimpleChannelInboundHandler<ByteBuf> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            StunMessage request = decodeCopy(frame);
            InetSocketAddress from = (InetSocketAddress) ctx.channel().remoteAddress();
            received.add(new Received(request, from));
            for (Reply reply : responder.respond(request, from)) {
                switch (reply.action()) {
                    case CLOSE -> ctx.close();
                    case RESET -> {
                        ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                        ctx.close();
                    }
                    case SEND -> ctx.writeAndFlush(encode(reply));
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closedConnections.add((InetSocketAddress) ctx.channel().remoteAddress());
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.add(cause);
        }
    }

    private static ByteBuf encode(Reply reply) {
        if (reply.raw() != null) {
            return Unpooled.wrappedBuffer(reply.raw());
        }
        return StunCodec.encode(reply.message(), io.netty.buffer.ByteBufAllocator.DEFAULT, reply.options());
    }
}
