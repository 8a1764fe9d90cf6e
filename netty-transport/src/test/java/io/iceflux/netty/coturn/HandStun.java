package io.iceflux.netty.coturn;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A deliberately tiny STUN encoder and decoder written by hand (RFC 8489 §5, §14), independent of the project's
 * codec so the fixture and its tests keep working while the codec changes. Only what the fixture tests need:
 * a header, attributes, MESSAGE-INTEGRITY, FINGERPRINT and the (XOR-)address attributes.
 */
final class HandStun {

    static final int MAGIC_COOKIE = 0x2112A442;
    static final int HEADER_LENGTH = 20;

    static final int BINDING_REQUEST = 0x0001;
    static final int BINDING_SUCCESS = 0x0101;
    static final int ALLOCATE_REQUEST = 0x0003;
    static final int ALLOCATE_SUCCESS = 0x0103;
    static final int ALLOCATE_ERROR = 0x0113;
    static final int REFRESH_REQUEST = 0x0004;
    static final int REFRESH_SUCCESS = 0x0104;

    static final int USERNAME = 0x0006;
    static final int MESSAGE_INTEGRITY = 0x0008;
    static final int ERROR_CODE = 0x0009;
    static final int LIFETIME = 0x000D;
    static final int REALM = 0x0014;
    static final int NONCE = 0x0015;
    static final int XOR_RELAYED_ADDRESS = 0x0016;
    static final int REQUESTED_TRANSPORT = 0x0019;
    static final int XOR_MAPPED_ADDRESS = 0x0020;
    static final int ALTERNATE_SERVER = 0x8023;
    static final int FINGERPRINT = 0x8028;

    static final int PROTOCOL_UDP = 17;

    private static final int FINGERPRINT_XOR = 0x5354554E;
    private static final SecureRandom RANDOM = new SecureRandom();

    private HandStun() {
    }

    /** One attribute: its type and its value without padding. */
    record Attribute(int type, byte[] value) {

        static Attribute of(int type, byte[] value) {
            return new Attribute(type, value.clone());
        }

        static Attribute ofString(int type, String value) {
            return new Attribute(type, value.getBytes(StandardCharsets.UTF_8));
        }

        static Attribute ofInt(int type, int value) {
            return new Attribute(type, ByteBuffer.allocate(4).putInt(value).array());
        }

        /** REQUESTED-TRANSPORT (RFC 8656 §18.11): the protocol number then three reserved zero bytes. */
        static Attribute requestedTransport(int protocol) {
            return new Attribute(REQUESTED_TRANSPORT, new byte[] {(byte) protocol, 0, 0, 0});
        }
    }

    /** A decoded message: type, 12-byte transaction id and attributes in wire order. */
    record Message(int type, byte[] transactionId, List<Attribute> attributes) {

        Optional<byte[]> first(int attributeType) {
            return attributes.stream().filter(a -> a.type() == attributeType).map(Attribute::value).findFirst();
        }

        byte[] require(int attributeType) {
            return first(attributeType).orElseThrow(() -> new IllegalArgumentException(String.format(
                    "message 0x%04x has no attribute 0x%04x", type, attributeType)));
        }

        String string(int attributeType) {
            return new String(require(attributeType), StandardCharsets.UTF_8);
        }

        /** The ERROR-CODE as class * 100 + number (RFC 8489 §14.8). */
        int errorCode() {
            byte[] v = require(ERROR_CODE);
            return (v[2] & 0x07) * 100 + (v[3] & 0xFF);
        }

        /** The reason phrase of ERROR-CODE, without the trailing NUL bytes coturn 4.6.1 counts into its length. */
        String errorReason() {
            byte[] v = require(ERROR_CODE);
            int end = v.length;
            while (end > 4 && v[end - 1] == 0) {
                end--;
            }
            return new String(v, 4, end - 4, StandardCharsets.UTF_8);
        }

