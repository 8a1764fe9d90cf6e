package io.iceflux.netty;

import java.util.Locale;

/**
 * Why an incoming packet on a gatherer's socket or connection was dropped without reaching a STUN transaction, or
 * why a response that did reach it was refused. Dropping a packet never fails the gathering or produces an error
 * event: the transaction it might have disturbed goes on and succeeds when the genuine response arrives (or times out
 * if none does). The one exception is {@link #UNUSABLE_ADDRESS}: that response is the genuine answer, so its
 * transaction ends with an error event (600) instead of a candidate.
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
    /**
     * Over UDP, a response to a pending (or just ended) request that does not come from the address the request went
     * to. The server's own responses may reach the gatherer on another socket than other packets (see
     * {@link NettyIceGatherer.Builder#icmpFastFailure(boolean)}), so one from elsewhere can be looked at after the
     * genuine answer: it is still counted here.
     */
    WRONG_SOURCE,
    /** A request or indication carrying the transaction id of a pending request (e.g. the request reflected back). */
    NOT_A_RESPONSE,
    /** A response with the transaction id of a pending request but another method. */
    WRONG_METHOD,
    /**
     * A response to a request whose answer must be authenticated (TURN requests with long-term credentials) whose
     * MESSAGE-INTEGRITY(-SHA256) is missing or does not verify with the key. 401 and 438 error responses need none.
     */
    BAD_INTEGRITY,
    /**
     * A success response that answers its request but reports an address no candidate can have: an XOR-MAPPED-ADDRESS
     * (or MAPPED-ADDRESS) of a Binding or an Allocate, or an XOR-RELAYED-ADDRESS, that is unspecified
     * ({@code 0.0.0.0}, {@code ::}), the broadcast address {@code 255.255.255.255}, multicast, on port 0, or of the
     * wrong family (a mapped address not of the family of the socket the request left from; a relayed address not
     * IPv4, the family an Allocate asks for). The transaction ends with an error event, code 600, whose text says what
     * was wrong, e.g. {@code "STUN binding response with an unusable mapped address 0.0.0.0:0 (unspecified)."}; an
     * allocation refused this way is deleted on the server.
     */
    UNUSABLE_ADDRESS;

    /** Return the lower-case tag value of this reason with hyphens, e.g. {@code "unknown-transaction"}. */
    public String tagValue() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
