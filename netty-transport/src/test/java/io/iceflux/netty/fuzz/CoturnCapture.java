package io.iceflux.netty.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.netty.coturn.Coturn;
import io.iceflux.netty.stun.PasswordAlgorithm;
import io.iceflux.netty.stun.StunAttribute;
import io.iceflux.netty.stun.StunAttribute.ChannelNumber;
import io.iceflux.netty.stun.StunAttribute.Data;
import io.iceflux.netty.stun.StunAttribute.ErrorCode;
import io.iceflux.netty.stun.StunAttribute.Lifetime;
import io.iceflux.netty.stun.StunAttribute.Nonce;
import io.iceflux.netty.stun.StunAttribute.Realm;
import io.iceflux.netty.stun.StunAttribute.RequestedTransport;
import io.iceflux.netty.stun.StunAttribute.Unknown;
import io.iceflux.netty.stun.StunAttribute.Username;
import io.iceflux.netty.stun.StunAttribute.XorPeerAddress;
import io.iceflux.netty.stun.StunAttribute.XorRelayedAddress;
import io.iceflux.netty.stun.StunClass;
import io.iceflux.netty.stun.StunCodec;
import io.iceflux.netty.stun.StunCredentials;
import io.iceflux.netty.stun.StunEncodeOptions;
import io.iceflux.netty.stun.StunMessage;
import io.iceflux.netty.stun.StunMethod;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Captures real coturn traffic as seed files for the fuzz targets; skipped unless
 * {@code -Diceflux.fuzz.seeds=<netty-transport>/src/test/resources/io/iceflux/netty/fuzz} is given (see
 * docs/readme-fuzz.md). It starts coturn on loopback, runs Binding, Allocate (401, then authenticated), Refresh,
 * CreatePermission, ChannelBind, a Send indication, relayed data back as ChannelData and as a Data indication,
 * and a few errors (437, 420), over UDP and over TCP, and writes each datagram and the received TCP byte stream
 * into the targets' {@code <Target>Inputs/<method>} directories. Re-running it replaces the files (transaction
 * ids, nonces and ports differ from run to run).
 */
@EnabledIfSystemProperty(named = "iceflux.fuzz.seeds", matches = ".+")
class CoturnCapture {

    private static final int CHANNEL = 0x4000;
    private static final int CHANNEL_TCP = 0x4FFF;

    private final Path root = Path.of(System.getProperty("iceflux.fuzz.seeds", "."));

    @Test
    void captureUdpAndTcp() throws Exception {
        try (Coturn coturn = Coturn.builder().tls(false).start()) {
            captureUdp(coturn);
            captureTcp(coturn);
        }
    }

