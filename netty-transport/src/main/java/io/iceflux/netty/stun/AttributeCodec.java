package io.iceflux.netty.stun;

import static io.iceflux.netty.stun.StunCodecException.Problem.MALFORMED_ATTRIBUTE;

import io.iceflux.netty.stun.StunAttribute.AddressErrorCode;
import io.iceflux.netty.stun.StunAttribute.AdditionalAddressFamily;
import io.iceflux.netty.stun.StunAttribute.AlgorithmEntry;
import io.iceflux.netty.stun.StunAttribute.AlternateDomain;
import io.iceflux.netty.stun.StunAttribute.AlternateServer;
import io.iceflux.netty.stun.StunAttribute.ChannelNumber;
import io.iceflux.netty.stun.StunAttribute.Data;
import io.iceflux.netty.stun.StunAttribute.DontFragment;
import io.iceflux.netty.stun.StunAttribute.ErrorCode;
import io.iceflux.netty.stun.StunAttribute.EvenPort;
import io.iceflux.netty.stun.StunAttribute.Fingerprint;
import io.iceflux.netty.stun.StunAttribute.IceControlled;
import io.iceflux.netty.stun.StunAttribute.IceControlling;
import io.iceflux.netty.stun.StunAttribute.Icmp;
import io.iceflux.netty.stun.StunAttribute.Lifetime;
import io.iceflux.netty.stun.StunAttribute.MappedAddress;
import io.iceflux.netty.stun.StunAttribute.MessageIntegrity;
import io.iceflux.netty.stun.StunAttribute.MessageIntegritySha256;
import io.iceflux.netty.stun.StunAttribute.Nonce;
import io.iceflux.netty.stun.StunAttribute.PasswordAlgorithmAttribute;
import io.iceflux.netty.stun.StunAttribute.PasswordAlgorithms;
import io.iceflux.netty.stun.StunAttribute.Priority;
import io.iceflux.netty.stun.StunAttribute.Realm;
import io.iceflux.netty.stun.StunAttribute.RequestedAddressFamily;
import io.iceflux.netty.stun.StunAttribute.RequestedTransport;
import io.iceflux.netty.stun.StunAttribute.ReservationToken;
import io.iceflux.netty.stun.StunAttribute.Software;
import io.iceflux.netty.stun.StunAttribute.Unknown;
import io.iceflux.netty.stun.StunAttribute.UnknownAttributes;
import io.iceflux.netty.stun.StunAttribute.UseCandidate;
import io.iceflux.netty.stun.StunAttribute.UserHash;
import io.iceflux.netty.stun.StunAttribute.Username;
import io.iceflux.netty.stun.StunAttribute.XorMappedAddress;
import io.iceflux.netty.stun.StunAttribute.XorPeerAddress;
import io.iceflux.netty.stun.StunAttribute.XorRelayedAddress;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** Reads and writes the value of each attribute type. */
final class AttributeCodec {

    static final int FAMILY_IPV4 = 0x01;
    static final int FAMILY_IPV6 = 0x02;

    private AttributeCodec() {
    }

    // ------------------------------------------------------------------------------------------------ decoding

