package io.iceflux.netty.stun;

import io.iceflux.netty.stun.StunAttribute.AlgorithmEntry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** jqwik generators of attributes of every type and of whole messages, for the property and fuzz tests. */
final class StunArbitraries {

    /** Generation needs no leak tracking, which at paranoid level costs a stack trace per buffer access. */
    static final UnpooledByteBufAllocator UNTRACKED = new UnpooledByteBufAllocator(false, true);

    private StunArbitraries() {
    }

    static Arbitrary<byte[]> bytes(int min, int max) {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(min).ofMaxSize(max);
    }

    static Arbitrary<InetSocketAddress> addresses() {
        Arbitrary<InetAddress> v4 = bytes(4, 4).map(StunArbitraries::inet);
        Arbitrary<InetAddress> v6 = bytes(16, 16).map(StunArbitraries::inet6);
        return Combinators.combine(Arbitraries.oneOf(v4, v6), Arbitraries.integers().between(0, 0xFFFF))
                .as(InetSocketAddress::new);
    }

    private static InetAddress inet(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InetAddress inet6(byte[] b) {
        try {
            return Inet6Address.getByAddress(null, b, -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Text of ASCII, Latin, CJK and a supplementary character now and then; never an unpaired surrogate. */
    static Arbitrary<String> text() {
        Arbitrary<String> bmp = Arbitraries.strings().withCharRange(' ', '~').withCharRange('\u00a0', '\u07ff')
                .withCharRange('\u3000', '\u30ff').ofMaxLength(30);
        return Arbitraries.frequencyOf(
                Tuple.of(9, bmp),
                Tuple.of(1, bmp.map(s -> s + "\uD83D\uDE00")));
    }

    static Arbitrary<AlgorithmEntry> algorithmEntries() {
        return Combinators.combine(Arbitraries.integers().between(0, 0xFFFF), bytes(0, 9)).as(AlgorithmEntry::new);
    }

    static Arbitrary<Long> unsigned32() {
        return Arbitraries.longs().between(0, 0xFFFF_FFFFL);
    }

    /** Every attribute type except MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT (placement rules). */
    static Arbitrary<StunAttribute> attributes() {
        Arbitrary<InetSocketAddress> a = addresses();
        Arbitrary<String> t = text();
        Arbitrary<Integer> code = Arbitraries.integers().between(300, 699);
        Arbitrary<Integer> octet = Arbitraries.integers().between(0, 0xFF);
        Arbitrary<Integer> family = Arbitraries.integers().between(1, 2);
        Arbitrary<Integer> unknownType = Arbitraries.integers().between(0, 0xFFFF)
                .filter(type -> !StunAttributeType.isKnown(type));
        return Arbitraries.oneOf(List.of(
                a.map(StunAttribute.MappedAddress::new),
                a.map(StunAttribute.XorMappedAddress::new),
                a.map(StunAttribute.XorPeerAddress::new),
                a.map(StunAttribute.XorRelayedAddress::new),
                a.map(StunAttribute.AlternateServer::new),
                t.map(StunAttribute.Username::new),
                t.map(StunAttribute.Realm::new),
                t.map(StunAttribute.Nonce::new),
                t.map(StunAttribute.Software::new),
                t.map(StunAttribute.AlternateDomain::new),
                Combinators.combine(code, t).as(StunAttribute.ErrorCode::new),
                Combinators.combine(family, code, t).as(StunAttribute.AddressErrorCode::new),
                Arbitraries.integers().between(0, 0xFFFF).list().ofMaxSize(5)
                        .map(StunAttribute.UnknownAttributes::new),
                bytes(32, 32).map(StunAttribute.UserHash::new),
                algorithmEntries().map(StunAttribute.PasswordAlgorithmAttribute::new),
                algorithmEntries().list().ofMaxSize(4).map(StunAttribute.PasswordAlgorithms::new),
                Arbitraries.integers().between(0, 0xFFFF).map(StunAttribute.ChannelNumber::new),
                unsigned32().map(StunAttribute.Lifetime::new),
                bytes(0, 50).map(StunAttribute.Data::new),
                family.map(StunAttribute.RequestedAddressFamily::new),
                family.map(StunAttribute.AdditionalAddressFamily::new),
                Arbitraries.of(true, false).map(StunAttribute.EvenPort::new),
                octet.map(StunAttribute.RequestedTransport::new),
                Arbitraries.just(new StunAttribute.DontFragment()),
                bytes(8, 8).map(StunAttribute.ReservationToken::new),
                Combinators.combine(Arbitraries.integers().between(0, 0x7F), octet, Arbitraries.integers())
                        .as(StunAttribute.Icmp::new),
                unsigned32().map(StunAttribute.Priority::new),
                Arbitraries.just(new StunAttribute.UseCandidate()),
                Arbitraries.longs().map(StunAttribute.IceControlled::new),
                Arbitraries.longs().map(StunAttribute.IceControlling::new),
                Combinators.combine(unknownType, bytes(0, 40)).as(StunAttribute.Unknown::new)));
    }

    static Arbitrary<StunMessage> messages() {
        return messages(8);
    }

    static Arbitrary<StunMessage> messages(int maxAttributes) {
        return Combinators.combine(
                Arbitraries.of(StunClass.class),
                Arbitraries.integers().between(0, StunMethod.MAX_METHOD),
                bytes(12, 12).map(TransactionId::of),
                attributes().list().ofMaxSize(maxAttributes))
                .as((c, method, tid, attributes) -> StunMessage.builder(c, method).transactionId(tid)
                        .addAll(attributes).build());
    }

    static Arbitrary<StunEncodeOptions> signingOptions() {
        // FINGERPRINT in one message out of five: a mutated message with one mostly fails the CRC, and the fuzz
        // test is meant to reach the attribute decoders too.
        Arbitrary<Boolean> fingerprints = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(true)),
                Tuple.of(4, Arbitraries.just(false)));
        return Combinators.combine(bytes(0, 40), Arbitraries.integers().between(0, 3), fingerprints,
                Arbitraries.of(0x00, 0x20, 0xFF))
                .as((key, integrity, fingerprint, padding) -> {
                    StunEncodeOptions o = StunEncodeOptions.defaults().fingerprint(fingerprint).padding(padding);
                    if ((integrity & 1) != 0) {
                        o = o.messageIntegrity(key);
                    }
                    if ((integrity & 2) != 0) {
                        o = o.messageIntegritySha256(key);
                    }
                    return o;
                });
    }

    /** Valid encoded messages, signed or not, as bytes. */
    static Arbitrary<byte[]> encodedMessages(int maxAttributes) {
        return Combinators.combine(messages(maxAttributes), signingOptions()).as((m, options) -> {
            ByteBuf buf = StunCodec.encode(m, UNTRACKED, options);
            try {
                return ByteBufUtil.getBytes(buf);
            } finally {
                buf.release();
            }
        });
    }
}
