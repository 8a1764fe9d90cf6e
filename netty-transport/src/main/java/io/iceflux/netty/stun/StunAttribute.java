package io.iceflux.netty.stun;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One attribute of a STUN message: a record per type this codec knows (RFC 8489, RFC 8656 and the four ICE
 * attributes of RFC 8445), and {@link Unknown} for every other type, which keeps the value bytes as they were.
 * Records validate their components and throw {@link IllegalArgumentException} (or {@link NullPointerException}
 * for a null component) naming the bad one. Records holding bytes copy them in and out.
 */
public sealed interface StunAttribute {

    /** Return the 16-bit attribute type written on the wire. */
    int type();

    /** Return whether an agent that does not understand this type must reject the message (types below 0x8000). */
    default boolean isComprehensionRequired() {
        return StunAttributeType.isComprehensionRequired(type());
    }

    private static InetSocketAddress checkAddress(String what, InetSocketAddress address) {
        Objects.requireNonNull(address, what);
        if (address.isUnresolved()
                || !(address.getAddress() instanceof Inet4Address || address.getAddress() instanceof Inet6Address)) {
            throw new IllegalArgumentException(what + " must be a resolved IPv4 or IPv6 address, got " + address);
        }
        return address;
    }

    private static byte[] checkLength(String what, byte[] value, int length) {
        Objects.requireNonNull(value, what);
        if (value.length != length) {
            throw new IllegalArgumentException(what + " must be " + length + " bytes, got " + value.length);
        }
        return value.clone();
    }

    private static int checkCode(String what, int code) {
        return Bytes.checkRange(what, code, 300, 699);
    }

    /** MAPPED-ADDRESS (0x0001): the reflexive transport address, not obfuscated. */
    record MappedAddress(InetSocketAddress address) implements StunAttribute {
        /** Check the address is resolved. */
        public MappedAddress {
            checkAddress("MAPPED-ADDRESS address", address);
        }

        @Override
        public int type() {
            return StunAttributeType.MAPPED_ADDRESS;
        }
    }

    /**
     * XOR-MAPPED-ADDRESS (0x0020): the reflexive transport address. The record holds the real address; the codec
     * XORs it with the magic cookie (and the transaction id for IPv6) on the wire.
     */
    record XorMappedAddress(InetSocketAddress address) implements StunAttribute {
        /** Check the address is resolved. */
        public XorMappedAddress {
            checkAddress("XOR-MAPPED-ADDRESS address", address);
        }

        @Override
        public int type() {
            return StunAttributeType.XOR_MAPPED_ADDRESS;
        }
    }

    /** XOR-PEER-ADDRESS (0x0012, TURN): a peer's address, XORed on the wire like XOR-MAPPED-ADDRESS. */
    record XorPeerAddress(InetSocketAddress address) implements StunAttribute {
        /** Check the address is resolved. */
        public XorPeerAddress {
            checkAddress("XOR-PEER-ADDRESS address", address);
        }

        @Override
        public int type() {
            return StunAttributeType.XOR_PEER_ADDRESS;
        }
    }

    /** XOR-RELAYED-ADDRESS (0x0016, TURN): the relayed transport address, XORed on the wire. */
    record XorRelayedAddress(InetSocketAddress address) implements StunAttribute {
        /** Check the address is resolved. */
        public XorRelayedAddress {
            checkAddress("XOR-RELAYED-ADDRESS address", address);
        }

        @Override
        public int type() {
            return StunAttributeType.XOR_RELAYED_ADDRESS;
        }
    }

    /** ALTERNATE-SERVER (0x8023): the server a 300 (Try Alternate) response points to, not obfuscated. */
    record AlternateServer(InetSocketAddress address) implements StunAttribute {
        /** Check the address is resolved. */
        public AlternateServer {
            checkAddress("ALTERNATE-SERVER address", address);
        }

        @Override
        public int type() {
            return StunAttributeType.ALTERNATE_SERVER;
        }
    }

    /** USERNAME (0x0006): the user name, UTF-8 on the wire. */
    record Username(String value) implements StunAttribute {
        /** Check the value is not null and holds no unpaired surrogate (it must encode as UTF-8). */
        public Username {
            Utf8.checkWellFormed("USERNAME value", Objects.requireNonNull(value, "USERNAME value"));
        }

        @Override
        public int type() {
            return StunAttributeType.USERNAME;
        }
    }

