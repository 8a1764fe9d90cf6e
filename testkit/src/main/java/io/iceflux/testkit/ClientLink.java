package io.iceflux.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;

/**
 * Where one client message came from and how to answer it: a UDP listener and the client's address, or a TCP/TLS
 * connection. Its {@link #fiveTuple()} identifies the client's allocation.
 */
record ClientLink(Transport transport, Channel channel, InetSocketAddress remote, InetSocketAddress local) {

    /** The transport between client and server. */
    enum Transport { UDP, TCP, TLS }

    /** The transport, client address and server address identifying an allocation (RFC 8656 §2). */
    record FiveTuple(Transport transport, InetSocketAddress client, InetSocketAddress server) {
    }

    /** Return whether the link is a TCP or TLS connection. */
    boolean stream() {
        return transport != Transport.UDP;
    }

    /** Return the allocation key of this link. */
    FiveTuple fiveTuple() {
        return new FiveTuple(transport, remote, local);
    }

    /** Send {@code buf} to the client, which takes ownership of it. */
    void send(ByteBuf buf) {
        if (stream()) {
            channel.writeAndFlush(buf, channel.voidPromise());
        } else {
            channel.writeAndFlush(new DatagramPacket(buf, remote), channel.voidPromise());
        }
    }
}
