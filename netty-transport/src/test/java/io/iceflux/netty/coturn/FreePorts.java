package io.iceflux.netty.coturn;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks loopback ports for coturn: listener ports that are free for both UDP and TCP at the time of the check,
 * and relay port ranges that lie outside the kernel's ephemeral range (so they never meet a port the kernel
 * hands out, such as the listener ports) and that differ between the instances of one JVM. Ports handed out are
 * never handed out again by this JVM.
 */
final class FreePorts {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** How many relay ports each coturn gets. */
    static final int RELAY_BLOCK = 48;

    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int DEFAULT_EPHEMERAL_LOW = 32768;
    private static final int DEFAULT_EPHEMERAL_HIGH = 60999;
    private static final int LOWEST_RELAY_PORT = 10000;
    private static final int ATTEMPTS = 200;

    private static final Set<Integer> HANDED_OUT = new HashSet<>();
    private static int nextRelayBlock = -1;

    private FreePorts() {
    }

    /** A relay port range, both ends included. */
    record Range(int min, int max) {
    }

    /**
     * Returns a loopback port that was just free for both a UDP and a TCP socket.
     *
     * @throws CoturnException if none was found in a bounded number of attempts
     */
    static synchronized int udpAndTcp() {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port;
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
                port = udp.getLocalPort();
                if (HANDED_OUT.contains(port)) {
                    continue;
                }
                try (ServerSocket tcp = new ServerSocket()) {
                    tcp.bind(new InetSocketAddress(LOOPBACK, port));
                }
            } catch (IOException portTaken) {
                continue;
            }
            HANDED_OUT.add(port);
            return port;
        }
        throw new CoturnException("no loopback port free for both UDP and TCP after " + ATTEMPTS + " attempts");
    }

    /**
     * Returns a relay port range of {@link #RELAY_BLOCK} ports outside the ephemeral range, a different one for
     * each call of this JVM until the blocks run out (then they are reused; coturn skips a relay port in use).
     */
    static synchronized Range relayRange() {
        return relayRange(RELAY_BLOCK);
    }

    /**
     * Returns a relay port range of {@code size} ports outside the ephemeral range: blocks of
     * {@link #RELAY_BLOCK} ports for small sizes as {@link #relayRange()}; a larger range starts right above the
     * ephemeral range (shared with other blocks: coturn skips a relay port in use).
     *
     * @throws IllegalArgumentException if {@code size} is less than 1 or more ports than lie above the ephemeral
     *         range or between port 10000 and it
     */
    static synchronized Range relayRange(int size) {
        int[] ephemeral = ephemeralRange();
        if (size > RELAY_BLOCK) {
            if (65535 - ephemeral[1] >= size) {
                return new Range(ephemeral[1] + 1, ephemeral[1] + size);
            }
            if (ephemeral[0] - LOWEST_RELAY_PORT >= size) {
                return new Range(LOWEST_RELAY_PORT, LOWEST_RELAY_PORT + size - 1);
            }
            throw new IllegalArgumentException("no room for " + size + " relay ports outside the ephemeral range "
                    + ephemeral[0] + "-" + ephemeral[1]);
        }
        if (size < 1) {
            throw new IllegalArgumentException("relay port count must be at least 1: " + size);
        }
        int low;
        int blocks;
        if (65535 - ephemeral[1] >= RELAY_BLOCK) {
            low = ephemeral[1] + 1;
            blocks = (65535 - ephemeral[1]) / RELAY_BLOCK;
        } else {
            low = LOWEST_RELAY_PORT;
            blocks = Math.max(1, (ephemeral[0] - LOWEST_RELAY_PORT) / RELAY_BLOCK);
        }
        if (nextRelayBlock < 0) {
            nextRelayBlock = ThreadLocalRandom.current().nextInt(blocks);
        }
        int block = nextRelayBlock++ % blocks;
        int min = low + block * RELAY_BLOCK;
        return new Range(min, min + RELAY_BLOCK - 1);
    }

    private static int[] ephemeralRange() {
        try {
            String[] parts = Files.readString(EPHEMERAL_RANGE, StandardCharsets.US_ASCII).trim().split("\\s+");
            return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
        } catch (IOException | RuntimeException notLinux) {
            return new int[] {DEFAULT_EPHEMERAL_LOW, DEFAULT_EPHEMERAL_HIGH};
        }
    }
}
