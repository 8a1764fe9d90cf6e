package io.iceflux.netty.stun;

/**
 * The attribute types this codec decodes into their own {@link StunAttribute} records, as 16-bit numbers, and
 * their names. Types 0x0000-0x7FFF are comprehension-required, 0x8000-0xFFFF comprehension-optional.
 */
public final class StunAttributeType {

    /** MAPPED-ADDRESS (RFC 8489 §14.1). */
    public static final int MAPPED_ADDRESS = 0x0001;
    /** USERNAME (RFC 8489 §14.3). */
    public static final int USERNAME = 0x0006;
    /** MESSAGE-INTEGRITY (RFC 8489 §14.5). */
    public static final int MESSAGE_INTEGRITY = 0x0008;
    /** ERROR-CODE (RFC 8489 §14.8). */
    public static final int ERROR_CODE = 0x0009;
    /** UNKNOWN-ATTRIBUTES (RFC 8489 §14.9). */
    public static final int UNKNOWN_ATTRIBUTES = 0x000A;
    /** CHANNEL-NUMBER (RFC 8656 §18.1). */
    public static final int CHANNEL_NUMBER = 0x000C;
    /** LIFETIME (RFC 8656 §18.2). */
    public static final int LIFETIME = 0x000D;
    /** XOR-PEER-ADDRESS (RFC 8656 §18.3). */
    public static final int XOR_PEER_ADDRESS = 0x0012;
    /** DATA (RFC 8656 §18.4). */
    public static final int DATA = 0x0013;
    /** REALM (RFC 8489 §14.9). */
    public static final int REALM = 0x0014;
    /** NONCE (RFC 8489 §14.10). */
    public static final int NONCE = 0x0015;
    /** XOR-RELAYED-ADDRESS (RFC 8656 §18.5). */
    public static final int XOR_RELAYED_ADDRESS = 0x0016;
    /** REQUESTED-ADDRESS-FAMILY (RFC 8656 §18.6). */
    public static final int REQUESTED_ADDRESS_FAMILY = 0x0017;
    /** EVEN-PORT (RFC 8656 §18.7). */
    public static final int EVEN_PORT = 0x0018;
    /** REQUESTED-TRANSPORT (RFC 8656 §18.8). */
    public static final int REQUESTED_TRANSPORT = 0x0019;
    /** DONT-FRAGMENT (RFC 8656 §18.9). */
    public static final int DONT_FRAGMENT = 0x001A;
    /** MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6). */
    public static final int MESSAGE_INTEGRITY_SHA256 = 0x001C;
    /** PASSWORD-ALGORITHM (RFC 8489 §14.12). */
    public static final int PASSWORD_ALGORITHM = 0x001D;
    /** USERHASH (RFC 8489 §14.4). */
    public static final int USERHASH = 0x001E;
    /** XOR-MAPPED-ADDRESS (RFC 8489 §14.2). */
    public static final int XOR_MAPPED_ADDRESS = 0x0020;
    /** RESERVATION-TOKEN (RFC 8656 §18.10). */
    public static final int RESERVATION_TOKEN = 0x0022;
    /** PRIORITY (RFC 8445 §16.1). */
    public static final int PRIORITY = 0x0024;
    /** USE-CANDIDATE (RFC 8445 §16.1). */
    public static final int USE_CANDIDATE = 0x0025;
    /** ADDITIONAL-ADDRESS-FAMILY (RFC 8656 §18.11). */
    public static final int ADDITIONAL_ADDRESS_FAMILY = 0x8000;
    /** ADDRESS-ERROR-CODE (RFC 8656 §18.12). */
    public static final int ADDRESS_ERROR_CODE = 0x8001;
    /** PASSWORD-ALGORITHMS (RFC 8489 §14.11). */
    public static final int PASSWORD_ALGORITHMS = 0x8002;
    /** ALTERNATE-DOMAIN (RFC 8489 §14.16). */
    public static final int ALTERNATE_DOMAIN = 0x8003;
    /** ICMP (RFC 8656 §18.13). */
    public static final int ICMP = 0x8004;
    /** SOFTWARE (RFC 8489 §14.14). */
    public static final int SOFTWARE = 0x8022;
    /** ALTERNATE-SERVER (RFC 8489 §14.15). */
    public static final int ALTERNATE_SERVER = 0x8023;
    /** FINGERPRINT (RFC 8489 §14.7). */
    public static final int FINGERPRINT = 0x8028;
    /** ICE-CONTROLLED (RFC 8445 §16.1). */
    public static final int ICE_CONTROLLED = 0x8029;
    /** ICE-CONTROLLING (RFC 8445 §16.1). */
    public static final int ICE_CONTROLLING = 0x802A;

