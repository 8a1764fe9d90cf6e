package io.iceflux;

import java.util.Locale;

/**
 * W3C {@code RTCIceProtocol}: the transport of a candidate, as its SDP line writes it. How the gatherer talks to a
 * server is a {@link ServerTransport}.
 */
public enum IceProtocol {
    UDP,
    TCP;

    /** The lower-case name used in SDP and by the W3C ({@code "udp"}, {@code "tcp"}). */
    public String w3cName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
