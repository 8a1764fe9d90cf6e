package io.iceflux.netty.coturn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CoturnBindingTest {

    @RegisterExtension
    static final CoturnExtension COTURN = new CoturnExtension();

    @Test
    void answersBindingOverUdpWithTheClientsAddress() throws IOException {
        Coturn coturn = COTURN.coturn();
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            byte[] tid = HandStun.newTransactionId();
            HandStun.Message answer = HandStun.exchange(client, coturn.address(),
                    HandStun.encode(HandStun.BINDING_REQUEST, tid, List.of()));

            assertThat(answer.type()).isEqualTo(HandStun.BINDING_SUCCESS);
            assertThat(answer.transactionId()).isEqualTo(tid);
            assertThat(answer.xorAddress(HandStun.XOR_MAPPED_ADDRESS)).isEqualTo(client.getLocalSocketAddress());
        }
    }

    @Test
    void answersBindingOverTcpWithTheClientsAddress() throws IOException {
        Coturn coturn = COTURN.coturn();
        try (Socket client = new Socket()) {
            client.connect(coturn.address(), 2000);
            client.setSoTimeout(2000);
            byte[] tid = HandStun.newTransactionId();
            client.getOutputStream().write(HandStun.encode(HandStun.BINDING_REQUEST, tid, List.of()));
            HandStun.Message answer = HandStun.read(client.getInputStream());

            assertThat(answer.type()).isEqualTo(HandStun.BINDING_SUCCESS);
            assertThat(answer.transactionId()).isEqualTo(tid);
            assertThat(answer.xorAddress(HandStun.XOR_MAPPED_ADDRESS)).isEqualTo(client.getLocalSocketAddress());
        }
    }

    @Test
    void describesItsListenersAndUsers() {
        Coturn coturn = COTURN.coturn();
        int port = coturn.port();
        int tlsPort = coturn.tlsPort();

        assertThat(coturn.address()).isEqualTo(new InetSocketAddress("127.0.0.1", port));
        assertThat(coturn.tlsAddress()).isEqualTo(new InetSocketAddress("127.0.0.1", tlsPort));
        assertThat(coturn.stunUrl()).isEqualTo("stun:127.0.0.1:" + port);
        assertThat(coturn.turnUdpUrl()).isEqualTo("turn:127.0.0.1:" + port + "?transport=udp");
        assertThat(coturn.turnTcpUrl()).isEqualTo("turn:127.0.0.1:" + port + "?transport=tcp");
        assertThat(coturn.turnsUrl()).isEqualTo("turns:localhost:" + tlsPort + "?transport=tcp");
        assertThat(coturn.turnsIpUrl()).isEqualTo("turns:127.0.0.1:" + tlsPort + "?transport=tcp");
        assertThat(List.of(port, tlsPort, coturn.cliPort())).doesNotHaveDuplicates().allSatisfy(
                p -> assertThat(p < coturn.minRelayPort() || p > coturn.maxRelayPort()).isTrue());
        assertThat(coturn.maxRelayPort() - coturn.minRelayPort() + 1).isEqualTo(FreePorts.RELAY_BLOCK);
        assertThat(coturn.tlsEnabled()).isTrue();
        assertThat(coturn.realm()).isEqualTo("iceflux.test");
        assertThat(coturn.username()).isEqualTo("alice");
        assertThat(coturn.password()).isEqualTo("wonderland");
        assertThat(coturn.users()).containsExactly(Map.entry("alice", "wonderland"));
        assertThat(coturn.isRunning()).isTrue();
        assertThat(ProcessHandle.of(coturn.pid())).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
        assertThat(coturn.toString()).contains("pid=" + coturn.pid(), "127.0.0.1:" + port, "tls " + tlsPort,
                "cli " + coturn.cliPort()).doesNotContain("wonderland");
    }

    @Test
    void showsTheTailOfItsLog() {
        Coturn coturn = COTURN.coturn();

        assertThat(coturn.logTail(1000)).contains("Coturn-4.6.1", "Default realm: iceflux.test");
        assertThat(coturn.logTail(3).lines()).hasSize(3);
        assertThat(coturn.logTail(0)).isEmpty();
        assertThatThrownBy(() -> coturn.logTail(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("lines is negative: -1");
    }
}
