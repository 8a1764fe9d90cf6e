package io.iceflux;

import java.util.Locale;

/**
 * How a client talks to a STUN or TURN server: what a server URL's scheme and {@code transport} parameter select
 * ({@code stun:} and {@code turn:} over UDP, {@code turn:…?transport=tcp} over TCP, {@code stuns:} and
 * {@code turns:} over TLS). Not to be confused with {@link IceProtocol}, a candidate's transport protocol in SDP.
 */
public enum ServerTransport {
    /** UDP datagrams. */
    UDP,
    /** A TCP connection. */
    TCP,
    /** A TLS connection over TCP. */
    TLS;

    /** Return the lower-case name: {@code udp}, {@code tcp} or {@code tls}, e.g. for a metric tag. */
    public String tagValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
