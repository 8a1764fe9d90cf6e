package io.iceflux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void hostInterfacesDefaultSkipLoopbackAndLinkLocal() {
        HostInterfaces d = IceConfiguration.builder().build().hostInterfaces();
        assertThat(d).isEqualTo(HostInterfaces.defaults());
        assertThat(d.accepts("eth0", false, false, false, false)).isTrue();
        assertThat(d.accepts("eth0", false, true, false, false)).isTrue();
        assertThat(d.accepts("lo", true, false, true, false)).isFalse();
        assertThat(d.accepts("eth0", false, true, false, true)).as("fe80::").isFalse();
        assertThat(d.withLoopback().accepts("lo", true, false, true, false)).isTrue();
        assertThat(d.withLinkLocal().accepts("eth0", false, true, false, true)).isTrue();
    }

    @Test
    void hostInterfacesByNameAndFamily() {
        HostInterfaces eth0 = HostInterfaces.only("eth0");
        assertThat(eth0.interfaceNames()).isEqualTo(Set.of("eth0"));
        assertThat(eth0.accepts("eth0", false, false, false, false)).isTrue();
        assertThat(eth0.accepts("wlan0", false, false, false, false)).isFalse();
        assertThat(eth0.ipv4Only().accepts("eth0", false, true, false, false)).isFalse();
        assertThat(eth0.ipv6Only().accepts("eth0", false, false, false, false)).isFalse();

        HostInterfaces lo = HostInterfaces.loopbackOnly();
        assertThat(lo.accepts("lo", true, false, true, false)).isTrue();
        assertThat(lo.accepts("Loopback Pseudo-Interface 1", true, true, true, false)).isTrue();
        assertThat(lo.accepts("eth0", false, false, false, false)).isFalse();

        assertThatThrownBy(HostInterfaces::only).hasMessage("name at least one interface");
        assertThatThrownBy(() -> HostInterfaces.only(" ")).hasMessage("interface names must not be blank");
        assertThatThrownBy(() -> new HostInterfaces(false, false, false, false, Set.of()))
                .hasMessage("at least one of IPv4 and IPv6 must be used");
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
