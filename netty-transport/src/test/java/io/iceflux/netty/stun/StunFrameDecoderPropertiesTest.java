package io.iceflux.netty.stun;

import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.testsupport.LeakRecorder;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Properties of the framing code. The fuzz properties take their number of tries from
 * {@code jqwik.tries.default}; the round-trip property sets its own. Every buffer is checked released at the end of
 * each try, and Netty's leak detector is consulted once the container ends (JUnit Jupiter extensions such as
 * the leak-failing one do not apply to jqwik properties).
 */
class StunFrameDecoderPropertiesTest {

    static {
        LeakRecorder.install();
    }

    @AfterContainer
    static void nothingLeaked() {
        LeakRecorder.provokeReports();
        assertThat(LeakRecorder.drain()).isEmpty();
    }

    @Property
    void arbitraryStreamsInArbitraryChunksOnlyEverRaiseStunCodecExceptions(
            @ForAll("hostileStreams") byte[] stream, @ForAll("cuts") List<Integer> cuts,
            @ForAll("maxFrameLengths") int maxFrameLength) {
        EmbeddedChannel channel = new EmbeddedChannel(new StunFrameDecoder(maxFrameLength));
        TrackingAllocator allocator = new TrackingAllocator();
        channel.config().setAllocator(allocator);
        List<ByteBuf> inputs = new ArrayList<>();
        List<ByteBuf> frames = new ArrayList<>();
        int failures = 0;
        try {
            for (byte[] chunk : chop(stream, cuts)) {
                ByteBuf input = Unpooled.wrappedBuffer(chunk);
                inputs.add(input);
                boolean failedBefore = failures > 0;
                try {
                    channel.writeInbound(input);
                } catch (RuntimeException e) {
                    assertIsStunCodecFailure(e);
                    failures++;
                }
                int before = frames.size();
                drainFrames(channel, frames);
                if (failedBefore) {
                    assertThat(frames).as("no frame after the failure").hasSize(before);
                }
            }
            try {
                channel.finish();
            } catch (RuntimeException e) {
                assertIsStunCodecFailure(e);
                failures++;
            }
            drainFrames(channel, frames);
            assertThat(failures).as("at most one failure: after it the stream is discarded").isLessThanOrEqualTo(1);
            for (ByteBuf frame : frames) {
                assertWellFormedFrame(frame, maxFrameLength);
            }
        } finally {
            channel.finishAndReleaseAll();
            frames.forEach(ByteBuf::release);
        }
        assertThat(inputs).allSatisfy(b -> assertThat(b.refCnt()).isZero());
        assertThat(frames).allSatisfy(b -> assertThat(b.refCnt()).isZero());
        assertThat(allocator.allocated).as("the decoder's own buffers")
                .allSatisfy(b -> assertThat(b.refCnt()).isZero());
    }

    @Property
    void arbitraryDatagramsAreClassifiedAndDecodedWithoutSurprises(@ForAll("hostileStreams") byte[] datagram) {
        ByteBuf input = buffer(datagram);
        try {
            StunPacketKind kind = StunPacketKind.classify(input);
            assertThat(input.readerIndex()).isZero();
            assertThat(input.writerIndex()).isEqualTo(datagram.length);
            ChannelData message;
            try {
                message = ChannelData.decode(input);
            } catch (StunCodecException e) {
                assertThat(e.problem()).isNotNull();
                assertThat(input.refCnt()).isEqualTo(1);
                return;
            }
            try {
                assertThat(kind).isEqualTo(StunPacketKind.CHANNEL_DATA);
                int length = message.content().readableBytes();
                assertThat(datagram.length - 4 - length).isBetween(0, -length & 3);
                assertThat(input.readerIndex()).isZero();
            } finally {
                message.release();
            }
        } finally {
            input.release();
        }
        assertThat(input.refCnt()).isZero();
    }

