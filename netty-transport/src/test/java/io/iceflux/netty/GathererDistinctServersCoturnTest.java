package io.iceflux.netty;

import static io.iceflux.netty.fixtures.GatheringEvents.assertOneGeneration;
import static io.iceflux.netty.fixtures.GatheringEvents.candidates;
import static io.iceflux.netty.fixtures.GatheringEvents.hostPort;
import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.IceCandidate;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceProtocol;
import io.iceflux.IceServer;
import io.iceflux.netty.coturn.Coturn;
import io.iceflux.netty.coturn.CoturnExtension;
import io.iceflux.netty.fixtures.GatheringEvents;
import io.iceflux.netty.fixtures.GatheringEvents.Cand;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Against a real coturn: a TURN server configured twice (same spelling or another) is one allocation and completes
 * as fast as once, with no deadline error; the same URL with two users is two allocations, the second from a socket
 * of its own. Every event is checked, and coturn holds no allocation afterwards.
 */
class GathererDistinctServersCoturnTest {

    static final String ALICE = "alice";
    static final String ALICE_PASSWORD = "wonderland";
    static final String BOB = "bob";
    static final String BOB_PASSWORD = "builder";
    /** Far longer than a gathering against a working server on loopback; reaching it would be a 701. */
    static final Duration DEADLINE = Duration.ofSeconds(10);

    @RegisterExtension
    static final CoturnExtension COTURN = new CoturnExtension(Coturn.builder().user(ALICE, ALICE_PASSWORD)
            .user(BOB, BOB_PASSWORD).userQuota(4).tls(false));

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
    void nothingLeftOnTheServer() {
        coturn().awaitAllocationCount(0, Duration.ofSeconds(10));
    }

    static Coturn coturn() {
        return COTURN.coturn();
    }

    @Test
    void theSameTurnUrlTwiceIsOneRelayWithoutADeadlineError() {
        assertOneServerReportedAsTheFirst(coturn().turnUdpUrl(), coturn().turnUdpUrl());
    }

    @Test
    void twoSpellingsOfOneServerAreOneRelayReportedUnderTheFirst() {
        assertOneServerReportedAsTheFirst("turn:127.0.0.1:" + coturn().port(),
                "TURN:127.0.0.1:" + coturn().port() + "?transport=udp");
    }

    /**
     * {@code urls}, each as a server of its own for alice, are one server: exactly one server-reflexive and one relayed
     * candidate, both with {@code urls[0]}, no error; then no allocation is left.
     */
    static void assertOneServerReportedAsTheFirst(String... urls) {
        List<IceEvent> events = gather(config(Arrays.stream(urls).map(GathererDistinctServersCoturnTest::alice)
                .toArray(IceServer[]::new)).build());

        int port = hostPort(events);
        assertOneGeneration(events, port, srflx(port, urls[0]), relay(onlyRelay(events), port, urls[0]));
        coturn().awaitAllocationCount(0, Duration.ofSeconds(10));
    }

    @Test
    void theSameUrlWithTwoUsersIsTwoRelaysTheSecondFromASocketOfItsOwn() {
        String url = coturn().turnUdpUrl();

        List<IceEvent> events = gather(config(alice(url),
                IceServer.of(List.of(url), BOB, BOB_PASSWORD)).build());

        int port = hostPort(events);
        List<IceCandidate> relays = candidates(events, IceCandidate.Type.RELAY);
        assertThat(relays).hasSize(2);
        IceCandidate fromHost = relays.stream().filter(r -> r.relatedPort() == port).findFirst().orElseThrow();
        IceCandidate fromOwn = relays.stream().filter(r -> r != fromHost).findFirst().orElseThrow();
        assertThat(fromOwn.relatedPort()).as("the second user's socket").isNotEqualTo(port).isPositive();
        assertThat(fromOwn.port()).isNotEqualTo(fromHost.port());
        assertOneGeneration(events, port, srflx(port, url), relay(fromHost, port, url),
                relay(fromOwn, fromOwn.relatedPort(), url));
        coturn().awaitAllocationCount(0, Duration.ofSeconds(10));
    }

    static IceServer alice(String url) {
        return IceServer.of(List.of(url), ALICE, ALICE_PASSWORD);
    }

    static IceConfiguration.Builder config(IceServer... servers) {
        return GatheringEvents.loopbackConfig(GathererCoturnTest.FAST, servers).gatheringDeadline(DEADLINE);
    }

    /** The events of one gathering, which must complete before the deadline could have passed. */
    static List<IceEvent> gather(IceConfiguration config) {
        long start = System.nanoTime();
        List<IceEvent> events = gatherer.gather(config).collectList().block(Duration.ofSeconds(30));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("completed before the deadline")
                .isLessThan(DEADLINE);
        return events;
    }

    static IceCandidate onlyRelay(List<IceEvent> events) {
        List<IceCandidate> relays = candidates(events, IceCandidate.Type.RELAY);
        assertThat(relays).hasSize(1);
        return relays.get(0);
    }

    static Cand srflx(int port, String url) {
        return new Cand(IceCandidate.Type.SRFLX, IceProtocol.UDP, "127.0.0.1", port, "127.0.0.1", port, url);
    }

    /** {@code relay} as expected: on coturn's relay ports, related to 127.0.0.1:{@code relatedPort}. */
    static Cand relay(IceCandidate relay, int relatedPort, String url) {
        assertThat(relay.port()).isBetween(coturn().minRelayPort(), coturn().maxRelayPort());
        return new Cand(IceCandidate.Type.RELAY, IceProtocol.UDP, "127.0.0.1", relay.port(), "127.0.0.1",
                relatedPort, url);
    }
}
