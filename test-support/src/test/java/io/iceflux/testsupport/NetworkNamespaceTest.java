package io.iceflux.testsupport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class NetworkNamespaceTest {

    @BeforeAll
    static void rootWithIp() {
        NetworkNamespace.assumeAvailable();
    }

    @Test
    void theNamespaceHasItsAddressAndAnswersOverTheVeth() throws Exception {
        try (NetworkNamespace ns = NetworkNamespace.create("nstest");
                DatagramSocket socket = new DatagramSocket(new InetSocketAddress(ns.hostAddress(), 0))) {
            assertTrue(ns.exec("ip", "-4", "-o", "addr").contains(ns.nsAddress().getHostAddress() + "/30"),
                    "the namespace's end has its address");
            assertTrue(ns.exec("ip", "-o", "link", "show", "lo").contains("UP"), "loopback is up");
            // nothing listens on port 9 in the namespace: its kernel answers with ICMP port unreachable
            socket.connect(new InetSocketAddress(ns.nsAddress(), 9));
            socket.setSoTimeout(5000);
            socket.send(new DatagramPacket(new byte[] {1}, 1));
            assertThrows(PortUnreachableException.class, () -> socket.receive(new DatagramPacket(new byte[8], 8)));
        }
    }

    @Test
    void closeKillsWhatRunsInsideAndDeletesTheNamespace() throws Exception {
        NetworkNamespace ns = NetworkNamespace.create("nstest");
        Path out = Files.createTempFile("netns-test", ".out");
        try {
            Process sleeper = ns.start(out, "sleep", "600");
            assertTrue(sleeper.isAlive());
            ns.close();
            assertTrue(sleeper.waitFor(10, TimeUnit.SECONDS), "the process inside was killed");
            Process list = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
            String names = new String(list.getInputStream().readAllBytes());
            assertFalse(names.contains(ns.name()), "the namespace is gone: " + names);
            Process link = new ProcessBuilder("ip", "link", "show", ns.hostInterface()).redirectErrorStream(true)
                    .start();
            link.getInputStream().readAllBytes();
            assertTrue(link.waitFor() != 0, "the veth pair is gone");
        } finally {
            ns.close();
            Files.deleteIfExists(out);
        }
    }
}
