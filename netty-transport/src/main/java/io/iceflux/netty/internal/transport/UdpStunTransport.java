package io.iceflux.netty.internal.transport;

import io.iceflux.ServerTransport;
import io.iceflux.StunTimers;
import io.iceflux.netty.stun.StunEncodeOptions;
import io.iceflux.netty.stun.StunMessage;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * A {@link StunTransport} over one unconnected UDP socket bound to a host address and an ephemeral port; requests
 * go to any destination and responses are matched by transaction id and source address.
 *
 * <p>Datagrams are read into buffers of {@link StunTransport#MAX_INBOUND_MESSAGE_LENGTH} bytes; a longer one is
 * cut short by the kernel and dropped as malformed. Every received datagram is released after it was looked at.
 * Datagrams that are not STUN (ChannelData, DTLS,
 * RTP, garbage), malformed STUN messages and unmatched responses are reported to the listener as dropped. Read
 * errors do not close the socket.
 *
 * <p>ICMP errors ({@link IcmpErrors}): an unconnected UDP socket hears none, so when they are listened for, each
 * request goes out through a socket connected to its destination that shares this socket's address and port
 * ({@link ConnectedSockets}); an ICMP port or host unreachable for that 4-tuple fails the pending transactions to that
 * destination at once with {@link StunTransportException.IcmpUnreachable}. Without it (switched off, a transport
 * other than NIO or epoll, or {@code SO_REUSEPORT} refused), a transaction to an unreachable port waits for its
 * timeout like one to a silent server. Read errors of this socket do not close it and are ignored.
 */
public final class UdpStunTransport extends ChannelStunTransport {

    /** Receive and send buffer size: room for a burst of a few hundred STUN messages. */
    static final int SOCKET_BUFFER_SIZE = 256 * 1024;

    /** The sockets connected to each destination, or null when ICMP errors are not listened for. */
    private final ConnectedSockets connected;

    private UdpStunTransport(DatagramChannel channel, Scheduler scheduler, ByteBufAllocator allocator,
            TransportListener listener, ChannelFactory<? extends DatagramChannel> channelFactory, IcmpErrors icmp) {
        super(channel, new StunTransactions(channel, scheduler, allocator, true, listener, ServerTransport.UDP));
        ConnectedSockets sockets = null;
        if (icmp.supported()) {
            sockets = new ConnectedSockets(channel, channelFactory, allocator, icmp, transactions, scheduler);
            if (sockets.enable()) {
                transactions.router(sockets);
            } else {
                sockets = null;
            }
        }
        this.connected = sockets;
    }

    /**
     * Bind a UDP socket to {@code localAddress} on an ephemeral port. The {@code Mono} fails with
     * {@link StunTransportException.Unreachable} if the socket cannot be bound; cancelling it closes the socket.
     * Dropped packets and ended transactions are reported to {@code listener}.
     */
    static Mono<StunTransport> open(EventLoopGroup group, ChannelFactory<? extends DatagramChannel> channelFactory,
            ByteBufAllocator allocator, Scheduler scheduler, InetAddress localAddress, TransportListener listener) {
        return open(group, channelFactory, allocator, scheduler, localAddress, listener, IcmpErrors.NONE);
    }

    /**
     * As {@link #open(EventLoopGroup, ChannelFactory, ByteBufAllocator, Scheduler, InetAddress, TransportListener)},
     * listening for ICMP errors with {@code icmp}'s options (unless it is {@link IcmpErrors#NONE}).
     */
    static Mono<StunTransport> open(EventLoopGroup group, ChannelFactory<? extends DatagramChannel> channelFactory,
            ByteBufAllocator allocator, Scheduler scheduler, InetAddress localAddress, TransportListener listener,
            IcmpErrors icmp) {
        return Mono.defer(() -> {
            InetSocketAddress bindAddress = new InetSocketAddress(localAddress, 0);
            Bootstrap bootstrap = new Bootstrap()
                    .group(group)
                    .channelFactory(channelFactory)
                    .option(ChannelOption.ALLOCATOR, allocator)
                    .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_SIZE)
                    .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_SIZE)
                    // as many datagrams per read as Netty's NIO default (16); the option alone would make it 1,
                    // which made TURN exchanges with 150 ms timers time out in MergeGatheringsTest
                    .option(ChannelOption.RCVBUF_ALLOCATOR,
                            new FixedRecvByteBufAllocator(MAX_INBOUND_MESSAGE_LENGTH).maxMessagesPerRead(16))
                    .handler(new Inbound());
            ChannelFuture bind = bootstrap.bind(bindAddress);
            return ChannelOpening.open(bind.channel(), bind, () -> {
                DatagramChannel ch = (DatagramChannel) bind.channel();
                UdpStunTransport transport = new UdpStunTransport(ch, scheduler, allocator, listener, channelFactory,
                        icmp);
                ch.pipeline().get(Inbound.class).transport = transport;
                ch.closeFuture().addListener(c -> {
                    if (transport.connected != null) {
                        transport.connected.closeAll();
                    }
                    transport.transactions.closeAll(() -> new StunTransportException.Closed(
                            FailureTexts.udpSocketClosed(transport.localAddress), null));
                });
                return transport;
            }, cause -> new StunTransportException.Unreachable(
                    FailureTexts.udpSocketNotOpened(bindAddress, cause), cause));
        });
    }

    @Override
    public ServerTransport transport() {
        return ServerTransport.UDP;
    }

    @Override
    public Mono<StunMessage> request(StunMessage request, StunEncodeOptions options, InetSocketAddress destination,
            byte[] responseKey, StunTimers timers) {
        return transactions.request(request, options, destination, responseKey, timers);
    }

    /** The sockets connected to a destination, open or opening (tests). */
    java.util.List<io.netty.channel.Channel> connectedSockets() {
        return connected == null ? java.util.List.of() : connected.channels();
    }

    @Override
    public String toString() {
        return "UdpStunTransport[" + FailureTexts.address(localAddress) + "]";
    }

    /** Classifies, decodes and matches each datagram; always releases it. */
    private static final class Inbound extends SimpleChannelInboundHandler<DatagramPacket> {
        volatile UdpStunTransport transport;

        Inbound() {
            super(DatagramPacket.class, true);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            UdpStunTransport t = transport;
            if (t == null) {
                return;
            }
            t.transactions.onFrame(packet.content(), packet.sender());
        }

        /** Read errors do not close the socket and are not reported. */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        }
    }
}
