package io.iceflux.netty.stun;

import static io.iceflux.netty.stun.StunCodecException.Problem.ATTRIBUTE_OVERRUNS_MESSAGE;
import static io.iceflux.netty.stun.StunCodecException.Problem.BAD_FINGERPRINT;
import static io.iceflux.netty.stun.StunCodecException.Problem.BAD_LEADING_BITS;
import static io.iceflux.netty.stun.StunCodecException.Problem.BAD_LENGTH_ALIGNMENT;
import static io.iceflux.netty.stun.StunCodecException.Problem.BAD_MAGIC_COOKIE;
import static io.iceflux.netty.stun.StunCodecException.Problem.BAD_PADDING;
import static io.iceflux.netty.stun.StunCodecException.Problem.DUPLICATE_INTEGRITY;
import static io.iceflux.netty.stun.StunCodecException.Problem.LENGTH_OVERRUNS_DATAGRAM;
import static io.iceflux.netty.stun.StunCodecException.Problem.MISPLACED_FINGERPRINT;
import static io.iceflux.netty.stun.StunCodecException.Problem.MISPLACED_INTEGRITY;
import static io.iceflux.netty.stun.StunCodecException.Problem.TOO_LARGE;
import static io.iceflux.netty.stun.StunCodecException.Problem.TRAILING_BYTES;
import static io.iceflux.netty.stun.StunCodecException.Problem.TRUNCATED_HEADER;

import io.iceflux.netty.stun.StunAttribute.Fingerprint;
import io.iceflux.netty.stun.StunAttribute.MessageIntegrity;
import io.iceflux.netty.stun.StunAttribute.MessageIntegritySha256;
import io.iceflux.netty.stun.StunMessage.WireLayout;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;

/**
 * Decodes, verifies and encodes STUN messages (RFC 8489, with the TURN attributes of RFC 8656). All methods are
 * static and thread-safe.
 *
 * <p>Buffer ownership: no method releases or retains a buffer it is given, and none moves its reader index. The
 * only buffer the codec hands over is the one {@link #encode(StunMessage, ByteBufAllocator, StunEncodeOptions)}
 * returns, which the caller must release.
 */
public final class StunCodec {

    /** The magic cookie every STUN message carries in bytes 4-7. */
    public static final int MAGIC_COOKIE = 0x2112A442;
    /** The length of the STUN header. */
    public static final int HEADER_LENGTH = 20;
    /** The largest value of the length field that is a multiple of 4. */
    public static final int MAX_BODY_LENGTH = 65_532;
    /** The largest STUN message, and the default decode limit: a header and the largest body, 65,552 bytes. */
    public static final int MAX_MESSAGE_LENGTH = HEADER_LENGTH + MAX_BODY_LENGTH;

    private static final int MESSAGE_INTEGRITY_LENGTH = 20;
    private static final int SHA256_LENGTH = 32;

    private StunCodec() {
    }

    // ------------------------------------------------------------------------------------------------ decoding

    /**
     * Decode the one STUN message that fills the readable bytes of {@code datagram} (one UDP datagram or one TCP
     * frame), verifying FINGERPRINT if present. The buffer stays the caller's: it is neither released nor
     * retained, and its indexes do not move. Attributes after MESSAGE-INTEGRITY other than
     * MESSAGE-INTEGRITY-SHA256 and FINGERPRINT are ignored, as are attributes after MESSAGE-INTEGRITY-SHA256
     * other than FINGERPRINT (RFC 8489 §14.5, §14.6). Integrity is not checked here: pass the same buffer to
     * {@link #verifyIntegrity} once the key is known.
     *
     * @throws StunCodecException for any bytes that are not one valid STUN message of at most
     *     {@link #MAX_MESSAGE_LENGTH} bytes; {@link StunCodecException#problem()} says what is wrong
     */
    public static StunMessage decode(ByteBuf datagram) {
        return decode(datagram, MAX_MESSAGE_LENGTH);
    }

