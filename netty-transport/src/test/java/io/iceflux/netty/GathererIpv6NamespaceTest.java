package io.iceflux.netty;

import static io.iceflux.netty.fixtures.GatheringEvents.candidates;
import static io.iceflux.netty.fixtures.GatheringEvents.errors;
import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.HostInterfaces;
import io.iceflux.IceCandidate;
import io.iceflux.IceCandidateError;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceServer;
import io.iceflux.IpAddresses;
import io.iceflux.StunTimers;
import io.iceflux.testsupport.NetworkNamespace;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * IPv6 off loopback: a network namespace made by the test ({@link NetworkNamespace}) with a unique-local /64 on its
 * veth pair (the host's end {@code fd77:…::1}, the namespace's {@code fd77:…::2}, without duplicate-address
 * detection) and coturn 4.6.1 inside it, listening on the namespace's IPv6 and IPv4 addresses and relaying on its
 * IPv6 address only. The gathering uses the host's end of the veth pair only, IPv6 only: a global-scope IPv6 host
 * candidate, its server-reflexive twin, IPv6 relays over UDP and TCP, and the incompatible-family 701 for the
 * namespace's IPv4 server. Skipped unless root with iproute2. Nothing leaves the veth pair.
 */
class GathererIpv6NamespaceTest {

    static final String USER = "alice";
    static final String PASSWORD = "wonderland";
    static final int PORT = 3478;
    static final int MIN_RELAY = 49_152;
    static final int MAX_RELAY = 49_200;
    static final StunTimers FAST = StunTimers.rfc8489().withInitialRto(Duration.ofMillis(50)).withMaxRequests(3)
            .withLastWaitMultiplier(2).withReliableTimeout(Duration.ofSeconds(2));

    static NetworkNamespace ns;
    static Path directory;
    static InetAddress host6;
    static InetAddress ns6;
    static NettyIceGatherer gatherer;