    /** REALM (0x0014): the realm of long-term credentials, UTF-8 on the wire. */
    record Realm(String value) implements StunAttribute {
        /** Check the value is not null and holds no unpaired surrogate (it must encode as UTF-8). */
        public Realm {
            Utf8.checkWellFormed("REALM value", Objects.requireNonNull(value, "REALM value"));
        }

        @Override
        public int type() {
            return StunAttributeType.REALM;
        }
    }

    /** NONCE (0x0015): the server's nonce, UTF-8 on the wire. */
    record Nonce(String value) implements StunAttribute {
        /** Check the value is not null and holds no unpaired surrogate (it must encode as UTF-8). */
        public Nonce {
            Utf8.checkWellFormed("NONCE value", Objects.requireNonNull(value, "NONCE value"));
        }

        @Override
        public int type() {
            return StunAttributeType.NONCE;
        }
    }

    /** SOFTWARE (0x8022): a textual description of the sender's software, UTF-8 on the wire. */
    record Software(String value) implements StunAttribute {
        /** Check the value is not null and holds no unpaired surrogate (it must encode as UTF-8). */
        public Software {
            Utf8.checkWellFormed("SOFTWARE value", Objects.requireNonNull(value, "SOFTWARE value"));
        }

        @Override
        public int type() {
            return StunAttributeType.SOFTWARE;
        }
    }

    /** ALTERNATE-DOMAIN (0x8003): the domain name of an ALTERNATE-SERVER, for TLS certificate checks. */
    record AlternateDomain(String value) implements StunAttribute {
        /** Check the value is not null and holds no unpaired surrogate (it must encode as UTF-8). */
        public AlternateDomain {
            Utf8.checkWellFormed("ALTERNATE-DOMAIN value", Objects.requireNonNull(value, "ALTERNATE-DOMAIN value"));
        }

        @Override
        public int type() {
            return StunAttributeType.ALTERNATE_DOMAIN;
        }
    }

    /**
     * ERROR-CODE (0x0009): an error code 300 to 699 (class times 100 plus number) and its reason phrase, kept
     * verbatim.
     */
    record ErrorCode(int code, String reasonPhrase) implements StunAttribute {
        /** Check the code is 300 to 699 and the phrase is not null. */
        public ErrorCode {
            checkCode("ERROR-CODE code", code);
            Utf8.checkWellFormed("ERROR-CODE reasonPhrase",
                    Objects.requireNonNull(reasonPhrase, "ERROR-CODE reasonPhrase"));
        }

        @Override
        public int type() {
            return StunAttributeType.ERROR_CODE;
        }
    }

    /**
     * ADDRESS-ERROR-CODE (0x8001, TURN): why the server could not allocate an address of a family (0x01 IPv4,
     * 0x02 IPv6), with an error code 300 to 699 and its reason phrase. The record takes any family byte (so a test can
     * send a malformed one); decoding rejects a family other than 0x01 and 0x02 as
     * {@link StunCodecException.Problem#MALFORMED_ATTRIBUTE}.
     */
    record AddressErrorCode(int family, int code, String reasonPhrase) implements StunAttribute {
        /** Check the family fits a byte, the code is 300 to 699 and the phrase is not null. */
        public AddressErrorCode {
            Bytes.checkRange("ADDRESS-ERROR-CODE family", family, 0, 0xFF);
            checkCode("ADDRESS-ERROR-CODE code", code);
            Utf8.checkWellFormed("ADDRESS-ERROR-CODE reasonPhrase",
                    Objects.requireNonNull(reasonPhrase, "ADDRESS-ERROR-CODE reasonPhrase"));
        }

        @Override
        public int type() {
            return StunAttributeType.ADDRESS_ERROR_CODE;
        }
    }

    /** UNKNOWN-ATTRIBUTES (0x000A): the comprehension-required types a 420 response did not understand. */
    record UnknownAttributes(List<Integer> types) implements StunAttribute {
        /** Copy the list and check every type fits 16 bits. */
        public UnknownAttributes {
            types = List.copyOf(types);
            for (Integer t : types) {
                Bytes.checkRange("UNKNOWN-ATTRIBUTES type", t, 0, 0xFFFF);
            }
        }

        @Override
        public int type() {
            return StunAttributeType.UNKNOWN_ATTRIBUTES;
        }
    }

    /** MESSAGE-INTEGRITY (0x0008): the 20-byte HMAC-SHA1 of the message up to this attribute. */
    record MessageIntegrity(byte[] hmac) implements StunAttribute {
        /** Check the HMAC is 20 bytes, and copy it. */
        public MessageIntegrity {
            hmac = checkLength("MESSAGE-INTEGRITY hmac", hmac, 20);
        }

