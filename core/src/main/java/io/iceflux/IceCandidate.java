package io.iceflux;

import java.util.List;

/**
 * A local ICE candidate (RFC 8445, SDP form RFC 8839). STUB: implemented by the SDP work.
 */
public record IceCandidate(String foundation, int component, IceProtocol protocol, long priority, String address,
        int port, Type type, String relatedAddress, Integer relatedPort, TcpType tcpType, String url,
        List<Extension> extensions) {

    /** Candidate types with their RFC 8445 recommended type preferences. */
    public enum Type {
        HOST(126), SRFLX(100), PRFLX(110), RELAY(0);

        private final int typePreference;

        Type(int typePreference) { this.typePreference = typePreference; }

        public int typePreference() { return typePreference; }
    }

    /** RFC 6544 TCP candidate types. */
    public enum TcpType { ACTIVE, PASSIVE, SO }

    /** An extension attribute of the SDP line ({@code generation 0}, {@code ufrag abc}, ...), kept in order. */
    public record Extension(String name, String value) {
    }

    public static IceCandidate parse(String sdp) { throw new UnsupportedOperationException("stub"); }

    public String toSdp() { throw new UnsupportedOperationException("stub"); }
}