    /**
     * Decode like {@link #decode(ByteBuf)} with a smaller size limit, e.g. the MTU a socket accepts.
     *
     * @throws StunCodecException for bytes that are not one valid STUN message, {@code TOO_LARGE} if there are
     *     more than {@code maxLength} readable bytes
     * @throws IllegalArgumentException if {@code maxLength} is outside 20 to {@link #MAX_MESSAGE_LENGTH}
     */
    public static StunMessage decode(ByteBuf datagram, int maxLength) {
        Objects.requireNonNull(datagram, "datagram");
        Bytes.checkRange("maxLength", maxLength, HEADER_LENGTH, MAX_MESSAGE_LENGTH);
        final int start = datagram.readerIndex();
        final int size = datagram.readableBytes();
        if (size > maxLength) {
            throw new StunCodecException(TOO_LARGE, size + " bytes exceed the limit of " + maxLength);
        }
        if (size < HEADER_LENGTH) {
            throw new StunCodecException(TRUNCATED_HEADER, size + " bytes are fewer than the 20-byte header");
        }
        int messageType = datagram.getUnsignedShort(start);
        if ((messageType & 0xC000) != 0) {
            throw new StunCodecException(BAD_LEADING_BITS,
                    String.format("first byte 0x%02x does not start with two zero bits", messageType >>> 8));
        }
        int length = datagram.getUnsignedShort(start + 2);
        int cookie = datagram.getInt(start + 4);
        if (cookie != MAGIC_COOKIE) {
            throw new StunCodecException(BAD_MAGIC_COOKIE,
                    String.format("header bytes 4-7 are 0x%08x, not 0x2112a442", cookie));
        }
        if (length % 4 != 0) {
            throw new StunCodecException(BAD_LENGTH_ALIGNMENT,
                    "message length " + length + " in the header is not a multiple of 4");
        }
        if (HEADER_LENGTH + length > size) {
            throw new StunCodecException(LENGTH_OVERRUNS_DATAGRAM, "message length " + length
                    + " in the header needs " + (HEADER_LENGTH + length) + " bytes, the datagram has " + size);
        }
        if (HEADER_LENGTH + length < size) {
            throw new StunCodecException(TRAILING_BYTES, (size - HEADER_LENGTH - length)
                    + " bytes follow the message of " + (HEADER_LENGTH + length) + " bytes");
        }
        TransactionId tid = TransactionId.readFrom(datagram, start + 8);
        int end = HEADER_LENGTH + length;
        // First pass: structure only, so that FINGERPRINT is verified before any value is interpreted.
        int integrityAt = -1;
        int integritySha256At = -1;
        int fingerprintAt = -1;
        int count = 0;
        int pos = HEADER_LENGTH;
        while (pos < end) {
            count++;
            if (fingerprintAt >= 0) {
                throw new StunCodecException(MISPLACED_FINGERPRINT, "attribute at offset " + pos
                        + " follows FINGERPRINT at offset " + fingerprintAt);
            }
            if (end - pos < 4) {
                throw new StunCodecException(ATTRIBUTE_OVERRUNS_MESSAGE,
                        "attribute header at offset " + pos + " runs past the message end at " + end);
            }
            int type = datagram.getUnsignedShort(start + pos);
            int valueLength = datagram.getUnsignedShort(start + pos + 2);
            int valueAt = pos + 4;
            if (valueAt + valueLength > end) {
                throw new StunCodecException(ATTRIBUTE_OVERRUNS_MESSAGE, StunAttributeType.name(type)
                        + " at offset " + pos + " has a value of " + valueLength
                        + " bytes that runs past the message end at " + end);
            }
            int next = valueAt + AttributeCodec.pad(valueLength);
            if (next > end) {
                throw new StunCodecException(BAD_PADDING, StunAttributeType.name(type) + " at offset " + pos
                        + " has padding that runs past the message end at " + end);
            }
            if (type == StunAttributeType.MESSAGE_INTEGRITY) {
                if (integrityAt >= 0) {
                    throw new StunCodecException(DUPLICATE_INTEGRITY, "MESSAGE-INTEGRITY at offset " + pos
                            + " repeats the one at offset " + integrityAt);
                }
                if (integritySha256At >= 0) {
                    throw new StunCodecException(MISPLACED_INTEGRITY, "MESSAGE-INTEGRITY at offset " + pos
                            + " follows MESSAGE-INTEGRITY-SHA256 at offset " + integritySha256At);
                }
                integrityAt = pos;
            } else if (type == StunAttributeType.MESSAGE_INTEGRITY_SHA256) {
                if (integritySha256At >= 0) {
                    throw new StunCodecException(DUPLICATE_INTEGRITY, "MESSAGE-INTEGRITY-SHA256 at offset "
                            + pos + " repeats the one at offset " + integritySha256At);
                }
                integritySha256At = pos;
            } else if (type == StunAttributeType.FINGERPRINT) {
                fingerprintAt = pos;
            }
            pos = next;
        }
        if (fingerprintAt >= 0) {
            int valueLength = datagram.getUnsignedShort(start + fingerprintAt + 2);
            if (valueLength != 4) {
                throw AttributeCodec.malformed(StunAttributeType.FINGERPRINT, fingerprintAt,
                        "needs a value of 4 bytes, got " + valueLength);
            }
            int expected = StunCrypto.fingerprint(datagram, start, fingerprintAt);
            int actual = datagram.getInt(start + fingerprintAt + 4);
            if (expected != actual) {
                throw new StunCodecException(BAD_FINGERPRINT, String.format(
                        "FINGERPRINT at offset %d is 0x%08x, the message gives 0x%08x", fingerprintAt, actual,
                        expected));
            }
        }
        // Second pass: decode the values of the attributes that count.
        List<StunAttribute> attributes = new ArrayList<>(count);
        int firstIntegrity = integrityAt >= 0 ? integrityAt : integritySha256At;
        pos = HEADER_LENGTH;
        while (pos < end) {
            int type = datagram.getUnsignedShort(start + pos);
            int valueLength = datagram.getUnsignedShort(start + pos + 2);
            boolean keep = firstIntegrity < 0 || pos < firstIntegrity
                    || type == StunAttributeType.MESSAGE_INTEGRITY
                    || type == StunAttributeType.MESSAGE_INTEGRITY_SHA256
                    || type == StunAttributeType.FINGERPRINT;
            if (keep) {
                attributes.add(AttributeCodec.decode(type, datagram, start + pos + 4, valueLength, tid, pos));
            }
            pos += 4 + AttributeCodec.pad(valueLength);
        }
        return StunMessage.decoded(StunClass.ofMessageType(messageType), StunMethod.ofMessageType(messageType),
                tid, attributes, new WireLayout(end, integrityAt, integritySha256At, fingerprintAt));
    }

