package io.iceflux.netty.internal.turn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.ServerTransport;
import io.iceflux.netty.internal.transport.StunTransportException;
import io.iceflux.netty.internal.turn.ScriptedFactory.Open;
import io.iceflux.netty.internal.turn.ScriptedTransport.Sent;
import io.iceflux.netty.stun.PasswordAlgorithm;
import io.iceflux.netty.stun.StunAttribute.AlgorithmEntry;
import io.iceflux.netty.stun.StunAttribute.AlternateDomain;
import io.iceflux.netty.stun.StunAttribute.AlternateServer;
import io.iceflux.netty.stun.StunAttribute.Lifetime;
import io.iceflux.netty.stun.StunAttribute.Nonce;
import io.iceflux.netty.stun.StunAttribute.PasswordAlgorithms;
import io.iceflux.netty.stun.StunAttribute.Realm;
import io.iceflux.netty.stun.StunAttribute.RequestedTransport;
import io.iceflux.netty.stun.StunAttribute.Software;
import io.iceflux.netty.stun.StunAttribute.XorMappedAddress;
import io.iceflux.netty.stun.StunAttribute.XorRelayedAddress;
import io.iceflux.netty.stun.StunClass;
import io.iceflux.netty.stun.StunCredentials;
import io.iceflux.netty.stun.StunMessage;
import io.iceflux.netty.stun.StunMethod;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

class TurnClientTest extends TurnFixture {

    private static final InetSocketAddress ALTERNATE = new InetSocketAddress("127.0.0.1", 3479);

    private static Consumer<Throwable> errorResponse(int code, String reason) {
        return failure -> {
            assertThat(failure).isInstanceOf(StunTransportException.ErrorResponse.class);
            StunTransportException.ErrorResponse error = (StunTransportException.ErrorResponse) failure;
            assertThat(error.code()).isEqualTo(code);
            assertThat(error.reason()).isEqualTo(reason);
            assertThat(error.getMessage()).isEqualTo(code + " " + reason);
            assertThat(error.response()).isNotNull();
        };
    }

    private static Consumer<Throwable> rejectedRedirect(String why) {
        return errorResponse(300, "Try Alternate").andThen(failure -> assertThat(failure.getSuppressed())
                .singleElement().satisfies(s -> assertThat(s).hasMessageContaining(why)));
    }

    @Test
    void answers401WithMd5KeyAndReturnsTheAllocation() {
        script.respond(r -> Script.unauthorized(r, REALM, "nonce-1")).respond(TurnFixture::allocated);

        StepVerifier.create(new TurnClient(udpRequest()).allocate()).assertNext(allocation -> {
            assertThat(allocation.relayedAddress()).isEqualTo(RELAYED);
            assertThat(allocation.mappedAddress()).isEqualTo(MAPPED);
            assertThat(allocation.lifetime()).isEqualTo(Duration.ofSeconds(600));
            assertThat(allocation.transport()).isSameAs(udp);
            assertThat(allocation.ownsTransport()).isFalse();
            assertThat(allocation.serverAddress()).isEqualTo(SERVER);
            assertThat(allocation.auth().nonce()).isEqualTo("nonce-1");
            assertThat(allocation.auth().algorithm()).isEqualTo(PasswordAlgorithm.MD5);
        }).verifyComplete();

        List<Sent> sent = udp.sent();
        assertThat(sent).hasSize(2);
        assertUnauthenticatedAllocate(sent.get(0), SERVER);
        assertMd5Allocate(sent.get(1), SERVER, "nonce-1");
        assertThat(sent.get(0).request().transactionId()).isNotEqualTo(sent.get(1).request().transactionId());
        assertThat(udp.closes()).isZero();
        assertThat(factory.opens()).isEmpty();
    }

