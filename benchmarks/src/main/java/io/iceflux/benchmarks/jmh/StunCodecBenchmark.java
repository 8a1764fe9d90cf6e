package io.iceflux.benchmarks.jmh;

import io.iceflux.netty.stun.ChannelData;
import io.iceflux.netty.stun.IntegrityCheck;
import io.iceflux.netty.stun.StunAttribute.ErrorCode;
import io.iceflux.netty.stun.StunAttribute.Lifetime;
import io.iceflux.netty.stun.StunAttribute.Nonce;
import io.iceflux.netty.stun.StunAttribute.Realm;
import io.iceflux.netty.stun.StunAttribute.XorMappedAddress;
import io.iceflux.netty.stun.StunAttribute.XorRelayedAddress;
import io.iceflux.netty.stun.StunCodec;
import io.iceflux.netty.stun.StunMessage;
import io.iceflux.netty.stun.StunPacketKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.DatagramPacket;
import java.util.concurrent.TimeUnit;
import org.ice4j.message.Message;
import org.ice4j.socket.StunDatagramPacketFilter;
import org.ice4j.stack.StunStack;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Decode + verify and encode + sign of the STUN/TURN messages that dominate a gathering, by IceFlux's codec
 * ({@code io.iceflux.netty.stun}) and by ice4j's ({@code org.ice4j.message}), on the same bytes in the same run.
 * Method names end in {@code IceFlux} or {@code Ice4j}; the rest of the name is the message and the work, so the
 * two sides of each comparison sort next to each other.
 *
 * <p>Each side does what its own stack does with a received or outgoing message:
 * <ul>
 *   <li>IceFlux decodes from a pooled direct {@link ByteBuf} (what the UDP transport receives) in place and
 *       verifies MESSAGE-INTEGRITY with {@link StunCodec#verifyIntegrity}; ice4j decodes from a {@code byte[]} and
 *       verifies through {@link StunStack#validateMessageIntegrity}, the call its TURN harvester makes. Both check
 *       FINGERPRINT while decoding, both use the same precomputed long-term key, and both then read the values a
 *       client needs (addresses with the XOR undone, lifetime, error code, realm, nonce).</li>
 *   <li>Encoding builds the message, then encodes and signs it: IceFlux into a pooled direct buffer (released
 *       here, where the transport would hand it to the channel), ice4j into a {@code byte[]}. Both return the last
 *       4 bytes (the FINGERPRINT where there is one), which depend on every byte before them.</li>
 *   <li>Rejecting a datagram that is not STUN (RTP, DTLS) is IceFlux's {@link StunPacketKind#classify} (what the
 *       UDP transport runs before decoding) against ice4j's {@link StunDatagramPacketFilter#isStunPacket}.</li>
 * </ul>
 * Run with {@code -prof gc} to see the bytes allocated per operation ({@code gc.alloc.rate.norm}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StunCodecBenchmark {

    private static final ByteBufAllocator ALLOCATOR = PooledByteBufAllocator.DEFAULT;
    private static final byte[] KEY = CodecFixtures.LONG_TERM_KEY;

    private byte[] bindingRequestBytes;
    private byte[] bindingSuccessBytes;
    private byte[] allocateChallengeBytes;
    private byte[] allocateRequestBytes;
    private byte[] allocateSuccessBytes;
    private byte[] channelDataBytes;

    private ByteBuf bindingRequest;
    private ByteBuf bindingSuccess;
    private ByteBuf allocateChallenge;
    private ByteBuf allocateRequest;
    private ByteBuf allocateSuccess;
    private ByteBuf channelData;
    private ByteBuf rtp;
    private ByteBuf dtls;

    private DatagramPacket rtpPacket;
    private DatagramPacket dtlsPacket;

    private Ice4jCodec ice4j;

    /** Create the benchmark; {@link #setUp()} prepares the buffers and ice4j's stack. */
    public StunCodecBenchmark() {
        // state is prepared in setUp
    }

    /** Encode the reference messages and copy them into pooled direct buffers; start ice4j's stack. */
    @Setup(Level.Trial)
    public void setUp() {
        bindingRequestBytes = CodecFixtures.bindingRequestBytes();
        bindingSuccessBytes = CodecFixtures.bindingSuccessBytes();
        allocateChallengeBytes = CodecFixtures.allocateChallengeBytes();
        allocateRequestBytes = CodecFixtures.allocateRequestBytes();
        allocateSuccessBytes = CodecFixtures.allocateSuccessBytes();
        channelDataBytes = CodecFixtures.channelDataBytes();
        byte[] rtpBytes = CodecFixtures.rtpBytes();
        byte[] dtlsBytes = CodecFixtures.dtlsBytes();

        bindingRequest = direct(bindingRequestBytes);
        bindingSuccess = direct(bindingSuccessBytes);
        allocateChallenge = direct(allocateChallengeBytes);
        allocateRequest = direct(allocateRequestBytes);
        allocateSuccess = direct(allocateSuccessBytes);
        channelData = direct(channelDataBytes);
        rtp = direct(rtpBytes);
        dtls = direct(dtlsBytes);

        rtpPacket = new DatagramPacket(rtpBytes, rtpBytes.length);
        dtlsPacket = new DatagramPacket(dtlsBytes, dtlsBytes.length);
        ice4j = new Ice4jCodec();
    }

    private static ByteBuf direct(byte[] bytes) {
        return ALLOCATOR.directBuffer(bytes.length).writeBytes(bytes);
    }

    /** Release every buffer and shut ice4j's stack down. */
    @TearDown(Level.Trial)
    public void tearDown() {
        for (ByteBuf buf : new ByteBuf[] {bindingRequest, bindingSuccess, allocateChallenge, allocateRequest,
                allocateSuccess, channelData, rtp, dtls}) {
            if (buf != null && buf.refCnt() > 0) {
                buf.release();
            }
        }
        if (ice4j != null) {
            ice4j.close();
        }
    }

    // ------------------------------------------------------------------------------------------- decode (+ verify)

    /** Decode a Binding request (FINGERPRINT checked). */
    @Benchmark
    public StunMessage bindingRequestDecodeIceFlux() {
        return StunCodec.decode(bindingRequest);
    }

    /** ice4j: decode a Binding request (FINGERPRINT checked). */
    @Benchmark
    public Message bindingRequestDecodeIce4j() {
        return Ice4jCodec.decode(bindingRequestBytes);
    }

    /** Decode a Binding success response (FINGERPRINT checked) and read the mapped address. */
    @Benchmark
    public StunMessage bindingSuccessDecodeIceFlux(Blackhole bh) {
        StunMessage message = StunCodec.decode(bindingSuccess);
        bh.consume(message.attribute(XorMappedAddress.class).orElseThrow().address());
        return message;
    }

    /** ice4j: decode a Binding success response (FINGERPRINT checked) and read the mapped address. */
    @Benchmark
    public Message bindingSuccessDecodeIce4j(Blackhole bh) {
        Message message = Ice4jCodec.decode(bindingSuccessBytes);
        bh.consume(Ice4jCodec.mappedAddress(message));
        return message;
    }

    /** Decode an Allocate 401 challenge and read error code, realm and nonce. */
    @Benchmark
    public StunMessage allocateChallengeDecodeIceFlux(Blackhole bh) {
        StunMessage message = StunCodec.decode(allocateChallenge);
        bh.consume(message.attribute(ErrorCode.class).orElseThrow().code());
        bh.consume(message.attribute(Realm.class).orElseThrow().value());
        bh.consume(message.attribute(Nonce.class).orElseThrow().value());
        return message;
    }

    /** ice4j: decode an Allocate 401 challenge and read error code, realm and nonce. */
    @Benchmark
    public Message allocateChallengeDecodeIce4j(Blackhole bh) {
        Message message = Ice4jCodec.decode(allocateChallengeBytes);
        bh.consume(Ice4jCodec.errorCode(message));
        bh.consume(Ice4jCodec.realm(message));
        bh.consume(Ice4jCodec.nonce(message));
        return message;
    }

    /** Decode an authenticated Allocate request, check FINGERPRINT and MESSAGE-INTEGRITY (long-term key). */
    @Benchmark
    public StunMessage allocateRequestDecodeVerifyIceFlux() {
        StunMessage message = StunCodec.decode(allocateRequest);
        requireValid(StunCodec.verifyIntegrity(allocateRequest, message, KEY));
        return message;
    }

    /** ice4j: decode an authenticated Allocate request, check FINGERPRINT and MESSAGE-INTEGRITY. */
    @Benchmark
    public Message allocateRequestDecodeVerifyIce4j() {
        Message message = Ice4jCodec.decode(allocateRequestBytes);
        requireValid(ice4j.verifyLongTerm(allocateRequestBytes, message));
        return message;
    }

    /**
     * Decode an Allocate success response, check FINGERPRINT and MESSAGE-INTEGRITY, read both addresses and the
     * lifetime.
     */
    @Benchmark
    public StunMessage allocateSuccessDecodeVerifyIceFlux(Blackhole bh) {
        StunMessage message = StunCodec.decode(allocateSuccess);
        requireValid(StunCodec.verifyIntegrity(allocateSuccess, message, KEY));
        bh.consume(message.attribute(XorMappedAddress.class).orElseThrow().address());
        bh.consume(message.attribute(XorRelayedAddress.class).orElseThrow().address());
        bh.consume(message.attribute(Lifetime.class).orElseThrow().seconds());
        return message;
    }

    /** ice4j: the same for an Allocate success response. */
    @Benchmark
    public Message allocateSuccessDecodeVerifyIce4j(Blackhole bh) {
        Message message = Ice4jCodec.decode(allocateSuccessBytes);
        requireValid(ice4j.verifyLongTerm(allocateSuccessBytes, message));
        bh.consume(Ice4jCodec.mappedAddress(message));
        bh.consume(Ice4jCodec.relayedAddress(message));
        bh.consume(Ice4jCodec.lifetime(message));
        return message;
    }

    private static void requireValid(IntegrityCheck check) {
        if (!check.isValid()) {
            throw new IllegalStateException("MESSAGE-INTEGRITY did not verify: " + check);
        }
    }

    private static void requireValid(boolean valid) {
        if (!valid) {
            throw new IllegalStateException("ice4j did not verify MESSAGE-INTEGRITY");
        }
    }

    /** Decode a ChannelData frame of 172 bytes of data (a retained slice, released again). */
    @Benchmark
    public int channelDataDecodeIceFlux(Blackhole bh) {
        ChannelData frame = ChannelData.decode(channelData);
        try {
            bh.consume(frame.content());
            return frame.channelNumber() ^ frame.content().readableBytes();
        } finally {
            frame.release();
        }
    }

    /** ice4j: decode a ChannelData frame of 172 bytes of data (copied into a new array). */
    @Benchmark
    public int channelDataDecodeIce4j(Blackhole bh) throws org.ice4j.StunException {
        org.ice4j.message.ChannelData frame = org.ice4j.message.ChannelData.decode(channelDataBytes, (char) 0);
        bh.consume(frame.getData());
        return frame.getChannelNumber() ^ frame.getDataLength();
    }

    // ----------------------------------------------------------------------------------------------- reject

    /** Tell an RTP packet from STUN, as the UDP transport does before decoding: must allocate nothing. */
    @Benchmark
    public StunPacketKind rejectRtpIceFlux() {
        return StunPacketKind.classify(rtp);
    }

    /** ice4j: tell an RTP packet from STUN with its datagram filter. */
    @Benchmark
    public boolean rejectRtpIce4j() {
        return StunDatagramPacketFilter.isStunPacket(rtpPacket);
    }

    /** Tell a DTLS record from STUN: must allocate nothing. */
    @Benchmark
    public StunPacketKind rejectDtlsIceFlux() {
        return StunPacketKind.classify(dtls);
    }

    /** ice4j: tell a DTLS record from STUN. */
    @Benchmark
    public boolean rejectDtlsIce4j() {
        return StunDatagramPacketFilter.isStunPacket(dtlsPacket);
    }

    // ------------------------------------------------------------------------------------------- encode (+ sign)

    /** Build and encode a Binding request with FINGERPRINT. */
    @Benchmark
    public int bindingRequestEncodeIceFlux() {
        return lastInt(StunCodec.encode(CodecFixtures.bindingRequest(), ALLOCATOR, CodecFixtures.fingerprintOnly()));
    }

    /** ice4j: build and encode a Binding request with FINGERPRINT. */
    @Benchmark
    public int bindingRequestEncodeIce4j() {
        return lastInt(ice4j.encode(ice4j.bindingRequest()));
    }

    /** Build and encode a Binding success response with XOR-MAPPED-ADDRESS and FINGERPRINT. */
    @Benchmark
    public int bindingSuccessEncodeIceFlux() {
        return lastInt(StunCodec.encode(CodecFixtures.bindingSuccess(), ALLOCATOR, CodecFixtures.fingerprintOnly()));
    }

    /** ice4j: build and encode a Binding success response with XOR-MAPPED-ADDRESS and FINGERPRINT. */
    @Benchmark
    public int bindingSuccessEncodeIce4j() {
        return lastInt(ice4j.encode(ice4j.bindingSuccess()));
    }

    /** Build and encode an Allocate 401 challenge (ERROR-CODE, REALM, NONCE). */
    @Benchmark
    public int allocateChallengeEncodeIceFlux() {
        return lastInt(StunCodec.encode(CodecFixtures.allocateChallenge(), ALLOCATOR));
    }

    /** ice4j: build and encode an Allocate 401 challenge. */
    @Benchmark
    public int allocateChallengeEncodeIce4j() {
        return lastInt(ice4j.encode(ice4j.allocateChallenge()));
    }

    /** Build, encode and sign an authenticated Allocate request (MESSAGE-INTEGRITY, FINGERPRINT). */
    @Benchmark
    public int allocateRequestEncodeSignIceFlux() {
        return lastInt(StunCodec.encode(CodecFixtures.allocateRequest(), ALLOCATOR, CodecFixtures.signed()));
    }

    /** ice4j: build, encode and sign an authenticated Allocate request. */
    @Benchmark
    public int allocateRequestEncodeSignIce4j() {
        return lastInt(ice4j.encode(ice4j.allocateRequest()));
    }

    /** Build, encode and sign an Allocate success response (MESSAGE-INTEGRITY, FINGERPRINT). */
    @Benchmark
    public int allocateSuccessEncodeSignIceFlux() {
        return lastInt(StunCodec.encode(CodecFixtures.allocateSuccess(), ALLOCATOR, CodecFixtures.signed()));
    }

    /** ice4j: build, encode and sign an Allocate success response. */
    @Benchmark
    public int allocateSuccessEncodeSignIce4j() {
        return lastInt(ice4j.encode(ice4j.allocateSuccess()));
    }

    /** Return the last 4 bytes of an encoded message and release its buffer. */
    private static int lastInt(ByteBuf encoded) {
        try {
            return encoded.getInt(encoded.writerIndex() - 4);
        } finally {
            encoded.release();
        }
    }

    private static int lastInt(byte[] encoded) {
        int n = encoded.length;
        return (encoded[n - 4] & 0xFF) << 24 | (encoded[n - 3] & 0xFF) << 16 | (encoded[n - 2] & 0xFF) << 8
                | encoded[n - 1] & 0xFF;
    }

    // ------------------------------------------------------------------------------------------- for the test

    /** The reference bytes of a message, for the test. */
    byte[] referenceBytes(String message) {
        return switch (message) {
            case "bindingRequest" -> bindingRequestBytes.clone();
            case "bindingSuccess" -> bindingSuccessBytes.clone();
            case "allocateChallenge" -> allocateChallengeBytes.clone();
            case "allocateRequest" -> allocateRequestBytes.clone();
            case "allocateSuccess" -> allocateSuccessBytes.clone();
            case "channelData" -> channelDataBytes.clone();
            default -> throw new IllegalArgumentException("no reference message named " + message);
        };
    }

    /** ice4j's side, for the test. */
    Ice4jCodec ice4j() {
        return ice4j;
    }
}
