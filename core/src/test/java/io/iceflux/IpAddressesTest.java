package io.iceflux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpAddressesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            192.0.2.1                               | 192.0.2.1
            0.0.0.0                                 | 0.0.0.0
            255.255.255.255                         | 255.255.255.255
            2001:0db8::0001                         | 2001:db8::1
            2001:db8:0:0:0:0:2:1                    | 2001:db8::2:1
            2001:db8:0:1:1:1:1:1                    | 2001:db8:0:1:1:1:1:1
            2001:0:0:1:0:0:0:1                      | 2001:0:0:1::1
            2001:db8:0:0:1:0:0:1                    | 2001:db8::1:0:0:1
            2001:DB8:0:0:0:0:0:1                    | 2001:db8::1
            2001:db8:aaaa:bbbb:cccc:dddd:eeee:aaaa  | 2001:db8:aaaa:bbbb:cccc:dddd:eeee:aaaa
            2001:db8:85a3:0:0:8a2e:370:7334         | 2001:db8:85a3::8a2e:370:7334
            1:0:0:2:0:0:0:3                         | 1:0:0:2::3
            0:0:1:0:0:2:3:4                         | ::1:0:0:2:3:4
            1:2:3:4:5:6:7:0                         | 1:2:3:4:5:6:7:0
            1:2:3:4:5:6:0:0                         | 1:2:3:4:5:6::
            0:0:0:0:0:0:0:0                         | ::
            0:0:0:0:0:0:0:1                         | ::1
            fe80:0:0:0:0:0:0:1%1                    | fe80::1
            ::192.0.2.1                             | ::c000:201
            ::ffff:0:192.0.2.1                      | ::ffff:0:c000:201
            """)
    void formatsAsRfc5952Says(String literal, String expected) throws UnknownHostException {
        assertThat(IpAddresses.format(InetAddress.getByName(literal))).isEqualTo(expected);
    }

    @Test
    void ipv4MappedAddressesEndInADottedQuad() throws UnknownHostException {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 1};

        assertThat(IpAddresses.format(Inet6Address.getByAddress(null, mapped, -1))).isEqualTo("::ffff:192.0.2.1");
        // Java turns the text form of a mapped address into the IPv4 address itself.
        assertThat(IpAddresses.format(InetAddress.getByName("::ffff:192.0.2.1"))).isEqualTo("192.0.2.1");
    }

    @Test
    void theZoneIdIsLeftOut() throws UnknownHostException {
        byte[] linkLocal = InetAddress.getByName("fe80::1").getAddress();

        assertThat(IpAddresses.format(Inet6Address.getByAddress(null, linkLocal, 7))).isEqualTo("fe80::1");
    }

    @Test
    void nullIsRejected() {
        assertThatThrownBy(() -> IpAddresses.format(null))
                .isInstanceOf(NullPointerException.class).hasMessage("address must not be null");
    }
}