    @Property(tries = 500)
    void validFramesChoppedAnywhereComeOutUnchangedAndInOrder(
            @ForAll("validFrameLists") List<byte[]> frames, @ForAll("cuts") List<Integer> cuts) {
        byte[] stream = concat(frames);
        EmbeddedChannel channel = new EmbeddedChannel(new StunFrameDecoder());
        List<ByteBuf> inputs = new ArrayList<>();
        List<byte[]> received = new ArrayList<>();
        try {
            for (byte[] chunk : chop(stream, cuts)) {
                ByteBuf input = buffer(chunk);
                inputs.add(input);
                channel.writeInbound(input);
                for (Object o; (o = channel.readInbound()) != null; ) {
                    ByteBuf frame = (ByteBuf) o;
                    try {
                        received.add(ByteBufUtil.getBytes(frame));
                    } finally {
                        frame.release();
                    }
                }
            }
            assertThat(channel.finish()).as("nothing left over").isFalse();
        } finally {
            channel.finishAndReleaseAll();
        }
        assertThat(received).hasSameSizeAs(frames);
        for (int i = 0; i < frames.size(); i++) {
            assertThat(received.get(i)).as("frame %d", i).isEqualTo(frames.get(i));
        }
        assertThat(inputs).allSatisfy(b -> assertThat(b.refCnt()).isZero());
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(0, Integer.MAX_VALUE).list().ofMaxSize(10);
    }

    @Provide
    Arbitrary<Integer> maxFrameLengths() {
        return Arbitraries.oneOf(Arbitraries.just(StunFrameDecoder.DEFAULT_MAX_FRAME_LENGTH),
                Arbitraries.integers().between(20, 200));
    }

    @Provide
    Arbitrary<List<byte[]>> validFrameLists() {
        return validFrame().list().ofMaxSize(8);
    }

    /**
     * Random bytes, valid frames with a few bytes overwritten and perhaps cut short, or a header with chosen first
     * byte, length and cookie followed by random bytes. Built straight from the random source (no shrinking): the
     * fuzz properties run many thousand times, and jqwik's element-wise array generation dominated their time.
     */
    @Provide
    Arbitrary<byte[]> hostileStreams() {
        return Arbitraries.randomValue(random -> switch (random.nextInt(3)) {
            case 0 -> randomBytes(random, random.nextInt(301));
            case 1 -> mutatedFrames(random);
            default -> chosenHeader(random);
        });
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] chosenHeader(Random random) {
        int[] firstBytes = {0x00, 0x01, 0x3F, 0x40, 0x4F, 0x50, 0x80, 0xFF};
        int[] cookies = {0x2112A442, 0x2112A443, 0};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(firstBytes[random.nextInt(firstBytes.length)]);
        out.write(0x01);
        int length = random.nextBoolean() ? random.nextInt(0x10000) : 4 * random.nextInt(16);
        writeShort(out, length);
        int cookie = cookies[random.nextInt(cookies.length)];
        writeShort(out, cookie >>> 16);
        writeShort(out, cookie & 0xFFFF);
        out.writeBytes(randomBytes(random, random.nextInt(80)));
        return out.toByteArray();
    }

    /**
     * Valid frames back to back, then up to 3 bytes overwritten and the end possibly cut off. Built straight from
     * the random source: the fuzz properties run many thousand times, and combinators made generation dominate.
     */
    private static byte[] mutatedFrames(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int count = random.nextInt(6);
        for (int i = 0; i < count; i++) {
            if (random.nextBoolean()) {
                out.writeBytes(FramingTestBytes.stunFrame(random.nextInt(0x4000), randomBytes(random, 12),
                        randomBytes(random, 4 * random.nextInt(20))));
            } else {
                int channel = ChannelData.MIN_CHANNEL_NUMBER + random.nextInt(0x1000);
                byte[] data = randomBytes(random, random.nextInt(80));
                out.writeBytes(FramingTestBytes.paddedChannelDataFrame(channel, data));
            }
        }
        byte[] stream = out.toByteArray();
        int mutations = stream.length == 0 ? 0 : random.nextInt(4);
        for (int i = 0; i < mutations; i++) {
            stream[random.nextInt(stream.length)] = (byte) random.nextInt(256);
        }
        return random.nextInt(4) == 0 ? Arrays.copyOf(stream, random.nextInt(stream.length + 1)) : stream;
    }