    @Test
    void asksForTheRequestedLifetimeAndAcceptsASuccessWithoutCredentials() {
        TurnRequest base = udpRequest();
        TurnRequest request = new TurnRequest(udp, false, SERVER, HOST_NAME, ServerTransport.UDP,
                base.credentials(), Duration.ofMinutes(20), null, TIMERS, factory, scheduler);
        script.respond(r -> Script.success(r, new XorRelayedAddress(RELAYED)));

        StepVerifier.create(new TurnClient(request).allocate()).assertNext(allocation -> {
            assertThat(allocation.relayedAddress()).isEqualTo(RELAYED);
            assertThat(allocation.mappedAddress()).isNull();
            assertThat(allocation.lifetime()).isEqualTo(TurnClient.DEFAULT_LIFETIME);
            assertThat(allocation.auth()).isNull();
        }).verifyComplete();

        assertThat(udp.sent()).singleElement().satisfies(s -> {
            assertThat(s.request().attributes()).containsExactly(new RequestedTransport(17), new Lifetime(1200));
            assertThat(s.options().appendsFingerprint()).isTrue();
            assertThat(s.responseKey()).isNull();
        });
    }

    @Test
    void negotiatesSha256WithPasswordAlgorithms() {
        List<AlgorithmEntry> offered = List.of(AlgorithmEntry.of(PasswordAlgorithm.MD5),
                AlgorithmEntry.of(PasswordAlgorithm.SHA256));
        script.respond(r -> Script.unauthorized(r, REALM, NONCE_ALGORITHMS, new PasswordAlgorithms(offered)))
                .respond(TurnFixture::allocated);

        StepVerifier.create(new TurnClient(udpRequest()).allocate()).assertNext(allocation -> {
            assertThat(allocation.auth().algorithm()).isEqualTo(PasswordAlgorithm.SHA256);
            assertThat(allocation.auth().negotiated()).isTrue();
            assertThat(allocation.auth().anonymous()).isFalse();
        }).verifyComplete();

        assertUnauthenticatedAllocate(udp.sent().get(0), SERVER);
        assertSha256Allocate(udp.sent().get(1), NONCE_ALGORITHMS, offered, false);
    }

    @Test
    void sendsUserHashWhenTheNonceAsksForUsernameAnonymity() {
        List<AlgorithmEntry> offered = List.of(AlgorithmEntry.of(PasswordAlgorithm.SHA256));
        script.respond(r -> Script.unauthorized(r, REALM, NONCE_ALGORITHMS_USERHASH, new PasswordAlgorithms(offered)))
                .respond(TurnFixture::allocated);

        StepVerifier.create(new TurnClient(udpRequest()).allocate())
                .assertNext(allocation -> assertThat(allocation.auth().anonymous()).isTrue())
                .verifyComplete();

        assertSha256Allocate(udp.sent().get(1), NONCE_ALGORITHMS_USERHASH, offered, true);
    }

    @Test
    void usesMd5WhenTheNonceHasNoCookieEvenIfPasswordAlgorithmsIsSent() {
        List<AlgorithmEntry> offered = List.of(AlgorithmEntry.of(PasswordAlgorithm.SHA256));
        script.respond(r -> Script.unauthorized(r, REALM, "nonce-1", new PasswordAlgorithms(offered)))
                .respond(TurnFixture::allocated);

        StepVerifier.create(new TurnClient(udpRequest()).allocate()).expectNextCount(1).verifyComplete();

        assertMd5Allocate(udp.sent().get(1), SERVER, "nonce-1");
    }

    @Test
    void refusesADowngradeWhenTheCookieAnnouncesAlgorithmsButNoneAreListed() {
        script.respond(r -> Script.unauthorized(r, REALM, NONCE_ALGORITHMS));

        StepVerifier.create(new TurnClient(udpRequest()).allocate())
                .verifyErrorSatisfies(errorResponse(401, "Unauthorized").andThen(failure -> assertThat(
                        failure.getSuppressed()[0]).hasMessageContaining("PASSWORD-ALGORITHMS")));
        assertThat(udp.sent()).hasSize(1);
    }

    @Test
    void failsWith401WhenTheSecondAllocateIsRejectedToo() {
        script.respond(r -> Script.unauthorized(r, REALM, "nonce-1"))
                .respond(r -> Script.error(r, 401, "Wrong credentials for alice", new Realm(REALM),
                        new Nonce("nonce-2")));

        StepVerifier.create(new TurnClient(udpRequest()).allocate())
                .verifyErrorSatisfies(errorResponse(401, "Wrong credentials for alice"));
        assertThat(udp.sent()).hasSize(2);
        assertMd5Allocate(udp.sent().get(1), SERVER, "nonce-1");
        assertThat(udp.closes()).isZero();
    }

