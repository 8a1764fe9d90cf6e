package io.iceflux;

/**
 * A parsed, validated STUN or TURN server URL (RFC 7064, RFC 7065, W3C "validate an ICE server URL").
 * STUB: implemented by the URL work; signatures are the contract.
 */
public final class IceServerUrl {

    /** The URL schemes. */
    public enum Scheme {
        STUN, STUNS, TURN, TURNS;

        public boolean isTurn() { return this == TURN || this == TURNS; }
        public boolean isSecure() { return this == STUNS || this == TURNS; }
        public int defaultPort() { return isSecure() ? 5349 : 3478; }
    }

    /** What kind of host the URL names. */
    public enum HostType { DNS_NAME, IPV4, IPV6 }

    private IceServerUrl() {
    }

    /** Parse and validate; throws {@link IceServerSyntaxException} naming the part that is wrong. */
    public static IceServerUrl parse(String url) {
        throw new UnsupportedOperationException("stub");
    }

    /** The URL exactly as given. */
    public String url() { throw new UnsupportedOperationException("stub"); }
    public Scheme scheme() { throw new UnsupportedOperationException("stub"); }
    /** Host: DNS name lower-cased, IPv4 dotted quad, or IPv6 without brackets. */
    public String host() { throw new UnsupportedOperationException("stub"); }
    public HostType hostType() { throw new UnsupportedOperationException("stub"); }
    /** The port, the scheme's default when none was given. */
    public int port() { throw new UnsupportedOperationException("stub"); }
    public boolean hasExplicitPort() { throw new UnsupportedOperationException("stub"); }
    /** The transport to the server: from {@code ?transport=}, else UDP for stun/turn, TCP for stuns/turns. */
    public IceProtocol transport() { throw new UnsupportedOperationException("stub"); }
    /** The canonical form used to compare URLs: {@code turn:example.org:3478?transport=udp}. */
    public String canonical() { throw new UnsupportedOperationException("stub"); }
}