    // ------------------------------------------------------------------------------------------------ integrity

    /**
     * Check MESSAGE-INTEGRITY (HMAC-SHA1, RFC 8489 §14.5) and MESSAGE-INTEGRITY-SHA256 (HMAC-SHA256, possibly
     * truncated, §14.6) of a decoded message against a key, hashing the original bytes with the length field
     * adjusted to end at each attribute (through a per-thread scratch array, allocating nothing), and comparing in
     * constant time. {@code datagram} must be the buffer the message was decoded from, with the same reader index;
     * it is neither released, retained nor modified.
     *
     * @param key the short-term password or long-term key (from {@code StunCredentials}); may be empty
     * @throws IllegalArgumentException if {@code message} was not decoded, or {@code datagram} does not hold the
     *     bytes it was decoded from
     * @throws NullPointerException if an argument is null
     */
    public static IntegrityCheck verifyIntegrity(ByteBuf datagram, StunMessage message, byte[] key) {
        Objects.requireNonNull(datagram, "datagram");
        Objects.requireNonNull(key, "key");
        WireLayout layout = Objects.requireNonNull(message, "message").wireLayout().orElseThrow(() ->
                new IllegalArgumentException("message was built, not decoded: it has no wire layout to verify"));
        if (datagram.readableBytes() != layout.length()) {
            throw new IllegalArgumentException("datagram has " + datagram.readableBytes()
                    + " readable bytes, the decoded message had " + layout.length());
        }
        int start = datagram.readerIndex();
        IntegrityStatus sha1 = check(datagram, start, layout.messageIntegrityOffset(),
                StunAttributeType.MESSAGE_INTEGRITY, StunCrypto.HMAC_SHA1, key);
        IntegrityStatus sha256 = check(datagram, start, layout.messageIntegritySha256Offset(),
                StunAttributeType.MESSAGE_INTEGRITY_SHA256, StunCrypto.HMAC_SHA256, key);
        return new IntegrityCheck(sha1, sha256);
    }