    @Test
    void failsWith401WhenTheChallengeHasNoNonce() {
        script.respond(r -> Script.error(r, 401, "Unauthorized", new Realm(REALM)));

        StepVerifier.create(new TurnClient(udpRequest()).allocate())
                .verifyErrorSatisfies(errorResponse(401, "Unauthorized"));
        assertThat(udp.sent()).hasSize(1);
    }

    @Test
    void retriesWithTheNewNonceAfter438() {
        script.respond(r -> Script.unauthorized(r, REALM, "nonce-1"))
                .respond(r -> Script.staleNonce(r, REALM, "nonce-2"))
                .respond(TurnFixture::allocated);

        StepVerifier.create(new TurnClient(udpRequest()).allocate())
                .assertNext(allocation -> assertThat(allocation.auth().nonce()).isEqualTo("nonce-2"))
                .verifyComplete();

        assertThat(udp.sent()).hasSize(3);
        assertMd5Allocate(udp.sent().get(1), SERVER, "nonce-1");
        assertMd5Allocate(udp.sent().get(2), SERVER, "nonce-2");
    }

    @Test
    void failsWith438AfterTwoStaleNonceRetries() {
        script.respond(r -> Script.unauthorized(r, REALM, "nonce-1"))
                .respond(r -> Script.staleNonce(r, REALM, "nonce-2"))
                .respond(r -> Script.staleNonce(r, REALM, "nonce-3"))
                .respond(r -> Script.staleNonce(r, REALM, "nonce-4"));

        StepVerifier.create(new TurnClient(udpRequest()).allocate())
                .verifyErrorSatisfies(errorResponse(438, "Stale Nonce"));

        assertThat(udp.sent()).hasSize(4);
        assertMd5Allocate(udp.sent().get(1), SERVER, "nonce-1");
        assertMd5Allocate(udp.sent().get(2), SERVER, "nonce-2");
        assertMd5Allocate(udp.sent().get(3), SERVER, "nonce-3");
    }

    @Test
    void followsA300OverUdpFromTheSameSocket() {
        script.respond(r -> Script.error(r, 300, "Try Alternate", new AlternateServer(ALTERNATE)))
                .respond(r -> Script.unauthorized(r, REALM, "nonce-b"))
                .respond(TurnFixture::allocated);

        StepVerifier.create(new TurnClient(udpRequest()).allocate()).assertNext(allocation -> {
            assertThat(allocation.serverAddress()).isEqualTo(ALTERNATE);
            assertThat(allocation.transport()).isSameAs(udp);
            assertThat(allocation.ownsTransport()).isFalse();
        }).verifyComplete();

        List<Sent> sent = udp.sent();
        assertThat(sent).hasSize(3);
        assertUnauthenticatedAllocate(sent.get(0), SERVER);
        assertUnauthenticatedAllocate(sent.get(1), ALTERNATE);
        assertMd5Allocate(sent.get(2), ALTERNATE, "nonce-b");
        assertThat(factory.opens()).isEmpty();
        assertThat(udp.closes()).isZero();
    }

    @Test
    void signsTheFirstAllocateToTheAlternateWithTheRealmAndNonceOfThe300() {
        script.respond(r -> Script.unauthorized(r, REALM, "nonce-1"))
                .respond(r -> Script.error(r, 300, "Try Alternate", new AlternateServer(ALTERNATE),
                        new Realm(REALM), new Nonce("nonce-from-300")))
                .respond(TurnFixture::allocated);

        StepVerifier.create(new TurnClient(udpRequest()).allocate())
                .assertNext(allocation -> assertThat(allocation.serverAddress()).isEqualTo(ALTERNATE))
                .verifyComplete();

        assertMd5Allocate(udp.sent().get(1), SERVER, "nonce-1");
        assertMd5Allocate(udp.sent().get(2), ALTERNATE, "nonce-from-300");
    }