        /** An XOR-MAPPED-ADDRESS style attribute (IPv4 only), un-XORed. */
        InetSocketAddress xorAddress(int attributeType) {
            byte[] v = require(attributeType);
            int port = ((v[2] & 0xFF) << 8 | (v[3] & 0xFF)) ^ (MAGIC_COOKIE >>> 16);
            int ip = ByteBuffer.wrap(v, 4, 4).getInt() ^ MAGIC_COOKIE;
            return ipv4(v, ip, port);
        }

        /** A MAPPED-ADDRESS style attribute (IPv4 only), such as ALTERNATE-SERVER. */
        InetSocketAddress address(int attributeType) {
            byte[] v = require(attributeType);
            int port = (v[2] & 0xFF) << 8 | (v[3] & 0xFF);
            return ipv4(v, ByteBuffer.wrap(v, 4, 4).getInt(), port);
        }

        private static InetSocketAddress ipv4(byte[] value, int ip, int port) {
            if (value.length != 8 || value[1] != 0x01) {
                throw new IllegalArgumentException("not an IPv4 address attribute: family " + value[1]
                        + ", length " + value.length);
            }
            try {
                return new InetSocketAddress(InetAddress.getByAddress(ByteBuffer.allocate(4).putInt(ip).array()),
                        port);
            } catch (UnknownHostException e) {
                throw new IllegalStateException("four bytes are always an IPv4 address", e);
            }
        }
    }

    /** Returns 12 random bytes. */
    static byte[] newTransactionId() {
        byte[] tid = new byte[12];
        RANDOM.nextBytes(tid);
        return tid;
    }

    /** Encodes a message with {@code attributes}, no integrity and no fingerprint. */
    static byte[] encode(int type, byte[] transactionId, List<Attribute> attributes) {
        ByteBuffer body = ByteBuffer.allocate(bodyLength(attributes));
        attributes.forEach(a -> put(body, a));
        return withHeader(type, transactionId, body.array(), body.capacity());
    }

    /**
     * Encodes a message with {@code attributes}, then MESSAGE-INTEGRITY (HMAC-SHA1 with {@code key} over the
     * message with its length already counting MESSAGE-INTEGRITY, RFC 8489 §14.5), then FINGERPRINT.
     */
    static byte[] encodeSigned(int type, byte[] transactionId, List<Attribute> attributes, byte[] key) {
        byte[] unsigned = encode(type, transactionId, attributes);
        int body = unsigned.length - HEADER_LENGTH;
        byte[] forMac = unsigned.clone();
        ByteBuffer.wrap(forMac).putShort(2, (short) (body + 24));
        byte[] mac = hmacSha1(key, forMac);
        List<Attribute> signed = new ArrayList<>(attributes);
        signed.add(new Attribute(MESSAGE_INTEGRITY, mac));
        byte[] withMac = encode(type, transactionId, signed);
        byte[] forCrc = withMac.clone();
        ByteBuffer.wrap(forCrc).putShort(2, (short) (withMac.length - HEADER_LENGTH + 8));
        CRC32 crc = new CRC32();
        crc.update(forCrc);
        signed.add(Attribute.ofInt(FINGERPRINT, (int) crc.getValue() ^ FINGERPRINT_XOR));
        return encode(type, transactionId, signed);
    }

