package io.iceflux.netty;

import static io.iceflux.netty.fixtures.GatheringEvents.candidates;
import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.HostInterfaces;
import io.iceflux.IceCandidate;
import io.iceflux.IceConfiguration;
import io.iceflux.IceEvent;
import io.iceflux.IceServer;
import io.iceflux.RelayCheck;
import io.iceflux.RelayCheckOptions;
import io.iceflux.StunTimers;
import io.iceflux.netty.coturn.Coturn;
import io.iceflux.testsupport.NetworkNamespace;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The misconfiguration the relay check exists for: coturn in a network namespace made by the test, relaying on the
 * namespace's address but announcing (external-ip) an address nobody owns. Allocate succeeds, the relayed candidate
 * is gathered, and relayed data never arrives. Nothing leaves the machine: the address nobody owns is routed from the
 * host into the namespace, where it is a blackhole.
 */
class RelayCheckBrokenRelayCoturnTest {

    static final StunTimers FAST = StunTimers.rfc8489().withInitialRto(Duration.ofMillis(50)).withMaxRequests(3)
            .withLastWaitMultiplier(2).withReliableTimeout(Duration.ofSeconds(2));

    @Test
    void allocationsSucceedButNoRelayedDataArrives() throws Exception {
        NetworkNamespace.assumeAvailable();
        try (NetworkNamespace ns = NetworkNamespace.create("relay")) {
            InetAddress nobody = nobodyOwns(ns);
            ns.routeThrough(nobody);
            ns.exec("ip", "route", "add", "blackhole", nobody.getHostAddress() + "/32");
            try (Coturn coturn = Coturn.builder().inNamespace(ns).tls(false).externalIp(nobody).start();
                 NettyIceGatherer gatherer = NettyIceGatherer.builder().build()) {
                IceConfiguration config = IceConfiguration.builder()
                        .server(IceServer.of(List.of(coturn.turnUdpUrl()), coturn.username(), coturn.password()))
                        .stunTimers(FAST)
                        .hostInterfaces(HostInterfaces.only(ns.hostInterface()).ipv4Only())
                        .build();

                List<IceEvent> events = gatherer.gather(config).collectList().block(Duration.ofSeconds(30));
                assertThat(candidates(events, IceCandidate.Type.RELAY)).singleElement()
                        .satisfies(relay -> assertThat(relay.address()).isEqualTo(nobody.getHostAddress()));
                coturn.awaitAllocationCount(0, Duration.ofSeconds(10));

                IceConfiguration udpAndTcp = config.toBuilder().server(IceServer.of(List.of(coturn.turnTcpUrl()),
                        coturn.username(), coturn.password())).build();
                List<RelayCheck> checks = gatherer.checkRelays(udpAndTcp,
                        RelayCheckOptions.defaults().withLinger(Duration.ofMillis(500)))
                        .collectList().block(Duration.ofSeconds(30));

                // coturn hands what its relay A sends to relay B's announced address straight to B: relay <->
                // relay comes back; what this host sends to the announced address goes nowhere
                assertThat(checks).extracting(RelayCheck::url)
                        .containsExactly(coturn.turnUdpUrl(), coturn.turnTcpUrl());
                assertThat(checks.get(0)).satisfies(check -> {
                    assertThat(check.ok()).isFalse();
                    assertThat(check.sent()).isEqualTo(20);
                    assertThat(check.received()).isEqualTo(10);
                    assertThat(check.lossPercent()).isEqualTo(50);
                    assertThat(check.detail()).matches("allocations succeeded but no relayed data arrived from "
                            + "outside the server \\(srflx " + quote(ns.hostAddress()) + ":\\d+ -> relay "
                            + quote(nobody) + ":\\d+: 10 sent, 0 received; relay <-> relay 10/10 came back inside "
                            + "the server\\): check relay-ip/external-ip and the firewall for the relay port range");
                });
                // over TCP the second path leaves from a UDP socket of this host, and goes nowhere either
                assertThat(checks.get(1)).satisfies(check -> {
                    assertThat(check.ok()).isFalse();
                    assertThat(check.sent()).isEqualTo(20);
                    assertThat(check.received()).isEqualTo(10);
                    assertThat(check.lossPercent()).isEqualTo(50);
                    assertThat(check.detail()).matches("allocations succeeded but no relayed data arrived from "
                            + "outside the server \\(udp " + quote(ns.hostAddress()) + ":\\d+ -> relay "
                            + quote(nobody) + ":\\d+: 10 sent, 0 received; relay <-> relay 10/10 came back inside "
                            + "the server\\): check relay-ip/external-ip and the firewall for the relay port range");
                });
                coturn.awaitAllocationCount(0, Duration.ofSeconds(10));
            }
        }
    }

    static String quote(InetAddress address) {
        return java.util.regex.Pattern.quote(address.getHostAddress());
    }

    /**
     * An address that belongs to this namespace's test alone: 10.79 with the last two bytes of the namespace's /30
     * (each namespace has a /30 of its own in 10.77.0.0/16).
     */
    static InetAddress nobodyOwns(NetworkNamespace ns) throws UnknownHostException {
        byte[] bytes = ns.nsAddress().getAddress();
        return InetAddress.getByAddress(new byte[] {10, 79, bytes[2], bytes[3]});
    }
}
