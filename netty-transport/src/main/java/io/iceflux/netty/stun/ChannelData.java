package io.iceflux.netty.stun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.DefaultByteBufHolder;
import java.util.Objects;

/**
 * A TURN ChannelData message (RFC 8656 §12.4): a channel number in {@code 0x4000}–{@code 0x4FFF} and the
 * application data relayed on that channel.
 *
 * <p>On the wire it is a 4-byte header (channel number, then the length of the data, both 16-bit big-endian)
 * followed by the data. Over TCP and TLS the message is padded with zero bytes to a multiple of 4 bytes; over UDP
 * the padding is optional (RFC 8656 §12.5) and the length field never counts it.
 *
 * <p>A {@code ChannelData} is reference-counted and owns its data buffer, without copying it: releasing the
 * {@code ChannelData} releases the data. Whoever receives one must release it exactly once (or pass it on).
 */
public final class ChannelData extends DefaultByteBufHolder {

    /** The lowest channel number, RFC 8656 §12. */
    public static final int MIN_CHANNEL_NUMBER = 0x4000;
    /** The highest channel number, RFC 8656 §12. */
    public static final int MAX_CHANNEL_NUMBER = 0x4FFF;
    /** The length of the ChannelData header: channel number and length, 2 bytes each. */
    public static final int HEADER_LENGTH = 4;
    /** The largest amount of data the 16-bit length field can describe. */
    public static final int MAX_DATA_LENGTH = 0xFFFF;

    private final int channelNumber;

    /**
     * Create a ChannelData message that takes ownership of {@code data} without retaining it; the data sent is its
     * readable bytes. If the constructor throws, the caller still owns {@code data}.
     *
     * @param channelNumber the channel, {@code 0x4000}–{@code 0x4FFF}
     * @param data the application data; released when this message is released
     * @throws IllegalArgumentException if the channel number is outside {@code 0x4000}–{@code 0x4FFF} or the data
     *         has more than 65,535 readable bytes
     * @throws NullPointerException if {@code data} is {@code null}
     */
    public ChannelData(int channelNumber, ByteBuf data) {
        super(Objects.requireNonNull(data, "data"));
        if (!isValidChannelNumber(channelNumber)) {
            throw new IllegalArgumentException("channel number " + hex(channelNumber)
                    + " is outside 0x4000-0x4FFF (RFC 8656 §12)");
        }
        if (data.readableBytes() > MAX_DATA_LENGTH) {
            throw new IllegalArgumentException("ChannelData data of " + data.readableBytes()
                    + " bytes is longer than the 65535 bytes its length field can carry");
        }
        this.channelNumber = channelNumber;
    }

    /**
     * Decode one ChannelData message from the readable bytes of a UDP datagram (or of a frame emitted by
     * {@link StunFrameDecoder}) without copying and without changing the datagram's indices.
     *
     * <p>The datagram may end with padding after the data, but only up to the next multiple of 4 bytes
     * (RFC 8656 §12.5: over UDP the padding is not required but may be present); the padding bytes are ignored.
     *
     * <p>The result holds a retained slice of the datagram: the caller still owns {@code datagram} and must
     * release it as before, and must also release the returned message. Releasing the datagram first is fine; the
     * returned message stays readable until it is released itself.
     *
     * @param datagram the received bytes, from its reader index to its writer index
     * @return the decoded message, holding a retained slice of the datagram's data bytes
     * @throws StunCodecException with {@link StunCodecException.Problem#TRUNCATED_HEADER} for fewer than 4 bytes,
     *         {@link StunCodecException.Problem#BAD_CHANNEL_NUMBER} for a channel number outside
     *         {@code 0x4000}–{@code 0x4FFF}, {@link StunCodecException.Problem#LENGTH_OVERRUNS_DATAGRAM} when the
     *         length field says more bytes than follow the header, {@link StunCodecException.Problem#TRAILING_BYTES}
     *         when more bytes follow the data than the padding to a multiple of 4
     * @throws NullPointerException if {@code datagram} is {@code null}
     */
    public static ChannelData decode(ByteBuf datagram) {
        Objects.requireNonNull(datagram, "datagram");
        int readable = datagram.readableBytes();
        if (readable < HEADER_LENGTH) {
            throw new StunCodecException(StunCodecException.Problem.TRUNCATED_HEADER,
                    "ChannelData header needs 4 bytes, the datagram has " + readable);
        }
        int start = datagram.readerIndex();
        int channel = datagram.getUnsignedShort(start);
        if (!isValidChannelNumber(channel)) {
            throw new StunCodecException(StunCodecException.Problem.BAD_CHANNEL_NUMBER,
                    "ChannelData channel number " + hex(channel) + " is outside 0x4000-0x4FFF");
        }
        int length = datagram.getUnsignedShort(start + 2);
        int available = readable - HEADER_LENGTH;
        if (length > available) {
            throw new StunCodecException(StunCodecException.Problem.LENGTH_OVERRUNS_DATAGRAM,
                    "ChannelData length field says " + length + " data bytes, the datagram has " + available
                            + " after the header");
        }
        int trailing = available - length;
        if (trailing > padding(length)) {
            throw new StunCodecException(StunCodecException.Problem.TRAILING_BYTES,
                    "ChannelData of " + length + " data bytes is followed by " + trailing
                            + " bytes, more than the " + padding(length) + " padding bytes to a multiple of 4");
        }
        return new ChannelData(channel, datagram.retainedSlice(start + HEADER_LENGTH, length));
    }

