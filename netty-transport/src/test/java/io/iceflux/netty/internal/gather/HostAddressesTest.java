package io.iceflux.netty.internal.gather;

import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.HostInterfaces;
import java.net.InetAddress;
import java.net.SocketException;
import org.junit.jupiter.api.Test;

class HostAddressesTest {

    @Test
    void aRecentListingIsReusedAndEqualsAFreshOne() throws SocketException {
        HostInterfaces loopback = HostInterfaces.loopbackOnly().ipv4Only();

        var first = HostAddresses.recent(loopback);
        var second = HostAddresses.recent(loopback);

        assertThat(first).isEqualTo(loopback.addresses())
                .containsExactly(InetAddress.getLoopbackAddress());
        // within a second the same listing is handed out again, without asking the operating system
        assertThat(second).isSameAs(first);
        assertThat(HostAddresses.recent(HostInterfaces.defaults())).isEqualTo(
                HostInterfaces.defaults().addresses());
    }
}