    private void captureUdp(Coturn coturn) throws Exception {
        byte[] key = StunCredentials.longTermKey(coturn.username(), coturn.realm(), coturn.password(),
                PasswordAlgorithm.MD5);
        try (DatagramSocket client = udp(); DatagramSocket peer = udp(); DatagramSocket peer2 = udp()) {
            InetSocketAddress server = coturn.address();
            byte[] bindingRequest = encode(StunMessage.builder(StunClass.REQUEST, StunMethod.BINDING)
                    .add(new StunAttribute.Software("iceflux fuzz capture")).build(), fingerprint());
            seed("decode", "udp-binding-request", bindingRequest);
            seed("decode", "coturn-udp-binding-success", exchange(client, server, bindingRequest));

            byte[] unknown = encode(StunMessage.builder(StunClass.REQUEST, StunMethod.BINDING)
                    .add(new Unknown(0x0031, new byte[] {1, 2, 3, 4})).build(), fingerprint());
            seed("decode", "coturn-udp-binding-420", exchange(client, server, unknown));

            byte[] allocate = encode(StunMessage.builder(StunClass.REQUEST, StunMethod.ALLOCATE)
                    .add(new RequestedTransport(RequestedTransport.UDP)).build(), fingerprint());
            seed("decode", "udp-allocate-request", allocate);
            byte[] challenge = exchange(client, server, allocate);
            seed("decode", "coturn-udp-allocate-401", challenge);
            StunMessage decodedChallenge = decode(challenge);
            assertThat(decodedChallenge.attribute(ErrorCode.class).orElseThrow().code()).isEqualTo(401);
            String nonce = decodedChallenge.attribute(Nonce.class).orElseThrow().value();
            List<StunAttribute> auth = List.of(new Username(coturn.username()), new Realm(coturn.realm()),
                    new Nonce(nonce));

            byte[] wrongKey = StunCredentials.longTermKey(coturn.username(), coturn.realm(), "not-the-password",
                    PasswordAlgorithm.MD5);
            seed("decode", "coturn-udp-allocate-401-wrong-password", exchange(client, server, signed(
                    StunMethod.ALLOCATE, auth, List.of(new RequestedTransport(RequestedTransport.UDP)), wrongKey)));

            byte[] allocateSigned = signed(StunMethod.ALLOCATE, auth,
                    List.of(new RequestedTransport(RequestedTransport.UDP)), key);
            seed("decode", "udp-allocate-request-signed", allocateSigned);
            byte[] allocated = exchange(client, server, allocateSigned);
            seed("decode", "coturn-udp-allocate-success", allocated);
            InetSocketAddress relay = decode(allocated).attribute(XorRelayedAddress.class).orElseThrow().address();

            seed("decode", "coturn-udp-allocate-437", exchange(client, server, signed(StunMethod.ALLOCATE, auth,
                    List.of(new RequestedTransport(RequestedTransport.UDP)), key)));
            seed("decode", "coturn-udp-refresh-success", exchange(client, server, signed(StunMethod.REFRESH, auth,
                    List.of(new Lifetime(600)), key)));
            InetSocketAddress peerAddress = local(peer);
            InetSocketAddress peer2Address = local(peer2);
            byte[] permission = signed(StunMethod.CREATE_PERMISSION, auth,
                    List.of(new XorPeerAddress(peerAddress), new XorPeerAddress(peer2Address)), key);
            seed("decode", "udp-create-permission-request", permission);
            seed("decode", "coturn-udp-create-permission-success", exchange(client, server, permission));
            byte[] bind = signed(StunMethod.CHANNEL_BIND, auth,
                    List.of(new ChannelNumber(CHANNEL), new XorPeerAddress(peerAddress)), key);
            seed("decode", "udp-channel-bind-request", bind);
            seed("decode", "coturn-udp-channel-bind-success", exchange(client, server, bind));

            byte[] send = encode(StunMessage.builder(StunClass.INDICATION, StunMethod.SEND)
                    .add(new XorPeerAddress(peer2Address))
                    .add(new Data("hello peer".getBytes(StandardCharsets.US_ASCII))).build(), fingerprint());
            seed("decode", "udp-send-indication", send);
            client.send(new DatagramPacket(send, send.length, server));
            assertThat(receive(peer2)).isEqualTo("hello peer".getBytes(StandardCharsets.US_ASCII));

            byte[] odd = "relayed data of 23 bytes".substring(0, 23).getBytes(StandardCharsets.US_ASCII);
            peer.send(new DatagramPacket(odd, odd.length, relay));
            byte[] channelData = receive(client);
            seed(ChannelDataFuzzTest.class, "decode", "coturn-udp-channeldata", channelData);
            seed(StunPacketKindFuzzTest.class, "classify", "coturn-udp-channeldata", channelData);
            peer2.send(new DatagramPacket(odd, odd.length, relay));
            seed("decode", "coturn-udp-data-indication", receive(client));

            seed("decode", "coturn-udp-refresh-zero-success", exchange(client, server, signed(StunMethod.REFRESH,
                    auth, List.of(new Lifetime(0)), key)));
        }
    }

    private void captureTcp(Coturn coturn) throws Exception {
        byte[] key = StunCredentials.longTermKey(coturn.username(), coturn.realm(), coturn.password(),
                PasswordAlgorithm.MD5);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        try (Socket socket = new Socket(); DatagramSocket peer = udp()) {
            socket.connect(coturn.address(), 3000);
            socket.setSoTimeout(3000);
            TcpLink link = new TcpLink(socket, sent, received);
            byte[] challenge = link.exchange(encode(StunMessage.builder(StunClass.REQUEST, StunMethod.ALLOCATE)
                    .add(new RequestedTransport(RequestedTransport.UDP)).build(), fingerprint()));
            String nonce = decode(challenge).attribute(Nonce.class).orElseThrow().value();
            List<StunAttribute> auth = List.of(new Username(coturn.username()), new Realm(coturn.realm()),
                    new Nonce(nonce));
            byte[] allocated = link.exchange(signed(StunMethod.ALLOCATE, auth,
                    List.of(new RequestedTransport(RequestedTransport.UDP)), key));
            seed("decode", "coturn-tcp-allocate-success", allocated);
            InetSocketAddress relay = decode(allocated).attribute(XorRelayedAddress.class).orElseThrow().address();
            InetSocketAddress peerAddress = local(peer);
            link.exchange(signed(StunMethod.CREATE_PERMISSION, auth, List.of(new XorPeerAddress(peerAddress)), key));
            link.exchange(signed(StunMethod.CHANNEL_BIND, auth,
                    List.of(new ChannelNumber(CHANNEL_TCP), new XorPeerAddress(peerAddress)), key));
            for (String text : List.of("a", "four", "seven!!", "")) {
                byte[] data = text.getBytes(StandardCharsets.US_ASCII);
                peer.send(new DatagramPacket(data, data.length, relay));
                if (!text.isEmpty()) {
                    byte[] frame = link.readFrame();
                    seed(ChannelDataFuzzTest.class, "decode", "coturn-tcp-channeldata-" + data.length, frame);
                }
            }
            ByteBuf out = Unpooled.buffer();
            try {
                out.writeShort(CHANNEL_TCP).writeShort(5).writeBytes("to pe".getBytes(StandardCharsets.US_ASCII))
                        .writeZero(3);
                link.send(ByteBufUtil.getBytes(out));
            } finally {
                out.release();
            }
            assertThat(receive(peer)).isEqualTo("to pe".getBytes(StandardCharsets.US_ASCII));
            link.exchange(signed(StunMethod.REFRESH, auth, List.of(new Lifetime(0)), key));
        }
        byte[] stream = received.toByteArray();
        byte[][] framings = {{0x40, 0}, {0, 0}, {3, 0}, {0x1F, 0}, {0x40, 8}};
        for (byte[] framing : framings) {
            byte[] seed = concat(framing, stream);
            seed(StunFrameDecoderFuzzTest.class, "stream",
                    String.format("coturn-tcp-received-c%02x-m%02x", framing[0], framing[1]), seed);
        }
        seed(StunFrameDecoderFuzzTest.class, "stream", "tcp-sent-c07-m00", concat(new byte[] {7, 0},
                sent.toByteArray()));
        seed(StunFrameDecoderFuzzTest.class, "stream", "coturn-tcp-received-truncated-c40-m00",
                concat(new byte[] {0x40, 0}, Arrays.copyOf(stream, stream.length - 5)));
    }