    /**
     * Decode the value of {@code length} bytes at absolute {@code index}; {@code offset} is the attribute's offset
     * in the message, for error messages.
     */
    static StunAttribute decode(int type, ByteBuf buf, int index, int length, TransactionId tid, int offset) {
        switch (type) {
            case StunAttributeType.MAPPED_ADDRESS:
                return new MappedAddress(address(type, buf, index, length, null, offset));
            case StunAttributeType.XOR_MAPPED_ADDRESS:
                return new XorMappedAddress(address(type, buf, index, length, tid, offset));
            case StunAttributeType.XOR_PEER_ADDRESS:
                return new XorPeerAddress(address(type, buf, index, length, tid, offset));
            case StunAttributeType.XOR_RELAYED_ADDRESS:
                return new XorRelayedAddress(address(type, buf, index, length, tid, offset));
            case StunAttributeType.ALTERNATE_SERVER:
                return new AlternateServer(address(type, buf, index, length, null, offset));
            case StunAttributeType.USERNAME:
                return new Username(text(type, buf, index, length, offset));
            case StunAttributeType.REALM:
                return new Realm(text(type, buf, index, length, offset));
            case StunAttributeType.NONCE:
                return new Nonce(text(type, buf, index, length, offset));
            case StunAttributeType.SOFTWARE:
                return new Software(text(type, buf, index, length, offset));
            case StunAttributeType.ALTERNATE_DOMAIN:
                return new AlternateDomain(text(type, buf, index, length, offset));
            case StunAttributeType.ERROR_CODE:
                atLeast(type, length, 4, offset);
                return new ErrorCode(errorCode(type, buf, index, offset),
                        reasonPhrase(type, buf, index + 4, length - 4, offset));
            case StunAttributeType.ADDRESS_ERROR_CODE:
                atLeast(type, length, 4, offset);
                return new AddressErrorCode(family(type, buf.getUnsignedByte(index), offset),
                        errorCode(type, buf, index, offset),
                        reasonPhrase(type, buf, index + 4, length - 4, offset));
            case StunAttributeType.UNKNOWN_ATTRIBUTES:
                return unknownAttributes(type, buf, index, length, offset);
            case StunAttributeType.MESSAGE_INTEGRITY:
                exactly(type, length, 20, offset);
                return new MessageIntegrity(ByteBufUtil.getBytes(buf, index, length));
            case StunAttributeType.MESSAGE_INTEGRITY_SHA256:
                if (length < 16 || length > 32 || length % 4 != 0) {
                    throw malformed(type, offset, "needs 16 to 32 bytes in steps of 4, got " + length);
                }
                return new MessageIntegritySha256(ByteBufUtil.getBytes(buf, index, length));
            case StunAttributeType.FINGERPRINT:
                exactly(type, length, 4, offset);
                return new Fingerprint(buf.getInt(index));
            case StunAttributeType.USERHASH:
                exactly(type, length, 32, offset);
                return new UserHash(ByteBufUtil.getBytes(buf, index, length));
            case StunAttributeType.PASSWORD_ALGORITHM:
                return passwordAlgorithm(type, buf, index, length, offset);
            case StunAttributeType.PASSWORD_ALGORITHMS:
                return passwordAlgorithms(type, buf, index, length, offset);
            case StunAttributeType.CHANNEL_NUMBER:
                exactly(type, length, 4, offset);
                return new ChannelNumber(buf.getUnsignedShort(index));
            case StunAttributeType.LIFETIME:
                exactly(type, length, 4, offset);
                return new Lifetime(buf.getUnsignedInt(index));
            case StunAttributeType.DATA:
                return new Data(ByteBufUtil.getBytes(buf, index, length));
            case StunAttributeType.REQUESTED_ADDRESS_FAMILY:
                exactly(type, length, 4, offset);
                return new RequestedAddressFamily(family(type, buf.getUnsignedByte(index), offset));
            case StunAttributeType.ADDITIONAL_ADDRESS_FAMILY:
                exactly(type, length, 4, offset);
                return new AdditionalAddressFamily(family(type, buf.getUnsignedByte(index), offset));
            case StunAttributeType.EVEN_PORT:
                exactly(type, length, 1, offset);
                return new EvenPort((buf.getByte(index) & 0x80) != 0);
            case StunAttributeType.REQUESTED_TRANSPORT:
                exactly(type, length, 4, offset);
                return new RequestedTransport(buf.getUnsignedByte(index));
            case StunAttributeType.DONT_FRAGMENT:
                exactly(type, length, 0, offset);
                return new DontFragment();
            case StunAttributeType.RESERVATION_TOKEN:
                exactly(type, length, 8, offset);
                return new ReservationToken(ByteBufUtil.getBytes(buf, index, length));
            case StunAttributeType.ICMP:
                exactly(type, length, 8, offset);
                return new Icmp(buf.getUnsignedByte(index + 2) & 0x7F, buf.getUnsignedByte(index + 3),
                        buf.getInt(index + 4));
            case StunAttributeType.PRIORITY:
                exactly(type, length, 4, offset);
                return new Priority(buf.getUnsignedInt(index));
            case StunAttributeType.USE_CANDIDATE:
                exactly(type, length, 0, offset);
                return new UseCandidate();
            case StunAttributeType.ICE_CONTROLLED:
                exactly(type, length, 8, offset);
                return new IceControlled(buf.getLong(index));
            case StunAttributeType.ICE_CONTROLLING:
                exactly(type, length, 8, offset);
                return new IceControlling(buf.getLong(index));
            default:
                return new Unknown(type, ByteBufUtil.getBytes(buf, index, length));
        }
    }