    private static Arbitrary<byte[]> validFrame() {
        Arbitrary<byte[]> stun = Combinators.combine(
                Arbitraries.integers().between(0, 0x3FFF),
                Arbitraries.bytes().array(byte[].class).ofSize(12),
                Arbitraries.integers().between(0, 40).flatMap(
                        words -> Arbitraries.bytes().array(byte[].class).ofSize(4 * words)))
                .as(FramingTestBytes::stunFrame);
        Arbitrary<byte[]> channelData = Combinators.combine(
                Arbitraries.integers().between(ChannelData.MIN_CHANNEL_NUMBER, ChannelData.MAX_CHANNEL_NUMBER),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(150))
                .as(FramingTestBytes::paddedChannelDataFrame);
        return Arbitraries.oneOf(stun, channelData);
    }

    /** Splits {@code stream} at the given positions (taken modulo its length plus one); no chunk is empty. */
    private static List<byte[]> chop(byte[] stream, List<Integer> cuts) {
        TreeSet<Integer> positions = new TreeSet<>();
        for (int cut : cuts) {
            positions.add(cut % (stream.length + 1));
        }
        positions.add(stream.length);
        List<byte[]> chunks = new ArrayList<>();
        int from = 0;
        for (int to : positions) {
            if (to > from) {
                chunks.add(Arrays.copyOfRange(stream, from, to));
                from = to;
            }
        }
        return chunks;
    }

    private static void drainFrames(EmbeddedChannel channel, List<ByteBuf> frames) {
        for (Object o; (o = channel.readInbound()) != null; ) {
            frames.add((ByteBuf) o);
        }
    }

    private static void assertIsStunCodecFailure(Throwable e) {
        Throwable cause = e instanceof DecoderException ? e.getCause() : e;
        assertThat(cause).isInstanceOf(StunCodecException.class);
    }

    /** A frame the decoder emitted has exactly the length its header announces and a valid header. */
    private static void assertWellFormedFrame(ByteBuf frame, int maxFrameLength) {
        int start = frame.readerIndex();
        int first = frame.getUnsignedByte(start);
        int length = frame.getUnsignedShort(start + 2);
        assertThat(frame.readableBytes()).isLessThanOrEqualTo(maxFrameLength);
        if ((first & 0xC0) == 0) {
            assertThat(length % 4).isZero();
            assertThat(frame.readableBytes()).isEqualTo(20 + length);
            assertThat(frame.getInt(start + 4)).isEqualTo(0x2112A442);
            assertThat(StunPacketKind.classify(frame)).isEqualTo(StunPacketKind.STUN);
        } else {
            assertThat(first).isBetween(0x40, 0x4F);
            assertThat(frame.readableBytes()).isEqualTo(4 + length + (-length & 3));
            ChannelData message = ChannelData.decode(frame);
            try {
                assertThat(message.content().readableBytes()).isEqualTo(length);
            } finally {
                message.release();
            }
        }
    }

    /**
     * An allocator that remembers every buffer it hands out, so that a property can check each one was released.
     * Netty's leak detector is off for these buffers: at paranoid level it records a stack trace on every access,
     * which made the fuzz property many times slower, and the exact reference-count checks are stricter anyway.
     */
    private static final class TrackingAllocator extends AbstractByteBufAllocator {
        final List<ByteBuf> allocated = new ArrayList<>();

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            ByteBuf buf = new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
            allocated.add(buf);
            return buf;
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            ByteBuf buf = new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity);
            allocated.add(buf);
            return buf;
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    }

    private static ByteBuf buffer(byte[] bytes) {
        return FramingTestBytes.buffer(bytes);
    }

    private static byte[] concat(List<byte[]> parts) {
        return FramingTestBytes.concat(parts.toArray(byte[][]::new));
    }

    private static void writeShort(ByteArrayOutputStream out, int value) {
        out.write((value >>> 8) & 0xFF);
        out.write(value & 0xFF);
    }
}
