package io.iceflux.testkit;

import io.iceflux.netty.stun.StunMethod;
import java.util.Optional;

/** The STUN/TURN methods {@link TestTurnServer} counts and injects faults for (RFC 8489, RFC 8656). */
public enum TurnMethod {
    /** Binding (0x001): requests answered with XOR-MAPPED-ADDRESS. */
    BINDING(StunMethod.BINDING),
    /** Allocate (0x003): requests creating a relay. */
    ALLOCATE(StunMethod.ALLOCATE),
    /** Refresh (0x004): requests changing an allocation's lifetime; LIFETIME 0 deletes it. */
    REFRESH(StunMethod.REFRESH),
    /** Send (0x006): indications from the client carrying data for a peer. */
    SEND(StunMethod.SEND),
    /** Data (0x007): indications to the client carrying data from a peer (sent by the server, never received). */
    DATA(StunMethod.DATA),
    /** CreatePermission (0x008): requests installing permissions for peer addresses. */
    CREATE_PERMISSION(StunMethod.CREATE_PERMISSION),
    /** ChannelBind (0x009): requests binding a channel number to a peer. */
    CHANNEL_BIND(StunMethod.CHANNEL_BIND);

    private final int code;

    TurnMethod(int code) {
        this.code = code;
    }

    /** Return the 12-bit STUN method number, as in {@link StunMethod}. */
    public int code() {
        return code;
    }

    /**
     * Return the method with this STUN method number.
     *
     * @param code a STUN method number
     * @return the method, or empty when the server does not know it (e.g. Connect, 0x00A)
     */
    public static Optional<TurnMethod> of(int code) {
        for (TurnMethod method : values()) {
            if (method.code == code) {
                return Optional.of(method);
            }
        }
        return Optional.empty();
    }
}
