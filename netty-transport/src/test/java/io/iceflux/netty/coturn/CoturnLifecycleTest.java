package io.iceflux.netty.coturn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** A coturn without TLS, redirecting Allocates, that the last test closes. */
@TestMethodOrder(OrderAnnotation.class)
class CoturnLifecycleTest {

    private static final InetSocketAddress ALTERNATE = new InetSocketAddress("127.0.0.1", 9);

    private static Coturn coturn;

    @BeforeAll
    static void startCoturn() {
        coturn = Coturn.builder()
                .realm("life.iceflux.test")
                .users(Map.of("dave", "d4ve"))
                .userQuota(3)
                .staleNonce(Duration.ofSeconds(30))
                .alternateServer(ALTERNATE)
                .tls(false)
                .start();
    }

    @AfterAll
    static void stopCoturn() {
        coturn.close();
    }

    @Test
    @Order(1)
    void alternateServerAnswersAllocateWith300() throws IOException {
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            HandStun.Message answer = HandStun.exchange(client, coturn.address(), HandStun.encode(
                    HandStun.ALLOCATE_REQUEST, HandStun.newTransactionId(),
                    List.of(HandStun.Attribute.requestedTransport(HandStun.PROTOCOL_UDP))));

            assertThat(answer.type()).isEqualTo(HandStun.ALLOCATE_ERROR);
            assertThat(answer.errorCode()).isEqualTo(300);
            assertThat(answer.errorReason()).isEqualTo("Try Alternate");
            assertThat(answer.address(HandStun.ALTERNATE_SERVER)).isEqualTo(ALTERNATE);
        }
        assertThat(coturn.allocationCount()).isZero();
    }

    @Test
    @Order(2)
    void configFileCarriesEveryOption() throws IOException {
        List<String> config = Files.readAllLines(coturn.directory().resolve("turnserver.conf"),
                StandardCharsets.UTF_8);

        assertThat(config).contains(
                "listening-ip=127.0.0.1",
                "relay-ip=127.0.0.1",
                "listening-port=" + coturn.port(),
                "min-port=" + coturn.minRelayPort(),
                "max-port=" + coturn.maxRelayPort(),
                "realm=life.iceflux.test",
                "user=dave:d4ve",
                "user-quota=3",
                "stale-nonce=30",
                "alternate-server=127.0.0.1:9",
                "lt-cred-mech",
                "fingerprint",
                "allow-loopback-peers",
                "no-multicast-peers",
                "no-dtls",
                "no-tls",
                "no-rfc5780",
                "simple-log",
                "no-stdout-log",
                "cli-ip=127.0.0.1",
                "cli-port=" + coturn.cliPort());
        assertThat(config).noneMatch(line -> line.contains("0.0.0.0") || line.startsWith("cert=")
                || line.startsWith("tls-listening-port="));
        assertThat(coturn.users()).containsExactly(Map.entry("dave", "d4ve"));
        assertThat(coturn.username()).isEqualTo("dave");
        assertThat(coturn.password()).isEqualTo("d4ve");
        assertThat(coturn.realm()).isEqualTo("life.iceflux.test");
    }

    @Test
    @Order(3)
    void withoutTlsTheTlsAccessorsSaySo() {
        assertThat(coturn.tlsEnabled()).isFalse();
        assertTlsOff(coturn::tlsPort, "tlsPort");
        assertTlsOff(coturn::tlsAddress, "tlsPort");
        assertTlsOff(coturn::turnsUrl, "tlsPort");
        assertTlsOff(coturn::turnsIpUrl, "tlsPort");
        assertTlsOff(coturn::certificate, "certificate");
        assertTlsOff(coturn::certificatePem, "certificatePem");
        assertTlsOff(coturn::trustManager, "certificate");
        assertThat(coturn.toString()).doesNotContain("tls");
    }

    @Test
    @Order(3)
    void withoutIpv6TheIpv6AccessorsSaySo() {
        assertThat(coturn.listensOnIpv6()).isFalse();
        assertThat(coturn.relaysOnIpv6()).isFalse();
        for (String what : new String[] {"address6", "stunUrl6", "turnUdpUrl6", "turnTcpUrl6"}) {
            ThrowingCallable call = switch (what) {
                case "address6" -> coturn::address6;
                case "stunUrl6" -> coturn::stunUrl6;
                case "turnUdpUrl6" -> coturn::turnUdpUrl6;
                default -> coturn::turnTcpUrl6;
            };
            assertThatThrownBy(call).isInstanceOf(IllegalStateException.class)
                    .hasMessage(what + ": this coturn does not listen on [::1]");
        }
    }

    @Test
    @Order(4)
    void closeStopsTheProcessFreesThePortsAndDeletesTheDirectory() throws IOException {
        long pid = coturn.pid();
        Path directory = coturn.directory();
        assertThat(ProcessHandle.of(pid)).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());

        coturn.close();

        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(coturn.isRunning()).isFalse();
        assertThat(directory).doesNotExist();
        for (int port : List.of(coturn.port(), coturn.cliPort())) {
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress("127.0.0.1", port));
                    ServerSocket tcp = new ServerSocket()) {
                tcp.bind(new InetSocketAddress("127.0.0.1", port));
                assertThat(udp.getLocalPort()).isEqualTo(port);
                assertThat(tcp.getLocalPort()).isEqualTo(port);
            }
        }
        assertThat(coturn.logTail(1000)).contains("Default realm: life.iceflux.test");
        assertThatThrownBy(coturn::allocationCount)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("allocationCount: this coturn is closed");

        coturn.close();
        assertThat(coturn.isRunning()).isFalse();
    }

    private static void assertTlsOff(ThrowingCallable call, String what) {
        assertThatThrownBy(call)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(what + ": TLS is switched off for this coturn");
    }
}
