package io.iceflux.netty.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import reactor.core.publisher.Mono;

/**
 * What the UDP and the TCP/TLS transports share: one Netty channel, its STUN transactions, and the address it is
 * bound to. The channel's inbound handler hands every frame to {@link StunTransactions#onFrame}.
 */
abstract sealed class ChannelStunTransport implements StunTransport
        permits UdpStunTransport, StreamStunTransport {

    final Channel channel;
    final StunTransactions transactions;
    final InetSocketAddress localAddress;

    ChannelStunTransport(Channel channel, StunTransactions transactions) {
        this.channel = channel;
        this.transactions = transactions;
        this.localAddress = (InetSocketAddress) channel.localAddress();
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /** The event loop of the channel. */
    @Override
    public Executor executor() {
        return channel.eventLoop();
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    /**
     * Close the channel at once; the returned {@code Mono} completes when it is closed. Pending requests fail with
     * {@link StunTransportException.Closed}. Idempotent.
     */
    @Override
    public Mono<Void> close() {
        return ChannelOpening.close(channel);
    }

    @Override
    public void unsolicited(UnsolicitedHandler handler) {
        transactions.unsolicited(handler);
    }

    @Override
    public void send(ByteBuf packet, InetSocketAddress destination) {
        transactions.send(packet, destination);
    }
}
