package io.iceflux.netty.stun;

import io.netty.buffer.ByteBuf;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA1, HMAC-SHA256 and CRC-32 over regions of a buffer, allocating nothing on the way. {@link Mac} and
 * {@link CRC32} are not thread-safe, so each thread keeps its own instances, and its own scratch array: the bytes of
 * a direct buffer are copied there before hashing (the JDK's digests copy a direct {@link java.nio.ByteBuffer} to a
 * heap array anyway), which also keeps the buffer itself untouched.
 */
final class StunCrypto {

    static final String HMAC_SHA1 = "HmacSHA1";
    static final String HMAC_SHA256 = "HmacSHA256";
    static final int FINGERPRINT_XOR = 0x5354554E;

    /** HMAC pads a short key with zeros to the block size, so the empty key equals a single zero byte. */
    private static final byte[] EMPTY_KEY_EQUIVALENT = {0};
    /** A datagram on a 1500-byte MTU fits the first scratch array; it grows for larger messages. */
    private static final int INITIAL_SCRATCH = 1536;

    private static final ThreadLocal<KeyedMac> SHA1 = ThreadLocal.withInitial(() -> new KeyedMac(HMAC_SHA1));
    private static final ThreadLocal<KeyedMac> SHA256 = ThreadLocal.withInitial(() -> new KeyedMac(HMAC_SHA256));
    private static final ThreadLocal<CRC32> CRC = ThreadLocal.withInitial(CRC32::new);
    private static final ThreadLocal<byte[][]> SCRATCH = ThreadLocal.withInitial(() ->
            new byte[][] {new byte[INITIAL_SCRATCH]});

    private StunCrypto() {
    }

    /**
     * Return a thread's Mac for {@code algorithm}, initialised with {@code key} and in its initial state. A Mac
     * keeps its key across {@code doFinal}, so when the thread used the same key last time (the usual case: one
     * long-term key per TURN server) the Mac is only reset, not initialised again.
     */
    static Mac mac(String algorithm, byte[] key) {
        KeyedMac keyed = HMAC_SHA1.equals(algorithm) ? SHA1.get() : SHA256.get();
        return keyed.with(key.length == 0 ? EMPTY_KEY_EQUIVALENT : key);
    }

    /** Feed {@code length} bytes at {@code index} to the Mac; the buffer's indexes do not move. */
    static void update(Mac mac, ByteBuf buf, int index, int length) {
        if (length == 0) {
            return;
        }
        if (buf.hasArray()) {
            mac.update(buf.array(), buf.arrayOffset() + index, length);
        } else {
            byte[] scratch = scratch(length);
            buf.getBytes(index, scratch, 0, length);
            mac.update(scratch, 0, length);
        }
    }

    /**
     * Feed {@code length} bytes at {@code index} to the Mac with the 16-bit value at {@code index + 2} (a STUN
     * header's length field) replaced by {@code lengthField}; the buffer itself is not changed.
     */
    static void updateWithLength(Mac mac, ByteBuf buf, int index, int length, int lengthField) {
        byte[] scratch = scratch(length);
        buf.getBytes(index, scratch, 0, length);
        scratch[2] = (byte) (lengthField >>> 8);
        scratch[3] = (byte) lengthField;
        mac.update(scratch, 0, length);
    }

    /** Return the CRC-32 of {@code length} bytes at {@code index} XOR 0x5354554E, as FINGERPRINT carries it. */
    static int fingerprint(ByteBuf buf, int index, int length) {
        CRC32 crc = CRC.get();
        crc.reset();
        if (buf.hasArray()) {
            crc.update(buf.array(), buf.arrayOffset() + index, length);
        } else if (length > 0) {
            byte[] scratch = scratch(length);
            buf.getBytes(index, scratch, 0, length);
            crc.update(scratch, 0, length);
        }
        return (int) crc.getValue() ^ FINGERPRINT_XOR;
    }

    /** Return this thread's scratch array, grown to at least {@code length} bytes. */
    private static byte[] scratch(int length) {
        byte[][] holder = SCRATCH.get();
        if (holder[0].length < length) {
            holder[0] = new byte[Math.max(length, 2 * holder[0].length)];
        }
        return holder[0];
    }

    /** A thread's Mac of one algorithm and a copy of the key it was last initialised with. */
    private static final class KeyedMac {
        private final String algorithm;
        private final Mac mac;
        private byte[] key;

        KeyedMac(String algorithm) {
            this.algorithm = algorithm;
            try {
                this.mac = Mac.getInstance(algorithm);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(algorithm + " is not available in this JVM", e);
            }
        }

        Mac with(byte[] newKey) {
            if (key != null && MessageDigest.isEqual(key, newKey)) {
                mac.reset();
                return mac;
            }
            key = null;
            try {
                mac.init(new SecretKeySpec(newKey, algorithm));
            } catch (InvalidKeyException e) {
                throw new IllegalArgumentException("key rejected by " + algorithm + ": " + e.getMessage(), e);
            }
            key = newKey.clone();
            return mac;
        }
    }
}
