package io.iceflux.netty.stun;

import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.testsupport.LeakRecorder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.statistics.Statistics;

/**
 * Fuzzing: valid encoded messages, mutated (bit flips, truncation, inserted bytes, length field edits, random
 * bytes), then decoded. Only {@link StunCodecException} may escape, the buffer is left as it was, and nothing
 * leaks. The number of tries comes from {@code -Diceflux.fuzz.tries} (through {@code jqwik.tries.default}).
 */
class StunCodecFuzzTest {

    static {
        LeakRecorder.install();
    }

    /** One change to a datagram; positions are taken modulo its length. */
    sealed interface Mutation {
        byte[] apply(byte[] in);
    }

    record FlipBit(int position, int bit) implements Mutation {
        @Override
        public byte[] apply(byte[] in) {
            if (in.length == 0) {
                return in;
            }
            byte[] out = in.clone();
            out[position % in.length] ^= (byte) (1 << bit);
            return out;
        }
    }

    record Truncate(int position) implements Mutation {
        @Override
        public byte[] apply(byte[] in) {
            return in.length == 0 ? in : Arrays.copyOf(in, position % in.length);
        }
    }

    record Insert(int position, byte[] bytes) implements Mutation {
        @Override
        public byte[] apply(byte[] in) {
            int at = in.length == 0 ? 0 : position % (in.length + 1);
            byte[] out = new byte[in.length + bytes.length];
            System.arraycopy(in, 0, out, 0, at);
            System.arraycopy(bytes, 0, out, at, bytes.length);
            System.arraycopy(in, at, out, at + bytes.length, in.length - at);
            return out;
        }

        @Override
        public String toString() {
            return "Insert[position=" + position + ", bytes=" + Hex.of(bytes) + "]";
        }
    }

    /** Overwrite a 16-bit field: the message length (offset 2) or an attribute length found at {@code position}. */
    record SetShort(int position, int value, boolean messageLength) implements Mutation {
        @Override
        public byte[] apply(byte[] in) {
            if (in.length < 4) {
                return in;
            }
            int at = messageLength ? 2 : 20 + 4 * ((position % Math.max(1, (in.length - 20) / 4))) + 2;
            if (at + 2 > in.length) {
                return in;
            }
            byte[] out = in.clone();
            out[at] = (byte) (value >>> 8);
            out[at + 1] = (byte) value;
            return out;
        }
    }

    record Overwrite(int position, byte[] bytes) implements Mutation {
        @Override
        public byte[] apply(byte[] in) {
            byte[] out = in.clone();
            for (int i = 0; i < bytes.length && in.length > 0; i++) {
                out[(position + i) % in.length] = bytes[i];
            }
            return out;
        }

        @Override
        public String toString() {
            return "Overwrite[position=" + position + ", bytes=" + Hex.of(bytes) + "]";
        }
    }

    /**
     * Recompute a trailing FINGERPRINT over the mutated bytes, so that the mutation reaches the attribute decoders
     * instead of stopping at BAD_FINGERPRINT.
     */
    static byte[] refingerprint(byte[] in) {
        int at = in.length - 8;
        if (at < 20 || in[at] != (byte) 0x80 || in[at + 1] != 0x28 || in[at + 2] != 0 || in[at + 3] != 4) {
            return in;
        }
        CRC32 crc = new CRC32();
        crc.update(in, 0, at);
        int value = (int) crc.getValue() ^ 0x5354554E;
        byte[] out = in.clone();
        for (int i = 0; i < 4; i++) {
            out[at + 4 + i] = (byte) (value >>> (24 - 8 * i));
        }
        return out;
    }

