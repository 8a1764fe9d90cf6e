package io.iceflux.netty;

import java.util.Locale;

/**
 * Why an incoming packet on a gatherer's socket or connection was dropped without reaching a STUN transaction.
 * Dropping never fails the gathering or produces an error event: the transaction it might have disturbed goes on
 * and succeeds when the genuine response arrives (or times out if none does).
 *
 * <p>The checks run in the order of the constants below; a packet is counted once, under the first check it
 * fails.
 */
public enum DropReason {
    /** Not STUN by its first bytes (RFC 7983): TURN ChannelData, DTLS, RTP, garbage, or too short for a header. */
    NOT_STUN,
    /** STUN by its header, but the message does not decode (bad length, truncated attribute, bad type …). */
    MALFORMED,
    /** A STUN message whose FINGERPRINT attribute does not match its bytes. */
    BAD_FINGERPRINT,
    /**
     * A STUN message whose transaction id is not that of a pending request: unsolicited, guessed, or a late
     * duplicate of a response whose transaction already ended (e.g. the answer to a retransmission).
     */
    UNKNOWN_TRANSACTION,
    /** Over UDP, a response to a pending request that does not come from the address the request went to. */
    WRONG_SOURCE,
    /** A request or indication carrying the transaction id of a pending request (e.g. the request reflected back). */
    NOT_A_RESPONSE,
    /** A response with the transaction id of a pending request but another method. */
    WRONG_METHOD,
    /**
     * A response to a request whose answer must be authenticated (TURN requests with long-term credentials) whose
     * MESSAGE-INTEGRITY(-SHA256) is missing or does not verify with the key. 401 and 438 error responses need none.
     */
    BAD_INTEGRITY;

    /** Return the lower-case tag value of this reason with hyphens, e.g. {@code "unknown-transaction"}. */
    public String tagValue() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
