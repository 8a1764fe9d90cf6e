package io.iceflux.netty;

import static io.iceflux.netty.fixtures.GatheringEvents.candidates;
import static io.iceflux.netty.fixtures.GatheringEvents.errors;
import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.HostInterfaces;
import io.iceflux.IceCandidate;
import io.iceflux.IceCandidateError;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceProtocol;
import io.iceflux.IceServer;
import io.iceflux.IceTransportPolicy;
import io.iceflux.StunTimers;
import io.iceflux.netty.coturn.Coturn;
import io.iceflux.netty.coturn.CoturnExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;

/**
 * IPv6 end to end against real coturn 4.6.1 listening on 127.0.0.1 and [::1]: IPv6 host, server-reflexive and
 * relayed candidates; REQUESTED-ADDRESS-FAMILY from an IPv6 host socket; a dual allocation (an IPv4 and an IPv6
 * relay in one allocation) from an IPv4 host socket; the fallbacks when the server has no IPv6 relay; and the
 * incompatible-family 701 when no host socket has the server's family. Every event is checked.
 */
class GathererIpv6CoturnTest {

    /** coturn with relays on both families. */
    @RegisterExtension
    static final CoturnExtension DUAL = new CoturnExtension(Coturn.builder().listenOnIpv6(true).relayOnIpv6(true)
            .tls(false).userQuota(4));

    /** coturn that listens on [::1] but relays on 127.0.0.1 only (440 to an IPv6 relay request). */
    @RegisterExtension
    static final CoturnExtension IPV4_RELAYS = new CoturnExtension(Coturn.builder().listenOnIpv6(true)
            .relayOnIpv6(false).tls(false).userQuota(4));

    static final StunTimers FAST = StunTimers.rfc8489().withInitialRto(Duration.ofMillis(50)).withMaxRequests(3)
            .withLastWaitMultiplier(2).withReliableTimeout(Duration.ofSeconds(2));

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
    void nothingLeftOnTheServers() {
        DUAL.coturn().awaitAllocationCount(0, Duration.ofSeconds(10));
        IPV4_RELAYS.coturn().awaitAllocationCount(0, Duration.ofSeconds(10));
    }

    static IceServer turn(Coturn coturn, String... urls) {
        return IceServer.of(List.of(urls), coturn.username(), coturn.password());
    }

    static IceConfiguration.Builder config(HostInterfaces hosts, IceServer... servers) {
        return IceConfiguration.builder().servers(List.of(servers)).stunTimers(FAST).hostInterfaces(hosts);
    }

    static final HostInterfaces IPV6_ONLY = HostInterfaces.loopbackOnly().ipv6Only();
    static final HostInterfaces IPV4_ONLY = HostInterfaces.loopbackOnly().ipv4Only();
    static final HostInterfaces BOTH = HostInterfaces.loopbackOnly();

    static List<IceEvent> gather(IceConfiguration config) {
        return gatherer.gather(config).collectList().block(Duration.ofSeconds(30));
    }

    static IceCandidate host(List<IceEvent> events) {
        assertThat(candidates(events, IceCandidate.Type.HOST)).hasSize(1);
        return candidates(events, IceCandidate.Type.HOST).get(0);
    }

    @Test
    void theFixtureListensOnBothLoopbacksWithTheSamePort() {
        Coturn coturn = DUAL.coturn();
        assertThat(coturn.listensOnIpv6()).isTrue();
        assertThat(coturn.relaysOnIpv6()).isTrue();
        assertThat(IPV4_RELAYS.coturn().relaysOnIpv6()).isFalse();
        assertThat(coturn.address6()).isEqualTo(new java.net.InetSocketAddress("::1", coturn.port()));
        assertThat(coturn.stunUrl6()).isEqualTo("stun:[::1]:" + coturn.port());
        assertThat(coturn.turnUdpUrl6()).isEqualTo("turn:[::1]:" + coturn.port() + "?transport=udp");
        assertThat(coturn.turnTcpUrl6()).isEqualTo("turn:[::1]:" + coturn.port() + "?transport=tcp");
    }

