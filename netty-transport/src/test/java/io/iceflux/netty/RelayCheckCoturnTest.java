package io.iceflux.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.IceConfiguration;
import io.iceflux.IceServer;
import io.iceflux.RelayCheck;
import io.iceflux.RelayCheckOptions;
import io.iceflux.StunTimers;
import io.iceflux.netty.coturn.Coturn;
import io.iceflux.netty.coturn.CoturnExtension;
import io.iceflux.netty.fixtures.GatheringEvents;
import io.iceflux.netty.fixtures.OpenSockets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/** The relay data-path check against a real coturn on 127.0.0.1, over UDP, TCP and TLS. */
class RelayCheckCoturnTest {

    @RegisterExtension
    static final CoturnExtension COTURN = new CoturnExtension(Coturn.builder());

    static final StunTimers FAST = StunTimers.rfc8489().withInitialRto(Duration.ofMillis(50)).withMaxRequests(3)
            .withLastWaitMultiplier(2).withReliableTimeout(Duration.ofSeconds(2));

    /** No pause between sends: the check's length is the round trips, not the pacing. */
    static final RelayCheckOptions OPTIONS = RelayCheckOptions.defaults().withInterval(Duration.ZERO)
            .withLinger(Duration.ofSeconds(3));

    static NettyIceGatherer gatherer;

    @BeforeAll
    static void startGatherer() {
        gatherer = NettyIceGatherer.builder().trustManager(COTURN.coturn().trustManager()).build();
    }

    @AfterAll
    static void stopGatherer() {
        gatherer.close();
    }

    @AfterEach
    void nothingLeftOnTheServer() {
        COTURN.coturn().awaitAllocationCount(0, Duration.ofSeconds(10));
    }

    static Coturn coturn() {
        return COTURN.coturn();
    }

    static IceServer turn(String url) {
        return IceServer.of(List.of(url), coturn().username(), coturn().password());
    }

    static List<RelayCheck> check(IceConfiguration config, RelayCheckOptions options) {
        return gatherer.checkRelays(config, options).collectList().block(Duration.ofSeconds(30));
    }

    @Test
    void udpRelayCarriesDataBothWaysWithNoLoss() {
        List<RelayCheck> checks = check(GatheringEvents.loopbackConfig(FAST, turn(coturn().turnUdpUrl())).build(),
                OPTIONS);

        assertThat(checks).hasSize(1);
        RelayCheck check = checks.get(0);
        assertThat(check.url()).isEqualTo(coturn().turnUdpUrl());
        assertThat(check.ok()).as(check.detail()).isTrue();
        // 10 packets relay <-> relay and 10 from the socket's server-reflexive address to a relayed address
        assertThat(check.sent()).isEqualTo(20);
        assertThat(check.received()).isEqualTo(20);
        assertThat(check.lossPercent()).isZero();
        assertThat(check.rttMs()).isNotNull().isPositive().isLessThan(1000.0);
        assertThat(check.detail()).startsWith("relayed data flows: relay <-> relay 10/10 echoed, srflx 127.0.0.1:")
                .contains(" <-> relay 127.0.0.1:").contains(" 10/10 echoed; median rtt ")
                .endsWith(" ms");
    }

    @Test
    void tcpAndTlsRelaysCarryDataBetweenTwoAllocations() {
        IceConfiguration config = GatheringEvents.loopbackConfig(FAST, turn(coturn().turnTcpUrl()),
                turn(coturn().turnsUrl())).build();

        List<RelayCheck> checks = check(config, OPTIONS.withPackets(5));

        assertThat(checks).extracting(RelayCheck::url).containsExactly(coturn().turnTcpUrl(), coturn().turnsUrl());
        for (RelayCheck check : checks) {
            // over a stream the second path leaves from a UDP socket of this host
            assertThat(check.ok()).as(check.detail()).isTrue();
            assertThat(check.sent()).isEqualTo(10);
            assertThat(check.received()).isEqualTo(10);
            assertThat(check.lossPercent()).isZero();
            assertThat(check.rttMs()).isNotNull().isPositive();
            assertThat(check.detail()).matches("relayed data flows: relay <-> relay 5/5 echoed, udp 127\\.0\\.0\\.1:\\d+ "
                    + "<-> relay 127\\.0\\.0\\.1:\\d+ 5/5 echoed; median rtt \\d+\\.\\d{3} ms");
        }
    }

