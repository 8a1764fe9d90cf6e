package io.iceflux.netty.faults;

import io.iceflux.netty.fixtures.TestLoops;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.HostInterfaces;
import io.iceflux.IceConfiguration;
import io.iceflux.IceServer;
import io.iceflux.IceTransportPolicy;
import io.iceflux.StunTimers;
import io.iceflux.netty.NettyIceGatherer;
import io.iceflux.netty.coturn.Coturn;
import io.iceflux.netty.coturn.CoturnException;
import io.iceflux.netty.coturn.CoturnExtension;
import io.iceflux.netty.faults.FaultProxy.Direction;
import io.iceflux.netty.faults.FaultProxy.Out;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;

/**
 * Closing a gatherer right after cancelling a gathering whose authenticated Allocate is in flight: {@code close()} and
 * {@code disposeLater()} wait until the cancelled gathering has let its Allocate finish and deleted the allocation,
 * so coturn holds none when they return, within {@code closeTimeout}. The Allocate success is held back by a proxy for
 * {@value #HELD_MILLIS} ms, so the wait is visible.
 */
class GathererCloseTest {

    @RegisterExtension
    static final CoturnExtension COTURN = new CoturnExtension(Coturn.builder().tls(false));

    static final long HELD_MILLIS = 500;
    /** How long coturn takes to drop a deleted allocation from its count (its timer runs every second). */
    static final Duration COTURN_REMOVAL = Duration.ofMillis(2500);
    static final StunTimers FAST = StunTimers.rfc8489().withInitialRto(Duration.ofMillis(300)).withMaxRequests(3)
            .withLastWaitMultiplier(2);

    /** Holds the Allocate success back; tells when the authenticated Allocate went out. */
    final CompletableFuture<Void> authenticatedAllocateSent = new CompletableFuture<>();

    @AfterEach
    void nothingLeftOnTheSharedCoturn() {
        coturn().awaitAllocationCount(0, Duration.ofSeconds(5));
    }

    static Coturn coturn() {
        return COTURN.coturn();
    }

    @Test
    void closeWaitsForTheCancelledAllocateToBeAnsweredAndDeleted() throws Exception {
        try (FaultProxy proxy = FaultProxy.start(coturn().address(), holdAllocateSuccess())) {
            NettyIceGatherer gatherer = NettyIceGatherer.builder().threads(1).build();
            cancelDuringTheAuthenticatedAllocate(gatherer, proxy);

            long started = System.nanoTime();
            gatherer.close();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            List<FaultProxy.Packet> seenWhenClosed = proxy.seen();

            assertDeletedBeforeReturning(seenWhenClosed);
            assertThat(millis).as("close() waited for the held Allocate success and the delete")
                    .isGreaterThanOrEqualTo(HELD_MILLIS / 2)
                    .isLessThan(NettyIceGatherer.DEFAULT_CLOSE_TIMEOUT_SECONDS * 1000L);
            assertThatThrownBy(() -> gatherer.gather(config(proxy)).blockLast(Duration.ofSeconds(5)))
                    .isInstanceOf(IllegalStateException.class).hasMessage("this NettyIceGatherer is closed");
            gatherer.close(); // idempotent
        }
    }

    @Test
    void disposeLaterDoesTheSameWithoutBlocking() throws Exception {
        try (FaultProxy proxy = FaultProxy.start(coturn().address(), holdAllocateSuccess())) {
            NettyIceGatherer gatherer = NettyIceGatherer.builder().threads(1).build();
            cancelDuringTheAuthenticatedAllocate(gatherer, proxy);

            CompletableFuture<Void> disposed = gatherer.disposeLater().toFuture();
            assertThat(disposed).as("still waiting for the held Allocate success").isNotDone();
            disposed.get(10, TimeUnit.SECONDS);
            List<FaultProxy.Packet> seenWhenDisposed = proxy.seen();

            assertDeletedBeforeReturning(seenWhenDisposed);
            assertThat(gatherer.disposeLater().toFuture()).as("a second subscriber: already disposed")
                    .succeedsWithin(Duration.ofSeconds(1));
        }
    }

    /** The allocation this test leaves behind on purpose lives on a coturn of its own. */
    @Test
    void aCloseTimeoutOfZeroDoesNotWaitAndTheAllocationStays() throws Exception {
        try (Coturn own = Coturn.builder().tls(false).start();
                FaultProxy proxy = FaultProxy.start(own.address(), holdAllocateSuccess())) {
            NettyIceGatherer gatherer = NettyIceGatherer.builder().threads(1).closeTimeout(Duration.ZERO).build();
            Disposable gathering = gatherer.gather(config(own, proxy, FAST)).subscribe();
            authenticatedAllocateSent.get(10, TimeUnit.SECONDS);
            gathering.dispose();

            gatherer.close();

            // the held success reaches a closed socket: nobody is left to delete the allocation
            assertThat(proxy.seen()).extracting(FaultProxy.Packet::kind).doesNotContain("Refresh request");
            assertThatThrownBy(() -> own.awaitAllocationCount(0, COTURN_REMOVAL))
                    .as("the allocation is still there after longer than coturn takes to drop a deleted one")
                    .isInstanceOf(CoturnException.class).hasMessageContaining("still reports 1 allocation");
        }
    }

