package io.iceflux.netty.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ServerClaimsTest {

    private static final InetAddress V4 = InetAddress.getLoopbackAddress();

    @Test
    void usableAddressesPass() throws UnknownHostException {
        assertThat(ServerClaims.mappedProblem(new InetSocketAddress("192.0.2.1", 3478), V4)).isNull();
        assertThat(ServerClaims.mappedProblem(new InetSocketAddress("127.0.0.1", 1), V4)).isNull();
        assertThat(ServerClaims.mappedProblem(new InetSocketAddress("2001:db8::1", 3478),
                InetAddress.getByName("::1"))).isNull();
        assertThat(ServerClaims.relayedProblem(new InetSocketAddress("198.51.100.7", 65535))).isNull();
        assertThat(ServerClaims.mappedProblem(new InetSocketAddress("255.255.255.254", 9), V4)).isNull();
    }

    @Test
    void eachKindOfNonsenseIsNamed() throws UnknownHostException {
        assertThat(ServerClaims.mappedProblem(new InetSocketAddress("0.0.0.0", 0), V4)).isEqualTo("unspecified");
        assertThat(ServerClaims.relayedProblem(new InetSocketAddress("::", 9))).isEqualTo("unspecified");
        assertThat(ServerClaims.relayedProblem(new InetSocketAddress("255.255.255.255", 9))).isEqualTo("broadcast");
        assertThat(ServerClaims.mappedProblem(new InetSocketAddress("ff0e::1", 9), InetAddress.getByName("::1")))
                .isEqualTo("multicast");
        assertThat(ServerClaims.relayedProblem(new InetSocketAddress("192.0.2.1", 0))).isEqualTo("port 0");
        assertThat(ServerClaims.mappedProblem(new InetSocketAddress("192.0.2.1", 9), InetAddress.getByName("::1")))
                .isEqualTo("IPv4, not the IPv6 of the socket the request left from");
        // an IPv4-mapped IPv6 address as the codec decodes it (16 bytes stay IPv6) is not the IPv4 asked for
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = 127;
        mapped[15] = 1;
        InetSocketAddress v4Mapped = new InetSocketAddress(Inet6Address.getByAddress(null, mapped, -1), 49_999);
        assertThat(ServerClaims.relayedProblem(v4Mapped)).isEqualTo("IPv6, not the IPv4 that was requested");
        assertThat(ServerClaims.unusableText("TURN allocate", ServerClaims.Claim.RELAYED, v4Mapped,
                ServerClaims.relayedProblem(v4Mapped))).isEqualTo("TURN allocate response with an unusable relayed "
                + "address [::ffff:127.0.0.1]:49999 (IPv6, not the IPv4 that was requested).");
    }

    @Test
    void aRelayedAddressIsCheckedAgainstTheFamilyAskedFor() {
        assertThat(ServerClaims.relayedProblem(new InetSocketAddress("2001:db8::7", 49_152), true)).isNull();
        assertThat(ServerClaims.relayedProblem(new InetSocketAddress("198.51.100.7", 49_152), false)).isNull();
        assertThat(ServerClaims.relayedProblem(new InetSocketAddress("198.51.100.7", 49_152), true))
                .isEqualTo("IPv4, not the IPv6 that was requested");
        // coturn's placeholder for the IPv6 relay of a dual allocation it could not give
        assertThat(ServerClaims.relayedProblem(new InetSocketAddress("0.0.0.0", 0), true)).isEqualTo("unspecified");
        assertThat(ServerClaims.relayedProblem(new InetSocketAddress("::", 0), true)).isEqualTo("unspecified");
        assertThat(ServerClaims.relayedProblem(new InetSocketAddress("2001:db8::7", 0), true)).isEqualTo("port 0");
    }

    @Test
    void aReasonPhraseUpTo763BytesIsKeptAndALongerOneIsCutOnACharacterBoundaryWithAMark() {
        assertThat(ServerClaims.reasonPhrase("Unauthorized")).isEqualTo("Unauthorized");
        assertThat(ServerClaims.reasonPhrase("")).isEmpty();
        String exact = "é".repeat(381) + "x"; // 763 bytes
        assertThat(ServerClaims.reasonPhrase(exact)).isSameAs(exact);

        String cut = ServerClaims.reasonPhrase(exact + "x");
        assertThat(cut).isEqualTo("é".repeat(380) + "…");
        assertThat(cut.getBytes(StandardCharsets.UTF_8)).hasSize(763);

        String emoji = ServerClaims.reasonPhrase("a" + "😀".repeat(1000));
        assertThat(emoji).isEqualTo("a" + "😀".repeat(189) + "…");
        assertThat(emoji.getBytes(StandardCharsets.UTF_8).length).isEqualTo(760).isLessThanOrEqualTo(763);
        assertThat(Character.isHighSurrogate(emoji.charAt(emoji.length() - 2))).as("no half pair before the mark")
                .isFalse();
    }
}
