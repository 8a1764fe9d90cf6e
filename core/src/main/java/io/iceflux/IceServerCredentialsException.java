package io.iceflux;

/**
 * A TURN server configured without a usable username or credential: the W3C {@code InvalidAccessError} of
 * "validate an ICE server URL" (webrtc-pc), plus the RFC 8489 §14.3 limits on what a username may hold. The
 * {@link #part()} is {@link Part#USERNAME} or {@link Part#CREDENTIAL}; the message never contains the credential.
 */
public final class IceServerCredentialsException extends InvalidIceServerException {

    IceServerCredentialsException(String url, Part part, String message) {
        super(url, part, message);
    }
}