    /** The allocation this test leaves behind (its answers are dropped) lives on a coturn of its own. */
    @Test
    void theWaitIsBoundedByTheCloseTimeoutWhenTheServerFallsSilent() throws Exception {
        try (Coturn own = Coturn.builder().tls(false).start();
                FaultProxy proxy = FaultProxy.start(own.address(), p -> authenticated(p)
                        ? List.of() : List.of(Out.forward(p)))) {
            // RFC timers: the Allocate whose answers are dropped would run 39.5 s
            NettyIceGatherer gatherer = NettyIceGatherer.builder().threads(1).closeTimeout(Duration.ofMillis(500))
                    .build();
            Disposable gathering = gatherer.gather(config(own, proxy, StunTimers.rfc8489())).subscribe();
            authenticatedAllocateSent.get(10, TimeUnit.SECONDS);
            gathering.dispose();

            long started = System.nanoTime();
            gatherer.close();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            assertThat(millis).as("close() gave up after closeTimeout, then shut the loops down")
                    .isBetween(400L, 3_000L);
        }
    }

    @Test
    void closeOnTheGatherersOwnEventLoopIsRefused() throws Exception {
        EventLoopGroup group = TestLoops.nio(1, "close-test");
        try {
            NettyIceGatherer gatherer = NettyIceGatherer.builder().eventLoopGroup(group).build();
            assertThatThrownBy(() -> group.next().submit(gatherer::close).get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("disposeLater()");
            gatherer.close();
            assertThat(group.isShuttingDown()).as("a given group stays the caller's").isFalse();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /**
     * The held Allocate success reached the client, the delete (Refresh LIFETIME 0) went to coturn and its success
     * came back, all before close returned ({@code seen} is the proxy's record at that moment); coturn then counts no
     * allocation. Coturn drops a deleted allocation from its {@code ps} count on its own timer, about a second after
     * answering the delete, hence the short wait; without the delete the count stays 1 (see
     * {@link #aCloseTimeoutOfZeroDoesNotWaitAndTheAllocationStays}).
     */
    private static void assertDeletedBeforeReturning(List<FaultProxy.Packet> seen) {
        assertThat(seen).extracting(p -> p.direction() + " " + p.kind())
                .containsSubsequence("TO_CLIENT Allocate success", "TO_SERVER Refresh request",
                        "TO_CLIENT Refresh success");
        coturn().awaitAllocationCount(0, COTURN_REMOVAL);
    }

    /** Subscribe, wait until the authenticated Allocate went out to coturn, cancel. */
    private void cancelDuringTheAuthenticatedAllocate(NettyIceGatherer gatherer, FaultProxy proxy) throws Exception {
        Disposable gathering = gatherer.gather(config(coturn(), proxy, FAST)).subscribe();
        authenticatedAllocateSent.get(10, TimeUnit.SECONDS);
        gathering.dispose();
    }

    /** Forward everything but hold the Allocate success back for {@value #HELD_MILLIS} ms. */
    private FaultProxy.Rule holdAllocateSuccess() {
        return p -> {
            authenticated(p);
            return p.direction() == Direction.TO_CLIENT && p.kind().equals("Allocate success")
                    ? List.of(Out.delayed(p, HELD_MILLIS)) : List.of(Out.forward(p));
        };
    }

    /** Whether {@code p} is the authenticated Allocate (the second one); completes the future when it is. */
    private boolean authenticated(FaultProxy.Packet p) {
        boolean second = p.direction() == Direction.TO_SERVER && p.kind().equals("Allocate request")
                && p.occurrence() >= 1;
        if (second) {
            authenticatedAllocateSent.complete(null);
        }
        return second;
    }

    private static IceConfiguration config(FaultProxy proxy) {
        return config(coturn(), proxy, FAST);
    }

    /** A relay-only gathering from 127.0.0.1 through {@code proxy} to {@code coturn}. */
    private static IceConfiguration config(Coturn coturn, FaultProxy proxy, StunTimers timers) {
        return IceConfiguration.builder()
                .servers(List.of(IceServer.of(List.of("turn:127.0.0.1:" + proxy.port()), coturn.username(),
                        coturn.password())))
                .transportPolicy(IceTransportPolicy.RELAY)
                .stunTimers(timers)
                .hostInterfaces(HostInterfaces.loopbackOnly().ipv4Only())
                .build();
    }
}
