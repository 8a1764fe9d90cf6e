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
 * <p>ICMP port unreachable: an unconnected UDP socket on Linux does not report ICMP errors unless
 * {@code IP_RECVERR} is set. With Netty's epoll transport and {@code EpollChannelOption.IP_RECVERR} a read then
 * fails with a {@code NativeIoException} "recvmsg(..) failed: Connection refused"; Netty only turns it into a
 * {@code PortUnreachableException} for a connected socket and never reads the error queue, so the exception does
 * not say which destination refused. With many servers on one socket we cannot tell which transactions to fail,
 * so a transaction to an unreachable port waits for its timeout like one to a silent server, and read errors are
 * ignored.
 */
public final class UdpStunTransport extends ChannelStunTransport {

    /** Receive and send buffer size: room for a burst of a few hundred STUN messages. */
    static final int SOCKET_BUFFER_SIZE = 256 * 1024;

    private UdpStunTransport(DatagramChannel channel, Scheduler scheduler, ByteBufAllocator allocator,
            TransportListener listener) {
        super(channel, new StunTransactions(channel, scheduler, allocator, true, listener, ServerTransport.UDP));
    }

    /**
     * Bind a UDP socket to {@code localAddress} on an ephemeral port. The {@code Mono} fails with
     * {@link StunTransportException.Unreachable} if the socket cannot be bound; cancelling it closes the socket.
     * Dropped packets and ended transactions are reported to {@code listener}.
     */
    static Mono<StunTransport> open(EventLoopGroup group, ChannelFactory<? extends DatagramChannel> channelFactory,
            ByteBufAllocator allocator, Scheduler scheduler, InetAddress localAddress, TransportListener listener) {
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
                UdpStunTransport transport = new UdpStunTransport(ch, scheduler, allocator, listener);
                ch.pipeline().get(Inbound.class).transport = transport;
                ch.closeFuture().addListener(c -> transport.transactions.closeAll(() ->
                        new StunTransportException.Closed(
                                FailureTexts.udpSocketClosed(transport.localAddress), null)));
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

        /** Read errors (e.g. ICMP errors with IP_RECVERR) do not close the socket and are not reported. */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        }
    }
}
