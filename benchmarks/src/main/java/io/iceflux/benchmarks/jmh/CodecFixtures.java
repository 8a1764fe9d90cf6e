package io.iceflux.benchmarks.jmh;

import io.iceflux.netty.stun.PasswordAlgorithm;
import io.iceflux.netty.stun.StunAttribute.ErrorCode;
import io.iceflux.netty.stun.StunAttribute.Lifetime;
import io.iceflux.netty.stun.StunAttribute.Nonce;
import io.iceflux.netty.stun.StunAttribute.Realm;
import io.iceflux.netty.stun.StunAttribute.RequestedTransport;
import io.iceflux.netty.stun.StunAttribute.Username;
import io.iceflux.netty.stun.StunAttribute.XorMappedAddress;
import io.iceflux.netty.stun.StunAttribute.XorRelayedAddress;
import io.iceflux.netty.stun.StunClass;
import io.iceflux.netty.stun.StunCodec;
import io.iceflux.netty.stun.StunCredentials;
import io.iceflux.netty.stun.StunEncodeOptions;
import io.iceflux.netty.stun.StunMessage;
import io.iceflux.netty.stun.StunMethod;
import io.iceflux.netty.stun.TransactionId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * The messages both codecs work on, built with IceFlux's codec: the same transaction id, credentials and addresses
 * for every run, so that the bytes are identical from run to run and between the two codecs (the benchmark test
 * checks that ice4j's encoder produces exactly these bytes). Attributes are in the order ice4j's
 * {@code MessageFactory} and long-term credential session put them, which is also the order IceFlux's TURN client
 * uses.
 */
final class CodecFixtures {

    /** The transaction id of RFC 5769's test vectors. */
    static final byte[] TRANSACTION_ID_BYTES = {
        (byte) 0xb7, (byte) 0xe7, (byte) 0xa7, 0x01, (byte) 0xbc, 0x34, (byte) 0xd6, (byte) 0x86,
        (byte) 0xfa, (byte) 0x87, (byte) 0xdf, (byte) 0xae};
    static final TransactionId TRANSACTION_ID = TransactionId.of(TRANSACTION_ID_BYTES);

    static final String USERNAME = "iceflux-bench";
    static final String PASSWORD = "s3cr3t-passw0rd";
    static final String REALM = "turn.example.org";
    static final String NONCE = "f//499k954d6OL34oL9FSTvy64sA";
    static final String REASON_401 = "Unauthorized";
    static final long LIFETIME_SECONDS = 600;

    static final InetSocketAddress MAPPED = address(new byte[] {(byte) 192, 0, 2, 1}, 32853);
    static final InetSocketAddress RELAYED = address(new byte[] {(byte) 203, 0, (byte) 113, 5}, 49152);

    /** The long-term key MD5(username:realm:password), derived once per server as a client does. */
    static final byte[] LONG_TERM_KEY = StunCredentials.longTermKey(USERNAME, REALM, PASSWORD, PasswordAlgorithm.MD5);

    /** A TURN ChannelData frame: channel 0x4001 carrying an RTP packet of 12 + 160 bytes (20 ms of G.711). */
    static final int CHANNEL = 0x4001;
    static final int CHANNEL_PAYLOAD_LENGTH = 172;

    private CodecFixtures() {
    }

    private static InetSocketAddress address(byte[] ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4-byte address is always valid", e);
        }
    }

    // ----------------------------------------------------------------------------------------- IceFlux messages

    static StunMessage bindingRequest() {
        return StunMessage.builder(StunClass.REQUEST, StunMethod.BINDING).transactionId(TRANSACTION_ID).build();
    }

    static StunMessage bindingSuccess() {
        return StunMessage.builder(StunClass.SUCCESS_RESPONSE, StunMethod.BINDING).transactionId(TRANSACTION_ID)
                .add(new XorMappedAddress(MAPPED))
                .build();
    }

    static StunMessage allocateChallenge() {
        return StunMessage.builder(StunClass.ERROR_RESPONSE, StunMethod.ALLOCATE).transactionId(TRANSACTION_ID)
                .add(new ErrorCode(401, REASON_401))
                .add(new Realm(REALM))
                .add(new Nonce(NONCE))
                .build();
    }

    static StunMessage allocateRequest() {
        return StunMessage.builder(StunClass.REQUEST, StunMethod.ALLOCATE).transactionId(TRANSACTION_ID)
                .add(new RequestedTransport(RequestedTransport.UDP))
                .add(new Lifetime(LIFETIME_SECONDS))
                .add(new Username(USERNAME))
                .add(new Realm(REALM))
                .add(new Nonce(NONCE))
                .build();
    }

    static StunMessage allocateSuccess() {
        return StunMessage.builder(StunClass.SUCCESS_RESPONSE, StunMethod.ALLOCATE).transactionId(TRANSACTION_ID)
                .add(new XorMappedAddress(MAPPED))
                .add(new XorRelayedAddress(RELAYED))
                .add(new Lifetime(LIFETIME_SECONDS))
                .build();
    }

    /** What the gatherer appends to a Binding request and to unauthenticated TURN messages. */
    static StunEncodeOptions fingerprintOnly() {
        return StunEncodeOptions.defaults().fingerprint(true);
    }

    /** What an authenticated TURN client or server appends: MESSAGE-INTEGRITY with the long-term key, FINGERPRINT. */
    static StunEncodeOptions signed() {
        return StunEncodeOptions.defaults().messageIntegrity(LONG_TERM_KEY).fingerprint(true);
    }

    /** Return the bytes of a message encoded with IceFlux's codec. */
    static byte[] encode(StunMessage message, StunEncodeOptions options) {
        ByteBuf buf = StunCodec.encode(message, PooledByteBufAllocator.DEFAULT, options);
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    // ----------------------------------------------------------------------------------------- reference bytes

    static byte[] bindingRequestBytes() {
        return encode(bindingRequest(), fingerprintOnly());
    }

    static byte[] bindingSuccessBytes() {
        return encode(bindingSuccess(), fingerprintOnly());
    }

    static byte[] allocateChallengeBytes() {
        return encode(allocateChallenge(), StunEncodeOptions.defaults());
    }

    static byte[] allocateRequestBytes() {
        return encode(allocateRequest(), signed());
    }

    static byte[] allocateSuccessBytes() {
        return encode(allocateSuccess(), signed());
    }

    /** Return a ChannelData frame on {@link #CHANNEL} whose payload looks like an RTP packet. */
    static byte[] channelDataBytes() {
        byte[] frame = new byte[4 + CHANNEL_PAYLOAD_LENGTH];
        frame[0] = (byte) (CHANNEL >>> 8);
        frame[1] = (byte) CHANNEL;
        frame[2] = (byte) (CHANNEL_PAYLOAD_LENGTH >>> 8);
        frame[3] = (byte) CHANNEL_PAYLOAD_LENGTH;
        byte[] rtp = rtpBytes();
        System.arraycopy(rtp, 0, frame, 4, rtp.length);
        return frame;
    }

    /** Return an RTP packet (version 2, payload type 0) of 12 + 160 bytes: first byte 0x80. */
    static byte[] rtpBytes() {
        byte[] rtp = new byte[CHANNEL_PAYLOAD_LENGTH];
        rtp[0] = (byte) 0x80;
        rtp[1] = 0x00;
        rtp[2] = 0x12;
        rtp[3] = 0x34;
        for (int i = 12; i < rtp.length; i++) {
            rtp[i] = (byte) (0xD5 ^ i);
        }
        return rtp;
    }

    /**
     * Return a DTLS 1.2 handshake record header and body (first byte 22, no magic cookie): what a WebRTC peer sends
     * on the same port as STUN.
     */
    static byte[] dtlsBytes() {
        byte[] dtls = new byte[120];
        dtls[0] = 22;
        dtls[1] = (byte) 0xFE;
        dtls[2] = (byte) 0xFD;
        dtls[11] = 0;
        dtls[12] = 107;
        byte[] filler = "client hello from a DTLS peer that shares the STUN port".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(filler, 0, dtls, 13, filler.length);
        return dtls;
    }
}
