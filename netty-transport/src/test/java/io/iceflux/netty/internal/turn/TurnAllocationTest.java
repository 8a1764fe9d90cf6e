package io.iceflux.netty.internal.turn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.netty.internal.transport.StunTransportException;
import io.iceflux.netty.internal.turn.ScriptedTransport.Sent;
import io.iceflux.netty.stun.StunAttribute.Lifetime;
import io.iceflux.netty.stun.StunAttribute.Software;
import io.iceflux.netty.stun.StunAttribute.XorPeerAddress;
import io.iceflux.netty.stun.StunMethod;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

class TurnAllocationTest extends TurnFixture {

    /** Allocate over the shared UDP socket (401 then success, lifetime 600 s). */
    private TurnAllocation allocation() {
        script.respond(r -> Script.unauthorized(r, REALM, "nonce-1")).respond(TurnFixture::allocated);
        TurnAllocation allocation = new TurnClient(udpRequest()).allocate().block();
        assertThat(script.exhausted()).isTrue();
        return allocation;
    }

    /** Allocate on a fresh socket the client opened after a 437, so the allocation owns it. */
    private TurnAllocation ownedAllocation() {
        script.respond(r -> Script.error(r, 437, "Allocation Mismatch"))
                .respond(r -> Script.unauthorized(r, REALM, "nonce-1"))
                .respond(TurnFixture::allocated);
        TurnAllocation allocation = new TurnClient(udpRequest()).allocate().block();
        assertThat(allocation.ownsTransport()).isTrue();
        return allocation;
    }

    private List<Sent> sentAfterAllocation(int allocationRequests) {
        List<Sent> all = script.sent();
        return all.subList(allocationRequests, all.size());
    }

    @Test
    void refreshIsAuthenticatedAndTakesTheGrantedLifetime() {
        TurnAllocation allocation = allocation();
        script.respond(r -> Script.success(r, new Lifetime(300)));

        StepVerifier.create(allocation.refresh(Duration.ofMinutes(15))).verifyComplete();

        assertThat(allocation.lifetime()).isEqualTo(Duration.ofSeconds(300));
        assertThat(sentAfterAllocation(2)).singleElement().satisfies(s -> assertMd5Request(s, StunMethod.REFRESH,
                "nonce-1", new Lifetime(900), new Software(SOFTWARE)));
    }

    @Test
    void refreshWithoutLifetimeInTheAnswerKeepsTheRequestedOne() {
        TurnAllocation allocation = allocation();
        script.respond(r -> Script.success(r));

        StepVerifier.create(allocation.refresh(Duration.ofSeconds(420))).verifyComplete();
        assertThat(allocation.lifetime()).isEqualTo(Duration.ofSeconds(420));
    }

    @Test
    void refreshRetriesWithTheNewNonceAfter438() {
        TurnAllocation allocation = allocation();
        script.respond(r -> Script.staleNonce(r, REALM, "nonce-2"))
                .respond(r -> Script.success(r, new Lifetime(600)));

        StepVerifier.create(allocation.refresh(Duration.ofSeconds(600))).verifyComplete();

        List<Sent> refreshes = sentAfterAllocation(2);
        assertThat(refreshes).hasSize(2);
        assertMd5Request(refreshes.get(0), StunMethod.REFRESH, "nonce-1", new Lifetime(600), new Software(SOFTWARE));
        assertMd5Request(refreshes.get(1), StunMethod.REFRESH, "nonce-2", new Lifetime(600), new Software(SOFTWARE));
        assertThat(allocation.auth().nonce()).isEqualTo("nonce-2");
    }

    @Test
    void refreshFailsWith438AfterTwoRetriesAndWithOtherErrorsVerbatim() {
        TurnAllocation allocation = allocation();
        script.respond(r -> Script.staleNonce(r, REALM, "nonce-2"))
                .respond(r -> Script.staleNonce(r, REALM, "nonce-3"))
                .respond(r -> Script.staleNonce(r, REALM, "nonce-4"))
                .respond(r -> Script.error(r, 403, "Forbidden"));

        StepVerifier.create(allocation.refresh(Duration.ofSeconds(600))).verifyErrorSatisfies(failure -> {
            assertThat(failure).isInstanceOf(StunTransportException.ErrorResponse.class).hasMessage("438 Stale Nonce");
        });
        assertThat(sentAfterAllocation(2)).hasSize(3);
        StepVerifier.create(allocation.refresh(Duration.ofSeconds(600))).verifyErrorSatisfies(failure -> {
            assertThat(failure).isInstanceOf(StunTransportException.ErrorResponse.class).hasMessage("403 Forbidden");
            assertThat(((StunTransportException.ErrorResponse) failure).response().method())
                    .isEqualTo(StunMethod.REFRESH);
        });
    }