    @Test
    void stunOverIpv6GivesIpv6HostAndServerReflexive() {
        Coturn coturn = DUAL.coturn();
        List<IceEvent> events = gather(config(IPV6_ONLY, IceServer.of(coturn.stunUrl6())).build());

        IceCandidate host = host(events);
        assertThat(host.address()).isEqualTo("::1");
        assertThat(host.protocol()).isEqualTo(IceProtocol.UDP);
        assertThat(candidates(events, IceCandidate.Type.SRFLX)).singleElement().satisfies(srflx -> {
            assertThat(srflx.address()).isEqualTo("::1");
            assertThat(srflx.port()).isEqualTo(host.port());
            assertThat(srflx.relatedAddress()).isEqualTo("::1");
            assertThat(srflx.relatedPort()).isEqualTo(host.port());
            assertThat(srflx.url()).isEqualTo(coturn.stunUrl6());
        });
        assertThat(errors(events)).isEmpty();
        assertThat(events.get(events.size() - 1)).isEqualTo(new IceEvent.GatheringStateChanged(0,
                io.iceflux.IceGatheringState.COMPLETE));
    }

    @Test
    void turnOverUdpFromAnIpv6SocketGivesAnIpv6Relay() {
        Coturn coturn = DUAL.coturn();
        List<IceEvent> events = gather(config(IPV6_ONLY, turn(coturn, coturn.turnUdpUrl6())).build());

        IceCandidate host = host(events);
        assertThat(errors(events)).isEmpty();
        assertThat(candidates(events, IceCandidate.Type.SRFLX)).singleElement()
                .satisfies(c -> assertThat(c.address()).isEqualTo("::1"));
        assertThat(candidates(events, IceCandidate.Type.RELAY)).singleElement().satisfies(relay -> {
            assertThat(relay.address()).isEqualTo("::1");
            assertThat(relay.port()).isBetween(coturn.minRelayPort(), coturn.maxRelayPort());
            assertThat(relay.relatedAddress()).isEqualTo("::1");
            assertThat(relay.relatedPort()).isEqualTo(host.port());
            assertThat(relay.url()).isEqualTo(coturn.turnUdpUrl6());
            assertThat(relay.priority()).isLessThan(host.priority());
        });
    }

    @Test
    void turnOverTcpToIpv6GivesAnIpv6Relay() {
        Coturn coturn = DUAL.coturn();
        List<IceEvent> events = gather(config(IPV6_ONLY, turn(coturn, coturn.turnTcpUrl6()))
                .transportPolicy(IceTransportPolicy.RELAY).build());

        assertThat(errors(events)).isEmpty();
        assertThat(candidates(events, IceCandidate.Type.HOST)).isEmpty();
        assertThat(candidates(events, IceCandidate.Type.RELAY)).singleElement().satisfies(relay -> {
            assertThat(relay.address()).isEqualTo("::1");
            assertThat(relay.relatedAddress()).isEqualTo("::1");
            assertThat(relay.url()).isEqualTo(coturn.turnTcpUrl6());
        });
    }

    @Test
    void anIpv4SocketGetsADualAllocationWithBothRelaysUnderTheSameUrl() {
        Coturn coturn = DUAL.coturn();
        List<IceEvent> events = gather(config(IPV4_ONLY, turn(coturn, coturn.turnUdpUrl())).build());

        IceCandidate host = host(events);
        assertThat(errors(events)).isEmpty();
        List<IceCandidate> relays = candidates(events, IceCandidate.Type.RELAY);
        assertThat(relays).extracting(IceCandidate::address).containsExactly("127.0.0.1", "::1");
        assertThat(relays).allSatisfy(relay -> {
            assertThat(relay.url()).isEqualTo(coturn.turnUdpUrl());
            assertThat(relay.port()).isBetween(coturn.minRelayPort(), coturn.maxRelayPort());
            assertThat(relay.relatedAddress()).isEqualTo("127.0.0.1");
            assertThat(relay.relatedPort()).isEqualTo(host.port());
        });
        IceCandidate v4 = relays.get(0);
        IceCandidate v6 = relays.get(1);
        assertThat(v6.priority()).as("the relay of the socket's family first").isLessThan(v4.priority());
        assertThat(v6.foundation()).isNotEqualTo(v4.foundation());
    }

    @Test
    void aDualAllocationIsOneAllocationKeptAndDeletedAsOne() throws Exception {
        Coturn coturn = DUAL.coturn();
        BlockingQueue<IceEvent> seen = new LinkedBlockingQueue<>();
        Disposable session = gatherer.gather(config(IPV4_ONLY, turn(coturn, coturn.turnUdpUrl()))
                .transportPolicy(IceTransportPolicy.RELAY).build(), reactor.core.publisher.Flux.never())
                .subscribe(seen::add);
        try {
            List<IceEvent> events = GathererCoturnTest.awaitEvent(seen, new IceEvent.GatheringStateChanged(0,
                    io.iceflux.IceGatheringState.COMPLETE));
            assertThat(candidates(events, IceCandidate.Type.RELAY)).extracting(IceCandidate::address)
                    .containsExactly("127.0.0.1", "::1");
            coturn.awaitAllocationCount(1, Duration.ofSeconds(10));
            assertThat(coturn.allocationCount()).isEqualTo(1);
        } finally {
            session.dispose();
        }
        coturn.awaitAllocationCount(0, Duration.ofSeconds(10));
    }

