package io.iceflux;

import java.util.Locale;

/**
 * How the gatherer talks to a STUN or TURN server, as the server's {@linkplain IceServerUrl#transport() URL} says.
 * This is not the transport of a candidate: that is {@link IceProtocol} (a relayed candidate reached over TLS is
 * still a UDP candidate).
 */
public enum ServerTransport {
    /** UDP datagrams: {@code stun:}, and {@code turn:} without {@code ?transport=} or with {@code ?transport=udp}. */
    UDP,
    /** A TCP connection: {@code turn:...?transport=tcp}. */
    TCP,
    /** TLS over a TCP connection: {@code stuns:} and {@code turns:} (which takes only {@code ?transport=tcp}). */
    TLS;

    /** Return the lower-case name, for metric tags and logs: {@code "udp"}, {@code "tcp"} or {@code "tls"}. */
    public String tagValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