    static StunCodecException malformed(int type, int offset, String what) {
        return new StunCodecException(MALFORMED_ATTRIBUTE,
                StunAttributeType.name(type) + " at offset " + offset + " " + what);
    }

    /**
     * The family byte of REQUESTED-ADDRESS-FAMILY, ADDITIONAL-ADDRESS-FAMILY or ADDRESS-ERROR-CODE: 0x01 (IPv4) or
     * 0x02 (IPv6), the only values RFC 8656 §18.8, §18.11 and §18.12 define.
     */
    private static int family(int type, int family, int offset) {
        if (family != FAMILY_IPV4 && family != FAMILY_IPV6) {
            throw malformed(type, offset, String.format("has unknown address family 0x%02x", family));
        }
        return family;
    }

    private static void exactly(int type, int length, int expected, int offset) {
        if (length != expected) {
            throw malformed(type, offset, "needs a value of " + expected + " bytes, got " + length);
        }
    }

    private static void atLeast(int type, int length, int minimum, int offset) {
        if (length < minimum) {
            throw malformed(type, offset, "needs a value of at least " + minimum + " bytes, got " + length);
        }
    }

    private static InetSocketAddress address(int type, ByteBuf buf, int index, int length, TransactionId tid,
            int offset) {
        atLeast(type, length, 4, offset);
        int family = buf.getUnsignedByte(index + 1);
        int port = buf.getUnsignedShort(index + 2);
        byte[] ip;
        if (family == FAMILY_IPV4) {
            exactly(type, length, 8, offset);
            ip = ByteBufUtil.getBytes(buf, index + 4, 4);
        } else if (family == FAMILY_IPV6) {
            exactly(type, length, 20, offset);
            ip = ByteBufUtil.getBytes(buf, index + 4, 16);
        } else {
            throw malformed(type, offset, String.format("has unknown address family 0x%02x", family));
        }
        if (tid != null) {
            port ^= StunCodec.MAGIC_COOKIE >>> 16;
            xorAddress(ip, tid);
        }
        return new InetSocketAddress(toInetAddress(ip), port);
    }

    /** XOR an address with the magic cookie, followed by the transaction id for IPv6 (RFC 8489 §14.2). */
    private static void xorAddress(byte[] ip, TransactionId tid) {
        int cookie = StunCodec.MAGIC_COOKIE;
        for (int i = 0; i < 4; i++) {
            ip[i] ^= (byte) (cookie >>> (24 - 8 * i));
        }
        if (ip.length == 16) {
            byte[] id = tid.toByteArray();
            for (int i = 0; i < 12; i++) {
                ip[4 + i] ^= id[i];
            }
        }
    }

