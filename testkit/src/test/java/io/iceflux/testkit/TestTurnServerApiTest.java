package io.iceflux.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The builder, accessors, fault values and the per-class extension's clean-up between tests. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TestTurnServerApiTest {

    @RegisterExtension
    static final TestTurnServerExtension TURN = TestTurnServerExtension.perClass(TestTurnServer.builder()
            .realm("example.test").user("alice", "wonderland").user("bob", "builder"));

    @Test
    @Order(1)
    void accessorsDescribeTheRunningServer(TestTurnServer server) {
        assertThat(server).isSameAs(TURN.server());
        assertThat(server.isRunning()).isTrue();
        assertThat(server.realm()).isEqualTo("example.test");
        assertThat(server.username()).isEqualTo("alice");
        assertThat(server.password()).isEqualTo("wonderland");
        assertThat(server.users()).containsExactly(java.util.Map.entry("alice", "wonderland"),
                java.util.Map.entry("bob", "builder"));
        assertThat(server.bindAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(server.stunUrl()).isEqualTo("stun:127.0.0.1:" + server.udpPort());
        assertThat(server.turnUdpUrl()).isEqualTo("turn:127.0.0.1:" + server.udpPort() + "?transport=udp");
        assertThat(server.turnTcpUrl()).isEqualTo("turn:127.0.0.1:" + server.tcpPort() + "?transport=tcp");
        assertThat(server.turnsUrl()).isEqualTo("turns:localhost:" + server.tlsPort() + "?transport=tcp");
        assertThat(server.turnsIpUrl()).isEqualTo("turns:127.0.0.1:" + server.tlsPort() + "?transport=tcp");
        assertThat(server.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
        assertThat(server.trustManager().getAcceptedIssuers()).containsExactly(server.certificate());
        assertThat(server.allocationsAlive()).isZero();
        server.silent(TurnMethod.BINDING);
        assertThat(server.fault(TurnMethod.BINDING)).contains(Fault.silent());
    }

    @Test
    @Order(2)
    void thePerClassExtensionClearedTheFaultsOfThePreviousTest() {
        assertThat(TURN.server().fault(TurnMethod.BINDING)).isEmpty();
    }

    @Test
    void switchedOffListenersHaveNoAddressAndNoCertificate() {
        try (TestTurnServer udpOnly = TestTurnServer.builder().tcp(false).tls(false).start()) {
            assertThat(udpOnly.udpPort()).isPositive();
            assertThatThrownBy(udpOnly::tcpPort).isInstanceOf(IllegalStateException.class)
                    .hasMessage("the TCP listener is switched off");
            assertThatThrownBy(udpOnly::turnsUrl).isInstanceOf(IllegalStateException.class)
                    .hasMessage("the TLS listener is switched off");
            assertThatThrownBy(udpOnly::trustManager).isInstanceOf(IllegalStateException.class)
                    .hasMessage("the TLS listener is switched off: there is no certificate");
            assertThat(udpOnly.username()).isEqualTo(TestTurnServer.DEFAULT_USERNAME);
            udpOnly.close();
            assertThat(udpOnly.isRunning()).isFalse();
        }
    }

    @Test
    void badConfigurationIsRejectedNamingThePart() {
        assertThatThrownBy(() -> TestTurnServer.builder().udp(false).tcp(false).tls(false).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("every listener (UDP, TCP, TLS) is switched off");
        assertThatThrownBy(() -> TestTurnServer.builder().realm("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("realm is empty");
        assertThatThrownBy(() -> TestTurnServer.builder().nonceLifetime(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("nonce lifetime must be positive, got PT0S");
        assertThatThrownBy(() -> TestTurnServer.builder().maxLifetime(Duration.ofMillis(10)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maximum allocation lifetime must be at least one second, got PT0.01S");
        assertThatThrownBy(() -> TURN.server().awaitAllocationsAlive(-1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected allocation count is negative: -1");
        assertThatThrownBy(() -> TURN.server().awaitAllocationsAlive(1, Duration.ofMillis(20)))
                .isInstanceOf(AssertionError.class)
                .hasMessage("expected 1 allocation(s) alive, still 0 after 20 ms");
    }

    @Test
    void faultValuesCheckTheirArguments() {
        assertThatThrownBy(() -> Fault.error(200, "OK")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("error code must be 300-699, got 200");
        assertThatThrownBy(() -> Fault.drop(101)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("drop percentage must be 0-100, got 101");
        assertThatThrownBy(() -> Fault.delay(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("delay is negative: PT-0.001S");
        assertThatThrownBy(() -> Fault.staleNonce(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stale nonce count must be at least 1, got 0");
        assertThatThrownBy(() -> Fault.redirect(InetSocketAddress.createUnresolved("example.test", 3478)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("alternate server address is unresolved: example.test");
        assertThat(Fault.staleNonce()).isEqualTo(new Fault.StaleNonce(1));
        assertThat(TurnMethod.of(0x009)).contains(TurnMethod.CHANNEL_BIND);
        assertThat(TurnMethod.of(0x00A)).isEmpty();
    }

    @Test
    void anExtensionWithoutARunningServerSaysSo() {
        TestTurnServerExtension idle = TestTurnServerExtension.perTest(TestTurnServer.builder());
        assertThatThrownBy(idle::server).isInstanceOf(IllegalStateException.class)
                .hasMessage("no TestTurnServer is running: the extension starts it before each test");
    }
}