    private StunAttributeType() {
    }

    /**
     * Return whether a type is known to this codec, that is, decodes into its own record rather than
     * {@link StunAttribute.Unknown}.
     */
    public static boolean isKnown(int type) {
        return knownName(type) != null;
    }

    /** Return whether an agent that does not understand this type must reject the message (0x0000-0x7FFF). */
    public static boolean isComprehensionRequired(int type) {
        return (type & 0x8000) == 0;
    }

    /** Return the type's RFC name ({@code "XOR-MAPPED-ADDRESS"}), or {@code "0x%04X"} for an unknown type. */
    public static String name(int type) {
        String known = knownName(type);
        return known != null ? known : String.format("0x%04X", type);
    }

    private static String knownName(int type) {
        switch (type) {
            case MAPPED_ADDRESS: return "MAPPED-ADDRESS";
            case USERNAME: return "USERNAME";
            case MESSAGE_INTEGRITY: return "MESSAGE-INTEGRITY";
            case ERROR_CODE: return "ERROR-CODE";
            case UNKNOWN_ATTRIBUTES: return "UNKNOWN-ATTRIBUTES";
            case CHANNEL_NUMBER: return "CHANNEL-NUMBER";
            case LIFETIME: return "LIFETIME";
            case XOR_PEER_ADDRESS: return "XOR-PEER-ADDRESS";
            case DATA: return "DATA";
            case REALM: return "REALM";
            case NONCE: return "NONCE";
            case XOR_RELAYED_ADDRESS: return "XOR-RELAYED-ADDRESS";
            case REQUESTED_ADDRESS_FAMILY: return "REQUESTED-ADDRESS-FAMILY";
            case EVEN_PORT: return "EVEN-PORT";
            case REQUESTED_TRANSPORT: return "REQUESTED-TRANSPORT";
            case DONT_FRAGMENT: return "DONT-FRAGMENT";
            case MESSAGE_INTEGRITY_SHA256: return "MESSAGE-INTEGRITY-SHA256";
            case PASSWORD_ALGORITHM: return "PASSWORD-ALGORITHM";
            case USERHASH: return "USERHASH";
            case XOR_MAPPED_ADDRESS: return "XOR-MAPPED-ADDRESS";
            case RESERVATION_TOKEN: return "RESERVATION-TOKEN";
            case PRIORITY: return "PRIORITY";
            case USE_CANDIDATE: return "USE-CANDIDATE";
            case ADDITIONAL_ADDRESS_FAMILY: return "ADDITIONAL-ADDRESS-FAMILY";
            case ADDRESS_ERROR_CODE: return "ADDRESS-ERROR-CODE";
            case PASSWORD_ALGORITHMS: return "PASSWORD-ALGORITHMS";
            case ALTERNATE_DOMAIN: return "ALTERNATE-DOMAIN";
            case ICMP: return "ICMP";
            case SOFTWARE: return "SOFTWARE";
            case ALTERNATE_SERVER: return "ALTERNATE-SERVER";
            case FINGERPRINT: return "FINGERPRINT";
            case ICE_CONTROLLED: return "ICE-CONTROLLED";
            case ICE_CONTROLLING: return "ICE-CONTROLLING";
            default: return null;
        }
    }
}
