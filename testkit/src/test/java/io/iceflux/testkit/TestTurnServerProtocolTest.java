package io.iceflux.testkit;

import static io.iceflux.testkit.HandClient.allocateRequest;
import static io.iceflux.testkit.HandClient.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.netty.stun.ChannelData;
import io.iceflux.netty.stun.StunAttribute;
import io.iceflux.netty.stun.StunAttribute.ChannelNumber;
import io.iceflux.netty.stun.StunAttribute.Data;
import io.iceflux.netty.stun.StunAttribute.Lifetime;
import io.iceflux.netty.stun.StunAttribute.XorMappedAddress;
import io.iceflux.netty.stun.StunAttribute.XorPeerAddress;
import io.iceflux.netty.stun.StunAttribute.XorRelayedAddress;
import io.iceflux.netty.stun.StunClass;
import io.iceflux.netty.stun.StunMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The server's STUN/TURN behaviour seen by a client made by hand with the codec, and by a peer socket. */
class TestTurnServerProtocolTest {

    @RegisterExtension
    final TestTurnServerExtension turn = TestTurnServerExtension.perTest(TestTurnServer.builder().tls(false));

    static final byte[] HELLO = "hello peer".getBytes(StandardCharsets.UTF_8);
    static final byte[] BACK = "hello client".getBytes(StandardCharsets.UTF_8);

    TestTurnServer server() {
        return turn.server();
    }

    static DatagramSocket peer() throws Exception {
        DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        socket.setSoTimeout(5000);
        return socket;
    }

    static byte[] receive(DatagramSocket socket, InetSocketAddress[] from) throws Exception {
        byte[] buffer = new byte[2048];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        socket.receive(packet);
        from[0] = (InetSocketAddress) packet.getSocketAddress();
        return Arrays.copyOf(buffer, packet.getLength());
    }