        /** Return a copy of the HMAC. */
        @Override
        public byte[] hmac() {
            return hmac.clone();
        }

        @Override
        public int type() {
            return StunAttributeType.MESSAGE_INTEGRITY;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MessageIntegrity other && Arrays.equals(hmac, other.hmac);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(hmac);
        }

        @Override
        public String toString() {
            return "MessageIntegrity[hmac=" + Bytes.hex(hmac) + "]";
        }
    }

    /**
     * MESSAGE-INTEGRITY-SHA256 (0x001C): the HMAC-SHA256 of the message up to this attribute, possibly truncated
     * to 16, 20, 24 or 28 bytes.
     */
    record MessageIntegritySha256(byte[] hmac) implements StunAttribute {
        /** Check the HMAC is 16 to 32 bytes and a multiple of 4, and copy it. */
        public MessageIntegritySha256 {
            Objects.requireNonNull(hmac, "MESSAGE-INTEGRITY-SHA256 hmac");
            if (hmac.length < 16 || hmac.length > 32 || hmac.length % 4 != 0) {
                throw new IllegalArgumentException(
                        "MESSAGE-INTEGRITY-SHA256 hmac must be 16 to 32 bytes in steps of 4, got " + hmac.length);
            }
            hmac = hmac.clone();
        }

        /** Return a copy of the HMAC. */
        @Override
        public byte[] hmac() {
            return hmac.clone();
        }

        @Override
        public int type() {
            return StunAttributeType.MESSAGE_INTEGRITY_SHA256;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MessageIntegritySha256 other && Arrays.equals(hmac, other.hmac);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(hmac);
        }

        @Override
        public String toString() {
            return "MessageIntegritySha256[hmac=" + Bytes.hex(hmac) + "]";
        }
    }

    /** FINGERPRINT (0x8028): CRC-32 of the message up to this attribute, XORed with 0x5354554E. */
    record Fingerprint(int value) implements StunAttribute {
        @Override
        public int type() {
            return StunAttributeType.FINGERPRINT;
        }

        @Override
        public String toString() {
            return String.format("Fingerprint[value=0x%08x]", value);
        }
    }

    /** USERHASH (0x001E): the 32-byte SHA-256 of {@code username ":" realm}. */
    record UserHash(byte[] hash) implements StunAttribute {
        /** Check the hash is 32 bytes, and copy it. */
        public UserHash {
            hash = checkLength("USERHASH hash", hash, 32);
        }

        /** Return a copy of the hash. */
        @Override
        public byte[] hash() {
            return hash.clone();
        }

        @Override
        public int type() {
            return StunAttributeType.USERHASH;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof UserHash other && Arrays.equals(hash, other.hash);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(hash);
        }

        @Override
        public String toString() {
            return "UserHash[hash=" + Bytes.hex(hash) + "]";
        }
    }

    /**
     * One password algorithm as PASSWORD-ALGORITHM and PASSWORD-ALGORITHMS carry it: a 16-bit number and its
     * parameters (empty for MD5 and SHA-256). Not an attribute by itself.
     */
    record AlgorithmEntry(int code, byte[] parameters) {
        /** Check the code fits 16 bits and the parameters 65535 bytes, and copy them. */
        public AlgorithmEntry {
            Bytes.checkRange("password algorithm code", code, 0, 0xFFFF);
            Objects.requireNonNull(parameters, "password algorithm parameters");
            Bytes.checkRange("password algorithm parameters length", parameters.length, 0, 0xFFFF);
            parameters = parameters.clone();
        }

        /** Return the entry for a known algorithm, with no parameters. */
        public static AlgorithmEntry of(PasswordAlgorithm algorithm) {
            return new AlgorithmEntry(algorithm.code(), new byte[algorithm.parametersLength()]);
        }

        /** Return the algorithm if this codec knows its number, else empty. */
        public Optional<PasswordAlgorithm> algorithm() {
            return Optional.ofNullable(PasswordAlgorithm.fromCode(code));
        }

        /** Return a copy of the parameters. */
        @Override
        public byte[] parameters() {
            return parameters.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof AlgorithmEntry other && code == other.code
                    && Arrays.equals(parameters, other.parameters);
        }

        @Override
        public int hashCode() {
            return 31 * code + Arrays.hashCode(parameters);
        }

        @Override
        public String toString() {
            PasswordAlgorithm known = PasswordAlgorithm.fromCode(code);
            return "AlgorithmEntry[" + (known != null ? known.name() : String.format("0x%04x", code))
                    + (parameters.length == 0 ? "" : ", parameters=" + Bytes.hex(parameters)) + "]";
        }
    }

