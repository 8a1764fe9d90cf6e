package io.iceflux.testkit;

import static io.iceflux.testkit.Gathering.config;
import static io.iceflux.testkit.Gathering.turn;
import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.IceConfiguration;
import io.iceflux.RelayCheck;
import io.iceflux.RelayCheckOptions;
import io.iceflux.netty.NettyIceGatherer;
import io.iceflux.netty.stun.StunClass;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The relay data-path check against the testkit server: what flows, what the server saw, what a fault does. */
class RelayCheckAgainstTestTurnServerTest {

    @RegisterExtension
    static final TestTurnServerExtension TURN = TestTurnServerExtension.perTest(TestTurnServer.builder());

    static final RelayCheckOptions OPTIONS = RelayCheckOptions.defaults().withInterval(Duration.ZERO)
            .withLinger(Duration.ofSeconds(3));

    static NettyIceGatherer gatherer;

    @BeforeAll
    static void startGatherer() {
        gatherer = NettyIceGatherer.builder().build();
    }

    @AfterAll
    static void stopGatherer() {
        gatherer.close();
    }

    @AfterEach
    void bothAllocationsDeleted() {
        server().awaitAllocationsAlive(0, Duration.ofSeconds(10));
    }

    static TestTurnServer server() {
        return TURN.server();
    }

    static List<RelayCheck> check(IceConfiguration config, RelayCheckOptions options) {
        return gatherer.checkRelays(config, options).collectList().block(Duration.ofSeconds(30));
    }

    @Test
    void udpRelayCarriesEveryPacketBothWays() {
        List<RelayCheck> checks = check(config(turn(server(), server().turnUdpUrl())).build(), OPTIONS);

        assertThat(checks).singleElement().satisfies(check -> {
            assertThat(check.url()).isEqualTo(server().turnUdpUrl());
            assertThat(check.ok()).as(check.detail()).isTrue();
            assertThat(check.sent()).isEqualTo(20);
            assertThat(check.received()).isEqualTo(20);
            assertThat(check.lossPercent()).isZero();
            assertThat(check.rttMs()).isNotNull().isPositive();
        });
        assertThat(server().allocationsCreated()).isEqualTo(2);
        assertThat(server().received(TurnMethod.CREATE_PERMISSION, StunClass.REQUEST)).isEqualTo(2);
        // 10 relay -> relay, 10 echoes relay -> relay, 10 echoes of what came from the server-reflexive address
        assertThat(server().received(TurnMethod.SEND, StunClass.INDICATION)).isEqualTo(30);
        // to the client: 10 relay -> relay, their 10 echoes, the 10 sent from the server-reflexive address straight
        // to a relayed address; the echoes of those leave the relay as plain datagrams to that address
        assertThat(server().sent(TurnMethod.DATA, StunClass.INDICATION)).isEqualTo(30);
        assertThat(server().packetsDropped()).isZero();
    }

    @Test
    void tcpRelayCarriesEveryPacketBetweenTwoAllocations() {
        List<RelayCheck> checks = check(config(turn(server(), server().turnTcpUrl())).build(),
                OPTIONS.withPackets(3));

        assertThat(checks).singleElement().satisfies(check -> {
            assertThat(check.ok()).as(check.detail()).isTrue();
            // 3 relay <-> relay, 3 from a UDP socket of this host to a relayed address
            assertThat(check.sent()).isEqualTo(6);
            assertThat(check.received()).isEqualTo(6);
            assertThat(check.lossPercent()).isZero();
        });
        assertThat(server().received(TurnMethod.SEND, StunClass.INDICATION)).isEqualTo(9);
    }

    @Test
    void aServerThatRelaysNothingFailsWithLoss100AndSaysWhatToCheck() {
        server().silent(TurnMethod.SEND);

        List<RelayCheck> checks = check(config(turn(server(), server().turnUdpUrl())).build(),
                OPTIONS.withLinger(Duration.ofMillis(300)));

        assertThat(checks).containsExactly(new RelayCheck(server().turnUdpUrl(), false, null, 100, 20, 0,
                "allocations succeeded but no relayed data arrived (20 sent, 0 received): check "
                        + "relay-ip/external-ip and the firewall for the relay port range"));
    }

    @Test
    void theWaitForEchoesRunsOnTheGatherersScheduler() {
        server().silent(TurnMethod.SEND);
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        try (NettyIceGatherer virtual = NettyIceGatherer.builder().scheduler(time).build()) {
            RelayCheckOptions hourLong = OPTIONS.withLinger(Duration.ofHours(1)).withDeadline(Duration.ofHours(2));
            AtomicReference<List<RelayCheck>> result = new AtomicReference<>();
            Disposable running = virtual.checkRelays(config(turn(server(), server().turnUdpUrl())).build(), hourLong)
                    .collectList().subscribe(result::set);
            try {
                // 10 relay -> relay and the 10 echoes of what came from the server-reflexive address: all dropped
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (server().received(TurnMethod.SEND, StunClass.INDICATION) < 20 && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
                }
                assertThat(server().received(TurnMethod.SEND, StunClass.INDICATION)).isEqualTo(20);
                time.advanceTimeBy(Duration.ofMinutes(59));
                assertThat(result.get()).isNull();

                time.advanceTimeBy(Duration.ofMinutes(1));
                deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (result.get() == null && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
                }
                assertThat(result.get()).containsExactly(new RelayCheck(server().turnUdpUrl(), false, null, 100, 20,
                        0, "allocations succeeded but no relayed data arrived (20 sent, 0 received): check "
                                + "relay-ip/external-ip and the firewall for the relay port range"));
            } finally {
                running.dispose();
            }
        }
    }

    @Test
    void aRefusedPermissionIsItsErrorWithCodeAndText() {
        server().respondWithError(TurnMethod.CREATE_PERMISSION, 403, "Forbidden");

        List<RelayCheck> checks = check(config(turn(server(), server().turnUdpUrl())).build(), OPTIONS);

        assertThat(checks).containsExactly(RelayCheck.failed(server().turnUdpUrl(),
                "allocations succeeded but CreatePermission failed: 403 Forbidden"));
    }

    @Test
    void anAllocationThatTimesOutIsA701() {
        server().silent(TurnMethod.ALLOCATE);

        List<RelayCheck> checks = check(config(turn(server(), server().turnUdpUrl())).stunTimers(Gathering.FAST)
                .build(), OPTIONS);

        assertThat(checks).containsExactly(RelayCheck.failed(server().turnUdpUrl(),
                "TURN allocation failed: 701 TURN allocate request timed out."));
    }
}