    @Test
    void bindingAnswersTheMappedAddressWithFingerprint() throws Exception {
        try (HandClient client = HandClient.udp(server())) {
            HandClient.Received answer = client.request(request(TurnMethod.BINDING));

            assertThat(answer.message().messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(answer.message().attribute(XorMappedAddress.class)).contains(
                    new XorMappedAddress(client.localAddress()));
            assertThat(answer.message().attribute(StunAttribute.Software.class)).contains(
                    new StunAttribute.Software(TestTurnServer.DEFAULT_SOFTWARE));
            assertThat(answer.message().wireLayout().orElseThrow().hasFingerprint()).isTrue();
            assertThat(answer.message().wireLayout().orElseThrow().hasMessageIntegrity()).isFalse();
        }
    }

    @Test
    void allocateIsChallengedThenSignedWithTheRelayMappedAddressAndLifetime() throws Exception {
        try (HandClient client = HandClient.udp(server())) {
            HandClient.Received challenge = client.request(allocateRequest());
            assertThat(challenge.errorCode()).isEqualTo(401);
            assertThat(challenge.message().attribute(StunAttribute.Realm.class))
                    .contains(new StunAttribute.Realm(TestTurnServer.DEFAULT_REALM));
            assertThat(challenge.message().attribute(StunAttribute.Nonce.class)).isPresent();
            client.answerChallenge(challenge);

            HandClient.Received success = client.request(allocateRequest());

            assertThat(success.message().messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(success.signedWith(client.key)).isTrue();
            assertThat(success.message().wireLayout().orElseThrow().hasFingerprint()).isTrue();
            InetSocketAddress relay = success.message().attribute(XorRelayedAddress.class).orElseThrow().address();
            assertThat(relay.getAddress()).isEqualTo(InetAddress.getLoopbackAddress());
            assertThat(relay.getPort()).isNotEqualTo(server().udpPort());
            assertThat(success.message().attribute(XorMappedAddress.class))
                    .contains(new XorMappedAddress(client.localAddress()));
            assertThat(success.message().attribute(Lifetime.class)).contains(new Lifetime(600));
            assertThat(server().allocationsAlive()).isEqualTo(1);
            assertThat(server().allocationsCreated()).isEqualTo(1);

            HandClient.Received again = client.request(allocateRequest());
            assertThat(again.errorCode()).isEqualTo(437);
            assertThat(again.signedWith(client.key)).isTrue();

            HandClient.Received delete = client.request(request(TurnMethod.REFRESH).add(new Lifetime(0)));
            assertThat(delete.message().messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(delete.message().attribute(Lifetime.class)).contains(new Lifetime(0));
            assertThat(server().allocationsAlive()).isZero();

            HandClient.Received gone = client.request(request(TurnMethod.REFRESH).add(new Lifetime(0)));
            assertThat(gone.errorCode()).isEqualTo(437);
        }
    }

    @Test
    void wrongPasswordAndMissingAttributesAreRejected() throws Exception {
        try (HandClient client = HandClient.udp(server())) {
            client.answerChallenge(client.request(allocateRequest()));
            client.key = io.iceflux.netty.stun.StunCredentials.longTermKey(server().username(), server().realm(),
                    "wrong", io.iceflux.netty.stun.PasswordAlgorithm.MD5);

            assertThat(client.request(allocateRequest()).errorCode()).isEqualTo(401);
            assertThat(server().allocationsCreated()).isZero();
        }
        try (HandClient client = HandClient.udp(server())) {
            client.answerChallenge(client.request(allocateRequest()));

            HandClient.Received noTransport = client.request(request(TurnMethod.ALLOCATE));
            assertThat(noTransport.errorCode()).isEqualTo(400);
            assertThat(noTransport.signedWith(client.key)).isTrue();
            HandClient.Received tcpRelay = client.request(request(TurnMethod.ALLOCATE)
                    .add(new StunAttribute.RequestedTransport(6)));
            assertThat(tcpRelay.errorCode()).isEqualTo(442);
            HandClient.Received noAllocation = client.request(request(TurnMethod.CREATE_PERMISSION)
                    .add(new XorPeerAddress(client.localAddress())));
            assertThat(noAllocation.errorCode()).isEqualTo(437);
        }
    }

    @Test
    void anExpiredNonceIs438WithAFreshOne() throws Exception {
        try (TestTurnServer quick = TestTurnServer.builder().tls(false).tcp(false)
                .nonceLifetime(Duration.ofNanos(1)).start();
                HandClient client = HandClient.udp(quick)) {
            HandClient.Received challenge = client.request(allocateRequest());
            client.answerChallenge(challenge);

            HandClient.Received stale = client.request(allocateRequest());

            assertThat(stale.errorCode()).isEqualTo(438);
            assertThat(stale.message().attribute(StunAttribute.Realm.class)).isPresent();
            assertThat(stale.message().attribute(StunAttribute.Nonce.class).orElseThrow().value())
                    .isNotEqualTo(client.nonce);
            assertThat(quick.allocationsCreated()).isZero();
        }
    }

    @Test
    void sendAndDataIndicationsRelayBetweenClientAndPermittedPeer() throws Exception {
        try (HandClient client = HandClient.udp(server()); DatagramSocket peer = peer()) {
            InetSocketAddress relay = client.allocate().message().attribute(XorRelayedAddress.class).orElseThrow()
                    .address();
            InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();

            HandClient.Received permitted = client.request(request(TurnMethod.CREATE_PERMISSION)
                    .add(new XorPeerAddress(peerAddress)));
            assertThat(permitted.message().messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(permitted.signedWith(client.key)).isTrue();

            client.send(StunMessage.builder(StunClass.INDICATION, TurnMethod.SEND.code())
                    .add(new XorPeerAddress(peerAddress)).add(new Data(HELLO)).build(), false);
            InetSocketAddress[] from = new InetSocketAddress[1];
            assertThat(receive(peer, from)).isEqualTo(HELLO);
            assertThat(from[0]).isEqualTo(relay);

            peer.send(new DatagramPacket(BACK, BACK.length, relay));
            HandClient.Received data = client.receive();
            assertThat(data.message().messageClass()).isEqualTo(StunClass.INDICATION);
            assertThat(data.message().method()).isEqualTo(TurnMethod.DATA.code());
            assertThat(data.message().attribute(XorPeerAddress.class)).contains(new XorPeerAddress(peerAddress));
            assertThat(data.message().attribute(Data.class).orElseThrow().value()).isEqualTo(BACK);
            assertThat(server().received(TurnMethod.SEND, StunClass.INDICATION)).isEqualTo(1);
            assertThat(server().sent(TurnMethod.DATA, StunClass.INDICATION)).isEqualTo(1);
            assertThat(server().packetsDropped()).isZero();
        }
    }

    @Test
    void sendWithoutPermissionIsDropped() throws Exception {
        try (HandClient client = HandClient.udp(server()); DatagramSocket peer = peer()) {
            client.allocate();
            InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();

            client.send(StunMessage.builder(StunClass.INDICATION, TurnMethod.SEND.code())
                    .add(new XorPeerAddress(peerAddress)).add(new Data(HELLO)).build(), false);
            // the server handles messages in order: once this Refresh is answered the Send was handled
            client.request(request(TurnMethod.REFRESH));

            assertThat(server().received(TurnMethod.SEND, StunClass.INDICATION)).isEqualTo(1);
            assertThat(server().packetsDropped()).isEqualTo(1);
        }
    }

    @Test
    void channelDataRelaysBothWaysAfterChannelBind() throws Exception {
        try (HandClient client = HandClient.udp(server()); DatagramSocket peer = peer()) {
            InetSocketAddress relay = client.allocate().message().attribute(XorRelayedAddress.class).orElseThrow()
                    .address();
            InetSocketAddress peerAddress = (InetSocketAddress) peer.getLocalSocketAddress();

            HandClient.Received bound = client.request(request(TurnMethod.CHANNEL_BIND)
                    .add(new ChannelNumber(0x4001)).add(new XorPeerAddress(peerAddress)));
            assertThat(bound.message().messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            HandClient.Received outOfRange = client.request(request(TurnMethod.CHANNEL_BIND)
                    .add(new ChannelNumber(0x3FFF)).add(new XorPeerAddress(peerAddress)));
            assertThat(outOfRange.errorCode()).isEqualTo(400);

            ChannelData out = new ChannelData(0x4001, Unpooled.wrappedBuffer(HELLO));
            ByteBuf encoded = out.encode(UnpooledByteBufAllocator.DEFAULT, false);
            try {
                client.sendRaw(ByteBufUtil.getBytes(encoded));
            } finally {
                encoded.release();
                out.release();
            }
            InetSocketAddress[] from = new InetSocketAddress[1];
            assertThat(receive(peer, from)).isEqualTo(HELLO);
            assertThat(from[0]).isEqualTo(relay);

            peer.send(new DatagramPacket(BACK, BACK.length, relay));
            ChannelData back = ChannelData.decode(Unpooled.wrappedBuffer(client.receiveRaw()));
            try {
                assertThat(back.channelNumber()).isEqualTo(0x4001);
                assertThat(ByteBufUtil.getBytes(back.content())).isEqualTo(BACK);
            } finally {
                back.release();
            }
            assertThat(server().channelDataReceived()).isEqualTo(1);
            assertThat(server().channelDataSent()).isEqualTo(1);
        }
    }

    @Test
    void anAllocationExpiresAfterItsLifetime() throws Exception {
        try (HandClient client = HandClient.udp(server())) {
            client.answerChallenge(client.request(allocateRequest()));
            HandClient.Received success = client.request(allocateRequest().add(new Lifetime(1)));
            assertThat(success.message().attribute(Lifetime.class)).contains(new Lifetime(1));
            assertThat(server().allocationsAlive()).isEqualTo(1);

            server().awaitAllocationsAlive(0, Duration.ofSeconds(5));
            assertThat(client.request(request(TurnMethod.REFRESH)).errorCode()).isEqualTo(437);
        }
    }

    @Test
    void closingTheTcpConnectionDeletesItsAllocation() throws Exception {
        try (HandClient client = HandClient.tcp(server())) {
            HandClient.Received success = client.allocate();
            assertThat(success.message().attribute(XorMappedAddress.class))
                    .contains(new XorMappedAddress(client.localAddress()));
            assertThat(server().allocationsAlive()).isEqualTo(1);
        }
        server().awaitAllocationsAlive(0, Duration.ofSeconds(5));
        assertThat(server().allocationsCreated()).isEqualTo(1);
    }

    @Test
    void anErrorFaultToASignedRequestIsSigned() throws Exception {
        try (HandClient client = HandClient.udp(server())) {
            client.answerChallenge(client.request(allocateRequest()));
            server().respondWithError(TurnMethod.ALLOCATE, 486, "Allocation Quota Reached");

            HandClient.Received quota = client.request(allocateRequest());

            assertThat(quota.errorCode()).isEqualTo(486);
            assertThat(quota.message().attribute(StunAttribute.ErrorCode.class))
                    .contains(new StunAttribute.ErrorCode(486, "Allocation Quota Reached"));
            assertThat(quota.signedWith(client.key)).isTrue();
        }
    }
}