    @Provide
    Arbitrary<byte[]> datagrams() {
        Arbitrary<Integer> position = Arbitraries.integers().between(0, 1 << 20);
        Arbitrary<Mutation> mutation = Arbitraries.oneOf(List.of(
                Combinators.combine(position, Arbitraries.integers().between(0, 7)).as(FlipBit::new),
                position.map(Truncate::new),
                Combinators.combine(position, StunArbitraries.bytes(1, 8)).as(Insert::new),
                Combinators.combine(position, Arbitraries.integers().between(0, 0xFFFF), Arbitraries.of(true, false))
                        .as(SetShort::new),
                Combinators.combine(position, StunArbitraries.bytes(1, 8)).as(Overwrite::new)));
        Arbitrary<byte[]> mutated = Combinators.combine(StunArbitraries.encodedMessages(5),
                mutation.list().ofMinSize(1).ofMaxSize(4), Arbitraries.of(true, false))
                .as((bytes, mutations, refingerprint) -> {
                    byte[] out = bytes;
                    for (Mutation m : mutations) {
                        out = m.apply(out);
                    }
                    return refingerprint ? refingerprint(out) : out;
                });
        Arbitrary<byte[]> randomAfterHeader = StunArbitraries.bytes(0, 64).map(tail -> {
            byte[] out = Arrays.copyOf(Hex.bytes("0001 0000 2112a442 000102030405060708090a0b"), 20 + tail.length);
            System.arraycopy(tail, 0, out, 20, tail.length);
            out[3] = (byte) (tail.length & ~3);
            return out;
        });
        return Arbitraries.frequencyOf(
                Tuple.of(8, mutated),
                Tuple.of(1, randomAfterHeader),
                Tuple.of(1, StunArbitraries.bytes(0, 80)));
    }

    /** Where the datagram lives; leak tracking at paranoid level records a stack trace per access, so sparingly. */
    enum BufferKind {
        HEAP, DIRECT, LEAK_TRACKED_POOLED_DIRECT
    }

    private static final UnpooledByteBufAllocator UNTRACKED_DIRECT = new UnpooledByteBufAllocator(true, true);

    @Provide
    Arbitrary<BufferKind> bufferKinds() {
        return Arbitraries.frequencyOf(
                Tuple.of(10, Arbitraries.just(BufferKind.HEAP)),
                Tuple.of(9, Arbitraries.just(BufferKind.DIRECT)),
                Tuple.of(1, Arbitraries.just(BufferKind.LEAK_TRACKED_POOLED_DIRECT)));
    }

    private static ByteBuf allocate(BufferKind kind, int capacity) {
        switch (kind) {
            case HEAP:
                return Unpooled.wrappedBuffer(new byte[capacity]).clear();
            case DIRECT:
                return UNTRACKED_DIRECT.directBuffer(capacity);
            default:
                return PooledByteBufAllocator.DEFAULT.directBuffer(capacity);
        }
    }

    @AfterProperty
    void nothingLeaked() {
        LeakRecorder.provokeReports();
        assertThat(LeakRecorder.drain()).isEmpty();
    }

    @Property
    void mutatedDatagramsOnlyEverFailWithStunCodecException(@ForAll("datagrams") byte[] datagram,
            @ForAll("bufferKinds") BufferKind kind) {
        ByteBuf buf = allocate(kind, datagram.length + 3);
        try {
            buf.writeBytes(new byte[3]).writeBytes(datagram).skipBytes(3);
            try {
                StunMessage m = StunCodec.decode(buf);
                StunCodec.verifyIntegrity(buf, m, new byte[] {1, 2, 3});
                ByteBuf encoded = StunCodec.encode(m, kind == BufferKind.LEAK_TRACKED_POOLED_DIRECT
                        ? PooledByteBufAllocator.DEFAULT : StunArbitraries.UNTRACKED);
                encoded.release();
                Statistics.collect("decoded");
            } catch (StunCodecException expected) {
                assertThat(expected.problem()).isNotNull();
                Statistics.collect(expected.problem().name());
            }
            assertThat(buf.refCnt()).isEqualTo(1);
            assertThat(buf.readerIndex()).isEqualTo(3);
            assertThat(buf.readableBytes()).isEqualTo(datagram.length);
        } finally {
            buf.release();
        }
    }
}
