package io.iceflux.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.netty.stun.PasswordAlgorithm;
import io.iceflux.netty.stun.StunAttribute;
import io.iceflux.netty.stun.StunClass;
import io.iceflux.netty.stun.StunCodec;
import io.iceflux.netty.stun.StunCredentials;
import io.iceflux.netty.stun.StunEncodeOptions;
import io.iceflux.netty.stun.StunMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;

/** A blocking STUN/TURN client made by hand with the codec, over a UDP socket or a TCP connection. */
final class HandClient implements AutoCloseable {

    /** A received message and the bytes it was decoded from. */
    record Received(StunMessage message, byte[] raw) {
        /** Whether the MESSAGE-INTEGRITY verifies with {@code key}. */
        boolean signedWith(byte[] key) {
            ByteBuf buf = Unpooled.wrappedBuffer(raw);
            try {
                return StunCodec.verifyIntegrity(buf, message, key).isValid();
            } finally {
                buf.release();
            }
        }

        int errorCode() {
            return message.attribute(StunAttribute.ErrorCode.class).map(StunAttribute.ErrorCode::code).orElse(0);
        }
    }

    private final DatagramSocket udp;
    private final Socket tcp;
    private final InetSocketAddress server;
    private final TestTurnServer turn;
    byte[] key;
    String nonce;

    private HandClient(DatagramSocket udp, Socket tcp, InetSocketAddress server, TestTurnServer turn) {
        this.udp = udp;
        this.tcp = tcp;
        this.server = server;
        this.turn = turn;
    }

    static HandClient udp(TestTurnServer turn) throws IOException {
        DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        socket.setSoTimeout(5000);
        return new HandClient(socket, null, turn.udpAddress(), turn);
    }

    static HandClient tcp(TestTurnServer turn) throws IOException {
        Socket socket = new Socket(turn.tcpAddress().getAddress(), turn.tcpPort());
        socket.setSoTimeout(5000);
        return new HandClient(null, socket, turn.tcpAddress(), turn);
    }

    InetSocketAddress localAddress() {
        return udp != null ? (InetSocketAddress) udp.getLocalSocketAddress()
                : (InetSocketAddress) tcp.getLocalSocketAddress();
    }

    /** Send a message, signed with {@link #key} when {@code signed}. */
    void send(StunMessage message, boolean signed) throws IOException {
        StunEncodeOptions options = StunEncodeOptions.defaults().fingerprint(true);
        if (signed) {
            options = options.messageIntegrity(key);
        }
        ByteBuf buf = StunCodec.encode(message, UnpooledByteBufAllocator.DEFAULT, options);
        try {
            sendRaw(ByteBufUtil.getBytes(buf));
        } finally {
            buf.release();
        }
    }

    void sendRaw(byte[] bytes) throws IOException {
        if (udp != null) {
            udp.send(new DatagramPacket(bytes, bytes.length, server));
        } else {
            OutputStream out = tcp.getOutputStream();
            out.write(bytes);
            out.flush();
        }
    }

    /** Receive the next packet's bytes (waiting up to 5 s). */
    byte[] receiveRaw() throws IOException {
        if (udp != null) {
            byte[] buffer = new byte[65_536];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            udp.receive(packet);
            return Arrays.copyOf(buffer, packet.getLength());
        }
        DataInputStream in = new DataInputStream(tcp.getInputStream());
        byte[] header = new byte[20];
        in.readFully(header);
        int length = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
        byte[] frame = Arrays.copyOf(header, 20 + length);
        in.readFully(frame, 20, length);
        return frame;
    }

    /** Receive and decode the next STUN message. */
    Received receive() throws IOException {
        byte[] raw = receiveRaw();
        ByteBuf buf = Unpooled.wrappedBuffer(raw);
        try {
            return new Received(StunCodec.decode(buf), raw);
        } finally {
            buf.release();
        }
    }

    /** Send a request signed when the client has a key and return the answer to it. */
    Received request(StunMessage.Builder request) throws IOException {
        if (key != null) {
            request.add(new StunAttribute.Username(turn.username())).add(new StunAttribute.Realm(turn.realm()))
                    .add(new StunAttribute.Nonce(nonce));
        }
        StunMessage message = request.build();
        send(message, key != null);
        Received answer = receive();
        assertThat(answer.message().transactionId()).isEqualTo(message.transactionId());
        return answer;
    }

    /** Learn realm and nonce from a 401 or 438 and make the key of the server's first user. */
    void answerChallenge(Received challenge) {
        nonce = challenge.message().attribute(StunAttribute.Nonce.class).orElseThrow().value();
        String realm = challenge.message().attribute(StunAttribute.Realm.class).orElseThrow().value();
        key = StunCredentials.longTermKey(turn.username(), realm, turn.password(), PasswordAlgorithm.MD5);
    }

    /** Allocate (401, then signed) and return the success response. */
    Received allocate() throws IOException {
        Received challenge = request(allocateRequest());
        assertThat(challenge.errorCode()).isEqualTo(401);
        answerChallenge(challenge);
        Received success = request(allocateRequest());
        assertThat(success.message().messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
        return success;
    }

    static StunMessage.Builder allocateRequest() {
        return StunMessage.builder(StunClass.REQUEST, TurnMethod.ALLOCATE.code())
                .add(new StunAttribute.RequestedTransport(StunAttribute.RequestedTransport.UDP));
    }

    static StunMessage.Builder request(TurnMethod method) {
        return StunMessage.builder(StunClass.REQUEST, method.code());
    }

    @Override
    public void close() throws IOException {
        if (udp != null) {
            udp.close();
        } else {
            tcp.close();
        }
    }
}
