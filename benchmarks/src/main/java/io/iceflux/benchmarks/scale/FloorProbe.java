package io.iceflux.benchmarks.scale;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The floor: {@code k} STUN Binding request/response exchanges one after the other over a plain blocking
 * {@link DatagramChannel} to the same server, with no library in between; what no gathering of {@code k}
 * sequential exchanges can beat.
 */
final class FloorProbe {

    static final String NAME = "floor";

    private static final int MAGIC_COOKIE = 0x2112A442;

    private final Target target;

    FloorProbe(Target target) {
        this.target = target;
    }

    /**
     * Time {@code warmup + runs} rounds of {@code exchanges} sequential Binding exchanges; report the last
     * {@code runs}.
     *
     * @throws UncheckedIOException if the socket cannot be opened
     */
    LatencyResult measure(int exchanges, int warmup, int runs) {
        InetSocketAddress server = new InetSocketAddress(target.host(), target.port());
        try (DatagramChannel channel = DatagramChannel.open()) {
            channel.bind(new InetSocketAddress(localAddressFor(server.getAddress()), 0));
            channel.connect(server);
            channel.socket().setSoTimeout(1000);
            long[] ok = new long[runs];
            int okCount = 0;
            int failures = 0;
            byte[] request = new byte[20];
            byte[] response = new byte[1500];
            for (int i = 0; i < warmup + runs; i++) {
                long start = System.nanoTime();
                boolean success = true;
                for (int k = 0; k < exchanges && success; k++) {
                    success = exchange(channel, request, response);
                }
                long end = System.nanoTime();
                if (i >= warmup) {
                    if (success) {
                        ok[okCount++] = end - start;
                    } else {
                        failures++;
                    }
                }
            }
            String label = exchanges + (exchanges == 1 ? " exchange" : " exchanges");
            return LatencyResult.of(NAME, label, Arrays.copyOf(ok, okCount), failures);
        } catch (IOException e) {
            throw new UncheckedIOException("floor probe to " + server + " failed", e);
        }
    }

    /**
     * The concurrent floor: {@code n} non-blocking sockets each send one Binding at once, one thread waits for all
     * the responses on one selector; the time until the last response (median of {@code rounds}). No gathering of
     * N at once can beat it on this machine and server.
     *
     * @throws UncheckedIOException if the sockets cannot be opened
     */
    LatencyResult burst(int n, int rounds) {
        InetSocketAddress server = new InetSocketAddress(target.host(), target.port());
        long[] ok = new long[rounds];
        int okCount = 0;
        int failures = 0;
        try {
            InetAddress local = localAddressFor(server.getAddress());
            for (int round = 0; round < rounds; round++) {
                long took = burstOnce(n, local, server);
                if (took >= 0) {
                    ok[okCount++] = took;
                } else {
                    failures++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("burst of " + n + " Bindings to " + server + " failed", e);
        }
        return LatencyResult.of(NAME, "burst " + n, Arrays.copyOf(ok, okCount), failures);
    }

    private static long burstOnce(int n, InetAddress local, InetSocketAddress server) throws IOException {
        List<DatagramChannel> channels = new ArrayList<>(n);
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < n; i++) {
                DatagramChannel c = DatagramChannel.open();
                channels.add(c);
                c.bind(new InetSocketAddress(local, 0));
                c.configureBlocking(false);
                c.register(selector, SelectionKey.OP_READ);
            }
            ByteBuffer request = ByteBuffer.allocate(20);
            ByteBuffer response = ByteBuffer.allocate(1500);
            long start = System.nanoTime();
            for (DatagramChannel c : channels) {
                request.clear();
                request.putShort((short) 0x0001).putShort((short) 0).putInt(MAGIC_COOKIE)
                        .putLong(ThreadLocalRandom.current().nextLong()).putInt(n).flip();
                c.send(request, server);
            }
            int received = 0;
            long deadline = start + TimeUnit.SECONDS.toNanos(5);
            while (received < n && System.nanoTime() - deadline < 0) {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    response.clear();
                    if (((DatagramChannel) key.channel()).receive(response) != null) {
                        received++;
                    }
                }
                selector.selectedKeys().clear();
            }
            return received == n ? System.nanoTime() - start : -1;
        } finally {
            for (DatagramChannel c : channels) {
                c.close();
            }
        }
    }

    private static InetAddress localAddressFor(InetAddress server) throws IOException {
        try (DatagramChannel probe = DatagramChannel.open()) {
            probe.connect(new InetSocketAddress(server, 9));
            return ((InetSocketAddress) probe.getLocalAddress()).getAddress();
        }
    }

    /** One Binding request and its success response (same transaction id); false on a 1 s timeout. */
    private static boolean exchange(DatagramChannel channel, byte[] request, byte[] response) throws IOException {
        ByteBuffer req = ByteBuffer.wrap(request);
        req.putShort((short) 0x0001).putShort((short) 0).putInt(MAGIC_COOKIE);
        byte[] id = new byte[12];
        ThreadLocalRandom.current().nextBytes(id);
        req.put(id);
        channel.write(ByteBuffer.wrap(request));
        DatagramPacket packet = new DatagramPacket(response, response.length);
        while (true) {
            try {
                channel.socket().receive(packet);
            } catch (SocketTimeoutException e) {
                return false;
            }
            if (packet.getLength() >= 20 && response[0] == 0x01 && response[1] == 0x01
                    && Arrays.equals(response, 8, 20, id, 0, 12)) {
                return true;
            }
            packet.setLength(response.length);
        }
    }
}