    @Test
    void followsA300OverTcpOnANewConnectionAndClosesTheOldOne() {
        ScriptedTransport tcp = new ScriptedTransport(script, HOST, ServerTransport.TCP);
        TurnRequest request = new TurnRequest(tcp, true, SERVER, HOST_NAME, ServerTransport.TCP,
                StunCredentials.of(USER, PASSWORD), null, SOFTWARE, TIMERS, factory, scheduler);
        script.respond(r -> Script.unauthorized(r, REALM, "nonce-1"))
                .respond(r -> Script.error(r, 300, "Try Alternate", new AlternateServer(ALTERNATE)))
                .respond(r -> Script.unauthorized(r, REALM, "nonce-b"))
                .respond(TurnFixture::allocated);

        StepVerifier.create(new TurnClient(request).allocate()).assertNext(allocation -> {
            assertThat(allocation.serverAddress()).isEqualTo(ALTERNATE);
            assertThat(allocation.transport()).isSameAs(factory.opens().get(0).opened());
            assertThat(allocation.ownsTransport()).isTrue();
        }).verifyComplete();

        assertThat(factory.opens()).singleElement().satisfies(open -> {
            assertThat(open.localAddress()).isEqualTo(HOST.getAddress());
            assertThat(open.server()).isEqualTo(ALTERNATE);
            assertThat(open.tlsHostName()).isNull();
        });
        assertThat(tcp.sent()).hasSize(2);
        assertThat(tcp.closes()).isEqualTo(1);
        ScriptedTransport fresh = factory.opens().get(0).opened();
        assertThat(fresh.sent()).hasSize(2);
        assertUnauthenticatedAllocate(fresh.sent().get(0), ALTERNATE);
        assertMd5Allocate(fresh.sent().get(1), ALTERNATE, "nonce-b");
        assertThat(fresh.closes()).isZero();
    }

    @Test
    void followsA300OverTlsVerifyingTheAlternateDomainAndKeepsATransportItDoesNotOwn() {
        ScriptedTransport tls = new ScriptedTransport(script, HOST, ServerTransport.TLS);
        TurnRequest request = new TurnRequest(tls, false, SERVER, HOST_NAME, ServerTransport.TLS,
                StunCredentials.of(USER, PASSWORD), null, SOFTWARE, TIMERS, factory, scheduler);
        InetSocketAddress third = new InetSocketAddress("127.0.0.1", 5349);
        script.respond(r -> Script.error(r, 300, "Try Alternate", new AlternateServer(ALTERNATE),
                        new AlternateDomain("alt.example.org")))
                .respond(r -> Script.error(r, 300, "Try Alternate", new AlternateServer(third)))
                .respond(TurnFixture::allocated);

        StepVerifier.create(new TurnClient(request).allocate())
                .assertNext(allocation -> assertThat(allocation.serverAddress()).isEqualTo(third))
                .verifyComplete();

        List<Open> opens = factory.opens();
        assertThat(opens).extracting(Open::server).containsExactly(ALTERNATE, third);
        assertThat(opens).extracting(Open::tlsHostName).containsExactly("alt.example.org", "alt.example.org");
        assertThat(tls.closes()).isZero();
        assertThat(opens.get(0).opened().closes()).isEqualTo(1);
        assertThat(opens.get(1).opened().closes()).isZero();
    }