    /** PASSWORD-ALGORITHM (0x001D): the algorithm the client chose for the long-term key. */
    record PasswordAlgorithmAttribute(AlgorithmEntry algorithm) implements StunAttribute {
        /** Check the entry is not null. */
        public PasswordAlgorithmAttribute {
            Objects.requireNonNull(algorithm, "PASSWORD-ALGORITHM algorithm");
        }

        /** Return the attribute for a known algorithm. */
        public static PasswordAlgorithmAttribute of(PasswordAlgorithm algorithm) {
            return new PasswordAlgorithmAttribute(AlgorithmEntry.of(algorithm));
        }

        @Override
        public int type() {
            return StunAttributeType.PASSWORD_ALGORITHM;
        }
    }

    /** PASSWORD-ALGORITHMS (0x8002): the algorithms the server supports, in its order of preference. */
    record PasswordAlgorithms(List<AlgorithmEntry> algorithms) implements StunAttribute {
        /** Copy the list, which must not hold null. */
        public PasswordAlgorithms {
            algorithms = List.copyOf(algorithms);
        }

        @Override
        public int type() {
            return StunAttributeType.PASSWORD_ALGORITHMS;
        }
    }

    /** CHANNEL-NUMBER (0x000C, TURN): a 16-bit channel number (TURN uses 0x4000-0x4FFF). */
    record ChannelNumber(int number) implements StunAttribute {
        /** Check the number fits 16 bits. */
        public ChannelNumber {
            Bytes.checkRange("CHANNEL-NUMBER number", number, 0, 0xFFFF);
        }

        @Override
        public int type() {
            return StunAttributeType.CHANNEL_NUMBER;
        }

        @Override
        public String toString() {
            return String.format("ChannelNumber[number=0x%04x]", number);
        }
    }

    /** LIFETIME (0x000D, TURN): the allocation's remaining lifetime in seconds, unsigned 32 bits. */
    record Lifetime(long seconds) implements StunAttribute {
        /** Check the seconds fit an unsigned 32-bit number. */
        public Lifetime {
            Bytes.checkUnsigned32("LIFETIME seconds", seconds);
        }

        @Override
        public int type() {
            return StunAttributeType.LIFETIME;
        }
    }

    /** DATA (0x0013, TURN): application data of a Send or Data indication. */
    record Data(byte[] value) implements StunAttribute {
        /** Copy the bytes, which must not be null. */
        public Data {
            value = Objects.requireNonNull(value, "DATA value").clone();
        }

        /** Return a copy of the bytes. */
        @Override
        public byte[] value() {
            return value.clone();
        }

        @Override
        public int type() {
            return StunAttributeType.DATA;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Data other && Arrays.equals(value, other.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Data[" + value.length + " bytes]";
        }
    }

    /**
     * REQUESTED-ADDRESS-FAMILY (0x0017, TURN): the family of the relayed address asked for (0x01 IPv4, 0x02 IPv6).
     * Decoding rejects any other family as {@link StunCodecException.Problem#MALFORMED_ATTRIBUTE}.
     */
    record RequestedAddressFamily(int family) implements StunAttribute {
        /** Check the family fits a byte. */
        public RequestedAddressFamily {
            Bytes.checkRange("REQUESTED-ADDRESS-FAMILY family", family, 0, 0xFF);
        }

        @Override
        public int type() {
            return StunAttributeType.REQUESTED_ADDRESS_FAMILY;
        }
    }

    /**
     * ADDITIONAL-ADDRESS-FAMILY (0x8000, TURN): ask for a second relayed address of this family (0x02, RFC 8656
     * §18.11). Decoding rejects a family other than 0x01 and 0x02 as
     * {@link StunCodecException.Problem#MALFORMED_ATTRIBUTE}.
     */
    record AdditionalAddressFamily(int family) implements StunAttribute {
        /** Check the family fits a byte. */
        public AdditionalAddressFamily {
            Bytes.checkRange("ADDITIONAL-ADDRESS-FAMILY family", family, 0, 0xFF);
        }

        @Override
        public int type() {
            return StunAttributeType.ADDITIONAL_ADDRESS_FAMILY;
        }
    }

    /** EVEN-PORT (0x0018, TURN): ask for an even port, and whether to reserve the next one too (the R bit). */
    record EvenPort(boolean reserveNextPort) implements StunAttribute {
        @Override
        public int type() {
            return StunAttributeType.EVEN_PORT;
        }
    }

