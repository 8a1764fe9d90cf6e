package io.iceflux.netty.faults;

import io.iceflux.netty.fixtures.TestLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A DNS server over UDP on 127.0.0.1 for tests: it answers NXDOMAIN (RCODE 3, no records) for the names in
 * {@code nxdomain} and never answers anything else. It records the name of every query it received.
 */
public final class TinyDnsServer implements AutoCloseable {

    private static final int NXDOMAIN = 3;

    private final EventLoopGroup group;
    private final Channel channel;
    private final Set<String> nxdomain;
    private final List<String> queried = new CopyOnWriteArrayList<>();

    private TinyDnsServer(Set<String> nxdomain) throws InterruptedException {
        this.nxdomain = Set.copyOf(nxdomain);
        this.group = TestLoops.nio(1, "faultmatrix-dns");
        boolean bound = false;
        try {
            this.channel = new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(new Handler())
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            bound = true;
        } finally {
            if (!bound) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
        }
    }

    /**
     * Start a server that answers NXDOMAIN for {@code nxdomain} (lower-case names without the final dot).
     *
     * @throws InterruptedException if interrupted while binding
     */
    public static TinyDnsServer start(Set<String> nxdomain) throws InterruptedException {
        return new TinyDnsServer(nxdomain);
    }

    /** Where the server listens. */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** The query names received so far, in order. */
    public List<String> queried() {
        return List.copyOf(queried);
    }

    /** Close the socket, then stop the thread; waits until both are done. */
    @Override
    public void close() {
        try {
            channel.close().syncUninterruptibly();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** The QNAME of a query, dotted and lower case; {@code null} if the message is too short for one. */
    static String questionName(byte[] query) {
        StringBuilder name = new StringBuilder();
        int i = 12;
        while (i < query.length) {
            int length = query[i] & 0xFF;
            if (length == 0) {
                return name.toString().toLowerCase(Locale.ROOT);
            }
            if (length > 63 || i + 1 + length > query.length) {
                return null;
            }
            if (name.length() > 0) {
                name.append('.');
            }
            name.append(new String(query, i + 1, length, StandardCharsets.US_ASCII));
            i += 1 + length;
        }
        return null;
    }

    /** The NXDOMAIN response to {@code query}: its id and question, QR and RA set, RD copied, no records. */
    static byte[] nxdomainResponse(byte[] query) {
        int questionEnd = 12;
        while (query[questionEnd] != 0) {
            questionEnd += 1 + (query[questionEnd] & 0xFF);
        }
        questionEnd += 1 + 4; // the root label, QTYPE and QCLASS
        byte[] response = new byte[questionEnd];
        System.arraycopy(query, 0, response, 0, questionEnd);
        response[2] = (byte) (0x80 | (query[2] & 0x79)); // QR, the opcode and RD of the query
        response[3] = (byte) (0x80 | NXDOMAIN); // RA, RCODE
        response[4] = 0;
        response[5] = 1; // QDCOUNT
        for (int i = 6; i < 12; i++) {
            response[i] = 0; // ANCOUNT, NSCOUNT, ARCOUNT
        }
        return response;
    }

    private final class Handler extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ByteBuf content = packet.content();
            byte[] query = ByteBufUtil.getBytes(content);
            String name = questionName(query);
            if (name == null) {
                return;
            }
            queried.add(name);
            if (nxdomain.contains(name)) {
                ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(nxdomainResponse(query)),
                        packet.sender()));
            }
        }
    }
}
