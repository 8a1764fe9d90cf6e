package io.iceflux.netty.stun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.ByteArrayOutputStream;

/** Wire bytes for the framing tests: hex parsing, leak-tracked buffers, hand-built STUN and ChannelData frames. */
final class FramingTestBytes {

    /** RFC 5769 §2.1, the sample Binding request (108 bytes: SOFTWARE, PRIORITY, ICE-CONTROLLED, USERNAME,
     * MESSAGE-INTEGRITY, FINGERPRINT). */
    static final byte[] RFC5769_REQUEST = hex(
            "00010058" + "2112a442" + "b7e7a701" + "bc34d686" + "fa87dfae"
                    + "80220010" + "5354554e" + "20746573" + "7420636c" + "69656e74"
                    + "00240004" + "6e0001ff"
                    + "80290008" + "932ff9b1" + "51263b36"
                    + "00060009" + "6576746a" + "3a683676" + "59202020"
                    + "00080014" + "9aeaa70c" + "bfd8cb56" + "781ef2b5" + "b2d3f249" + "c1b571a2"
                    + "80280004" + "e57a3bcf");

    private FramingTestBytes() {
    }

    static byte[] hex(String hex) {
        return ByteBufUtil.decodeHexDump(hex.replace(" ", ""));
    }

    /** A leak-tracked heap buffer holding {@code bytes}; the caller releases it (or hands it to a channel). */
    static ByteBuf buffer(byte[] bytes) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.heapBuffer(Math.max(bytes.length, 1));
        buf.writeBytes(bytes);
        return buf;
    }

    /** The readable bytes of {@code buf}, indices unchanged. */
    static byte[] bytes(ByteBuf buf) {
        return ByteBufUtil.getBytes(buf);
    }

    /** A STUN frame: header with type {@code type}, the cookie, a fixed transaction id, and {@code body}. */
    static byte[] stunFrame(int type, byte[] body) {
        return stunFrame(type, hex("0102030405060708090a0b0c"), body);
    }

    /** A STUN frame: header with type {@code type}, the cookie, {@code transactionId} (12 bytes), {@code body}. */
    static byte[] stunFrame(int type, byte[] transactionId, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeShort(out, type);
        writeShort(out, body.length);
        out.writeBytes(hex("2112a442"));
        out.writeBytes(transactionId);
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** A ChannelData frame: header, {@code data}, then {@code padding} zero bytes. */
    static byte[] channelDataFrame(int channel, byte[] data, int padding) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeShort(out, channel);
        writeShort(out, data.length);
        out.writeBytes(data);
        out.writeBytes(new byte[padding]);
        return out.toByteArray();
    }

    /** A ChannelData frame padded to a multiple of 4 bytes, as TCP requires. */
    static byte[] paddedChannelDataFrame(int channel, byte[] data) {
        return channelDataFrame(channel, data, -data.length & 3);
    }

    /** {@code n} bytes 1, 2, 3, ... (mod 256). */
    static byte[] counting(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i + 1);
        }
        return b;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static void writeShort(ByteArrayOutputStream out, int value) {
        out.write((value >>> 8) & 0xFF);
        out.write(value & 0xFF);
    }
}
