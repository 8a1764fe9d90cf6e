package io.iceflux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IceConfigurationTest {

    @Test
    void serversKeepTheirOrderAndTimersFallBackToTheDefault() {
        StunTimers fast = StunTimers.rfc8489().withInitialRto(Duration.ofMillis(100)).withMaxRequests(3);
        IceServer stun = IceServer.of("stun:stun.example.org");
        IceServer turn = IceServer.of(List.of("turn:turn.example.org?transport=tcp"), "alice", "s3cr3t-pw")
                .withTimers(fast);
        IceConfiguration c = IceConfiguration.builder().server(stun).server(turn).build();

        assertThat(c.servers()).containsExactly(stun, turn);
        assertThat(c.timersFor(stun)).isEqualTo(StunTimers.rfc8489());
        assertThat(c.timersFor(turn)).isEqualTo(fast);
        assertThat(c.toString()).contains("stun:stun.example.org").doesNotContain("s3cr3t-pw");
        assertThatThrownBy(() -> c.servers().add(stun)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void atLeast32ServersAreAcceptedAndMoreThanTheLimitIsAClearError() {
        List<IceServer> servers = new ArrayList<>();
        for (int i = 0; i < IceConfiguration.MAX_SERVERS; i++) {
            servers.add(IceServer.of("stun:s" + i + ".example.org"));
        }
        assertThat(IceConfiguration.MAX_SERVERS).isGreaterThanOrEqualTo(32);
        assertThat(IceConfiguration.builder().servers(servers).build().servers()).hasSize(IceConfiguration.MAX_SERVERS);

        servers.add(IceServer.of("stun:one-too-many.example.org"));
        assertThatThrownBy(() -> IceConfiguration.builder().servers(servers).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a configuration takes at most 64 ICE servers, not 65");
    }

    @Test
    void hostInterfacesDefaultSkipLoopbackAndLinkLocal() throws UnknownHostException {
        HostInterfaces d = IceConfiguration.builder().build().hostInterfaces();
        assertThat(d).isEqualTo(HostInterfaces.defaults());
        assertThat(d.accepts("eth0", false, ip("192.0.2.1"))).isTrue();
        assertThat(d.accepts("eth0", false, ip("2001:db8::1"))).isTrue();
        assertThat(d.accepts("lo", true, ip("127.0.0.1"))).isFalse();
        assertThat(d.accepts("eth0", false, ip("fe80::1"))).isFalse();
        assertThat(d.accepts("eth0", false, ip("169.254.0.1"))).isFalse();
        assertThat(d.withLoopback().accepts("lo", true, ip("127.0.0.1"))).isTrue();
        assertThat(d.withLinkLocal().accepts("eth0", false, ip("fe80::1"))).isTrue();
    }

    @Test
    void hostInterfacesByNameAndFamily() throws UnknownHostException {
        HostInterfaces eth0 = HostInterfaces.only("eth0");
        assertThat(eth0.interfaceNames()).isEqualTo(Set.of("eth0"));
        assertThat(eth0.loopbackInterfaces()).isFalse();
        assertThat(eth0.accepts("eth0", false, ip("192.0.2.1"))).isTrue();
        assertThat(eth0.accepts("wlan0", false, ip("192.0.2.1"))).isFalse();
        assertThat(eth0.accepts("lo", true, ip("127.0.0.1"))).isFalse();
        assertThat(eth0.ipv4Only().accepts("eth0", false, ip("2001:db8::1"))).isFalse();
        assertThat(eth0.ipv6Only().accepts("eth0", false, ip("192.0.2.1"))).isFalse();

        HostInterfaces lo = HostInterfaces.loopbackOnly();
        assertThat(lo.interfaceNames()).isEmpty();
        HostInterfaces eth0AndLo = HostInterfaces.only("eth0").withLoopbackInterfaces();
        assertThat(eth0AndLo.accepts("eth0", false, ip("192.0.2.1"))).isTrue();
        assertThat(eth0AndLo.accepts("lo", true, ip("127.0.0.1"))).isTrue();
        assertThat(eth0AndLo.accepts("wlan0", false, ip("192.0.2.2"))).isFalse();
        assertThat(lo.loopbackInterfaces()).isTrue();
        assertThat(lo.accepts("lo", true, ip("127.0.0.1"))).isTrue();
        assertThat(lo.accepts("Loopback Pseudo-Interface 1", true, ip("::1"))).isTrue();
        assertThat(lo.accepts("eth0", false, ip("192.0.2.1"))).isFalse();
        assertThat(HostInterfaces.only("<loopback>").accepts("lo", true, ip("127.0.0.1")))
                .as("no interface name stands for the loopback interfaces").isFalse();

        assertThatThrownBy(HostInterfaces::only).hasMessage("name at least one interface");
        assertThatThrownBy(() -> HostInterfaces.only(" ")).hasMessage("interface names must not be blank");
        assertThat(HostInterfaces.defaults().ipv4Only().ipv6Only())
                .as("the last of ipv4Only/ipv6Only wins: never neither family")
                .isEqualTo(HostInterfaces.defaults().ipv6Only());
    }

    @Test
    void loopbackOnlyListsTheLoopbackAddressesOfThisMachine() throws SocketException, UnknownHostException {
        List<InetAddress> addresses = HostInterfaces.loopbackOnly().ipv4Only().addresses();

        assertThat(addresses).contains(ip("127.0.0.1")).doesNotHaveDuplicates()
                .allSatisfy(a -> assertThat(a.isLoopbackAddress()).isTrue());
    }

    @Test
    void addressesListIpv4FirstEachOnceAndOnlyWhatTheFilterAccepts() throws SocketException {
        List<InetAddress> addresses = HostInterfaces.defaults().withLoopback().addresses();

        assertThat(addresses).doesNotHaveDuplicates()
                .noneMatch(a -> a.isAnyLocalAddress() || a.isMulticastAddress() || a.isLinkLocalAddress());
        int firstIpv6 = addresses.indexOf(addresses.stream().filter(a -> a instanceof Inet6Address).findFirst()
                .orElse(null));
        if (firstIpv6 >= 0) {
            assertThat(addresses.subList(firstIpv6, addresses.size())).allMatch(a -> a instanceof Inet6Address);
        }
        assertThat(HostInterfaces.defaults().ipv6Only().addresses()).allMatch(a -> a instanceof Inet6Address);
    }

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    @Test
    void hostInterfacesTakePartInEquality() {
        IceConfiguration a = IceConfiguration.builder().build();
        IceConfiguration b = a.toBuilder().hostInterfaces(HostInterfaces.loopbackOnly()).build();
        assertThat(b).isNotEqualTo(a);
        assertThat(b.toBuilder().build()).isEqualTo(b);
        assertThat(b.toString()).contains("hostInterfaces=HostInterfaces[loopback=true");
    }
}