    private static IntegrityStatus check(ByteBuf buf, int start, int offset, int type, String algorithm,
            byte[] key) {
        if (offset < 0) {
            return IntegrityStatus.ABSENT;
        }
        if (buf.getUnsignedShort(start + offset) != type) {
            throw new IllegalArgumentException("datagram does not hold " + StunAttributeType.name(type)
                    + " at offset " + offset + ": it is not the buffer the message was decoded from");
        }
        int valueLength = buf.getUnsignedShort(start + offset + 2);
        Mac mac = StunCrypto.mac(algorithm, key);
        // The HMAC covers the message up to the attribute, with the length field ending at the attribute.
        StunCrypto.updateWithLength(mac, buf, start, offset, offset - HEADER_LENGTH + 4 + valueLength);
        byte[] computed = mac.doFinal();
        if (valueLength > computed.length) {
            return IntegrityStatus.INVALID;
        }
        // Compare in constant time, reading the received value in place.
        int difference = 0;
        int valueAt = start + offset + 4;
        for (int i = 0; i < valueLength; i++) {
            difference |= computed[i] ^ buf.getByte(valueAt + i);
        }
        return difference == 0 ? IntegrityStatus.VALID : IntegrityStatus.INVALID;
    }

    // ------------------------------------------------------------------------------------------------ encoding

    /**
     * Encode a message into a new buffer from {@code allocator}, writing its attributes as they are, zero-padded.
     * The caller owns the returned buffer and must release it.
     *
     * @throws IllegalArgumentException if the message does not fit a STUN message (a value over 65535 bytes or a
     *     body over {@link #MAX_BODY_LENGTH}); nothing stays allocated
     */
    public static ByteBuf encode(StunMessage message, ByteBufAllocator allocator) {
        return encode(message, allocator, StunEncodeOptions.defaults());
    }

