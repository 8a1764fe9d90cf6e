package io.iceflux.netty.stun;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Split a TCP or TLS byte stream into STUN messages (RFC 8489 §6.2.2) and TURN ChannelData messages
 * (RFC 8656 §12.5), emitting one {@link ByteBuf} per complete frame.
 *
 * <p>Frames follow each other back to back with no extra length prefix (unlike the RFC 4571 2-byte prefix some
 * stacks wrongly add). The first byte of a frame says what it is: leading bits {@code 00} start a STUN message of
 * 20 + length bytes, where the length at offset 2 must be a multiple of 4 and the magic cookie {@code 0x2112A442}
 * must be at offset 4; a first byte {@code 0x40}–{@code 0x4F} starts a ChannelData message of 4 + length bytes
 * rounded up to a multiple of 4 (over TCP the padding is mandatory). The decoder waits until the header and then
 * the whole frame have arrived. Each emitted frame is a retained slice of the received bytes, header and padding
 * included, so no byte is copied; the next handler owns it and must release it. A ChannelData frame can be handed
 * to {@link ChannelData#decode(ByteBuf)} and a STUN frame to the STUN message decoder.
 *
 * <p>Bad input raises a {@link StunCodecException}, which {@link ByteToMessageDecoder} wraps in a
 * {@link io.netty.handler.codec.DecoderException} (the {@code StunCodecException} is its cause) and sends down
 * the pipeline through {@code exceptionCaught}:
 * <ul>
 *   <li>{@link StunCodecException.Problem#UNKNOWN_FRAME} when a frame starts with a byte that is neither;</li>
 *   <li>{@link StunCodecException.Problem#BAD_LENGTH_ALIGNMENT} when a STUN length is not a multiple of 4;</li>
 *   <li>{@link StunCodecException.Problem#BAD_MAGIC_COOKIE} when a STUN frame has the wrong cookie, detected as
 *       soon as its first 8 bytes are there;</li>
 *   <li>{@link StunCodecException.Problem#TOO_LARGE} when the header announces a frame longer than the configured
 *       maximum, detected from the header before any of the body is buffered;</li>
 *   <li>{@link StunCodecException.Problem#TRUNCATED_HEADER} or
 *       {@link StunCodecException.Problem#LENGTH_OVERRUNS_DATAGRAM} when the stream ends inside a header or a
 *       body.</li>
 * </ul>
 * Frames completed before the bad one are still emitted. After an error the stream can no longer be split into
 * frames, so the decoder discards everything it receives afterwards and emits nothing more; the handler that sees
 * the exception should close the channel.
 *
 * <p>An instance keeps per-connection state: use one per channel (it is not {@code @Sharable}).
 */
public final class StunFrameDecoder extends ByteToMessageDecoder {

    /**
     * The default largest frame: a STUN message of 20 header bytes and 65,532 bytes of attributes (the largest
     * multiple of 4 the length field holds), which is also larger than any ChannelData frame (65,540 bytes).
     */
    public static final int DEFAULT_MAX_FRAME_LENGTH = 65_552;

    private static final int STUN_HEADER_LENGTH = StunCodec.HEADER_LENGTH;
    private static final int COOKIE_END = 8;

    private final int maxFrameLength;
    private boolean failed;

    /** Create a decoder that accepts frames up to {@link #DEFAULT_MAX_FRAME_LENGTH} bytes. */
    public StunFrameDecoder() {
        this(DEFAULT_MAX_FRAME_LENGTH);
    }

    /**
     * Create a decoder that accepts frames up to {@code maxFrameLength} bytes, header and padding included.
     *
     * @param maxFrameLength the largest frame accepted; at least 20, the length of a STUN message without
     *        attributes
     * @throws IllegalArgumentException if {@code maxFrameLength} is less than 20
     */
    public StunFrameDecoder(int maxFrameLength) {
        if (maxFrameLength < STUN_HEADER_LENGTH) {
            throw new IllegalArgumentException("maxFrameLength " + maxFrameLength
                    + " is less than 20, the length of the smallest STUN message");
        }
        this.maxFrameLength = maxFrameLength;
    }

    /**
     * Return the largest frame this decoder accepts, in bytes.
     *
     * @return the maximum frame length, header and padding included
     */
    public int maxFrameLength() {
        return maxFrameLength;
    }

    /**
     * Emit the frame at the start of {@code in} as a retained slice once all of it has arrived; after an earlier
     * failure, discard the input instead.
     *
     * @throws StunCodecException if the frame's header is invalid or announces a frame that is too large
     */
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            int frameLength = frameLength(in);
            if (frameLength > 0 && in.readableBytes() >= frameLength) {
                out.add(in.readRetainedSlice(frameLength));
            }
        } catch (StunCodecException e) {
            fail(in);
            throw e;
        }
    }

    /**
     * Emit the remaining complete frames when the stream ends, and report bytes left over as a frame cut short.
     *
     * @throws StunCodecException with {@link StunCodecException.Problem#TRUNCATED_HEADER} or
     *         {@link StunCodecException.Problem#LENGTH_OVERRUNS_DATAGRAM} if the stream ended inside a frame
     */
    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (!failed && in.isReadable()) {
            int before = in.readableBytes();
            decode(ctx, in, out);
            if (in.readableBytes() == before) {
                break;
            }
        }
        if (failed || !in.isReadable()) {
            return;
        }
        int readable = in.readableBytes();
        boolean stun = (in.getUnsignedByte(in.readerIndex()) & 0xC0) == 0;
        int headerLength = stun ? STUN_HEADER_LENGTH : ChannelData.HEADER_LENGTH;
        String kind = stun ? "STUN" : "ChannelData";
        fail(in);
        if (readable < headerLength) {
            throw new StunCodecException(StunCodecException.Problem.TRUNCATED_HEADER, "the stream ended after "
                    + readable + " of the " + headerLength + " bytes of a " + kind + " header");
        }
        throw new StunCodecException(StunCodecException.Problem.LENGTH_OVERRUNS_DATAGRAM,
                "the stream ended after " + readable + " bytes of a " + kind + " frame whose header announces more");
    }

    /**
     * The length of the frame at the reader index, or 0 while too few bytes have arrived to know it; validates
     * every header field that is already there.
     */
    private int frameLength(ByteBuf in) {
        int readable = in.readableBytes();
        if (readable == 0) {
            return 0;
        }
        int start = in.readerIndex();
        int first = in.getUnsignedByte(start);
        if ((first & 0xC0) == 0) {
            return stunFrameLength(in, start, readable);
        }
        if (first >= 0x40 && first <= 0x4F) {
            return channelDataFrameLength(in, start, readable);
        }
        throw new StunCodecException(StunCodecException.Problem.UNKNOWN_FRAME, String.format(
                "a frame on the stream starts with byte 0x%02X, which begins neither a STUN message (0x00-0x3F) "
                        + "nor ChannelData (0x40-0x4F)", first));
    }

    private int stunFrameLength(ByteBuf in, int start, int readable) {
        if (readable < 4) {
            return 0;
        }
        int length = in.getUnsignedShort(start + 2);
        if ((length & 3) != 0) {
            throw new StunCodecException(StunCodecException.Problem.BAD_LENGTH_ALIGNMENT,
                    "STUN frame header says message length " + length + ", which is not a multiple of 4");
        }
        int frameLength = STUN_HEADER_LENGTH + length;
        checkSize(frameLength, "STUN");
        if (readable < COOKIE_END) {
            return 0;
        }
        int cookie = in.getInt(start + 4);
        if (cookie != StunCodec.MAGIC_COOKIE) {
            throw new StunCodecException(StunCodecException.Problem.BAD_MAGIC_COOKIE, String.format(
                    "STUN frame has magic cookie 0x%08X at offset 4 instead of 0x2112A442", cookie));
        }
        return frameLength;
    }

    private int channelDataFrameLength(ByteBuf in, int start, int readable) {
        if (readable < ChannelData.HEADER_LENGTH) {
            return 0;
        }
        int length = in.getUnsignedShort(start + 2);
        int frameLength = ChannelData.HEADER_LENGTH + length + ChannelData.padding(length);
        checkSize(frameLength, "ChannelData");
        return frameLength;
    }

    private void checkSize(int frameLength, String kind) {
        if (frameLength > maxFrameLength) {
            throw new StunCodecException(StunCodecException.Problem.TOO_LARGE, kind + " frame header announces "
                    + frameLength + " bytes, more than the maximum of " + maxFrameLength);
        }
    }

    private void fail(ByteBuf in) {
        failed = true;
        in.skipBytes(in.readableBytes());
    }
}