    @Test
    void permitSendsOneSignedCreatePermissionWithEveryPeerAndAnswers438() {
        TurnAllocation allocation = allocation();
        InetSocketAddress peer = new InetSocketAddress("192.0.2.7", 40_000);
        script.respond(r -> Script.staleNonce(r, REALM, "nonce-2")).respond(r -> Script.success(r));

        StepVerifier.create(allocation.permit(List.of(RELAYED, peer))).verifyComplete();

        List<Sent> permissions = sentAfterAllocation(2);
        assertThat(permissions).hasSize(2);
        assertMd5Request(permissions.get(0), StunMethod.CREATE_PERMISSION, "nonce-1", new XorPeerAddress(RELAYED),
                new XorPeerAddress(peer), new Software(SOFTWARE));
        assertMd5Request(permissions.get(1), StunMethod.CREATE_PERMISSION, "nonce-2", new XorPeerAddress(RELAYED),
                new XorPeerAddress(peer), new Software(SOFTWARE));
    }

    @Test
    void permitFailsWithTheServersErrorVerbatimAndOnceReleased() {
        TurnAllocation allocation = allocation();
        script.respond(r -> Script.error(r, 403, "Forbidden"));

        StepVerifier.create(allocation.permit(List.of(RELAYED))).verifyErrorSatisfies(failure ->
                assertThat(failure).isInstanceOf(StunTransportException.ErrorResponse.class)
                        .hasMessage("403 Forbidden"));

        script.respond(r -> Script.success(r));
        allocation.release().block();
        StepVerifier.create(allocation.permit(List.of(RELAYED))).verifyError(IllegalStateException.class);
    }

