package io.iceflux.netty.stun;

import io.netty.buffer.ByteBuf;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * The 96-bit transaction id of a STUN message (RFC 8489 §5), immutable. Equality and hashing compare the 96 bits.
 */
public final class TransactionId {

    /** The length of a transaction id on the wire, in bytes. */
    public static final int LENGTH = 12;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final int high;
    private final long low;

    private TransactionId(int high, long low) {
        this.high = high;
        this.low = low;
    }

    /** Return a new transaction id of 96 bits from a shared {@link SecureRandom}. */
    public static TransactionId random() {
        byte[] bytes = new byte[LENGTH];
        RANDOM.nextBytes(bytes);
        return of(bytes);
    }

    /**
     * Return the transaction id with these 12 bytes (the array is not kept).
     *
     * @throws IllegalArgumentException if {@code bytes} is not 12 bytes long
     * @throws NullPointerException if {@code bytes} is null
     */
    public static TransactionId of(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("transaction id must be 12 bytes, got " + bytes.length);
        }
        int high = 0;
        for (int i = 0; i < 4; i++) {
            high = (high << 8) | (bytes[i] & 0xFF);
        }
        long low = 0;
        for (int i = 4; i < LENGTH; i++) {
            low = (low << 8) | (bytes[i] & 0xFF);
        }
        return new TransactionId(high, low);
    }

    /**
     * Read a transaction id from the 12 bytes at {@code index} without moving the buffer's indexes.
     *
     * @throws IndexOutOfBoundsException if the buffer has fewer than 12 bytes from {@code index}
     */
    public static TransactionId readFrom(ByteBuf buf, int index) {
        return new TransactionId(buf.getInt(index), buf.getLong(index + 4));
    }

    /** Return a new 12-byte array holding the id. */
    public byte[] toByteArray() {
        byte[] bytes = new byte[LENGTH];
        for (int i = 0; i < 4; i++) {
            bytes[i] = (byte) (high >>> (24 - 8 * i));
        }
        for (int i = 0; i < 8; i++) {
            bytes[4 + i] = (byte) (low >>> (56 - 8 * i));
        }
        return bytes;
    }

    /** Write the 12 bytes at the buffer's writer index, advancing it; the buffer grows if it can. */
    public void writeTo(ByteBuf buf) {
        buf.writeInt(high);
        buf.writeLong(low);
    }

    /** Return the first 4 bytes as a big-endian int. */
    int high() {
        return high;
    }

    /** Return the last 8 bytes as a big-endian long. */
    long low() {
        return low;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TransactionId other && other.high == high && other.low == low;
    }

    @Override
    public int hashCode() {
        return 31 * high + Long.hashCode(low);
    }

    /** Return the 24 lowercase hex digits of the id. */
    @Override
    public String toString() {
        char[] chars = new char[2 * LENGTH];
        byte[] bytes = toByteArray();
        for (int i = 0; i < LENGTH; i++) {
            chars[2 * i] = HEX[(bytes[i] >>> 4) & 0xF];
            chars[2 * i + 1] = HEX[bytes[i] & 0xF];
        }
        return new String(chars);
    }
}
