package io.iceflux.netty.stun;

/**
 * The password algorithms of RFC 8489 §18.5 (registry "STUN Password Algorithms"), used by the
 * PASSWORD-ALGORITHMS and PASSWORD-ALGORITHM attributes and to derive the long-term key.
 */
public enum PasswordAlgorithm {
    /** MD5, the RFC 5389 long-term key: 16 bytes. */
    MD5(0x0001, 0),
    /** SHA-256, RFC 8489: 32 bytes. */
    SHA256(0x0002, 0);

    private final int code;
    private final int parametersLength;

    PasswordAlgorithm(int code, int parametersLength) {
        this.code = code;
        this.parametersLength = parametersLength;
    }

    /** The 16-bit number on the wire. */
    public int code() {
        return code;
    }

    /** The length of the algorithm's parameters on the wire (0 for both defined algorithms). */
    public int parametersLength() {
        return parametersLength;
    }

    /** The algorithm with this wire number, or {@code null} if it is not one we know. */
    public static PasswordAlgorithm fromCode(int code) {
        for (PasswordAlgorithm a : values()) {
            if (a.code == code) {
                return a;
            }
        }
        return null;
    }
}
