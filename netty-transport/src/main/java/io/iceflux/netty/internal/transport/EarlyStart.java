package io.iceflux.netty.internal.transport;

import io.iceflux.netty.stun.PasswordAlgorithm;
import io.iceflux.netty.stun.StunAttribute;
import io.iceflux.netty.stun.StunClass;
import io.iceflux.netty.stun.StunCodec;
import io.iceflux.netty.stun.StunCredentials;
import io.iceflux.netty.stun.StunEncodeOptions;
import io.iceflux.netty.stun.StunMessage;
import io.iceflux.netty.stun.StunMethod;
import io.iceflux.netty.stun.TransactionId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import reactor.util.Logger;
import reactor.util.Loggers;

/**
 * Starts, on a daemon thread of its own, what the first gathering of a fresh JVM would otherwise start on its critical
 * path, while the caller goes on building its configuration and opening its first sockets: the STUN crypto (a
 * SecureRandom transaction id, SASLprep and the MD5 long-term key, HMAC-SHA1 and CRC-32 of an encoded request) and a
 * first TLS ClientHello from the client context (the TLS engine's classes and its key share). Nothing it makes is
 * kept; it only loads and initialises classes and providers, so it cannot change what a gathering does.
 *
 * <p>The parts run are those of the system property {@value #PROPERTY}: a comma-separated list of {@code crypto} and
 * {@code tls}, {@code all} (the default) or {@code none}.
 */
final class EarlyStart {

    /** The system property that chooses the parts: {@code all} (default), {@code none}, or a list. */
    static final String PROPERTY = "iceflux.earlyStart";

    private static final Logger log = Loggers.getLogger(EarlyStart.class);
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private EarlyStart() {
    }

    /**
     * Start the parts the system property asks for on a daemon thread and return at once; only the first call in a
     * JVM does anything (a cold start happens once).
     */
    static void begin(Supplier<SSLEngine> tlsEngine) {
        if (!STARTED.compareAndSet(false, true)) {
            return;
        }
        String value = System.getProperty(PROPERTY, "all").trim().toLowerCase(Locale.ROOT);
        if (value.equals("none") || value.isEmpty()) {
            return;
        }
        Set<String> parts = value.equals("all") ? Set.of("crypto", "tls") : Set.of(value.split("\\s*,\\s*"));
        Thread thread = new Thread(() -> run(parts, tlsEngine), "iceflux-early-start");
        thread.setDaemon(true);
        thread.setPriority(Thread.NORM_PRIORITY);
        thread.start();
    }

    private static void run(Set<String> parts, Supplier<SSLEngine> tlsEngine) {
        try {
            if (parts.contains("tls")) {
                tls(tlsEngine);
            }
            if (parts.contains("crypto")) {
                crypto();
            }
        } catch (RuntimeException | LinkageError e) {
            log.debug("early start: {}", e.toString());
        }
    }

    /** A ClientHello from a throw-away engine: the engine's classes, the handshake's and the key share's. */
    private static void tls(Supplier<SSLEngine> tlsEngine) {
        SSLEngine engine = tlsEngine.get();
        if (engine == null) {
            return;
        }
        try {
            engine.setUseClientMode(true);
            ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            engine.beginHandshake();
            engine.wrap(ByteBuffer.allocate(0), out);
            engine.closeOutbound();
        } catch (javax.net.ssl.SSLException e) {
            log.debug("early start: TLS: {}", e.toString());
        } finally {
            ReferenceCountUtil.release(engine);
        }
    }

    /** An authenticated Allocate request encoded and decoded: SecureRandom, SASLprep, MD5, HMAC-SHA1, CRC-32. */
    private static void crypto() {
        byte[] key = StunCredentials.longTermKey("early", "start", "early-start", PasswordAlgorithm.MD5);
        StunMessage request = StunMessage.builder(StunClass.REQUEST, StunMethod.ALLOCATE)
                .transactionId(TransactionId.random())
                .add(new StunAttribute.RequestedTransport(17))
                .add(new StunAttribute.Username("early"))
                .add(new StunAttribute.Realm("start"))
                .add(new StunAttribute.Nonce("n"))
                .build();
        ByteBuf encoded = StunCodec.encode(request, ByteBufAllocator.DEFAULT,
                StunEncodeOptions.defaults().messageIntegrity(key).fingerprint(true));
        try {
            StunCodec.verifyIntegrity(encoded, StunCodec.decode(encoded.duplicate()), key);
        } finally {
            encoded.release();
        }
        Unpooled.buffer(0).release();
    }
}
