package io.iceflux.netty.stun;

import java.util.Objects;

/**
 * How {@link StunCodec} encodes a message, immutable: which integrity attributes and FINGERPRINT to append after
 * the message's own attributes, with which keys, and which byte pads attribute values to 4 bytes. The default
 * appends nothing and pads with zeros. Keys are copied.
 */
public final class StunEncodeOptions {

    private static final StunEncodeOptions DEFAULTS = new StunEncodeOptions(null, null, false, (byte) 0);

    private final byte[] messageIntegrityKey;
    private final byte[] messageIntegritySha256Key;
    private final boolean fingerprint;
    private final byte padding;

    private StunEncodeOptions(byte[] messageIntegrityKey, byte[] messageIntegritySha256Key, boolean fingerprint,
            byte padding) {
        this.messageIntegrityKey = messageIntegrityKey;
        this.messageIntegritySha256Key = messageIntegritySha256Key;
        this.fingerprint = fingerprint;
        this.padding = padding;
    }

    /** Return the options that write the message's attributes as they are, padded with zeros, and append nothing. */
    public static StunEncodeOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Return a copy that appends MESSAGE-INTEGRITY (HMAC-SHA1) computed with this key: the password for
     * short-term credentials, the long-term key otherwise (a {@code StunCredentials} key).
     *
     * @throws NullPointerException if {@code key} is null
     */
    public StunEncodeOptions messageIntegrity(byte[] key) {
        return new StunEncodeOptions(Objects.requireNonNull(key, "key").clone(), messageIntegritySha256Key,
                fingerprint, padding);
    }

    /**
     * Return a copy that appends a full 32-byte MESSAGE-INTEGRITY-SHA256 computed with this key, after
     * MESSAGE-INTEGRITY if both are asked for.
     *
     * @throws NullPointerException if {@code key} is null
     */
    public StunEncodeOptions messageIntegritySha256(byte[] key) {
        return new StunEncodeOptions(messageIntegrityKey, Objects.requireNonNull(key, "key").clone(), fingerprint,
                padding);
    }

    /** Return a copy that appends FINGERPRINT last, or not. */
    public StunEncodeOptions fingerprint(boolean append) {
        return new StunEncodeOptions(messageIntegrityKey, messageIntegritySha256Key, append, padding);
    }

    /**
     * Return a copy that pads attribute values with this byte (RFC 8489 §14 lets padding be any value; RFC 5769's
     * vectors use 0x20).
     *
     * @throws IllegalArgumentException if {@code value} is outside 0 to 255
     */
    public StunEncodeOptions padding(int value) {
        Bytes.checkRange("padding byte", value, 0, 0xFF);
        return new StunEncodeOptions(messageIntegrityKey, messageIntegritySha256Key, fingerprint, (byte) value);
    }

    /** Return whether MESSAGE-INTEGRITY is appended. */
    public boolean appendsMessageIntegrity() {
        return messageIntegrityKey != null;
    }

    /** Return whether MESSAGE-INTEGRITY-SHA256 is appended. */
    public boolean appendsMessageIntegritySha256() {
        return messageIntegritySha256Key != null;
    }

    /** Return whether FINGERPRINT is appended. */
    public boolean appendsFingerprint() {
        return fingerprint;
    }

    /** Return the padding byte, 0 to 255. */
    public int padding() {
        return padding & 0xFF;
    }

    byte[] messageIntegrityKey() {
        return messageIntegrityKey;
    }

    byte[] messageIntegritySha256Key() {
        return messageIntegritySha256Key;
    }

    byte paddingByte() {
        return padding;
    }

    @Override
    public String toString() {
        return "StunEncodeOptions[messageIntegrity=" + appendsMessageIntegrity()
                + ", messageIntegritySha256=" + appendsMessageIntegritySha256()
                + ", fingerprint=" + fingerprint + ", padding=0x" + Integer.toHexString(padding()) + "]";
    }
}
