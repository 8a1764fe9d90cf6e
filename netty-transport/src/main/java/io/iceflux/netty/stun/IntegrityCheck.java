package io.iceflux.netty.stun;

import java.util.Objects;

/**
 * The result of {@link StunCodec#verifyIntegrity}: the status of MESSAGE-INTEGRITY and of
 * MESSAGE-INTEGRITY-SHA256. {@link #isValid()} is the usual acceptance rule of RFC 8489 §9.2.4: a valid
 * MESSAGE-INTEGRITY-SHA256 if the message has one, else a valid MESSAGE-INTEGRITY.
 */
public record IntegrityCheck(IntegrityStatus messageIntegrity, IntegrityStatus messageIntegritySha256) {

    /** Check neither status is null. */
    public IntegrityCheck {
        Objects.requireNonNull(messageIntegrity, "messageIntegrity");
        Objects.requireNonNull(messageIntegritySha256, "messageIntegritySha256");
    }

    /**
     * Return the status of the strongest integrity attribute present: MESSAGE-INTEGRITY-SHA256 if the message has
     * it, else MESSAGE-INTEGRITY ({@link IntegrityStatus#ABSENT} if it has neither).
     */
    public IntegrityStatus strongest() {
        return messageIntegritySha256 != IntegrityStatus.ABSENT ? messageIntegritySha256 : messageIntegrity;
    }

    /** Return whether the strongest integrity attribute present is valid (false if there is none). */
    public boolean isValid() {
        return strongest() == IntegrityStatus.VALID;
    }
}
