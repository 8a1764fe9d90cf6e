package io.iceflux;

import java.util.Objects;

/**
 * An ICE candidate error with the meaning the W3C gives {@code RTCPeerConnectionIceErrorEvent}
 * ({@code icecandidateerror}).
 *
 * <ul>
 *   <li>{@code url}: the server URL exactly as the application configured it (not rebuilt from the resolved
 *   address, as browsers do), so an error can be matched to its configuration entry.</li>
 *   <li>{@code errorCode}: the STUN ERROR-CODE the server answered (300–699), or {@value #SERVER_NOT_REACHABLE}
 *   when no host candidate could reach the server (DNS failure, transaction timeout, TCP refused or reset, TLS
 *   handshake failure).</li>
 *   <li>{@code errorText}: the server's reason phrase verbatim, or for 701 a text saying what failed. It is for
 *   people: never parse it.</li>
 *   <li>{@code address}, {@code port}: the local address and port used to talk to the server when that address
 *   is already exposed by a local candidate; otherwise both are {@code null}.</li>
 * </ul>
 *
 * <p>A candidate error is not fatal: gathering goes on and other servers may still give candidates.
 *
 * @param url       the server URL as configured, never {@code null}
 * @param errorCode 300–699, or 701
 * @param errorText the reason, never {@code null} (may be empty)
 * @param address   the local address, or {@code null}
 * @param port      the local port, {@code null} exactly when {@code address} is {@code null}
 */
public record IceCandidateError(String url, int errorCode, String errorText, String address, Integer port) {

    /** The error code for "no host candidate could reach the server" (outside the STUN range). */
    public static final int SERVER_NOT_REACHABLE = 701;

    public IceCandidateError {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(errorText, "errorText");
        if (!(errorCode >= 300 && errorCode <= 699) && errorCode != SERVER_NOT_REACHABLE) {
            throw new IllegalArgumentException(
                    "errorCode must be a STUN error code (300-699) or 701, not " + errorCode);
        }
        if ((address == null) != (port == null)) {
            throw new IllegalArgumentException(
                    "address and port must both be null or both be set (address=" + address + ", port=" + port + ")");
        }
        if (port != null && (port < 0 || port > 65535)) {
            throw new IllegalArgumentException("port must be 0-65535, not " + port);
        }
    }

    /** An error without a local address (address and port null). */
    public static IceCandidateError withoutAddress(String url, int errorCode, String errorText) {
        return new IceCandidateError(url, errorCode, errorText, null, null);
    }

    /** Whether this is a 701: the server could not be reached from any host candidate. */
    public boolean isServerNotReachable() {
        return errorCode == SERVER_NOT_REACHABLE;
    }
}
