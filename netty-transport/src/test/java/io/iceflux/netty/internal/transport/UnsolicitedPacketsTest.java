package io.iceflux.netty.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.netty.DropReason;
import io.iceflux.netty.fixtures.RecordingMetrics;
import io.iceflux.netty.fixtures.TestLoops;
import io.iceflux.netty.internal.gather.GathererAccounting;
import io.iceflux.netty.stun.StunAttribute.Data;
import io.iceflux.netty.stun.StunAttribute.XorPeerAddress;
import io.iceflux.netty.stun.StunClass;
import io.iceflux.netty.stun.StunCodec;
import io.iceflux.netty.stun.StunEncodeOptions;
import io.iceflux.netty.stun.StunMessage;
import io.iceflux.netty.stun.StunMethod;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What no transaction takes goes to the transport's unsolicited handler (the relay check's Data indications and
 * peer datagrams) when it takes it, and is dropped as before when it does not; {@code send} writes a datagram as is.
 */
class UnsolicitedPacketsTest {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final TestLoops LOOPS = TestLoops.withClientThreads(1);

    @Test
    void theHandlerTakesWhatItWantsAndTheRestIsDroppedAsBefore() throws Exception {
        GathererAccounting accounting = new GathererAccounting(new RecordingMetrics());
        NettyStunTransportFactory factory = new NettyStunTransportFactory(LOOPS.client(), LOOPS.virtualTime(),
                NettyStunTransportFactory.TlsSettings.systemDefault(), WAIT, accounting);
        StunTransport socket = factory.openUdp(LOOPBACK).block(WAIT);
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            peer.setSoTimeout(Math.toIntExact(WAIT.toMillis()));
            BlockingQueue<String> taken = new LinkedBlockingQueue<>();
            socket.unsolicited((frame, indication, sender) -> {
                if (indication != null && indication.method() != StunMethod.DATA) {
                    return false;
                }
                taken.add((indication == null ? "datagram " + ByteBufUtil.hexDump(frame)
                        : "Data indication of " + indication.attribute(Data.class).orElseThrow().value().length
                                + " bytes") + " from " + sender.getPort());
                return true;
            });
            int from = peer.getLocalPort();

            send(peer, new byte[] {(byte) 0xC5, 1, 2, 3}, socket.localAddress());
            send(peer, indication(StunMethod.DATA), socket.localAddress());
            send(peer, indication(StunMethod.SEND), socket.localAddress());
            send(peer, new byte[] {(byte) 0xC5, 4, 5, 6}, socket.localAddress());

            assertThat(taken.poll(10, TimeUnit.SECONDS)).isEqualTo("datagram c5010203 from " + from);
            assertThat(taken.poll(10, TimeUnit.SECONDS)).isEqualTo("Data indication of 5 bytes from " + from);
            assertThat(taken.poll(10, TimeUnit.SECONDS)).isEqualTo("datagram c5040506 from " + from);
            // the event loop reads one socket's datagrams in order: by now the Send indication, which the handler
            // refused, was dropped as an unknown transaction, as without a handler
            assertThat(accounting.droppedPackets().count(DropReason.UNKNOWN_TRANSACTION)).isEqualTo(1);
            assertThat(accounting.droppedPackets().total()).isEqualTo(1);

            socket.send(Unpooled.wrappedBuffer(new byte[] {9, 8, 7}), (InetSocketAddress) peer.getLocalSocketAddress());
            DatagramPacket received = new DatagramPacket(new byte[16], 16);
            peer.receive(received);
            assertThat(received.getLength()).isEqualTo(3);
            assertThat(received.getPort()).isEqualTo(socket.localAddress().getPort());
        } finally {
            socket.close().block(WAIT);
        }
        // a write on a closed socket releases the packet (the leak detector would say otherwise)
        socket.send(Unpooled.wrappedBuffer(new byte[] {1}), new InetSocketAddress(LOOPBACK, 9));
    }

    private static byte[] indication(int method) {
        StunMessage message = StunMessage.builder(StunClass.INDICATION, method)
                .add(new XorPeerAddress(new InetSocketAddress(LOOPBACK, 4000)))
                .add(new Data(new byte[] {1, 2, 3, 4, 5})).build();
        ByteBuf encoded = StunCodec.encode(message, ByteBufAllocator.DEFAULT,
                StunEncodeOptions.defaults().fingerprint(true));
        try {
            return ByteBufUtil.getBytes(encoded);
        } finally {
            encoded.release();
        }
    }

    private static void send(DatagramSocket from, byte[] bytes, InetSocketAddress to) throws Exception {
        from.send(new DatagramPacket(bytes, bytes.length, to));
    }
}
