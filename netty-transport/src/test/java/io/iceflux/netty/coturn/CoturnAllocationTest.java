package io.iceflux.netty.coturn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.netty.stun.PasswordAlgorithm;
import io.iceflux.netty.stun.StunCredentials;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One TURN allocation's life over UDP, by hand, against coturn: 401, authenticated Allocate, quota, Refresh with
 * LIFETIME 0; {@link Coturn#allocationCount()} follows it.
 */
class CoturnAllocationTest {

    @RegisterExtension
    static final CoturnExtension COTURN = new CoturnExtension(Coturn.builder()
            .realm("alloc.iceflux.test")
            .user("bob", "builder")
            .user("carol", "c:ar0ol")
            .userQuota(1));

    private static final Duration SETTLE = Duration.ofSeconds(5);

    @Test
    void allocateIsCountedAndRefreshWithLifetimeZeroRemovesIt() throws IOException {
        Coturn coturn = COTURN.coturn();
        assertThat(coturn.allocationCount()).isZero();

        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
                DatagramSocket second = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            HandStun.Message challenge = HandStun.exchange(client, coturn.address(), HandStun.encode(
                    HandStun.ALLOCATE_REQUEST, HandStun.newTransactionId(),
                    List.of(HandStun.Attribute.requestedTransport(HandStun.PROTOCOL_UDP))));

            assertThat(challenge.type()).isEqualTo(HandStun.ALLOCATE_ERROR);
            assertThat(challenge.errorCode()).isEqualTo(401);
            assertThat(challenge.errorReason()).isEqualTo("Unauthorized");
            assertThat(challenge.string(HandStun.REALM)).isEqualTo("alloc.iceflux.test");
            String nonce = challenge.string(HandStun.NONCE);
            assertThat(nonce).isNotEmpty();
            assertThat(coturn.allocationCount()).isZero();

            byte[] key = StunCredentials.longTermKey("bob", coturn.realm(), "builder", PasswordAlgorithm.MD5);
            byte[] tid = HandStun.newTransactionId();
            HandStun.Message allocated = HandStun.exchange(client, coturn.address(), HandStun.encodeSigned(
                    HandStun.ALLOCATE_REQUEST, tid, authenticated("bob", coturn.realm(), nonce,
                            HandStun.Attribute.requestedTransport(HandStun.PROTOCOL_UDP)), key));

            assertThat(allocated.type()).isEqualTo(HandStun.ALLOCATE_SUCCESS);
            assertThat(allocated.transactionId()).isEqualTo(tid);
            assertThat(allocated.xorAddress(HandStun.XOR_MAPPED_ADDRESS)).isEqualTo(client.getLocalSocketAddress());
            InetSocketAddress relayed = allocated.xorAddress(HandStun.XOR_RELAYED_ADDRESS);
            assertThat(relayed.getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
            assertThat(relayed.getPort()).isBetween(coturn.minRelayPort(), coturn.maxRelayPort());
            assertThat(ByteBuffer.wrap(allocated.require(HandStun.LIFETIME)).getInt()).isPositive();
            assertThat(allocated.first(HandStun.MESSAGE_INTEGRITY)).isPresent();
            coturn.awaitAllocationCount(1, SETTLE);
            assertThat(coturn.allocationCount()).isEqualTo(1);

            HandStun.Message overQuota = HandStun.exchange(second, coturn.address(), HandStun.encodeSigned(
                    HandStun.ALLOCATE_REQUEST, HandStun.newTransactionId(), authenticated("bob", coturn.realm(),
                            nonce(second), HandStun.Attribute.requestedTransport(HandStun.PROTOCOL_UDP)), key));

            assertThat(overQuota.type()).isEqualTo(HandStun.ALLOCATE_ERROR);
            assertThat(overQuota.errorCode()).isEqualTo(486);
            assertThat(coturn.allocationCount()).isEqualTo(1);

            byte[] refreshTid = HandStun.newTransactionId();
            HandStun.Message refreshed = HandStun.exchange(client, coturn.address(), HandStun.encodeSigned(
                    HandStun.REFRESH_REQUEST, refreshTid, authenticated("bob", coturn.realm(), nonce,
                            HandStun.Attribute.ofInt(HandStun.LIFETIME, 0)), key));

            assertThat(refreshed.type()).isEqualTo(HandStun.REFRESH_SUCCESS);
            assertThat(refreshed.transactionId()).isEqualTo(refreshTid);
            assertThat(ByteBuffer.wrap(refreshed.require(HandStun.LIFETIME)).getInt()).isZero();
            coturn.awaitAllocationCount(0, SETTLE);
            assertThat(coturn.allocationCount()).isZero();
        }
    }

    @Test
    void secondUserWithColonInPasswordCanAllocateAndAWrongPasswordGets401() throws IOException {
        Coturn coturn = COTURN.coturn();
        assertThat(coturn.users()).containsExactly(
                Map.entry("bob", "builder"), Map.entry("carol", "c:ar0ol"));
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            String nonce = nonce(client);

            byte[] wrongKey = StunCredentials.longTermKey("carol", coturn.realm(), "wrong", PasswordAlgorithm.MD5);
            HandStun.Message rejected = HandStun.exchange(client, coturn.address(), HandStun.encodeSigned(
                    HandStun.ALLOCATE_REQUEST, HandStun.newTransactionId(), authenticated("carol", coturn.realm(),
                            nonce, HandStun.Attribute.requestedTransport(HandStun.PROTOCOL_UDP)), wrongKey));
            assertThat(rejected.type()).isEqualTo(HandStun.ALLOCATE_ERROR);
            assertThat(rejected.errorCode()).isEqualTo(401);

            byte[] key = StunCredentials.longTermKey("carol", coturn.realm(), "c:ar0ol", PasswordAlgorithm.MD5);
            HandStun.Message allocated = HandStun.exchange(client, coturn.address(), HandStun.encodeSigned(
                    HandStun.ALLOCATE_REQUEST, HandStun.newTransactionId(), authenticated("carol", coturn.realm(),
                            nonce, HandStun.Attribute.requestedTransport(HandStun.PROTOCOL_UDP)), key));
            assertThat(allocated.type()).isEqualTo(HandStun.ALLOCATE_SUCCESS);
            coturn.awaitAllocationCount(1, SETTLE);

            HandStun.Message released = HandStun.exchange(client, coturn.address(), HandStun.encodeSigned(
                    HandStun.REFRESH_REQUEST, HandStun.newTransactionId(), authenticated("carol", coturn.realm(),
                            nonce, HandStun.Attribute.ofInt(HandStun.LIFETIME, 0)), key));
            assertThat(released.type()).isEqualTo(HandStun.REFRESH_SUCCESS);
            coturn.awaitAllocationCount(0, SETTLE);
        }
    }

    @Test
    void awaitAllocationCountReportsTheLastCountWhenItTimesOut() {
        Coturn coturn = COTURN.coturn();

        assertThatThrownBy(() -> coturn.awaitAllocationCount(3, Duration.ofMillis(50)))
                .isInstanceOf(CoturnException.class)
                .hasMessage("coturn still reports 0 allocation(s) after 50 ms, expected 3");
        assertThatThrownBy(() -> coturn.awaitAllocationCount(-1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected allocation count is negative: -1");
        assertThatThrownBy(() -> coturn.awaitAllocationCount(0, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout is negative: PT-1S");
    }

    /** Returns the nonce of the 401 coturn answers an unauthenticated Allocate from {@code client} with. */
    private static String nonce(DatagramSocket client) throws IOException {
        HandStun.Message challenge = HandStun.exchange(client, COTURN.coturn().address(), HandStun.encode(
                HandStun.ALLOCATE_REQUEST, HandStun.newTransactionId(),
                List.of(HandStun.Attribute.requestedTransport(HandStun.PROTOCOL_UDP))));
        assertThat(challenge.errorCode()).isEqualTo(401);
        return challenge.string(HandStun.NONCE);
    }

    private static List<HandStun.Attribute> authenticated(String user, String realm, String nonce,
            HandStun.Attribute attribute) {
        return List.of(attribute,
                HandStun.Attribute.ofString(HandStun.USERNAME, user),
                HandStun.Attribute.ofString(HandStun.REALM, realm),
                HandStun.Attribute.ofString(HandStun.NONCE, nonce));
    }
}