    @Test
    void refreshRejectsALifetimeOutOfRange() {
        TurnAllocation allocation = allocation();
        assertThatThrownBy(() -> allocation.refresh(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("refresh lifetime must be 1 s to 4294967295 s, got PT0S");
        assertThatThrownBy(() -> allocation.refresh(Duration.ofSeconds(1L << 32)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void schedulesRefreshesLikeLibwebrtc() {
        assertThat(TurnAllocation.refreshDelay(Duration.ofSeconds(600))).isEqualTo(Duration.ofSeconds(540));
        assertThat(TurnAllocation.refreshDelay(Duration.ofSeconds(120))).isEqualTo(Duration.ofSeconds(60));
        assertThat(TurnAllocation.refreshDelay(Duration.ofSeconds(119))).isEqualTo(Duration.ofMillis(59_500));
        assertThat(TurnAllocation.refreshDelay(Duration.ofSeconds(3660))).isEqualTo(Duration.ofMinutes(59));
        assertThat(TurnAllocation.refreshDelay(Duration.ofHours(10))).isEqualTo(Duration.ofMinutes(59));
    }

    @Test
    void keepAliveRefreshesSixtySecondsBeforeTheLifetimeEnds() {
        TurnAllocation allocation = allocation();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        script.respond(r -> Script.success(r, new Lifetime(100)))
                .respond(r -> Script.success(r, new Lifetime(100)));

        Disposable keepAlive = allocation.keepAlive(failures::add);
        scheduler.advanceTimeBy(Duration.ofSeconds(539));
        assertThat(sentAfterAllocation(2)).isEmpty();
        scheduler.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(sentAfterAllocation(2)).singleElement().satisfies(s -> assertMd5Request(s, StunMethod.REFRESH,
                "nonce-1", new Lifetime(600), new Software(SOFTWARE)));
        assertThat(allocation.lifetime()).isEqualTo(Duration.ofSeconds(100));

        scheduler.advanceTimeBy(Duration.ofSeconds(49));
        assertThat(sentAfterAllocation(2)).hasSize(1);
        scheduler.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(sentAfterAllocation(2)).hasSize(2);
        assertMd5Request(sentAfterAllocation(2).get(1), StunMethod.REFRESH, "nonce-1", new Lifetime(100),
                new Software(SOFTWARE));

        keepAlive.dispose();
        scheduler.advanceTimeBy(Duration.ofHours(1));
        assertThat(sentAfterAllocation(2)).hasSize(2);
        assertThat(failures).isEmpty();
    }

    @Test
    void keepAliveReportsTheFirstFailedRefreshAndStops() {
        TurnAllocation allocation = allocation();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        script.respond(r -> Script.error(r, 437, "Allocation Mismatch"));

        Disposable keepAlive = allocation.keepAlive(failures::add);
        scheduler.advanceTimeBy(Duration.ofSeconds(540));

        assertThat(failures).singleElement().satisfies(failure -> assertThat(failure)
                .isInstanceOf(StunTransportException.ErrorResponse.class).hasMessage("437 Allocation Mismatch"));
        scheduler.advanceTimeBy(Duration.ofHours(2));
        assertThat(sentAfterAllocation(2)).hasSize(1);
        assertThat(keepAlive.isDisposed()).isFalse();
    }

    @Test
    void keepAliveReportsATimeoutUnderVirtualTime() {
        TurnAllocation allocation = allocation();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        script.timeout(TIMERS.udpTimeout());

        allocation.keepAlive(failures::add);
        scheduler.advanceTimeBy(Duration.ofSeconds(540).plus(TIMERS.udpTimeout()).minusMillis(1));
        assertThat(failures).isEmpty();
        scheduler.advanceTimeBy(Duration.ofMillis(1));
        assertThat(failures).singleElement().isInstanceOf(StunTransportException.Timeout.class);
    }

    @Test
    void releaseDeletesTheAllocationAndKeepsTheSharedSocketOpen() {
        TurnAllocation allocation = allocation();
        script.respond(r -> Script.success(r));

        StepVerifier.create(allocation.release()).verifyComplete();
        StepVerifier.create(allocation.release()).verifyComplete();

        assertThat(sentAfterAllocation(2)).singleElement().satisfies(s -> assertMd5Request(s, StunMethod.REFRESH,
                "nonce-1", new Lifetime(0), new Software(SOFTWARE)));
        assertThat(udp.closes()).isZero();
        assertThat(udp.isOpen()).isTrue();
    }

    @Test
    void releaseAccepts437AndClosesAnOwnedSocket() {
        TurnAllocation allocation = ownedAllocation();
        ScriptedTransport fresh = (ScriptedTransport) allocation.transport();
        script.respond(r -> Script.error(r, 437, "Allocation Mismatch"));

        StepVerifier.create(allocation.release()).verifyComplete();

        assertThat(fresh.sent()).hasSize(3);
        assertMd5Request(fresh.sent().get(2), StunMethod.REFRESH, "nonce-1", new Lifetime(0), new Software(SOFTWARE));
        assertThat(fresh.closes()).isEqualTo(1);
        assertThat(udp.closes()).isZero();
    }

    @Test
    void releaseRetriesA438WithTheNewNonce() {
        TurnAllocation allocation = allocation();
        script.respond(r -> Script.staleNonce(r, REALM, "nonce-2")).respond(r -> Script.success(r));

        StepVerifier.create(allocation.release()).verifyComplete();

        assertMd5Request(sentAfterAllocation(2).get(1), StunMethod.REFRESH, "nonce-2", new Lifetime(0),
                new Software(SOFTWARE));
    }

    @Test
    void releaseIsBoundedByTheTimersAndStillClosesAnOwnedSocket() {
        TurnAllocation allocation = ownedAllocation();
        ScriptedTransport fresh = (ScriptedTransport) allocation.transport();
        script.timeout(TIMERS.udpTimeout());

        StepVerifier.create(allocation.release())
                .then(() -> scheduler.advanceTimeBy(TIMERS.udpTimeout()))
                .verifyError(StunTransportException.Timeout.class);
        assertThat(fresh.closes()).isEqualTo(1);
        StepVerifier.create(allocation.release()).verifyComplete();
        assertThat(fresh.sent()).hasSize(3);
    }

    @Test
    void cancellingReleaseStillClosesAnOwnedSocket() {
        TurnAllocation allocation = ownedAllocation();
        ScriptedTransport fresh = (ScriptedTransport) allocation.transport();
        script.silence();

        allocation.release().subscribe().dispose();

        assertThat(fresh.cancelledTransactions()).isEqualTo(1);
        assertThat(fresh.closes()).isEqualTo(1);
    }

    @Test
    void releaseStopsTheKeepAliveAndLaterRefreshesFail() {
        TurnAllocation allocation = allocation();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Disposable keepAlive = allocation.keepAlive(failures::add);
        script.respond(r -> Script.success(r));

        StepVerifier.create(allocation.release()).verifyComplete();
        scheduler.advanceTimeBy(Duration.ofHours(1));

        assertThat(keepAlive.isDisposed()).isTrue();
        assertThat(failures).isEmpty();
        assertThat(sentAfterAllocation(2)).hasSize(1);
        StepVerifier.create(allocation.refresh(Duration.ofSeconds(600))).verifyErrorSatisfies(failure -> assertThat(
                failure).isInstanceOf(IllegalStateException.class)
                .hasMessage("the TURN allocation on " + SERVER + " is released"));
        assertThat(allocation.keepAlive(failures::add).isDisposed()).isTrue();
    }

    @Test
    void exposesWhatItWasGranted() {
        TurnAllocation allocation = allocation();
        assertThat(allocation.relayedAddress()).isEqualTo(RELAYED);
        assertThat(allocation.mappedAddress()).isEqualTo(MAPPED);
        assertThat(allocation.lifetime()).isEqualTo(Duration.ofSeconds(600));
        assertThat(allocation.serverAddress()).isEqualTo(SERVER);
        assertThat(allocation.transport()).isSameAs(udp);
        assertThat(allocation.ownsTransport()).isFalse();
        assertThat(allocation.toString()).contains(RELAYED.toString()).doesNotContain(PASSWORD);
        assertThat(allocation.auth().toString()).contains("nonce-1").doesNotContain(PASSWORD);
    }
}
