package io.iceflux.netty.stun;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * What a packet received on a socket that carries STUN, TURN ChannelData and possibly other protocols is, told
 * apart from its first bytes in the spirit of RFC 7983 demultiplexing.
 *
 * <p>The rule {@link #classify(ByteBuf)} applies to the readable bytes:
 * <ul>
 *   <li>{@link #STUN} when there are at least 20 bytes (a full STUN header), the two leading bits are {@code 00}
 *       (first byte 0–63) and the 32 bits at offset 4 are the magic cookie {@code 0x2112A442} (RFC 8489 §5);</li>
 *   <li>{@link #CHANNEL_DATA} otherwise, when there are at least 4 bytes (a full ChannelData header) and the
 *       first byte is {@code 0x40}–{@code 0x4F}, the high byte of the channel numbers {@code 0x4000}–{@code 0x4FFF}
 *       (RFC 8656 §12);</li>
 *   <li>{@link #OTHER} for everything else, including DTLS (first byte 20–63 without the cookie), RTP and RTCP
 *       (128–191), and packets too short for either header.</li>
 * </ul>
 * A packet that classifies as STUN or CHANNEL_DATA can still be malformed; the classification only says which
 * decoder should look at it.
 */
public enum StunPacketKind {
    /** A STUN message (RFC 8489): leading bits {@code 00}, magic cookie at offset 4, at least 20 bytes. */
    STUN,
    /** A TURN ChannelData message (RFC 8656 §12.4): first byte {@code 0x40}–{@code 0x4F}, at least 4 bytes. */
    CHANNEL_DATA,
    /** Neither STUN nor ChannelData: DTLS, RTP/RTCP, anything else, or too short to tell. */
    OTHER;


    /**
     * Classify the readable bytes of a packet without changing its reader or writer index and without allocating.
     *
     * @param packet the received bytes, from its reader index to its writer index
     * @return the kind of packet, never {@code null}; {@link #OTHER} for an empty buffer
     * @throws NullPointerException if {@code packet} is {@code null}
     */
    public static StunPacketKind classify(ByteBuf packet) {
        Objects.requireNonNull(packet, "packet");
        int readable = packet.readableBytes();
        if (readable < ChannelData.HEADER_LENGTH) {
            return OTHER;
        }
        int start = packet.readerIndex();
        int first = packet.getUnsignedByte(start);
        if (readable >= StunCodec.HEADER_LENGTH && (first & 0xC0) == 0 && packet.getInt(start + 4) == StunCodec.MAGIC_COOKIE) {
            return STUN;
        }
        if (first >= 0x40 && first <= 0x4F) {
            return CHANNEL_DATA;
        }
        return OTHER;
    }
}