    @BeforeAll
    static void setUp() throws Exception {
        NetworkNamespace.assumeAvailable();
        ns = NetworkNamespace.create("ipv6");
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        String prefix = String.format("fd77:%02x%02x:%02x%02x::", random[0], random[1], random[2], random[3]);
        host6 = InetAddress.getByName(prefix + "1");
        ns6 = InetAddress.getByName(prefix + "2");
        String nsInterface = ns.exec("ip", "-o", "-4", "addr", "show", "to", ns.nsAddress().getHostAddress())
                .trim().split("\\s+")[1];
        run("ip", "-6", "addr", "add", prefix + "1/64", "dev", ns.hostInterface(), "nodad");
        ns.exec("ip", "-6", "addr", "add", prefix + "2/64", "dev", nsInterface, "nodad");

        directory = Files.createTempDirectory("iceflux-netns-coturn-");
        Path config = directory.resolve("turnserver.conf");
        Files.writeString(config, String.join("\n",
                "listening-ip=" + ns6.getHostAddress(),
                "listening-ip=" + ns.nsAddress().getHostAddress(),
                "relay-ip=" + ns6.getHostAddress(),
                "listening-port=" + PORT,
                "min-port=" + MIN_RELAY,
                "max-port=" + MAX_RELAY,
                "realm=netns.iceflux.test",
                "lt-cred-mech",
                "user=" + USER + ":" + PASSWORD,
                "fingerprint",
                "no-tls",
                "no-dtls",
                "no-rfc5780",
                "no-cli",
                "no-stdout-log",
                "simple-log",
                "log-file=" + directory.resolve("turnserver.log"),
                "pidfile=" + directory.resolve("turnserver.pid"),
                "userdb=" + directory.resolve("turndb")) + "\n", StandardCharsets.UTF_8);
        ns.start(directory.resolve("console.log"), "/usr/bin/turnserver", "-c", config.toString());
        awaitBinding(new InetSocketAddress(ns6, PORT), Duration.ofSeconds(10));
        gatherer = NettyIceGatherer.builder().build();
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (gatherer != null) {
            gatherer.close();
        }
        if (ns != null) {
            ns.close();
        }
        if (directory != null) {
            try (var files = Files.walk(directory)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    static String url6(String scheme, String query) {
        return scheme + ":[" + IpAddresses.format(ns6) + "]:" + PORT + query;
    }

    static List<IceEvent> gather(IceServer... servers) {
        IceConfiguration config = IceConfiguration.builder().servers(List.of(servers)).stunTimers(FAST)
                .hostInterfaces(HostInterfaces.only(ns.hostInterface()).ipv6Only()).build();
        return gatherer.gather(config).collectList().block(Duration.ofSeconds(30));
    }

    @Test
    void aGlobalIpv6HostGetsServerReflexiveAndIpv6RelaysOverUdpAndTcp() {
        String stun = url6("stun", "");
        String udp = url6("turn", "?transport=udp");
        String tcp = url6("turn", "?transport=tcp");
        List<IceEvent> events = gather(IceServer.of(stun), IceServer.of(List.of(udp, tcp), USER, PASSWORD));

        String hostAddress = IpAddresses.format(host6);
        List<IceCandidate> hosts = candidates(events, IceCandidate.Type.HOST);
        assertThat(hosts).singleElement().satisfies(h -> assertThat(h.address()).isEqualTo(hostAddress));
        int hostPort = hosts.get(0).port();
        assertThat(errors(events)).isEmpty();
        assertThat(candidates(events, IceCandidate.Type.SRFLX)).extracting(IceCandidate::url)
                .containsExactlyInAnyOrder(stun, udp);
        assertThat(candidates(events, IceCandidate.Type.SRFLX)).allSatisfy(srflx -> {
            assertThat(srflx.address()).isEqualTo(hostAddress);
            assertThat(srflx.port()).isEqualTo(hostPort);
        });
        List<IceCandidate> relays = candidates(events, IceCandidate.Type.RELAY);
        assertThat(relays).extracting(IceCandidate::url).containsExactlyInAnyOrder(udp, tcp);
        assertThat(relays).allSatisfy(relay -> {
            assertThat(relay.address()).isEqualTo(IpAddresses.format(ns6));
            assertThat(relay.port()).isBetween(MIN_RELAY, MAX_RELAY);
            assertThat(relay.relatedAddress()).isEqualTo(hostAddress);
        });
        assertThat(relays).filteredOn(r -> r.url().equals(udp)).singleElement()
                .satisfies(r -> assertThat(r.relatedPort()).isEqualTo(hostPort));
    }

    @Test
    void theNamespacesIpv4ServerIsAnIncompatible701FromTheIpv6OnlyHost() {
        String stun4 = "stun:" + ns.nsAddress().getHostAddress() + ":" + PORT;
        String turn4 = "turn:" + ns.nsAddress().getHostAddress() + ":" + PORT + "?transport=udp";
        List<IceEvent> events = gather(IceServer.of(stun4), IceServer.of(List.of(turn4), USER, PASSWORD));

        assertThat(candidates(events, IceCandidate.Type.HOST)).singleElement()
                .satisfies(h -> assertThat(h.address()).isEqualTo(IpAddresses.format(host6)));
        assertThat(candidates(events, IceCandidate.Type.SRFLX)).isEmpty();
        assertThat(candidates(events, IceCandidate.Type.RELAY)).isEmpty();
        assertThat(errors(events)).containsExactlyInAnyOrder(
                IceCandidateError.withoutAddress(stun4, 701, "STUN server address is incompatible."),
                IceCandidateError.withoutAddress(turn4, 701, "TURN server address is incompatible."));
    }

    /** Wait until coturn answers a Binding on {@code server} (it needs a moment after starting). */
    static void awaitBinding(InetSocketAddress server, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] request = new byte[20];
        new SecureRandom().nextBytes(request);
        request[0] = 0x00;
        request[1] = 0x01;
        request[2] = 0;
        request[3] = 0;
        request[4] = 0x21;
        request[5] = 0x12;
        request[6] = (byte) 0xA4;
        request[7] = 0x42;
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(host6, 0))) {
            socket.setSoTimeout(100);
            while (System.nanoTime() < deadline) {
                socket.send(new DatagramPacket(request, request.length, server));
                byte[] buffer = new byte[1500];
                DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(answer);
                    if (answer.getLength() >= 20 && buffer[0] == 0x01 && buffer[1] == 0x01
                            && Arrays.equals(Arrays.copyOfRange(buffer, 8, 20), Arrays.copyOfRange(request, 8, 20))) {
                        return;
                    }
                } catch (SocketTimeoutException notYet) {
                    // coturn is still starting: ask again
                }
            }
        }
        throw new IllegalStateException("coturn in " + ns + " did not answer a Binding on " + server + " within "
                + timeout.toMillis() + " ms; its log:\n" + readQuietly(directory.resolve("turnserver.log"))
                + readQuietly(directory.resolve("console.log")));
    }

    static String readQuietly(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }
}
