package io.iceflux.netty.stun;

import java.util.Objects;

/**
 * The one exception the codec throws for bytes that are not a valid STUN message, ChannelData message or
 * STUN-over-TCP stream. {@link #problem()} says what is wrong; the message says where. It carries no stack
 * trace: it is thrown for hostile input on hot paths, and the problem and message say everything.
 */
public final class StunCodecException extends RuntimeException {

    /** What is wrong with the input. */
    public enum Problem {
        /** Fewer than 20 bytes for a STUN header (or 4 for a ChannelData header). */
        TRUNCATED_HEADER,
        /** The two leading bits of a STUN message are not zero. */
        BAD_LEADING_BITS,
        /** The magic cookie is not 0x2112A442. */
        BAD_MAGIC_COOKIE,
        /** The message length is not a multiple of 4. */
        BAD_LENGTH_ALIGNMENT,
        /** The message length says more bytes than the datagram or frame holds. */
        LENGTH_OVERRUNS_DATAGRAM,
        /** The datagram holds more bytes than the message length says. */
        TRAILING_BYTES,
        /** An attribute's length runs past the end of the message. */
        ATTRIBUTE_OVERRUNS_MESSAGE,
        /** An attribute's padding runs past the end of the message. */
        BAD_PADDING,
        /** The message or frame is larger than the configured maximum. */
        TOO_LARGE,
        /** An attribute's value does not have the form its type requires. */
        MALFORMED_ATTRIBUTE,
        /** MESSAGE-INTEGRITY or MESSAGE-INTEGRITY-SHA256 appears twice. */
        DUPLICATE_INTEGRITY,
        /** An integrity attribute in the wrong place (MESSAGE-INTEGRITY after MESSAGE-INTEGRITY-SHA256). */
        MISPLACED_INTEGRITY,
        /** FINGERPRINT is not the last attribute. */
        MISPLACED_FINGERPRINT,
        /** The FINGERPRINT value does not match the message. */
        BAD_FINGERPRINT,
        /** The message type is not a valid STUN class and method. */
        BAD_MESSAGE_TYPE,
        /** A ChannelData channel number outside 0x4000–0x4FFF. */
        BAD_CHANNEL_NUMBER,
        /** The first bits of a frame on a stream say neither STUN nor ChannelData. */
        UNKNOWN_FRAME
    }

    private final Problem problem;

    public StunCodecException(Problem problem, String message) {
        super(Objects.requireNonNull(problem, "problem") + ": " + message, null, false, false);
        this.problem = problem;
    }

    /** What is wrong. */
    public Problem problem() {
        return problem;
    }
}
