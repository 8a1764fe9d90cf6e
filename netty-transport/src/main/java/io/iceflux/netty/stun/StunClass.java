package io.iceflux.netty.stun;

/**
 * The class of a STUN message (RFC 8489 §5): the two bits C1 C0 that the 14-bit message type interleaves with
 * the method.
 */
public enum StunClass {
    /** A request (C1 C0 = 0b00). */
    REQUEST(0b00),
    /** An indication (C1 C0 = 0b01). */
    INDICATION(0b01),
    /** A success response (C1 C0 = 0b10). */
    SUCCESS_RESPONSE(0b10),
    /** An error response (C1 C0 = 0b11). */
    ERROR_RESPONSE(0b11);

    private static final StunClass[] BY_BITS = {REQUEST, INDICATION, SUCCESS_RESPONSE, ERROR_RESPONSE};

    private final int bits;

    StunClass(int bits) {
        this.bits = bits;
    }

    /** Return the two class bits as the number C1 C0 (0 to 3). */
    public int bits() {
        return bits;
    }

    /**
     * Return the class encoded in a 14-bit message type (bit 4 is C0, bit 8 is C1).
     *
     * @throws IllegalArgumentException if {@code messageType} is outside 0 to 0x3FFF
     */
    public static StunClass ofMessageType(int messageType) {
        StunMethod.checkMessageType(messageType);
        return BY_BITS[((messageType >>> 7) & 0b10) | ((messageType >>> 4) & 0b01)];
    }
}
