package io.iceflux.netty.stun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/** Test helpers: hex strings with spaces to bytes and back. */
final class Hex {

    private Hex() {
    }

    static byte[] bytes(String hex) {
        String s = hex.replaceAll("\\s+", "");
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    static String of(ByteBuf buf) {
        return ByteBufUtil.hexDump(buf);
    }

    static String of(byte[] bytes) {
        return ByteBufUtil.hexDump(bytes);
    }
}
