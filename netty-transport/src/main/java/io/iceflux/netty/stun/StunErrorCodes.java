package io.iceflux.netty.stun;

/**
 * The STUN and TURN error codes (the ERROR-CODE attribute, RFC 8489 §14.8) by name, grouped by the RFC that
 * registers them, with the reason phrases the RFCs recommend. Code 600 is the code libwebrtc and IceFlux report for
 * a response the client cannot use (an error response without ERROR-CODE, a Binding success without a mapped
 * address); 701 (server not reachable) is not a STUN code but the W3C's, see {@code IceCandidateError}.
 */
public final class StunErrorCodes {

    // RFC 8489 §14.8 (STUN)

    /** 300 Try Alternate: use the server in ALTERNATE-SERVER. */
    public static final int TRY_ALTERNATE = 300;
    /** 400 Bad Request: the request was malformed. */
    public static final int BAD_REQUEST = 400;
    /** 401 Unauthenticated: the request lacks valid credentials; carries the REALM and NONCE to answer with. */
    public static final int UNAUTHENTICATED = 401;
    /** 420 Unknown Attribute: a comprehension-required attribute was not understood. */
    public static final int UNKNOWN_ATTRIBUTE = 420;
    /** 438 Stale Nonce: retry with the NONCE of this response. */
    public static final int STALE_NONCE = 438;
    /** 500 Server Error: a temporary error on the server. */
    public static final int SERVER_ERROR = 500;

    // RFC 8656 §19 (TURN)

    /** 403 Forbidden: the request is valid but cannot be performed, e.g. for administrative reasons. */
    public static final int FORBIDDEN = 403;
    /** 437 Allocation Mismatch: an Allocate on a 5-tuple that has one, or a request on one that has none. */
    public static final int ALLOCATION_MISMATCH = 437;
    /** 440 Address Family not Supported. */
    public static final int ADDRESS_FAMILY_NOT_SUPPORTED = 440;
    /** 441 Wrong Credentials: not the credentials the allocation was made with. */
    public static final int WRONG_CREDENTIALS = 441;
    /** 442 Unsupported Transport Protocol. */
    public static final int UNSUPPORTED_TRANSPORT_PROTOCOL = 442;
    /** 443 Peer Address Family Mismatch. */
    public static final int PEER_ADDRESS_FAMILY_MISMATCH = 443;
    /** 486 Allocation Quota Reached: the user has too many allocations. */
    public static final int ALLOCATION_QUOTA_REACHED = 486;
    /** 508 Insufficient Capacity: the server cannot allocate now. */
    public static final int INSUFFICIENT_CAPACITY = 508;

    // RFC 3489 §11.2.9, as libwebrtc uses it

    /** 600 Global Failure: a response the client cannot use. */
    public static final int GLOBAL_FAILURE = 600;

    private StunErrorCodes() {
    }

    /**
     * Return the reason phrase the registering RFC gives {@code code} ("Stale Nonce" for 438), or {@code null} for a
     * code without a name here.
     */
    public static String reasonPhrase(int code) {
        return switch (code) {
            case TRY_ALTERNATE -> "Try Alternate";
            case BAD_REQUEST -> "Bad Request";
            case UNAUTHENTICATED -> "Unauthenticated";
            case UNKNOWN_ATTRIBUTE -> "Unknown Attribute";
            case STALE_NONCE -> "Stale Nonce";
            case SERVER_ERROR -> "Server Error";
            case FORBIDDEN -> "Forbidden";
            case ALLOCATION_MISMATCH -> "Allocation Mismatch";
            case ADDRESS_FAMILY_NOT_SUPPORTED -> "Address Family not Supported";
            case WRONG_CREDENTIALS -> "Wrong Credentials";
            case UNSUPPORTED_TRANSPORT_PROTOCOL -> "Unsupported Transport Protocol";
            case PEER_ADDRESS_FAMILY_MISMATCH -> "Peer Address Family Mismatch";
            case ALLOCATION_QUOTA_REACHED -> "Allocation Quota Reached";
            case INSUFFICIENT_CAPACITY -> "Insufficient Capacity";
            case GLOBAL_FAILURE -> "Global Failure";
            default -> null;
        };
    }
}