    /**
     * Return the channel number, {@code 0x4000}–{@code 0x4FFF}.
     *
     * @return the channel number
     */
    public int channelNumber() {
        return channelNumber;
    }

    /**
     * Return the number of bytes {@link #writeTo(ByteBuf, boolean)} writes: the header, the data, and the padding
     * to a multiple of 4 if asked for.
     *
     * @param padTo4 whether the padding is counted (required over TCP and TLS)
     * @return the encoded length in bytes
     * @throws io.netty.util.IllegalReferenceCountException if this message was already released
     */
    public int encodedLength(boolean padTo4) {
        int length = content().readableBytes();
        return HEADER_LENGTH + length + (padTo4 ? padding(length) : 0);
    }

    /**
     * Write this message to {@code out}: the header, the data (its readable bytes, whose indices do not change),
     * and zero bytes up to a multiple of 4 when {@code padTo4} is true.
     *
     * @param out the buffer to append to; it grows if needed
     * @param padTo4 pad to a multiple of 4 bytes; must be true over TCP and TLS (RFC 8656 §12.5), may be false
     *        over UDP
     * @return the number of bytes written
     * @throws IllegalStateException if the data buffer now has more than 65,535 readable bytes
     * @throws io.netty.util.IllegalReferenceCountException if this message was already released
     * @throws NullPointerException if {@code out} is {@code null}
     */
    public int writeTo(ByteBuf out, boolean padTo4) {
        Objects.requireNonNull(out, "out");
        ByteBuf data = content();
        int length = data.readableBytes();
        if (length > MAX_DATA_LENGTH) {
            throw new IllegalStateException("ChannelData data grew to " + length
                    + " bytes, longer than the 65535 bytes its length field can carry");
        }
        int written = encodedLength(padTo4);
        out.ensureWritable(written);
        out.writeShort(channelNumber);
        out.writeShort(length);
        out.writeBytes(data, data.readerIndex(), length);
        if (padTo4) {
            out.writeZero(padding(length));
        }
        return written;
    }

    /**
     * Encode this message into a new buffer from {@code allocator}; the caller owns the result.
     *
     * @param allocator where the buffer comes from
     * @param padTo4 pad to a multiple of 4 bytes; must be true over TCP and TLS, may be false over UDP
     * @return a new buffer holding exactly the encoded message
     * @throws IllegalStateException if the data buffer now has more than 65,535 readable bytes
     * @throws io.netty.util.IllegalReferenceCountException if this message was already released
     * @throws NullPointerException if {@code allocator} is {@code null}
     */
    public ByteBuf encode(ByteBufAllocator allocator, boolean padTo4) {
        Objects.requireNonNull(allocator, "allocator");
        ByteBuf out = allocator.buffer(encodedLength(padTo4));
        try {
            writeTo(out, padTo4);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }

    /** Return a message on the same channel holding a deep copy of the data. */
    @Override
    public ChannelData copy() {
        return replace(content().copy());
    }

    /** Return a message on the same channel sharing the data, without retaining it. */
    @Override
    public ChannelData duplicate() {
        return replace(content().duplicate());
    }

    /** Return a message on the same channel sharing the data, retained once. */
    @Override
    public ChannelData retainedDuplicate() {
        return replace(content().retainedDuplicate());
    }

    /**
     * Return a message on the same channel that owns {@code content} instead of this message's data.
     *
     * @throws IllegalArgumentException if {@code content} has more than 65,535 readable bytes
     */
    @Override
    public ChannelData replace(ByteBuf content) {
        return new ChannelData(channelNumber, content);
    }

    /** Increase the reference count by one and return this message. */
    @Override
    public ChannelData retain() {
        super.retain();
        return this;
    }

    /** Increase the reference count by {@code increment} and return this message. */
    @Override
    public ChannelData retain(int increment) {
        super.retain(increment);
        return this;
    }

    /** Record the current access location for leak detection and return this message. */
    @Override
    public ChannelData touch() {
        super.touch();
        return this;
    }

    /** Record the current access location with a hint for leak detection and return this message. */
    @Override
    public ChannelData touch(Object hint) {
        super.touch(hint);
        return this;
    }

    /** Return whether {@code o} is a ChannelData on the same channel with equal readable data bytes. */
    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelData other && other.channelNumber == channelNumber && super.equals(o);
    }

    /** Return a hash of the channel number and the readable data bytes. */
    @Override
    public int hashCode() {
        return 31 * channelNumber + super.hashCode();
    }

    /** Return the channel number in hex and a description of the data buffer. */
    @Override
    public String toString() {
        return "ChannelData(channel=" + hex(channelNumber) + ", data=" + contentToString() + ")";
    }

    static boolean isValidChannelNumber(int channelNumber) {
        return channelNumber >= MIN_CHANNEL_NUMBER && channelNumber <= MAX_CHANNEL_NUMBER;
    }

    /** The number of padding bytes that bring {@code length} to a multiple of 4. */
    static int padding(int length) {
        return -length & 3;
    }

    private static String hex(int value) {
        return String.format("0x%04X", value);
    }
}