    static Stream<Arguments> rejectedRedirects() {
        return Stream.of(
                Arguments.of("loop back to the original server", SERVER, SERVER, "already attempted"),
                Arguments.of("another address family", SERVER, new InetSocketAddress("::1", 3478), "family"),
                Arguments.of("loopback from a public server", new InetSocketAddress("192.0.2.10", 3478), ALTERNATE,
                        "loopback"),
                Arguments.of("a system port", SERVER, new InetSocketAddress("127.0.0.1", 25), "port 25"),
                Arguments.of("none given", SERVER, null, "no ALTERNATE-SERVER"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejectedRedirects")
    void rejectsA300Redirect(String name, InetSocketAddress server, InetSocketAddress alternate, String why) {
        TurnRequest request = new TurnRequest(udp, false, server, HOST_NAME, ServerTransport.UDP,
                StunCredentials.of(USER, PASSWORD), null, SOFTWARE, TIMERS, factory, scheduler);
        script.respond(r -> alternate == null ? Script.error(r, 300, "Try Alternate")
                : Script.error(r, 300, "Try Alternate", new AlternateServer(alternate)));

        StepVerifier.create(new TurnClient(request).allocate()).verifyErrorSatisfies(rejectedRedirect(why));
        assertThat(udp.sent()).hasSize(1);
        assertThat(factory.opens()).isEmpty();
    }

    @Test
    void rejectsTheFourthRedirectAndAPingPong() {
        script.respond(r -> Script.error(r, 300, "Try Alternate", new AlternateServer(ALTERNATE)))
                .respond(r -> Script.error(r, 300, "Try Alternate",
                        new AlternateServer(new InetSocketAddress("127.0.0.1", 3480))))
                .respond(r -> Script.error(r, 300, "Try Alternate",
                        new AlternateServer(new InetSocketAddress("127.0.0.1", 3481))))
                .respond(r -> Script.error(r, 300, "Try Alternate",
                        new AlternateServer(new InetSocketAddress("127.0.0.1", 3482))));

        StepVerifier.create(new TurnClient(udpRequest()).allocate())
                .verifyErrorSatisfies(rejectedRedirect("already followed 3 redirects"));
        assertThat(udp.sent()).extracting(s -> s.destination().getPort()).containsExactly(3478, 3479, 3480, 3481);

        Script pingPong = new Script(scheduler);
        ScriptedTransport socket = new ScriptedTransport(pingPong, HOST, ServerTransport.UDP);
        pingPong.respond(r -> Script.error(r, 300, "Try Alternate", new AlternateServer(ALTERNATE)))
                .respond(r -> Script.error(r, 300, "Try Alternate", new AlternateServer(SERVER)));
        TurnRequest request = new TurnRequest(socket, false, SERVER, HOST_NAME, ServerTransport.UDP,
                StunCredentials.of(USER, PASSWORD), null, SOFTWARE, TIMERS, factory, scheduler);
        StepVerifier.create(new TurnClient(request).allocate())
                .verifyErrorSatisfies(rejectedRedirect(SERVER + " was already attempted"));
    }

    @Test
    void retriesA437OnFreshSocketsTwiceThenFails() {
        script.respond(r -> Script.unauthorized(r, REALM, "nonce-1"))
                .respond(r -> Script.error(r, 437, "Allocation Mismatch"))
                .respond(r -> Script.unauthorized(r, REALM, "nonce-2"))
                .respond(r -> Script.error(r, 437, "Allocation Mismatch"))
                .respond(r -> Script.error(r, 437, "Allocation Mismatch"));

        StepVerifier.create(new TurnClient(udpRequest()).allocate())
                .verifyErrorSatisfies(errorResponse(437, "Allocation Mismatch"));

        List<Open> opens = factory.opens();
        assertThat(opens).hasSize(2).allSatisfy(open -> {
            assertThat(open.localAddress()).isEqualTo(HOST.getAddress());
            assertThat(open.server()).isNull();
            assertThat(open.opened().transport()).isEqualTo(ServerTransport.UDP);
            assertThat(open.opened().closes()).isEqualTo(1);
        });
        assertThat(udp.sent()).hasSize(2);
        assertThat(udp.closes()).isZero();
        ScriptedTransport first = opens.get(0).opened();
        assertThat(first.sent()).hasSize(2);
        assertUnauthenticatedAllocate(first.sent().get(0), SERVER);
        assertMd5Allocate(first.sent().get(1), SERVER, "nonce-2");
        assertThat(opens.get(1).opened().sent()).singleElement()
                .satisfies(s -> assertUnauthenticatedAllocate(s, SERVER));
    }

    @Test
    void succeedsOnTheFreshSocketAfterA437AndOwnsIt() {
        script.respond(r -> Script.error(r, 437, "Allocation Mismatch")).respond(TurnFixture::allocated);

        StepVerifier.create(new TurnClient(udpRequest()).allocate()).assertNext(allocation -> {
            assertThat(allocation.transport()).isSameAs(factory.opens().get(0).opened());
            assertThat(allocation.ownsTransport()).isTrue();
            assertThat(allocation.transport().isOpen()).isTrue();
        }).verifyComplete();
    }

    @Test
    void failsWithTheServersCodeAndReasonForOtherErrors() {
        script.respond(r -> Script.unauthorized(r, REALM, "nonce-1"))
                .respond(r -> Script.error(r, 486, "Allocation Quota Reached"));

        StepVerifier.create(new TurnClient(udpRequest()).allocate())
                .verifyErrorSatisfies(errorResponse(486, "Allocation Quota Reached"));
        assertThat(udp.closes()).isZero();
    }

    @Test
    void failsWith600WhenTheErrorResponseHasNoErrorCode() {
        script.respond(r -> StunMessage.builder(StunClass.ERROR_RESPONSE, StunMethod.ALLOCATE)
                .transactionId(r.transactionId()).build());

        StepVerifier.create(new TurnClient(udpRequest()).allocate())
                .verifyErrorSatisfies(errorResponse(600, "TURN allocate response with no error code attribute."));
    }

    @Test
    void failsWith600AndDeletesWhenTheSuccessHasNoRelayedAddress() {
        script.respond(r -> Script.unauthorized(r, REALM, "nonce-1"))
                .respond(r -> Script.success(r, new XorMappedAddress(MAPPED), new Lifetime(600)))
                .respond(r -> Script.success(r, new Lifetime(0)));

        StepVerifier.create(new TurnClient(udpRequest()).allocate())
                .verifyErrorSatisfies(errorResponse(600, TurnClient.NO_RELAYED_ADDRESS));

        assertThat(udp.sent()).hasSize(3);
        assertMd5Request(udp.sent().get(2), StunMethod.REFRESH, "nonce-1", new Lifetime(0), new Software(SOFTWARE));
    }

    @Test
    void propagatesATimeoutAfterTheTransactionTimers() {
        script.timeout(TIMERS.udpTimeout());

        StepVerifier.create(new TurnClient(udpRequest()).allocate())
                .then(() -> scheduler.advanceTimeBy(TIMERS.udpTimeout().minusMillis(1)))
                .expectNoEvent(Duration.ZERO)
                .then(() -> scheduler.advanceTimeBy(Duration.ofMillis(1)))
                .verifyErrorSatisfies(failure -> assertThat(failure)
                        .isInstanceOf(StunTransportException.Timeout.class)
                        .hasMessage("TURN allocate request timed out."));
    }

    @Test
    void propagatesAnUnreachableServerAfterA437OverTcp() {
        ScriptedTransport tcp = new ScriptedTransport(script, HOST, ServerTransport.TCP);
        TurnRequest request = new TurnRequest(tcp, true, SERVER, HOST_NAME, ServerTransport.TCP,
                StunCredentials.of(USER, PASSWORD), null, SOFTWARE, TIMERS, factory, scheduler);
        factory.failWith(new StunTransportException.Unreachable("TCP connection refused.", null));
        script.respond(r -> Script.error(r, 437, "Allocation Mismatch"));

        StepVerifier.create(new TurnClient(request).allocate()).verifyErrorSatisfies(failure -> assertThat(failure)
                .isInstanceOf(StunTransportException.Unreachable.class).hasMessage("TCP connection refused."));
        assertThat(tcp.closes()).isEqualTo(1);
        assertThat(factory.opens()).singleElement().satisfies(open -> {
            assertThat(open.server()).isEqualTo(SERVER);
            assertThat(open.tlsHostName()).isNull();
        });
    }

    @Test
    void cancelMidRedirectOverTcpClosesTheOldConnectionAndOpensNothing() {
        ScriptedTransport tcp = new ScriptedTransport(script, HOST, ServerTransport.TCP);
        TurnRequest request = new TurnRequest(tcp, true, SERVER, HOST_NAME, ServerTransport.TCP,
                StunCredentials.of(USER, PASSWORD), null, SOFTWARE, TIMERS, factory, scheduler);
        factory.delayOpens(Duration.ofSeconds(2), scheduler);
        script.respond(r -> Script.error(r, 300, "Try Alternate", new AlternateServer(ALTERNATE)));

        Disposable subscription = new TurnClient(request).allocate().subscribe();
        assertThat(tcp.closes()).isEqualTo(1);
        subscription.dispose();
        scheduler.advanceTimeBy(Duration.ofMinutes(1));

        assertThat(factory.opens()).isEmpty();
        assertThat(tcp.closes()).isEqualTo(1);
        assertThat(script.sent()).hasSize(1);
    }

    @Test
    void cancelWhileUnauthenticatedSendsNothingMoreAndClosesAnOwnedTransport() {
        ScriptedTransport tcp = new ScriptedTransport(script, HOST, ServerTransport.TCP);
        TurnRequest request = new TurnRequest(tcp, true, SERVER, HOST_NAME, ServerTransport.TCP,
                StunCredentials.of(USER, PASSWORD), null, SOFTWARE, TIMERS, factory, scheduler);
        script.silence();

        Disposable subscription = new TurnClient(request).allocate().subscribe();
        subscription.dispose();

        assertThat(tcp.sent()).hasSize(1);
        assertThat(tcp.cancelledTransactions()).isEqualTo(1);
        assertThat(tcp.closes()).isEqualTo(1);
    }

    @Test
    void cancelDuringARetransmissionWaitStopsItsTimer() {
        script.respondAfter(Duration.ofSeconds(5), r -> Script.unauthorized(r, REALM, "nonce-1"));

        Disposable subscription = new TurnClient(udpRequest()).allocate().subscribe();
        subscription.dispose();

        scheduler.advanceTimeBy(Duration.ofMinutes(1));
        assertThat(script.firedTimers()).isZero();
        assertThat(udp.cancelledTransactions()).isEqualTo(1);
        assertThat(udp.sent()).hasSize(1);
        assertThat(udp.closes()).isZero();
    }

    @Test
    void closesTransportsItOpenedWhenTheAllocationFails() {
        script.respond(r -> Script.error(r, 437, "Allocation Mismatch"))
                .respond(r -> Script.error(r, 508, "Insufficient Capacity"));

        StepVerifier.create(new TurnClient(udpRequest()).allocate())
                .verifyErrorSatisfies(errorResponse(508, "Insufficient Capacity"));
        assertThat(factory.opens().get(0).opened().closes()).isEqualTo(1);
        assertThat(udp.closes()).isZero();
    }

    @Test
    void rejectsAnInconsistentRequest() {
        TurnRequest ok = udpRequest();
        ScriptedTransport tls = new ScriptedTransport(script, HOST, ServerTransport.TLS);
        assertThatThrownBy(() -> new TurnRequest(tls, false, SERVER, HOST_NAME, ServerTransport.TCP,
                ok.credentials(), null, null, TIMERS, factory, scheduler))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("transport must be TCP, got TLS");
        assertThatThrownBy(() -> new TurnRequest(udp, false, InetSocketAddress.createUnresolved("turn", 3478),
                HOST_NAME, ServerTransport.UDP, ok.credentials(), null, null, TIMERS, factory, scheduler))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("serverAddress must be a resolved");
        assertThatThrownBy(() -> new TurnRequest(udp, false, SERVER, HOST_NAME, ServerTransport.UDP,
                ok.credentials(), Duration.ZERO, null, TIMERS, factory, scheduler))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requestedLifetime must be 1 s");
        assertThatThrownBy(() -> new TurnRequest(udp, false, SERVER, "", ServerTransport.UDP,
                ok.credentials(), null, null, TIMERS, factory, scheduler))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("serverHostName must not be empty");
        assertThatThrownBy(() -> new TurnRequest(udp, false, SERVER, HOST_NAME, ServerTransport.UDP,
                null, null, null, TIMERS, factory, scheduler))
                .isInstanceOf(NullPointerException.class).hasMessage("credentials");
    }

    @Test
    void readsTheSecurityFeaturesOfTheNonceCookie() {
        assertThat(TurnAuth.securityFeatures(NONCE_ALGORITHMS)).isEqualTo(TurnAuth.PASSWORD_ALGORITHMS_FEATURE);
        assertThat(TurnAuth.securityFeatures(NONCE_ALGORITHMS_USERHASH))
                .isEqualTo(TurnAuth.PASSWORD_ALGORITHMS_FEATURE | TurnAuth.USERNAME_ANONYMITY_FEATURE);
        assertThat(TurnAuth.securityFeatures("obMatJos2QAAA")).isEqualTo(TurnAuth.USERNAME_ANONYMITY_FEATURE);
        assertThat(TurnAuth.securityFeatures("obMatJos2")).isZero();
        assertThat(TurnAuth.securityFeatures("obMatJos2!!!!rest")).isZero();
        assertThat(TurnAuth.securityFeatures("gAAAobMatJos2")).isZero();
    }
}
