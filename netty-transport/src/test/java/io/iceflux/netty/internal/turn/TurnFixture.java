package io.iceflux.netty.internal.turn;

import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.ServerTransport;
import io.iceflux.StunTimers;
import io.iceflux.netty.internal.turn.ScriptedTransport.Sent;
import io.iceflux.netty.stun.IntegrityCheck;
import io.iceflux.netty.stun.IntegrityStatus;
import io.iceflux.netty.stun.PasswordAlgorithm;
import io.iceflux.netty.stun.StunAttribute.AlgorithmEntry;
import io.iceflux.netty.stun.StunAttribute.Lifetime;
import io.iceflux.netty.stun.StunAttribute.Nonce;
import io.iceflux.netty.stun.StunAttribute.PasswordAlgorithmAttribute;
import io.iceflux.netty.stun.StunAttribute.PasswordAlgorithms;
import io.iceflux.netty.stun.StunAttribute.Realm;
import io.iceflux.netty.stun.StunAttribute.RequestedTransport;
import io.iceflux.netty.stun.StunAttribute.Software;
import io.iceflux.netty.stun.StunAttribute.UserHash;
import io.iceflux.netty.stun.StunAttribute.Username;
import io.iceflux.netty.stun.StunAttribute.XorMappedAddress;
import io.iceflux.netty.stun.StunAttribute.XorRelayedAddress;
import io.iceflux.netty.stun.StunAttribute;
import io.iceflux.netty.stun.StunClass;
import io.iceflux.netty.stun.StunCodec;
import io.iceflux.netty.stun.StunCredentials;
import io.iceflux.netty.stun.StunMessage;
import io.iceflux.netty.stun.StunMethod;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The scripted server, transports and assertions the TURN client tests share. */
abstract class TurnFixture {