    /** Build the address without a name lookup; 16 bytes stay IPv6 even for an IPv4-mapped address. */
    private static InetAddress toInetAddress(byte[] ip) {
        try {
            return ip.length == 4 ? InetAddress.getByAddress(ip) : Inet6Address.getByAddress(null, ip, -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("address of " + ip.length + " bytes rejected", e);
        }
    }

    /**
     * A reason phrase without the NUL bytes some servers count into the attribute length (coturn 4.6.1 sends
     * "Try Alternate" with its three padding zeros inside the length): a reason phrase never ends in NUL.
     */
    private static String reasonPhrase(int type, ByteBuf buf, int index, int length, int offset) {
        int end = length;
        while (end > 0 && buf.getByte(index + end - 1) == 0) {
            end--;
        }
        return text(type, buf, index, end, offset);
    }

    private static String text(int type, ByteBuf buf, int index, int length, int offset) {
        String s = Utf8.decode(buf, index, length);
        if (s == null) {
            throw malformed(type, offset, "is not well-formed UTF-8");
        }
        return s;
    }

    private static int errorCode(int type, ByteBuf buf, int index, int offset) {
        int errorClass = buf.getUnsignedByte(index + 2) & 0x07;
        int number = buf.getUnsignedByte(index + 3);
        if (errorClass < 3 || errorClass > 6) {
            throw malformed(type, offset, "has error class " + errorClass + ", outside 3 to 6");
        }
        if (number > 99) {
            throw malformed(type, offset, "has error number " + number + ", outside 0 to 99");
        }
        return errorClass * 100 + number;
    }

    private static UnknownAttributes unknownAttributes(int type, ByteBuf buf, int index, int length, int offset) {
        if (length % 2 != 0) {
            throw malformed(type, offset, "needs an even number of bytes, got " + length);
        }
        List<Integer> types = new ArrayList<>(length / 2);
        for (int i = 0; i < length; i += 2) {
            types.add(buf.getUnsignedShort(index + i));
        }
        return new UnknownAttributes(types);
    }

    private static PasswordAlgorithmAttribute passwordAlgorithm(int type, ByteBuf buf, int index, int length,
            int offset) {
        atLeast(type, length, 4, offset);
        int parametersLength = buf.getUnsignedShort(index + 2);
        if (length != 4 + parametersLength && length != 4 + pad(parametersLength)) {
            throw malformed(type, offset, "has " + parametersLength + " bytes of parameters in a value of "
                    + length + " bytes");
        }
        return new PasswordAlgorithmAttribute(new AlgorithmEntry(buf.getUnsignedShort(index),
                ByteBufUtil.getBytes(buf, index + 4, parametersLength)));
    }

    private static PasswordAlgorithms passwordAlgorithms(int type, ByteBuf buf, int index, int length,
            int offset) {
        List<AlgorithmEntry> entries = new ArrayList<>();
        int pos = 0;
        while (pos < length) {
            if (length - pos < 4) {
                throw malformed(type, offset, "has a truncated algorithm at value byte " + pos);
            }
            int parametersLength = buf.getUnsignedShort(index + pos + 2);
            if (length - pos - 4 < parametersLength) {
                throw malformed(type, offset, "has an algorithm at value byte " + pos + " whose "
                        + parametersLength + " bytes of parameters overrun the value");
            }
            entries.add(new AlgorithmEntry(buf.getUnsignedShort(index + pos),
                    ByteBufUtil.getBytes(buf, index + pos + 4, parametersLength)));
            pos += 4 + Math.min(pad(parametersLength), length - pos - 4);
        }
        return new PasswordAlgorithms(entries);
    }

    static int pad(int length) {
        return (length + 3) & ~3;
    }

    // ------------------------------------------------------------------------------------------------ encoding

    /**
     * Write one attribute (header, value and padding) at the writer index.
     *
     * @throws IllegalArgumentException if the value is longer than 65535 bytes
     */
    static void write(StunAttribute attribute, ByteBuf out, TransactionId tid, byte padding) {
        int headerIndex = out.writerIndex();
        out.writeShort(attribute.type());
        out.writeShort(0);
        writeValue(attribute, out, tid, padding);
        int length = out.writerIndex() - headerIndex - 4;
        if (length > 0xFFFF) {
            throw new IllegalArgumentException(StunAttributeType.name(attribute.type()) + " value of " + length
                    + " bytes exceeds 65535");
        }
        out.setShort(headerIndex + 2, length);
        writePadding(out, length, padding);
    }

    private static void writePadding(ByteBuf out, int length, byte padding) {
        for (int i = length; i < pad(length); i++) {
            out.writeByte(padding);
        }
    }

    private static void writeValue(StunAttribute attribute, ByteBuf out, TransactionId tid, byte padding) {
        if (attribute instanceof MappedAddress a) {
            writeAddress(out, a.address(), null);
        } else if (attribute instanceof XorMappedAddress a) {
            writeAddress(out, a.address(), tid);
        } else if (attribute instanceof XorPeerAddress a) {
            writeAddress(out, a.address(), tid);
        } else if (attribute instanceof XorRelayedAddress a) {
            writeAddress(out, a.address(), tid);
        } else if (attribute instanceof AlternateServer a) {
            writeAddress(out, a.address(), null);
        } else if (attribute instanceof Username a) {
            ByteBufUtil.writeUtf8(out, a.value());
        } else if (attribute instanceof Realm a) {
            ByteBufUtil.writeUtf8(out, a.value());
        } else if (attribute instanceof Nonce a) {
            ByteBufUtil.writeUtf8(out, a.value());
        } else if (attribute instanceof Software a) {
            ByteBufUtil.writeUtf8(out, a.value());
        } else if (attribute instanceof AlternateDomain a) {
            ByteBufUtil.writeUtf8(out, a.value());
        } else if (attribute instanceof ErrorCode a) {
            out.writeShort(0);
            out.writeByte(a.code() / 100);
            out.writeByte(a.code() % 100);
            ByteBufUtil.writeUtf8(out, a.reasonPhrase());
        } else if (attribute instanceof AddressErrorCode a) {
            out.writeByte(a.family());
            out.writeByte(0);
            out.writeByte(a.code() / 100);
            out.writeByte(a.code() % 100);
            ByteBufUtil.writeUtf8(out, a.reasonPhrase());
        } else if (attribute instanceof UnknownAttributes a) {
            for (int t : a.types()) {
                out.writeShort(t);
            }
        } else if (attribute instanceof MessageIntegrity a) {
            out.writeBytes(a.hmac());
        } else if (attribute instanceof MessageIntegritySha256 a) {
            out.writeBytes(a.hmac());
        } else if (attribute instanceof Fingerprint a) {
            out.writeInt(a.value());
        } else if (attribute instanceof UserHash a) {
            out.writeBytes(a.hash());
        } else if (attribute instanceof PasswordAlgorithmAttribute a) {
            writeAlgorithm(out, a.algorithm(), padding);
        } else if (attribute instanceof PasswordAlgorithms a) {
            for (AlgorithmEntry e : a.algorithms()) {
                writeAlgorithm(out, e, padding);
            }
        } else if (attribute instanceof ChannelNumber a) {
            out.writeShort(a.number());
            out.writeShort(0);
        } else if (attribute instanceof Lifetime a) {
            out.writeInt((int) a.seconds());
        } else if (attribute instanceof Data a) {
            out.writeBytes(a.value());
        } else if (attribute instanceof RequestedAddressFamily a) {
            out.writeByte(a.family());
            out.writeMedium(0);
        } else if (attribute instanceof AdditionalAddressFamily a) {
            out.writeByte(a.family());
            out.writeMedium(0);
        } else if (attribute instanceof EvenPort a) {
            out.writeByte(a.reserveNextPort() ? 0x80 : 0);
        } else if (attribute instanceof RequestedTransport a) {
            out.writeByte(a.protocol());
            out.writeMedium(0);
        } else if (attribute instanceof DontFragment || attribute instanceof UseCandidate) {
            return;
        } else if (attribute instanceof ReservationToken a) {
            out.writeBytes(a.token());
        } else if (attribute instanceof Icmp a) {
            out.writeShort(0);
            out.writeByte(a.icmpType());
            out.writeByte(a.icmpCode());
            out.writeInt(a.errorData());
        } else if (attribute instanceof Priority a) {
            out.writeInt((int) a.priority());
        } else if (attribute instanceof IceControlled a) {
            out.writeLong(a.tieBreaker());
        } else if (attribute instanceof IceControlling a) {
            out.writeLong(a.tieBreaker());
        } else if (attribute instanceof Unknown a) {
            out.writeBytes(a.value());
        } else {
            throw new IllegalStateException("no encoder for " + attribute.getClass().getName());
        }
    }

    private static void writeAlgorithm(ByteBuf out, AlgorithmEntry entry, byte padding) {
        byte[] parameters = entry.parameters();
        out.writeShort(entry.code());
        out.writeShort(parameters.length);
        out.writeBytes(parameters);
        writePadding(out, parameters.length, padding);
    }

    private static void writeAddress(ByteBuf out, InetSocketAddress address, TransactionId tid) {
        InetAddress ip = address.getAddress();
        byte[] bytes = ip.getAddress();
        int port = address.getPort();
        if (tid != null) {
            port ^= StunCodec.MAGIC_COOKIE >>> 16;
            xorAddress(bytes, tid);
        }
        out.writeByte(0);
        out.writeByte(ip instanceof Inet4Address ? FAMILY_IPV4 : FAMILY_IPV6);
        out.writeShort(port);
        out.writeBytes(bytes);
    }
}
