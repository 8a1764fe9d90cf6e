package io.iceflux.examples.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.IceServerUrl;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code iceflux.diagnostics.allow}: what a rule allows, what it refuses and with which words, and bad rules. */
class AllowlistTest {

    private static final Allowlist RULES = Allowlist.parse(List.of("turn.example.org:3478", "*.example.net",
            " 10.0.0.0/8:3478-3479 ", "192.0.2.7", "[2001:db8::/32]:443", "[::1]:5349", "TURN.Example.COM:3478"));

    private static String refusal(String url) {
        return RULES.refusal(IceServerUrl.parse(url)).orElse("allowed");
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aUrlIsAllowedWhenARuleCoversItsHostAndPort() {
        assertThat(refusal("turn:turn.example.org:3478?transport=tcp")).isEqualTo("allowed");
        assertThat(refusal("stun:turn.example.org")).isEqualTo("allowed"); // the default port, 3478
        assertThat(refusal("stun:turn.example.org.:3478")).isEqualTo("allowed");
        assertThat(refusal("stun:turn.example.com:3478")).isEqualTo("allowed");
        assertThat(refusal("turns:a.b.example.net:5349")).isEqualTo("allowed");
        assertThat(refusal("turn:10.1.2.3:3479")).isEqualTo("allowed");
        assertThat(refusal("stun:192.0.2.7:9")).isEqualTo("allowed");
        assertThat(refusal("turns:[2001:db8:1::7]:443")).isEqualTo("allowed");
        assertThat(refusal("turns:[::1]")).isEqualTo("allowed");
    }

    @Test
    void aUrlNoRuleCoversIsRefusedNamingTheRulesOfItsHost() {
        assertThat(refusal("turn:10.0.0.5:22?transport=tcp"))
                .isEqualTo("port 22 not allowed for 10.0.0.0/8 (allowed 3478-3479)");
        assertThat(refusal("stun:11.0.0.5:3478")).isEqualTo("no rule allows host 11.0.0.5");
        assertThat(refusal("stun:turn.example.org:3479"))
                .isEqualTo("port 3479 not allowed for turn.example.org (allowed 3478)");
        assertThat(refusal("stun:example.net")).isEqualTo("no rule allows host example.net");
        assertThat(refusal("stun:evil-example.net")).isEqualTo("no rule allows host evil-example.net");
        assertThat(refusal("stun:xturn.example.org:3478")).isEqualTo("no rule allows host xturn.example.org");
        assertThat(refusal("turns:[2001:db9::1]:443")).isEqualTo("no rule allows host 2001:db9::1");
        assertThat(refusal("turns:[2001:db8::1]:444"))
                .isEqualTo("port 444 not allowed for 2001:db8::/32 (allowed 443)");
    }

    @Test
    void anIpv4MappedIpv6LiteralIsCheckedAsTheIpv4AddressItIsSentTo() {
        assertThat(refusal("stun:[::ffff:10.0.0.5]:22"))
                .isEqualTo("port 22 not allowed for 10.0.0.0/8 (allowed 3478-3479)");
        assertThat(refusal("stun:[::ffff:10.0.0.5]:3478")).isEqualTo("allowed");
    }

    @Test
    void aResolvedAddressIsAllowedWhenPublicOrCoveredByAnAddressRuleWithThePort() {
        assertThat(RULES.permitsResolved(ip("8.8.8.8"), 22)).isTrue();
        assertThat(RULES.permitsResolved(ip("2a00:1450::1"), 3478)).isTrue();
        assertThat(RULES.permitsResolved(ip("10.1.2.3"), 3478)).isTrue();
        assertThat(RULES.permitsResolved(ip("10.1.2.3"), 22)).isFalse();
        for (String special : List.of("127.0.0.1", "127.0.0.3", "169.254.169.254", "172.16.0.1", "192.168.1.1",
                "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fd00::1",
                "64:ff9b::a00:5", "2002:a00:5::1", "::ffff:127.0.0.1")) {
            assertThat(RULES.permitsResolved(ip(special), 3478)).as(special).isFalse();
        }
        assertThat(RULES.permitsResolved(ip("::1"), 5349)).isTrue();
        assertThat(RULES.permitsResolved(ip("192.0.2.7"), 1)).isTrue();
    }

    @Test
    void theRulesReadAsWritten() {
        assertThat(RULES).hasToString("turn.example.org:3478, *.example.net, 10.0.0.0/8:3478-3479, 192.0.2.7,"
                + " [2001:db8::/32]:443, [::1]:5349, turn.example.com:3478");
        assertThat(Allowlist.parse(List.of()).isEmpty()).isTrue();
        assertThat(Allowlist.parse(List.of()).with(ip("127.0.0.1"), List.of(3478, 3479)))
                .hasToString("127.0.0.1:3478, 127.0.0.1:3479");
    }

    @Test
    void aBadRuleIsRefusedNamingThePropertyTheEntryAndWhatIsWrong() {
        assertBad("10.1.0.0/33", "the prefix length /33 is not a number 0-32");
        assertBad("10.1.2.3/16", "the address has bits set past the prefix /16; the range is 10.1.0.0/16");
        assertBad("2001:db8::/32", "an IPv6 address or range goes in brackets");
        assertBad("[2001:db8::/129]:443", "the prefix length /129 is not a number 0-128");
        assertBad("[10.0.0.1]:3478", "brackets are for IPv6 only");
        assertBad("[2001:db8::1:443", "the '[' has no ']'");
        assertBad("[2001:db8::1]443", "after ']' comes ':' and the ports, not \"443\"");
        assertBad("[::ffff:10.0.0.1]", "write the IPv4-mapped address ::ffff:10.0.0.1 as IPv4");
        assertBad("turn.example.org:0", "the port \"0\" is not a number 1-65535");
        assertBad("turn.example.org:65536", "the port \"65536\" is not a number 1-65535");
        assertBad("turn.example.org:", "the port \"\" is not a number 1-65535");
        assertBad("turn.example.org:3479-3478", "the port range 3479-3478 ends before it starts");
        assertBad("turn.example.org:http", "the port \"http\" is not a number 1-65535");
        assertBad("10.0.0.256", "\"10.0.0.256\" is not an IP address (each part 0-255) nor a host name");
        assertBad("turn..example.org", "\"turn..example.org\" is not an IP address, an address range or a host name");
        assertBad("a.*.example.org", "'*.' only at the start");
        assertBad("turn.example.org/24", "\"turn.example.org\" before the '/' is not an IP address");
        assertBad("", "the rule is empty");
    }

    private static void assertBad(String rule, String what) {
        assertThatThrownBy(() -> Allowlist.parse(List.of("turn.example.org", rule)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("iceflux.diagnostics.allow[1] \"" + rule + "\": ")
                .hasMessageContaining(what)
                .hasMessageContaining("a rule is HOST or HOST:PORT or HOST:PORT-PORT");
    }
}