    /**
     * Encode a message into a new buffer from {@code allocator}, then append what {@code options} asks for. The
     * caller owns the returned buffer and must release it; on failure the buffer is released before the
     * exception propagates.
     *
     * @throws IllegalArgumentException if the message does not fit a STUN message, or the options ask to append an
     *     attribute that cannot follow the message's own (see {@link #encode(StunMessage, StunEncodeOptions,
     *     ByteBuf)})
     * @throws NullPointerException if an argument is null
     */
    public static ByteBuf encode(StunMessage message, ByteBufAllocator allocator, StunEncodeOptions options) {
        Objects.requireNonNull(allocator, "allocator");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(options, "options");
        ByteBuf out = allocator.buffer(256);
        try {
            encode(message, options, out);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /**
     * Append the encoded message at the writer index of {@code out}, which stays the caller's (never released or
     * retained) and grows as needed. The message's own attributes are written in order, each value as the record
     * says, including any MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT it holds (not recomputed),
     * so decoding then encoding reproduces the input bytes when the padding byte matches. Then, if asked, this
     * appends MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT in that order, each computed over what
     * precedes it with the length field adjusted (RFC 8489 §14.5-§14.7). On failure the writer index is put back.
     *
     * @throws IllegalArgumentException if the message does not fit a STUN message, or if an appended attribute
     *     would follow a FINGERPRINT of the message, MESSAGE-INTEGRITY would follow the message's own
     *     MESSAGE-INTEGRITY or MESSAGE-INTEGRITY-SHA256, or MESSAGE-INTEGRITY-SHA256 its own
     *     MESSAGE-INTEGRITY-SHA256
     * @throws NullPointerException if an argument is null
     */
    public static void encode(StunMessage message, StunEncodeOptions options, ByteBuf out) {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(out, "out");
        checkAppendable(message, options);
        int start = out.writerIndex();
        try {
            TransactionId tid = message.transactionId();
            out.writeShort(message.messageType());
            out.writeShort(0);
            out.writeInt(MAGIC_COOKIE);
            tid.writeTo(out);
            for (StunAttribute a : message.attributes()) {
                AttributeCodec.write(a, out, tid, options.paddingByte());
                checkBody(out, start, 0);
            }
            if (options.appendsMessageIntegrity()) {
                appendIntegrity(out, start, StunCrypto.HMAC_SHA1, StunAttributeType.MESSAGE_INTEGRITY,
                        MESSAGE_INTEGRITY_LENGTH, options.messageIntegrityKey());
            }
            if (options.appendsMessageIntegritySha256()) {
                appendIntegrity(out, start, StunCrypto.HMAC_SHA256, StunAttributeType.MESSAGE_INTEGRITY_SHA256,
                        SHA256_LENGTH, options.messageIntegritySha256Key());
            }
            if (options.appendsFingerprint()) {
                setLength(out, start, 8);
                int crc = StunCrypto.fingerprint(out, start, out.writerIndex() - start);
                out.writeShort(StunAttributeType.FINGERPRINT);
                out.writeShort(4);
                out.writeInt(crc);
            }
            setLength(out, start, 0);
        } catch (RuntimeException e) {
            out.writerIndex(start);
            throw e;
        }
    }

    private static void checkAppendable(StunMessage message, StunEncodeOptions options) {
        boolean hasIntegrity = false;
        boolean hasIntegritySha256 = false;
        boolean hasFingerprint = false;
        for (StunAttribute a : message.attributes()) {
            hasIntegrity |= a instanceof MessageIntegrity;
            hasIntegritySha256 |= a instanceof MessageIntegritySha256;
            hasFingerprint |= a instanceof Fingerprint;
        }
        boolean appends = options.appendsMessageIntegrity() || options.appendsMessageIntegritySha256()
                || options.appendsFingerprint();
        if (appends && hasFingerprint) {
            throw new IllegalArgumentException("cannot append to a message that already holds FINGERPRINT");
        }
        if (options.appendsMessageIntegrity() && (hasIntegrity || hasIntegritySha256)) {
            throw new IllegalArgumentException("cannot append MESSAGE-INTEGRITY to a message that already holds "
                    + (hasIntegrity ? "MESSAGE-INTEGRITY" : "MESSAGE-INTEGRITY-SHA256"));
        }
        if (options.appendsMessageIntegritySha256() && hasIntegritySha256) {
            throw new IllegalArgumentException(
                    "cannot append MESSAGE-INTEGRITY-SHA256 to a message that already holds one");
        }
    }

    private static void appendIntegrity(ByteBuf out, int start, String algorithm, int type, int hmacLength,
            byte[] key) {
        setLength(out, start, 4 + hmacLength);
        Mac mac = StunCrypto.mac(algorithm, key);
        StunCrypto.update(mac, out, start, out.writerIndex() - start);
        byte[] hmac = mac.doFinal();
        out.writeShort(type);
        out.writeShort(hmacLength);
        out.writeBytes(hmac, 0, hmacLength);
    }

    /** Set the header's length field to the body written so far plus {@code extra} bytes still to come. */
    private static void setLength(ByteBuf out, int start, int extra) {
        int body = checkBody(out, start, extra);
        out.setShort(start + 2, body);
    }

    private static int checkBody(ByteBuf out, int start, int extra) {
        int body = out.writerIndex() - start - HEADER_LENGTH + extra;
        if (body > MAX_BODY_LENGTH) {
            throw new IllegalArgumentException("message body of " + body + " bytes exceeds " + MAX_BODY_LENGTH);
        }
        return body;
    }
}