    static final InetSocketAddress HOST = new InetSocketAddress("127.0.0.1", 50_000);
    static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 3478);
    static final InetSocketAddress RELAYED = new InetSocketAddress("127.0.0.1", 49_152);
    static final InetSocketAddress MAPPED = new InetSocketAddress("127.0.0.1", 50_001);
    static final String HOST_NAME = "turn.example.org";
    static final String USER = "alice";
    static final String PASSWORD = "s3cret";
    static final String REALM = "example.org";
    static final String SOFTWARE = "IceFlux test";
    static final StunTimers TIMERS = StunTimers.rfc8489();
    /** A nonce whose security-feature cookie sets the "password algorithms" bit. */
    static final String NONCE_ALGORITHMS = "obMatJos2gAAAnonce-1";
    /** A nonce whose cookie sets both "password algorithms" and "username anonymity". */
    static final String NONCE_ALGORITHMS_USERHASH = "obMatJos2wAAAnonce-1";

    final VirtualTimeScheduler scheduler = VirtualTimeScheduler.create();
    final Script script = new Script(scheduler);
    final ScriptedFactory factory = new ScriptedFactory(script);
    final ScriptedTransport udp = new ScriptedTransport(script, HOST, ServerTransport.UDP);

    TurnRequest udpRequest() {
        return new TurnRequest(udp, false, SERVER, HOST_NAME, ServerTransport.UDP,
                StunCredentials.of(USER, PASSWORD), null, SOFTWARE, TIMERS, factory, scheduler);
    }

    static byte[] md5Key() {
        return StunCredentials.longTermKey(USER, REALM, PASSWORD, PasswordAlgorithm.MD5);
    }

    static byte[] sha256Key() {
        return StunCredentials.longTermKey(USER, REALM, PASSWORD, PasswordAlgorithm.SHA256);
    }

    static StunMessage allocated(StunMessage request) {
        return Script.success(request, new XorRelayedAddress(RELAYED), new XorMappedAddress(MAPPED),
                new Lifetime(600));
    }

    /** Assert the request is an Allocate without credentials: REQUESTED-TRANSPORT UDP, SOFTWARE, FINGERPRINT. */
    static void assertUnauthenticatedAllocate(Sent sent, InetSocketAddress destination) {
        assertThat(sent.request().messageClass()).isEqualTo(StunClass.REQUEST);
        assertThat(sent.request().method()).isEqualTo(StunMethod.ALLOCATE);
        assertThat(sent.request().attributes()).containsExactly(new RequestedTransport(RequestedTransport.UDP),
                new Software(SOFTWARE));
        assertThat(sent.options().appendsFingerprint()).isTrue();
        assertThat(sent.options().appendsMessageIntegrity()).isFalse();
        assertThat(sent.options().appendsMessageIntegritySha256()).isFalse();
        assertThat(sent.responseKey()).isNull();
        assertThat(sent.destination()).isEqualTo(destination);
        assertThat(sent.timers()).isEqualTo(TIMERS);
    }

    /** Assert the request is an Allocate signed with MD5, MESSAGE-INTEGRITY and USERNAME, with this nonce. */
    static void assertMd5Allocate(Sent sent, InetSocketAddress destination, String nonce) {
        assertThat(sent.request().method()).isEqualTo(StunMethod.ALLOCATE);
        assertThat(sent.request().attributes()).containsExactly(new RequestedTransport(RequestedTransport.UDP),
                new Software(SOFTWARE), new Username(USER), new Realm(REALM), new Nonce(nonce));
        assertSigned(sent, md5Key(), false);
        assertThat(sent.destination()).isEqualTo(destination);
    }

    /** Assert the request carries these leading attributes, then the credentials of an MD5 exchange. */
    static void assertMd5Request(Sent sent, int method, String nonce, StunAttribute... leading) {
        assertThat(sent.request().method()).isEqualTo(method);
        List<StunAttribute> expected = new ArrayList<>(List.of(leading));
        expected.addAll(List.of(new Username(USER), new Realm(REALM), new Nonce(nonce)));
        assertThat(sent.request().attributes()).containsExactlyElementsOf(expected);
        assertSigned(sent, md5Key(), false);
        assertThat(sent.destination()).isEqualTo(SERVER);
    }

    /** Assert the request echoes PASSWORD-ALGORITHMS, picks SHA-256 and is signed with MESSAGE-INTEGRITY-SHA256. */
    static void assertSha256Allocate(Sent sent, String nonce, List<AlgorithmEntry> offered, boolean userHash) {
        StunAttribute user = userHash ? new UserHash(StunCredentials.userHash(USER, REALM)) : new Username(USER);
        assertThat(sent.request().attributes()).containsExactly(new RequestedTransport(RequestedTransport.UDP),
                new Software(SOFTWARE), user, new Realm(REALM), new Nonce(nonce), new PasswordAlgorithms(offered),
                PasswordAlgorithmAttribute.of(PasswordAlgorithm.SHA256));
        assertSigned(sent, sha256Key(), true);
    }

    /**
     * Assert the request's options sign it with {@code key} (MESSAGE-INTEGRITY-SHA256 or MESSAGE-INTEGRITY, never
     * both), append FINGERPRINT, and that the same key checks the response.
     */
    static void assertSigned(Sent sent, byte[] key, boolean sha256) {
        assertThat(sent.options().appendsFingerprint()).isTrue();
        assertThat(sent.options().appendsMessageIntegritySha256()).isEqualTo(sha256);
        assertThat(sent.options().appendsMessageIntegrity()).isEqualTo(!sha256);
        assertThat(sent.responseKey()).isEqualTo(key);
        ByteBuf wire = StunCodec.encode(sent.request(), UnpooledByteBufAllocator.DEFAULT, sent.options());
        try {
            StunMessage decoded = StunCodec.decode(wire);
            IntegrityCheck check = StunCodec.verifyIntegrity(wire, decoded, key);
            assertThat(check.messageIntegritySha256()).isEqualTo(sha256 ? IntegrityStatus.VALID : IntegrityStatus.ABSENT);
            assertThat(check.messageIntegrity()).isEqualTo(sha256 ? IntegrityStatus.ABSENT : IntegrityStatus.VALID);
            assertThat(decoded.wireLayout().orElseThrow().hasFingerprint()).isTrue();
        } finally {
            wire.release();
        }
    }

    static Duration seconds(long s) {
        return Duration.ofSeconds(s);
    }
}