    @Test
    void theSameServerTwiceIsCheckedOnceUnderItsFirstSpelling() {
        String spelledAgain = "turn:127.0.0.1:" + coturn().port();
        IceConfiguration config = GatheringEvents.loopbackConfig(FAST, turn(coturn().turnUdpUrl()),
                turn(spelledAgain), IceServer.of(coturn().stunUrl())).build();

        List<RelayCheck> checks = check(config, OPTIONS.withPackets(2));

        assertThat(checks).extracting(RelayCheck::url, RelayCheck::ok, RelayCheck::sent, RelayCheck::received)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(coturn().turnUdpUrl(), true, 4, 4));
    }

    @Test
    void aWrongPasswordIsTheAllocationsErrorWithItsCodeAndText() {
        IceServer wrong = IceServer.of(List.of(coturn().turnUdpUrl()), coturn().username(), "not-the-password");

        List<RelayCheck> checks = check(GatheringEvents.loopbackConfig(FAST, wrong).build(), OPTIONS);

        assertThat(checks).containsExactly(new RelayCheck(coturn().turnUdpUrl(), false, null, null, 0, 0,
                "TURN allocation failed: 401 Unauthorized"));
    }

    @Test
    void cancellingInTheMiddleDeletesBothAllocations() throws Exception {
        // slow pacing keeps the check sending long after both allocations exist
        RelayCheckOptions slow = OPTIONS.withPackets(1000).withInterval(Duration.ofMillis(20));
        AtomicReference<RelayCheck> result = new AtomicReference<>();
        Disposable running = gatherer.checkRelays(
                GatheringEvents.loopbackConfig(FAST, turn(coturn().turnUdpUrl())).build(), slow)
                .subscribe(result::set);

        coturn().awaitAllocationCount(2, Duration.ofSeconds(10));
        running.dispose();

        coturn().awaitAllocationCount(0, Duration.ofSeconds(10));
        assertThat(result.get()).isNull();
    }

    @Test
    void checksCancelledAtRandomMomentsLeaveNoSocketAndNoAllocationBehind() {
        check(GatheringEvents.loopbackConfig(FAST, turn(coturn().turnUdpUrl())).build(), OPTIONS.withPackets(1));
        Set<String> socketsBefore = OpenSockets.now();
        Random random = new Random(20261205L);
        List<String> urls = List.of(coturn().turnUdpUrl(), coturn().turnTcpUrl(), coturn().turnsUrl());
        RelayCheckOptions paced = OPTIONS.withPackets(20).withInterval(Duration.ofMillis(5));

        // even checks are cancelled within 40 ms (before 20 packets paced 5 ms apart can have been sent), odd ones
        // at a random moment of the 400 ms that a check takes here or not at all
        List<List<RelayCheck>> outcomes = Flux.range(0, 24)
                .flatMap(i -> gatherer.checkRelays(
                                GatheringEvents.loopbackConfig(FAST, turn(urls.get(i % urls.size()))).build(), paced)
                        .take(Duration.ofMillis(i % 2 == 0 ? random.nextInt(40) : random.nextInt(400)))
                        .collectList(), 4)
                .collectList().block(Duration.ofSeconds(60));

        // some were cancelled before their result, some not: every result that came says the relay works, and all of
        // them leave nothing
        assertThat(outcomes).hasSize(24).contains(List.of());
        assertThat(outcomes).flatMap(list -> list).allSatisfy(check -> assertThat(check.ok()).as(check.detail()).isTrue());
        coturn().awaitAllocationCount(0, Duration.ofSeconds(10));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Set<String> left = OpenSockets.now();
        left.removeAll(socketsBefore);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            left = OpenSockets.now();
            left.removeAll(socketsBefore);
        }
        assertThat(left).as("sockets left open: %s", OpenSockets.describe(left)).isEmpty();
    }

    @Test
    void aDeadlineEndsTheCheckAndStillDeletesBothAllocations() {
        RelayCheckOptions slow = OPTIONS.withPackets(1000).withInterval(Duration.ofMillis(20))
                .withDeadline(Duration.ofMillis(1500));

        List<RelayCheck> checks = check(GatheringEvents.loopbackConfig(FAST, turn(coturn().turnUdpUrl())).build(),
                slow);

        assertThat(checks).containsExactly(RelayCheck.failed(coturn().turnUdpUrl(),
                "the relay check's deadline of 1500 ms passed before it finished"));
        coturn().awaitAllocationCount(0, Duration.ofSeconds(10));
    }
}