    /**
     * Decodes {@code length} bytes of {@code data}.
     *
     * @throws IllegalArgumentException if the bytes are not a well-formed STUN message (the message says which
     *         part is wrong)
     */
    static Message decode(byte[] data, int length) {
        if (length < HEADER_LENGTH) {
            throw new IllegalArgumentException("header: " + length + " bytes, need 20");
        }
        ByteBuffer in = ByteBuffer.wrap(data, 0, length);
        int type = in.getShort() & 0xFFFF;
        int bodyLength = in.getShort() & 0xFFFF;
        if (in.getInt() != MAGIC_COOKIE) {
            throw new IllegalArgumentException("header: no magic cookie");
        }
        if (bodyLength != length - HEADER_LENGTH) {
            throw new IllegalArgumentException("header: length " + bodyLength + " but " + (length - HEADER_LENGTH)
                    + " bytes follow the header");
        }
        byte[] tid = new byte[12];
        in.get(tid);
        List<Attribute> attributes = new ArrayList<>();
        while (in.remaining() > 0) {
            if (in.remaining() < 4) {
                throw new IllegalArgumentException("attribute header truncated at offset " + in.position());
            }
            int attributeType = in.getShort() & 0xFFFF;
            int attributeLength = in.getShort() & 0xFFFF;
            int padded = (attributeLength + 3) & ~3;
            if (in.remaining() < padded) {
                throw new IllegalArgumentException(String.format(
                        "attribute 0x%04x: length %d exceeds the message", attributeType, attributeLength));
            }
            byte[] value = new byte[attributeLength];
            in.get(value);
            in.position(in.position() + padded - attributeLength);
            attributes.add(new Attribute(attributeType, value));
        }
        return new Message(type, tid, List.copyOf(attributes));
    }

    /**
     * Sends {@code request} from {@code socket} to {@code server} and returns the first answer with the same
     * transaction id, waiting at most two seconds.
     *
     * @throws IOException if the socket fails or no answer comes in time
     */
    static Message exchange(DatagramSocket socket, InetSocketAddress server, byte[] request) throws IOException {
        byte[] tid = Arrays.copyOfRange(request, 8, HEADER_LENGTH);
        socket.setSoTimeout(2000);
        socket.send(new DatagramPacket(request, request.length, server));
        byte[] buffer = new byte[1500];
        while (true) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            socket.receive(packet);
            Message answer = decode(buffer, packet.getLength());
            if (Arrays.equals(answer.transactionId(), tid)) {
                return answer;
            }
        }
    }

    /**
     * Reads one STUN message from a stream (TCP or TLS framing, RFC 8489 §6.2.2): the header, then as many bytes
     * as its length says.
     *
     * @throws IOException if the stream fails or ends inside the message
     */
    static Message read(InputStream in) throws IOException {
        byte[] header = in.readNBytes(HEADER_LENGTH);
        if (header.length < HEADER_LENGTH) {
            throw new EOFException("stream ended after " + header.length + " bytes of a STUN header");
        }
        int bodyLength = (header[2] & 0xFF) << 8 | (header[3] & 0xFF);
        byte[] body = in.readNBytes(bodyLength);
        if (body.length < bodyLength) {
            throw new EOFException("stream ended after " + body.length + " of " + bodyLength + " body bytes");
        }
        byte[] message = Arrays.copyOf(header, HEADER_LENGTH + bodyLength);
        System.arraycopy(body, 0, message, HEADER_LENGTH, bodyLength);
        return decode(message, message.length);
    }

    /** Returns HMAC-SHA1 of {@code data} with {@code key}. */
    static byte[] hmacSha1(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is required of every JDK", e);
        }
    }

    private static int bodyLength(List<Attribute> attributes) {
        return attributes.stream().mapToInt(a -> 4 + ((a.value().length + 3) & ~3)).sum();
    }

    private static void put(ByteBuffer body, Attribute attribute) {
        body.putShort((short) attribute.type());
        body.putShort((short) attribute.value().length);
        body.put(attribute.value());
        int padding = ((attribute.value().length + 3) & ~3) - attribute.value().length;
        body.put(new byte[padding]);
    }

    private static byte[] withHeader(int type, byte[] transactionId, byte[] body, int bodyLength) {
        if (transactionId.length != 12) {
            throw new IllegalArgumentException("transaction id: " + transactionId.length + " bytes, need 12");
        }
        return ByteBuffer.allocate(HEADER_LENGTH + bodyLength)
                .putShort((short) type)
                .putShort((short) bodyLength)
                .putInt(MAGIC_COOKIE)
                .put(transactionId)
                .put(Arrays.copyOf(body, bodyLength))
                .array();
    }
}
