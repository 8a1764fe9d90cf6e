package io.iceflux.netty.stun;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA1, HMAC-SHA256 and CRC-32 over regions of a buffer, without copying it. {@link Mac} and {@link CRC32}
 * are not thread-safe, so each thread keeps its own instances.
 */
final class StunCrypto {

    static final String HMAC_SHA1 = "HmacSHA1";
    static final String HMAC_SHA256 = "HmacSHA256";
    static final int FINGERPRINT_XOR = 0x5354554E;

    /** HMAC pads a short key with zeros to the block size, so the empty key equals a single zero byte. */
    private static final byte[] EMPTY_KEY_EQUIVALENT = {0};

    private static final ThreadLocal<Mac> SHA1 = ThreadLocal.withInitial(() -> newMac(HMAC_SHA1));
    private static final ThreadLocal<Mac> SHA256 = ThreadLocal.withInitial(() -> newMac(HMAC_SHA256));
    private static final ThreadLocal<CRC32> CRC = ThreadLocal.withInitial(CRC32::new);

    private StunCrypto() {
    }

    private static Mac newMac(String algorithm) {
        try {
            return Mac.getInstance(algorithm);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is not available in this JVM", e);
        }
    }

    /** Return a thread's Mac for {@code algorithm}, initialised with {@code key}. */
    static Mac mac(String algorithm, byte[] key) {
        Mac mac = HMAC_SHA1.equals(algorithm) ? SHA1.get() : SHA256.get();
        try {
            mac.init(new SecretKeySpec(key.length == 0 ? EMPTY_KEY_EQUIVALENT : key, algorithm));
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("key rejected by " + algorithm + ": " + e.getMessage(), e);
        }
        return mac;
    }

    /** Feed {@code length} bytes at {@code index} to the Mac without copying them. */
    static void update(Mac mac, ByteBuf buf, int index, int length) {
        if (length == 0) {
            return;
        }
        if (buf.hasArray()) {
            mac.update(buf.array(), buf.arrayOffset() + index, length);
        } else {
            for (ByteBuffer b : buf.nioBuffers(index, length)) {
                mac.update(b);
            }
        }
    }

    /** Return the CRC-32 of {@code length} bytes at {@code index} XOR 0x5354554E, as FINGERPRINT carries it. */
    static int fingerprint(ByteBuf buf, int index, int length) {
        CRC32 crc = CRC.get();
        crc.reset();
        if (buf.hasArray()) {
            crc.update(buf.array(), buf.arrayOffset() + index, length);
        } else if (length > 0) {
            for (ByteBuffer b : buf.nioBuffers(index, length)) {
                crc.update(b);
            }
        }
        return (int) crc.getValue() ^ FINGERPRINT_XOR;
    }
}