    /** Exchanges whole frames with coturn over TCP, recording every byte each way. */
    private static final class TcpLink {
        private final OutputStream out;
        private final DataInputStream in;
        private final ByteArrayOutputStream sent;
        private final ByteArrayOutputStream received;

        TcpLink(Socket socket, ByteArrayOutputStream sent, ByteArrayOutputStream received) throws IOException {
            this.out = socket.getOutputStream();
            this.in = new DataInputStream(socket.getInputStream());
            this.sent = sent;
            this.received = received;
        }

        void send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
            sent.write(bytes);
        }

        byte[] exchange(byte[] request) throws IOException {
            send(request);
            return readFrame();
        }

        byte[] readFrame() throws IOException {
            byte[] header = new byte[4];
            in.readFully(header);
            int length = (header[2] & 0xFF) << 8 | (header[3] & 0xFF);
            int rest = (header[0] & 0xC0) == 0 ? 16 + length : length + (-length & 3);
            byte[] frame = Arrays.copyOf(header, 4 + rest);
            in.readFully(frame, 4, rest);
            received.write(frame);
            return frame;
        }
    }

    private static StunEncodeOptions fingerprint() {
        return StunEncodeOptions.defaults().fingerprint(true);
    }

    private static byte[] signed(int method, List<StunAttribute> auth, List<StunAttribute> attributes, byte[] key) {
        List<StunAttribute> all = new ArrayList<>(attributes);
        all.addAll(auth);
        return encode(StunMessage.builder(StunClass.REQUEST, method).addAll(all).build(),
                StunEncodeOptions.defaults().messageIntegrity(key).fingerprint(true));
    }

    private static byte[] encode(StunMessage message, StunEncodeOptions options) {
        ByteBuf buf = StunCodec.encode(message, UnpooledByteBufAllocator.DEFAULT, options);
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    private static StunMessage decode(byte[] bytes) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            return StunCodec.decode(buf);
        } finally {
            buf.release();
        }
    }

    private static DatagramSocket udp() throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        socket.setSoTimeout(3000);
        return socket;
    }

    private static InetSocketAddress local(DatagramSocket socket) {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private static byte[] exchange(DatagramSocket socket, InetSocketAddress server, byte[] request)
            throws IOException {
        socket.send(new DatagramPacket(request, request.length, server));
        return receive(socket);
    }

    private static byte[] receive(DatagramSocket socket) throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
        socket.receive(packet);
        return Arrays.copyOf(packet.getData(), packet.getLength());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private void seed(String method, String name, byte[] bytes) throws IOException {
        seed(StunMessageFuzzTest.class, method, name, bytes);
        if (name.startsWith("coturn-udp-binding-success") || name.startsWith("coturn-udp-allocate-401")) {
            seed(StunPacketKindFuzzTest.class, "classify", name, bytes);
        }
    }

    private void seed(Class<?> target, String method, String name, byte[] bytes) throws IOException {
        Path dir = root.resolve(target.getSimpleName() + "Inputs").resolve(method);
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), bytes);
    }
}
