package io.iceflux;

/**
 * An ICE server URL, or the URL list, that is malformed: the W3C {@code SyntaxError} of "validate an ICE server
 * URL" (webrtc-pc), with the grammar of RFC 7064 §3.1 ({@code stun}, {@code stuns}) and RFC 7065 §3.1
 * ({@code turn}, {@code turns}).
 */
public final class IceServerSyntaxException extends InvalidIceServerException {

    IceServerSyntaxException(String url, Part part, String message) {
        super(url, part, message);
    }
}
