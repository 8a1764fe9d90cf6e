package io.iceflux;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * An ICE candidate (RFC 8445) with its SDP {@code candidate} attribute form (RFC 8839 §5.1, {@code tcptype} from
 * RFC 6544).
 *
 * <p>Instances are immutable and compare by value over the twelve fields below. Build one with {@link #builder()}
 * (or {@link #toBuilder()} from another), or parse an SDP line with {@link #parse(String)}; {@link #toSdp()}
 * writes it back:
 *
 * <pre>{@code
 * IceCandidate c = IceCandidate.parse(
 *         "candidate:842163049 1 udp 1677729535 203.0.113.7 56143 typ srflx raddr 0.0.0.0 rport 0 generation 0");
 * c.type();      // SRFLX
 * c.toSdp();     // the same line
 * }</pre>
 *
 * <p><b>Transport spelling.</b> The transport token of SDP is case-insensitive and Firefox writes it upper-case
 * ({@code UDP}) where Chrome writes {@code udp}. A parsed candidate remembers the spelling of its line so that
 * {@code parse(line).toSdp()} reproduces the line; a candidate built in code writes the lower-case W3C name. The
 * spelling is presentation only: it is not a field, takes no part in {@link #equals(Object)}, and is lost by
 * {@link #builder()} when the protocol is changed.
 *
 * <p><b>Position of {@code tcptype}.</b> {@link #toSdp()} writes {@code tcptype} right after the candidate type
 * and the related address, where Chrome writes it ({@code ... typ host tcptype passive generation 0 ...}). A line
 * with {@code tcptype} elsewhere among the extensions parses to the same candidate, and its {@code toSdp()} moves
 * {@code tcptype} to that position; every other extension keeps its place.
 *
 * <p>The fields:
 * <ul>
 *   <li>{@code foundation}: 1 to 32 ice-chars (letters, digits, {@code +}, {@code /});</li>
 *   <li>{@code component}: the component ID, 1 to 256 (1 is RTP);</li>
 *   <li>{@code protocol}: the transport, never {@code null};</li>
 *   <li>{@code priority}: 1 to 2<sup>31</sup>-1 (see {@link #priority(Type, int, int)});</li>
 *   <li>{@code address}: the connection address, an IPv4 address, an IPv6 address without brackets or zone id,
 *   or a host name such as an mDNS {@code <uuid>.local} name;</li>
 *   <li>{@code port}: 0 to 65535 (an active TCP candidate uses 9);</li>
 *   <li>{@code type}: the candidate type, never {@code null};</li>
 *   <li>{@code relatedAddress}, {@code relatedPort}: {@code raddr} and {@code rport} (0 to 65535), both
 *   {@code null} or both set;</li>
 *   <li>{@code tcpType}: the RFC 6544 TCP candidate type, or {@code null}; only on TCP candidates, and a TCP
 *   candidate parsed from a line without {@code tcptype} has none;</li>
 *   <li>{@code url}: the configured server URL the candidate came from, or {@code null} for host candidates and
 *   parsed lines; not part of the SDP form;</li>
 *   <li>{@code extensions}: the other extension attributes in line order ({@code generation 0},
 *   {@code ufrag abcd}, {@code network-id 1}, ...), never {@code null}; copied.</li>
 * </ul>
 */
public final class IceCandidate {

    private static final String[] RESERVED_EXTENSION_NAMES = {"typ", "raddr", "rport", "tcptype"};

    private final String foundation;
    private final int component;
    private final IceProtocol protocol;
    private final long priority;
    private final String address;
    private final int port;
    private final Type type;
    private final String relatedAddress;
    private final Integer relatedPort;
    private final TcpType tcpType;
    private final String url;
    private final List<Extension> extensions;
    private final String transportToken;

    /** Checks every field of the builder (see {@link Builder#build()}) and copies them. */
    private IceCandidate(Builder b) {
        foundation = Objects.requireNonNull(b.foundation, "foundation must not be null");
        component = b.component;
        protocol = Objects.requireNonNull(b.protocol, "protocol must not be null");
        priority = b.priority;
        address = Objects.requireNonNull(b.address, "address must not be null");
        port = b.port;
        type = Objects.requireNonNull(b.type, "type must not be null");
        relatedAddress = b.relatedAddress;
        relatedPort = b.relatedPort;
        tcpType = b.tcpType;
        url = b.url;
        extensions = List.copyOf(b.extensions);
        transportToken = b.transportToken == null ? protocol.w3cName() : b.transportToken;

        CandidateSdp.checkFoundation(foundation);
        if (component < 1 || component > CandidateSdp.MAX_COMPONENT) {
            throw new IllegalArgumentException(
                    "component " + component + " is out of range 1.." + CandidateSdp.MAX_COMPONENT);
        }
        if (priority < 1 || priority > CandidateSdp.MAX_PRIORITY) {
            throw new IllegalArgumentException(
                    "priority " + priority + " is out of range 1.." + CandidateSdp.MAX_PRIORITY);
        }
        CandidateSdp.checkAddress("address", address);
        checkPort("port", port);
        if ((relatedAddress == null) != (relatedPort == null)) {
            throw new IllegalArgumentException("relatedAddress and relatedPort must both be null or both be set"
                    + " (relatedAddress=" + relatedAddress + ", relatedPort=" + relatedPort + ")");
        }
        if (relatedAddress != null) {
            CandidateSdp.checkAddress("relatedAddress", relatedAddress);
            checkPort("relatedPort", relatedPort);
        }
        if (tcpType != null && protocol != IceProtocol.TCP) {
            throw new IllegalArgumentException("tcpType " + tcpType + " is only allowed with protocol TCP, not "
                    + protocol);
        }
        for (Extension e : extensions) {
            for (String reserved : RESERVED_EXTENSION_NAMES) {
                if (e.name().equalsIgnoreCase(reserved)) {
                    throw new IllegalArgumentException("extension name " + CandidateSdp.quote(e.name())
                            + " is reserved: the SDP form gives " + reserved + " its own meaning");
                }
            }
        }
        if (!transportToken.equalsIgnoreCase(protocol.w3cName())) {
            throw new IllegalArgumentException("transport " + CandidateSdp.quote(transportToken)
                    + " does not spell protocol " + protocol);
        }
    }

    private static void checkPort(String field, int port) {
        if (port < 0 || port > CandidateSdp.MAX_PORT) {
            throw new IllegalArgumentException(field + " " + port + " is out of range 0.." + CandidateSdp.MAX_PORT);
        }
    }

    /**
     * Parses an SDP candidate attribute (RFC 8839 §5.1) into a candidate with a {@code null} {@link #url()}.
     *
     * <p>Accepts {@code a=candidate:...}, {@code candidate:...} and the bare attribute value without the
     * {@code candidate:} prefix, each optionally ending in CRLF (or LF). Fields are separated by exactly one space.
     * The transport ({@code udp}/{@code tcp}) and the keywords and values of {@code typ}, {@code raddr},
     * {@code rport} and {@code tcptype} are case-insensitive. {@code raddr} and {@code rport} come together,
     * right after the candidate type; {@code tcptype} may appear anywhere among the extensions, once, and only on
     * a TCP candidate; every other extension is kept, in order, as an {@link Extension}.
     *
     * @param sdp the attribute line
     * @return the candidate
     * @throws NullPointerException     if {@code sdp} is {@code null}
     * @throws IllegalArgumentException naming the field that is missing or malformed, such as
     *                                  {@code priority "x" is not a number}, an unknown transport or an unknown
     *                                  candidate type
     */
    public static IceCandidate parse(String sdp) {
        return CandidateSdp.parse(sdp);
    }

    /**
     * Writes the SDP candidate attribute without the {@code a=} prefix or line end: {@code candidate:<foundation>
     * <component> <transport> <priority> <address> <port> typ <type> [raddr <a> rport <p>] [tcptype <t>]
     * <extensions in order>}.
     *
     * <p>The transport is the lower-case W3C name, or the spelling of the parsed line; see the class comment for
     * this and for the position of {@code tcptype}. The {@link #url()} is not part of the SDP form.
     *
     * @return the attribute, which {@link #parse(String)} reads back to an equal candidate (with a {@code null}
     *         url)
     */
    public String toSdp() {
        return CandidateSdp.format(this, transportToken);
    }

    /**
     * Computes a priority by the RFC 8445 §5.1.2.1 formula: 2<sup>24</sup>·typePreference +
     * 2<sup>8</sup>·localPreference + (256 - componentId).
     *
     * @param typePreference  the type preference, 0 to 126 (126 is the recommended value for host candidates)
     * @param localPreference the local preference, 0 to 65535 (65535 for a host with one address)
     * @param componentId     the component ID, 1 to 256
     * @return the priority, 1 to 2<sup>31</sup>-1
     * @throws IllegalArgumentException naming the argument that is out of range, or if all three are at their
     *                                  lowest (0, 0, 256), which gives the priority 0 that RFC 8445 forbids
     */
    public static long priority(int typePreference, int localPreference, int componentId) {
        if (typePreference < 0 || typePreference > 126) {
            throw new IllegalArgumentException("typePreference " + typePreference + " is out of range 0..126");
        }
        if (localPreference < 0 || localPreference > 65535) {
            throw new IllegalArgumentException("localPreference " + localPreference + " is out of range 0..65535");
        }
        if (componentId < 1 || componentId > CandidateSdp.MAX_COMPONENT) {
            throw new IllegalArgumentException(
                    "componentId " + componentId + " is out of range 1.." + CandidateSdp.MAX_COMPONENT);
        }
        long priority = ((long) typePreference << 24) + ((long) localPreference << 8) + (256 - componentId);
        if (priority == 0) {
            throw new IllegalArgumentException("typePreference 0, localPreference 0 and componentId 256 give"
                    + " priority 0, which RFC 8445 forbids");
        }
        return priority;
    }

    /**
     * Computes a priority by the RFC 8445 §5.1.2.1 formula with the type's recommended
     * {@linkplain Type#typePreference() type preference}.
     *
     * @param type            the candidate type
     * @param localPreference the local preference, 0 to 65535
     * @param componentId     the component ID, 1 to 256
     * @return the priority
     * @throws NullPointerException     if {@code type} is {@code null}
     * @throws IllegalArgumentException as {@link #priority(int, int, int)} does
     */
    public static long priority(Type type, int localPreference, int componentId) {
        Objects.requireNonNull(type, "type must not be null");
        return priority(type.typePreference(), localPreference, componentId);
    }

    /** Starts a builder with no field set and no extensions. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts a builder holding this candidate's fields (and the transport spelling while the protocol stays). */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.foundation = foundation;
        b.component = component;
        b.protocol = protocol;
        b.priority = priority;
        b.address = address;
        b.port = port;
        b.type = type;
        b.relatedAddress = relatedAddress;
        b.relatedPort = relatedPort;
        b.tcpType = tcpType;
        b.url = url;
        b.extensions.addAll(extensions);
        b.transportToken = transportToken;
        return b;
    }

    /** Returns the foundation. */
    public String foundation() {
        return foundation;
    }

    /** Returns the component ID. */
    public int component() {
        return component;
    }

    /** Returns the transport. */
    public IceProtocol protocol() {
        return protocol;
    }

    /** Returns the priority. */
    public long priority() {
        return priority;
    }

    /** Returns the connection address. */
    public String address() {
        return address;
    }

    /** Returns the port. */
    public int port() {
        return port;
    }

    /** Returns the candidate type. */
    public Type type() {
        return type;
    }

    /** Returns the related address ({@code raddr}), or {@code null}. */
    public String relatedAddress() {
        return relatedAddress;
    }

    /** Returns the related port ({@code rport}), or {@code null}. */
    public Integer relatedPort() {
        return relatedPort;
    }

    /** Returns the RFC 6544 TCP candidate type, or {@code null}. */
    public TcpType tcpType() {
        return tcpType;
    }

    /** Returns the configured server URL the candidate came from, or {@code null}. */
    public String url() {
        return url;
    }

    /** Returns the extension attributes in line order (an unmodifiable list). */
    public List<Extension> extensions() {
        return extensions;
    }

    /**
     * Returns the value of the first extension with this name (compared case-sensitively), such as
     * {@code extension("ufrag")}.
     *
     * @throws NullPointerException if {@code name} is {@code null}
     */
    public Optional<String> extension(String name) {
        Objects.requireNonNull(name, "name must not be null");
        for (Extension e : extensions) {
            if (e.name().equals(name)) {
                return Optional.of(e.value());
            }
        }
        return Optional.empty();
    }

    /** Compares the twelve fields; the spelling of a parsed transport token does not count. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof IceCandidate c
                && component == c.component
                && priority == c.priority
                && port == c.port
                && foundation.equals(c.foundation)
                && protocol == c.protocol
                && address.equals(c.address)
                && type == c.type
                && Objects.equals(relatedAddress, c.relatedAddress)
                && Objects.equals(relatedPort, c.relatedPort)
                && tcpType == c.tcpType
                && Objects.equals(url, c.url)
                && extensions.equals(c.extensions);
    }

    /** Hashes the twelve fields, consistently with {@link #equals(Object)}. */
    @Override
    public int hashCode() {
        return Objects.hash(foundation, component, protocol, priority, address, port, type, relatedAddress,
                relatedPort, tcpType, url, extensions);
    }

    /** Returns the SDP form, followed by {@code (url <url>)} when the url is set. */
    @Override
    public String toString() {
        return url == null ? toSdp() : toSdp() + " (url " + url + ")";
    }

    /** Candidate types with their RFC 8445 §5.1.2.2 recommended type preferences. */
    public enum Type {
        HOST(126), SRFLX(100), PRFLX(110), RELAY(0);

        private final int typePreference;

        Type(int typePreference) {
            this.typePreference = typePreference;
        }

        /** Returns the recommended type preference (host 126, prflx 110, srflx 100, relay 0). */
        public int typePreference() {
            return typePreference;
        }

        /** Returns the SDP name ({@code host}, {@code srflx}, {@code prflx}, {@code relay}). */
        public String sdpName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** RFC 6544 TCP candidate types. */
    public enum TcpType {
        ACTIVE, PASSIVE, SO;

        /** Returns the SDP name ({@code active}, {@code passive}, {@code so}). */
        public String sdpName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * An extension attribute of the SDP line ({@code generation 0}, {@code ufrag abc}, ...), kept in order.
     *
     * @param name  an SDP token (RFC 8866 token-char: printable US-ASCII except space and
     *              {@code " ( ) , / : ; < = > ? @ [ \ ]})
     * @param value one or more printable US-ASCII characters other than space
     */
    public record Extension(String name, String value) {

        /**
         * Creates an extension after checking both parts.
         *
         * @throws NullPointerException     if {@code name} or {@code value} is {@code null}
         * @throws IllegalArgumentException if the name is empty or not a token, or the value is empty or holds a
         *                                  space, a control or a non-ASCII character
         */
        public Extension {
            Objects.requireNonNull(name, "extension name must not be null");
            Objects.requireNonNull(value, "extension value must not be null");
            CandidateSdp.checkExtensionName(name);
            CandidateSdp.checkExtensionValue(name, value);
        }
    }

    /**
     * A mutable builder of {@link IceCandidate}; {@link #build()} checks the fields. Extensions default to none;
     * every other field must be set unless it may be {@code null}.
     */
    public static final class Builder {
        private String foundation;
        private int component;
        private IceProtocol protocol;
        private long priority;
        private String address;
        private int port;
        private Type type;
        private String relatedAddress;
        private Integer relatedPort;
        private TcpType tcpType;
        private String url;
        private final List<Extension> extensions = new ArrayList<>();
        private String transportToken;

        private Builder() {
        }

        /** Sets the foundation. */
        public Builder foundation(String foundation) {
            this.foundation = foundation;
            return this;
        }

        /** Sets the component ID. */
        public Builder component(int component) {
            this.component = component;
            return this;
        }

        /** Sets the transport (forgetting the spelling of a parsed transport token if it changes). */
        public Builder protocol(IceProtocol protocol) {
            if (protocol != this.protocol) {
                this.transportToken = null;
            }
            this.protocol = protocol;
            return this;
        }

        /** Sets the spelling of the transport as a parsed line has it ({@code null}: the lower-case W3C name). */
        Builder transportToken(String transportToken) {
            this.transportToken = transportToken;
            return this;
        }

        /** Sets the priority. */
        public Builder priority(long priority) {
            this.priority = priority;
            return this;
        }

        /** Sets the connection address. */
        public Builder address(String address) {
            this.address = address;
            return this;
        }

        /** Sets the port. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Sets the candidate type. */
        public Builder type(Type type) {
            this.type = type;
            return this;
        }

        /** Sets the related address and port together ({@code null} and {@code null} for none). */
        public Builder related(String relatedAddress, Integer relatedPort) {
            this.relatedAddress = relatedAddress;
            this.relatedPort = relatedPort;
            return this;
        }

        /** Sets the RFC 6544 TCP candidate type ({@code null} for none). */
        public Builder tcpType(TcpType tcpType) {
            this.tcpType = tcpType;
            return this;
        }

        /** Sets the configured server URL the candidate came from ({@code null} for none). */
        public Builder url(String url) {
            this.url = url;
            return this;
        }

        /**
         * Appends an extension attribute.
         *
         * @throws NullPointerException     if {@code name} or {@code value} is {@code null}
         * @throws IllegalArgumentException as {@link Extension#Extension(String, String)} does
         */
        public Builder extension(String name, String value) {
            extensions.add(new Extension(name, value));
            return this;
        }

        /**
         * Replaces the extension attributes.
         *
         * @throws NullPointerException if {@code extensions} or one of its elements is {@code null}
         */
        public Builder extensions(List<Extension> extensions) {
            List<Extension> copy = List.copyOf(Objects.requireNonNull(extensions, "extensions must not be null"));
            this.extensions.clear();
            this.extensions.addAll(copy);
            return this;
        }

        /**
         * Builds the candidate after checking every field (see the class comment of {@link IceCandidate} for each
         * field's range).
         *
         * @throws NullPointerException     if the foundation, protocol, address or type was not set
         * @throws IllegalArgumentException naming the field, if a field is out of its range or malformed, if only one
         *                                  of the related address and port is set, if a TCP type is set on a UDP
         *                                  candidate, or if an extension uses a name the SDP form gives a meaning
         *                                  ({@code typ}, {@code raddr}, {@code rport}, {@code tcptype})
         */
        public IceCandidate build() {
            return new IceCandidate(this);
        }
    }
}
