package io.iceflux.netty.stun;

import java.util.Objects;

/**
 * The STUN methods this codec names (RFC 8489 §18.2, RFC 8656 §17, RFC 6062 §6.1), as 12-bit numbers, and the
 * mapping between a class and method and the 14-bit message type. Any 12-bit method decodes; the constants here
 * are only the ones with a name.
 */
public final class StunMethod {

    /** Binding (RFC 8489). */
    public static final int BINDING = 0x001;
    /** Allocate (RFC 8656). */
    public static final int ALLOCATE = 0x003;
    /** Refresh (RFC 8656). */
    public static final int REFRESH = 0x004;
    /** Send (RFC 8656, indications only). */
    public static final int SEND = 0x006;
    /** Data (RFC 8656, indications only). */
    public static final int DATA = 0x007;
    /** CreatePermission (RFC 8656). */
    public static final int CREATE_PERMISSION = 0x008;
    /** ChannelBind (RFC 8656). */
    public static final int CHANNEL_BIND = 0x009;
    /** Connect (RFC 6062). */
    public static final int CONNECT = 0x00A;
    /** ConnectionBind (RFC 6062). */
    public static final int CONNECTION_BIND = 0x00B;
    /** ConnectionAttempt (RFC 6062). */
    public static final int CONNECTION_ATTEMPT = 0x00C;

    /** The largest method number: methods are 12 bits. */
    public static final int MAX_METHOD = 0xFFF;

    private StunMethod() {
    }

    /**
     * Return the method's name as the RFCs spell it ({@code "Binding"}, {@code "ChannelBind"}, ...), or
     * {@code "0x%03X"} for a method without a name here.
     *
     * @throws IllegalArgumentException if {@code method} is outside 0 to 0xFFF
     */
    public static String name(int method) {
        checkMethod(method);
        switch (method) {
            case BINDING:
                return "Binding";
            case ALLOCATE:
                return "Allocate";
            case REFRESH:
                return "Refresh";
            case SEND:
                return "Send";
            case DATA:
                return "Data";
            case CREATE_PERMISSION:
                return "CreatePermission";
            case CHANNEL_BIND:
                return "ChannelBind";
            case CONNECT:
                return "Connect";
            case CONNECTION_BIND:
                return "ConnectionBind";
            case CONNECTION_ATTEMPT:
                return "ConnectionAttempt";
            default:
                return String.format("0x%03X", method);
        }
    }

    /**
     * Return the 14-bit message type for a class and a method (RFC 8489 §5): method bits M0-M3 in type bits 0-3,
     * C0 in bit 4, M4-M6 in bits 5-7, C1 in bit 8, M7-M11 in bits 9-13.
     *
     * @throws IllegalArgumentException if {@code method} is outside 0 to 0xFFF
     * @throws NullPointerException if {@code messageClass} is null
     */
    public static int messageType(StunClass messageClass, int method) {
        Objects.requireNonNull(messageClass, "messageClass");
        checkMethod(method);
        int c = messageClass.bits();
        return (method & 0x000F)
                | ((c & 0b01) << 4)
                | ((method & 0x0070) << 1)
                | ((c & 0b10) << 7)
                | ((method & 0x0F80) << 2);
    }

    /**
     * Return the 12-bit method encoded in a 14-bit message type.
     *
     * @throws IllegalArgumentException if {@code messageType} is outside 0 to 0x3FFF
     */
    public static int ofMessageType(int messageType) {
        checkMessageType(messageType);
        return (messageType & 0x000F) | ((messageType >>> 1) & 0x0070) | ((messageType >>> 2) & 0x0F80);
    }

    static void checkMethod(int method) {
        if (method < 0 || method > MAX_METHOD) {
            throw new IllegalArgumentException("STUN method must be 0 to 0xFFF, got " + method);
        }
    }

    static void checkMessageType(int messageType) {
        if (messageType < 0 || messageType > 0x3FFF) {
            throw new IllegalArgumentException("STUN message type must be 0 to 0x3FFF, got " + messageType);
        }
    }
}