    /** REQUESTED-TRANSPORT (0x0019, TURN): the IP protocol number of the relay (17 for UDP, 6 for TCP). */
    record RequestedTransport(int protocol) implements StunAttribute {
        /** UDP's protocol number. */
        public static final int UDP = 17;
        /** TCP's protocol number (RFC 6062). */
        public static final int TCP = 6;

        /** Check the protocol fits a byte. */
        public RequestedTransport {
            Bytes.checkRange("REQUESTED-TRANSPORT protocol", protocol, 0, 0xFF);
        }

        @Override
        public int type() {
            return StunAttributeType.REQUESTED_TRANSPORT;
        }
    }

    /** DONT-FRAGMENT (0x001A, TURN): ask the server to set the DF bit; no value. */
    record DontFragment() implements StunAttribute {
        @Override
        public int type() {
            return StunAttributeType.DONT_FRAGMENT;
        }
    }

    /** RESERVATION-TOKEN (0x0022, TURN): the 8-byte token of a reserved relayed port. */
    record ReservationToken(byte[] token) implements StunAttribute {
        /** Check the token is 8 bytes, and copy it. */
        public ReservationToken {
            token = checkLength("RESERVATION-TOKEN token", token, 8);
        }

        /** Return a copy of the token. */
        @Override
        public byte[] token() {
            return token.clone();
        }

        @Override
        public int type() {
            return StunAttributeType.RESERVATION_TOKEN;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ReservationToken other && Arrays.equals(token, other.token);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(token);
        }

        @Override
        public String toString() {
            return "ReservationToken[token=" + Bytes.hex(token) + "]";
        }
    }

    /**
     * ICMP (0x8004, TURN): an ICMP message the relay received, forwarded in a Data indication: ICMP type (7 bits),
     * ICMP code (8 bits) and 32 bits of error data.
     */
    record Icmp(int icmpType, int icmpCode, int errorData) implements StunAttribute {
        /** Check the type fits 7 bits and the code 8 bits. */
        public Icmp {
            Bytes.checkRange("ICMP icmpType", icmpType, 0, 0x7F);
            Bytes.checkRange("ICMP icmpCode", icmpCode, 0, 0xFF);
        }

        @Override
        public int type() {
            return StunAttributeType.ICMP;
        }
    }

    /** PRIORITY (0x0024, ICE): the priority of the peer-reflexive candidate, unsigned 32 bits. */
    record Priority(long priority) implements StunAttribute {
        /** Check the priority fits an unsigned 32-bit number. */
        public Priority {
            Bytes.checkUnsigned32("PRIORITY priority", priority);
        }

        @Override
        public int type() {
            return StunAttributeType.PRIORITY;
        }
    }

    /** USE-CANDIDATE (0x0025, ICE): nominate the pair; no value. */
    record UseCandidate() implements StunAttribute {
        @Override
        public int type() {
            return StunAttributeType.USE_CANDIDATE;
        }
    }

    /** ICE-CONTROLLED (0x8029, ICE): the sender is controlled; 64-bit tie-breaker. */
    record IceControlled(long tieBreaker) implements StunAttribute {
        @Override
        public int type() {
            return StunAttributeType.ICE_CONTROLLED;
        }
    }

    /** ICE-CONTROLLING (0x802A, ICE): the sender is controlling; 64-bit tie-breaker. */
    record IceControlling(long tieBreaker) implements StunAttribute {
        @Override
        public int type() {
            return StunAttributeType.ICE_CONTROLLING;
        }
    }

    /**
     * Any attribute of another type, comprehension-required or optional, with its value bytes as they were on the
     * wire (without padding). Decoding never produces it for a type of {@link StunAttributeType}; encoding writes it
     * for any type, which lets a test send a deliberately malformed known attribute.
     */
    record Unknown(int type, byte[] value) implements StunAttribute {
        /** Check the type fits 16 bits and the value 65535 bytes, and copy the value. */
        public Unknown {
            Bytes.checkRange("attribute type", type, 0, 0xFFFF);
            Objects.requireNonNull(value, "attribute value");
            Bytes.checkRange("attribute value length", value.length, 0, 0xFFFF);
            value = value.clone();
        }

        /** Return a copy of the value bytes. */
        @Override
        public byte[] value() {
            return value.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Unknown other && type == other.type && Arrays.equals(value, other.value);
        }

        @Override
        public int hashCode() {
            return 31 * type + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return String.format("Unknown[type=0x%04x, value=%s]", type, Bytes.hex(value));
        }
    }
}
