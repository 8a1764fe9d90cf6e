package io.iceflux.netty.stun;

/** The outcome of checking one integrity attribute of a decoded message against a key. */
public enum IntegrityStatus {
    /** The attribute is present and its HMAC matches the key. */
    VALID,
    /** The attribute is present and its HMAC does not match the key. */
    INVALID,
    /** The message has no such attribute. */
    ABSENT
}
