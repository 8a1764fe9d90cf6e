package io.iceflux.netty.internal.gather;

import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.HostInterfaces;
import java.net.InetAddress;
import java.net.SocketException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostAddressesTest {

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1, 127.0.0.1",
        "::1, ::1",
        "::, ::",
        "2001:DB8:0:0:0:0:0:1, 2001:db8::1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "fe80:0:0:0:0:0:0:1%1, fe80::1",
        "2001:db8:85a3:0:0:8a2e:370:7334, 2001:db8:85a3::8a2e:370:7334",
        "1:0:0:2:0:0:0:3, 1:0:0:2::3",
    })
    void addressesAreWrittenAsBrowsersWriteThem(String literal, String expected) throws Exception {
        InetAddress address = InetAddress.getByName(literal);
        assertThat(HostAddresses.text(address)).isEqualTo(expected);
    }

    @Test
    void aRecentListingIsReusedAndEqualsAFreshOne() throws SocketException {
        HostInterfaces loopback = HostInterfaces.loopbackOnly().ipv4Only();

        var first = HostAddresses.recent(loopback);
        var second = HostAddresses.recent(loopback);

        assertThat(first).isEqualTo(HostAddresses.enumerate(loopback))
                .containsExactly(InetAddress.getLoopbackAddress());
        // within a second the same listing is handed out again, without asking the operating system
        assertThat(second).isSameAs(first);
        assertThat(HostAddresses.recent(HostInterfaces.defaults())).isEqualTo(
                HostAddresses.enumerate(HostInterfaces.defaults()));
    }
}