    @Test
    void aServerWithoutIpv6RelaysGrantsTheIpv4HalfOfADualAllocationWithoutAnError() {
        Coturn coturn = IPV4_RELAYS.coturn();
        List<IceEvent> events = gather(config(IPV4_ONLY, turn(coturn, coturn.turnUdpUrl())).build());

        IceCandidate host = host(events);
        assertThat(errors(events)).isEmpty();
        assertThat(candidates(events, IceCandidate.Type.RELAY)).singleElement().satisfies(relay -> {
            assertThat(relay.address()).isEqualTo("127.0.0.1");
            assertThat(relay.relatedPort()).isEqualTo(host.port());
            assertThat(relay.url()).isEqualTo(coturn.turnUdpUrl());
        });
    }

    @Test
    void anIpv6SocketFallsBackToAnIpv4RelayAfter440WithoutAnError() {
        Coturn coturn = IPV4_RELAYS.coturn();
        List<IceEvent> events = gather(config(IPV6_ONLY, turn(coturn, coturn.turnUdpUrl6())).build());

        IceCandidate host = host(events);
        assertThat(errors(events)).isEmpty();
        assertThat(candidates(events, IceCandidate.Type.RELAY)).singleElement().satisfies(relay -> {
            assertThat(relay.address()).isEqualTo("127.0.0.1");
            assertThat(relay.relatedAddress()).isEqualTo("::1");
            assertThat(relay.relatedPort()).isEqualTo(host.port());
            assertThat(relay.url()).isEqualTo(coturn.turnUdpUrl6());
        });
    }

    @Test
    void anIpv6ServerFromIpv4OnlySocketsIsOneIncompatible701PerUrlWithoutAddress() {
        Coturn coturn = DUAL.coturn();
        List<IceEvent> events = gather(config(IPV4_ONLY, IceServer.of(coturn.stunUrl6()),
                turn(coturn, coturn.turnUdpUrl6(), coturn.turnTcpUrl6())).build());

        host(events);
        assertThat(candidates(events, IceCandidate.Type.SRFLX)).isEmpty();
        assertThat(candidates(events, IceCandidate.Type.RELAY)).isEmpty();
        assertThat(errors(events)).containsExactlyInAnyOrder(
                IceCandidateError.withoutAddress(coturn.stunUrl6(), 701, "STUN server address is incompatible."),
                IceCandidateError.withoutAddress(coturn.turnUdpUrl6(), 701, "TURN server address is incompatible."),
                IceCandidateError.withoutAddress(coturn.turnTcpUrl6(), 701, "TURN server address is incompatible."));
    }

    @Test
    void anIpv4ServerFromIpv6OnlySocketsIsOneIncompatible701PerUrlWithoutAddress() {
        Coturn coturn = DUAL.coturn();
        List<IceEvent> events = gather(config(IPV6_ONLY, IceServer.of(coturn.stunUrl()),
                turn(coturn, coturn.turnUdpUrl())).build());

        assertThat(host(events).address()).isEqualTo("::1");
        assertThat(errors(events)).containsExactlyInAnyOrder(
                IceCandidateError.withoutAddress(coturn.stunUrl(), 701, "STUN server address is incompatible."),
                IceCandidateError.withoutAddress(coturn.turnUdpUrl(), 701, "TURN server address is incompatible."));
    }

    @Test
    void bothFamiliesOfHostSocketsReachEachServerFromTheSocketOfItsFamilyOnly() {
        Coturn coturn = DUAL.coturn();
        List<IceEvent> events = gather(config(BOTH, IceServer.of(coturn.stunUrl6()), IceServer.of(coturn.stunUrl()))
                .build());

        List<IceCandidate> hosts = candidates(events, IceCandidate.Type.HOST);
        assertThat(hosts).extracting(IceCandidate::address).containsExactlyInAnyOrder("127.0.0.1", "::1");
        assertThat(errors(events)).as("a URL that some host socket can reach is no incompatible 701").isEmpty();
        assertThat(candidates(events, IceCandidate.Type.SRFLX))
                .extracting(IceCandidate::address, IceCandidate::url)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("::1", coturn.stunUrl6()),
                        org.assertj.core.groups.Tuple.tuple("127.0.0.1", coturn.stunUrl()));
    }
}
