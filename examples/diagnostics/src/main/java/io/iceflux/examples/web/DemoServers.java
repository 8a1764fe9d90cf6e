package io.iceflux.examples.web;

import io.iceflux.testkit.TestTurnServer;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.List;

/**
 * The demo mode's embedded {@link TestTurnServer} on loopback and the four servers the page is prefilled with: a
 * working STUN URL, a working TURN URL, a TURN URL with a wrong password and a STUN URL where nothing answers.
 */
public final class DemoServers implements AutoCloseable {

    /** The password the demo's third server is configured with, on purpose not the server's. */
    public static final String WRONG_PASSWORD = "not-the-password";

    private final TestTurnServer server;
    private final int deadPort;

    private DemoServers(TestTurnServer server, int deadPort) {
        this.server = server;
        this.deadPort = deadPort;
    }

    /**
     * Start the embedded server on loopback and pick a closed UDP port for the URL where nothing answers.
     *
     * @throws UncheckedIOException when no UDP port on 127.0.0.1 can be bound to find a closed one
     */
    public static DemoServers start() {
        int deadPort = closedUdpPort();
        return new DemoServers(TestTurnServer.builder().bindAddress(InetAddress.getLoopbackAddress()).start(), deadPort);
    }

    /** The embedded server. */
    public TestTurnServer server() {
        return server;
    }

    /** The STUN URL of a closed UDP port on 127.0.0.1: nothing answers there. */
    public String deadUrl() {
        return "stun:127.0.0.1:" + deadPort;
    }

    /** The loopback address of the demo servers. */
    public InetAddress address() {
        return server.bindAddress();
    }

    /** The ports of the demo servers' URLs on {@link #address()}: UDP, TCP and TLS of the server, and the dead one. */
    public List<Integer> ports() {
        return List.of(server.udpPort(), server.tcpPort(), server.tlsPort(), deadPort);
    }

    /** Stop the embedded server. */
    @Override
    public void close() {
        server.close();
    }

    private static int closedUdpPort() {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return socket.getLocalPort();
        } catch (SocketException e) {
            throw new UncheckedIOException("cannot find a closed UDP port on 127.0.0.1", e);
        }
    }
}
