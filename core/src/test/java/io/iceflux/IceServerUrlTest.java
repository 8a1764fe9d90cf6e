package io.iceflux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.iceflux.IceServerUrl.HostType;
import io.iceflux.IceServerUrl.Scheme;
import io.iceflux.IceServerUrl.Warning.Kind;
import io.iceflux.InvalidIceServerException.Part;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class IceServerUrlTest {

    private static final String LABEL_63 = "a".repeat(63);
    /** 3 labels of 63 + 1 label of 61 + 3 dots = 253 characters. */
    private static final String NAME_253 = LABEL_63 + "." + LABEL_63 + "." + LABEL_63 + "." + "b".repeat(61);

    static Stream<Arguments> accepted() {
        return Stream.of(
                // url, scheme, host, host type, port, explicit port, transport, explicit transport, canonical
                Arguments.of("stun:host", Scheme.STUN, "host", HostType.DNS_NAME, 3478, false, ServerTransport.UDP, false,
                        "stun:host:3478"),
                Arguments.of("stun:host:1234", Scheme.STUN, "host", HostType.DNS_NAME, 1234, true, ServerTransport.UDP,
                        false, "stun:host:1234"),
                Arguments.of("STUN:Host.Example.ORG", Scheme.STUN, "host.example.org", HostType.DNS_NAME, 3478, false,
                        ServerTransport.UDP, false, "stun:host.example.org:3478"),
                Arguments.of("stuns:stun.example.org", Scheme.STUNS, "stun.example.org", HostType.DNS_NAME, 5349,
                        false, ServerTransport.TLS, false, "stuns:stun.example.org:5349"),
                Arguments.of("StUnS:stun.example.org:443", Scheme.STUNS, "stun.example.org", HostType.DNS_NAME, 443,
                        true, ServerTransport.TLS, false, "stuns:stun.example.org:443"),
                Arguments.of("turn:1.2.3.4", Scheme.TURN, "1.2.3.4", HostType.IPV4, 3478, false, ServerTransport.UDP,
                        false, "turn:1.2.3.4:3478?transport=udp"),
                Arguments.of("turn:[::1]:5000?transport=tcp", Scheme.TURN, "::1", HostType.IPV6, 5000, true,
                        ServerTransport.TCP, true, "turn:[::1]:5000?transport=tcp"),
                Arguments.of("turns:host?transport=tcp", Scheme.TURNS, "host", HostType.DNS_NAME, 5349, false,
                        ServerTransport.TLS, true, "turns:host:5349?transport=tcp"),
                Arguments.of("turns:host", Scheme.TURNS, "host", HostType.DNS_NAME, 5349, false, ServerTransport.TLS,
                        false, "turns:host:5349?transport=tcp"),
                Arguments.of("Turn:example.org", Scheme.TURN, "example.org", HostType.DNS_NAME, 3478, false,
                        ServerTransport.UDP, false, "turn:example.org:3478?transport=udp"),
                Arguments.of("turn:example.org.", Scheme.TURN, "example.org.", HostType.DNS_NAME, 3478, false,
                        ServerTransport.UDP, false, "turn:example.org.:3478?transport=udp"),
                Arguments.of("turn:host:80?transport=udp", Scheme.TURN, "host", HostType.DNS_NAME, 80, true,
                        ServerTransport.UDP, true, "turn:host:80?transport=udp"),
                Arguments.of("turn:host?transport=tcp", Scheme.TURN, "host", HostType.DNS_NAME, 3478, false,
                        ServerTransport.TCP, true, "turn:host:3478?transport=tcp"),
                Arguments.of("turn:host?transport=udp", Scheme.TURN, "host", HostType.DNS_NAME, 3478, false,
                        ServerTransport.UDP, true, "turn:host:3478?transport=udp"),
                Arguments.of("stun:[2001:DB8:0:0:0:0:0:1]", Scheme.STUN, "2001:db8::1", HostType.IPV6, 3478, false,
                        ServerTransport.UDP, false, "stun:[2001:db8::1]:3478"),
                Arguments.of("stun:[2001:0db8::0001]:19302", Scheme.STUN, "2001:db8::1", HostType.IPV6, 19302, true,
                        ServerTransport.UDP, false, "stun:[2001:db8::1]:19302"),
                Arguments.of("stun:[::]", Scheme.STUN, "::", HostType.IPV6, 3478, false, ServerTransport.UDP, false,
                        "stun:[::]:3478"),
                Arguments.of("stun:[1:0:0:2:0:0:0:3]", Scheme.STUN, "1:0:0:2::3", HostType.IPV6, 3478, false,
                        ServerTransport.UDP, false, "stun:[1:0:0:2::3]:3478"),
                Arguments.of("stun:[0:0:1:0:0:2:3:4]", Scheme.STUN, "::1:0:0:2:3:4", HostType.IPV6, 3478, false,
                        ServerTransport.UDP, false, "stun:[::1:0:0:2:3:4]:3478"),
                Arguments.of("stun:[1:0:2:3:4:5:6:7]", Scheme.STUN, "1:0:2:3:4:5:6:7", HostType.IPV6, 3478, false,
                        ServerTransport.UDP, false, "stun:[1:0:2:3:4:5:6:7]:3478"),
                Arguments.of("stun:[1:2:3:4:5:6::]", Scheme.STUN, "1:2:3:4:5:6::", HostType.IPV6, 3478, false,
                        ServerTransport.UDP, false, "stun:[1:2:3:4:5:6::]:3478"),
                Arguments.of("stun:[1:2:3:4:5:6:7::]", Scheme.STUN, "1:2:3:4:5:6:7:0", HostType.IPV6, 3478, false,
                        ServerTransport.UDP, false, "stun:[1:2:3:4:5:6:7:0]:3478"),
                Arguments.of("stun:[::FFFF:192.0.2.1]", Scheme.STUN, "::ffff:192.0.2.1", HostType.IPV6, 3478, false,
                        ServerTransport.UDP, false, "stun:[::ffff:192.0.2.1]:3478"),
                Arguments.of("stun:[2001:db8::1.2.3.4]", Scheme.STUN, "2001:db8::102:304", HostType.IPV6, 3478, false,
                        ServerTransport.UDP, false, "stun:[2001:db8::102:304]:3478"),
                Arguments.of("stun:[1:2:3:4:5:6:1.2.3.4]", Scheme.STUN, "1:2:3:4:5:6:102:304", HostType.IPV6, 3478,
                        false, ServerTransport.UDP, false, "stun:[1:2:3:4:5:6:102:304]:3478"),
                Arguments.of("stun:localhost", Scheme.STUN, "localhost", HostType.DNS_NAME, 3478, false,
                        ServerTransport.UDP, false, "stun:localhost:3478"),
                Arguments.of("stun:_stun._udp.Example.org", Scheme.STUN, "_stun._udp.example.org", HostType.DNS_NAME,
                        3478, false, ServerTransport.UDP, false, "stun:_stun._udp.example.org:3478"),
                Arguments.of("stun:xn--bcher-kva.example", Scheme.STUN, "xn--bcher-kva.example", HostType.DNS_NAME,
                        3478, false, ServerTransport.UDP, false, "stun:xn--bcher-kva.example:3478"),
                Arguments.of("stun:a-b.1x", Scheme.STUN, "a-b.1x", HostType.DNS_NAME, 3478, false, ServerTransport.UDP,
                        false, "stun:a-b.1x:3478"),
                Arguments.of("stun:255.255.255.255:65535", Scheme.STUN, "255.255.255.255", HostType.IPV4, 65535, true,
                        ServerTransport.UDP, false, "stun:255.255.255.255:65535"),
                Arguments.of("stun:0.0.0.0:1", Scheme.STUN, "0.0.0.0", HostType.IPV4, 1, true, ServerTransport.UDP, false,
                        "stun:0.0.0.0:1"),
                Arguments.of("stun:host:003478", Scheme.STUN, "host", HostType.DNS_NAME, 3478, true, ServerTransport.UDP,
                        false, "stun:host:3478"),
                Arguments.of("stun:" + LABEL_63 + ".org", Scheme.STUN, LABEL_63 + ".org", HostType.DNS_NAME, 3478,
                        false, ServerTransport.UDP, false, "stun:" + LABEL_63 + ".org:3478"),
                Arguments.of("stun:" + NAME_253 + ".", Scheme.STUN, NAME_253 + ".", HostType.DNS_NAME, 3478, false,
                        ServerTransport.UDP, false, "stun:" + NAME_253 + ".:3478"),
                // what a browser accepts that IceFlux once rejected (issue 12): IDN, percent-encoding, IPv4 number
                // forms, an empty port, a final dot on an IPv4 address, tabs and newlines, port 0, DTLS asked for
                Arguments.of("stun:fa\u00DF.ExAmPlE", Scheme.STUN, "xn--fa-hia.example", HostType.DNS_NAME, 3478, false,
                        ServerTransport.UDP, false, "stun:xn--fa-hia.example:3478"),
                Arguments.of("TURN:B\u00FCcher.example:80?transport=tcp", Scheme.TURN, "xn--bcher-kva.example",
                        HostType.DNS_NAME, 80, true, ServerTransport.TCP, true, "turn:xn--bcher-kva.example:80?transport=tcp"),
                Arguments.of("stun:exa%6Dple.org", Scheme.STUN, "example.org", HostType.DNS_NAME, 3478, false,
                        ServerTransport.UDP, false, "stun:example.org:3478"),
                Arguments.of("stun:%31%32%37.0.0.1", Scheme.STUN, "127.0.0.1", HostType.IPV4, 3478, false,
                        ServerTransport.UDP, false, "stun:127.0.0.1:3478"),
                Arguments.of("stun:0x7f.1", Scheme.STUN, "127.0.0.1", HostType.IPV4, 3478, false, ServerTransport.UDP,
                        false, "stun:127.0.0.1:3478"),
                Arguments.of("stun:127.1:19302", Scheme.STUN, "127.0.0.1", HostType.IPV4, 19302, true,
                        ServerTransport.UDP, false, "stun:127.0.0.1:19302"),
                Arguments.of("stun:0300.0250.0.1", Scheme.STUN, "192.168.0.1", HostType.IPV4, 3478, false,
                        ServerTransport.UDP, false, "stun:192.168.0.1:3478"),
                Arguments.of("stun:0xC0A80001", Scheme.STUN, "192.168.0.1", HostType.IPV4, 3478, false,
                        ServerTransport.UDP, false, "stun:192.168.0.1:3478"),
                Arguments.of("stun:4294967295", Scheme.STUN, "255.255.255.255", HostType.IPV4, 3478, false,
                        ServerTransport.UDP, false, "stun:255.255.255.255:3478"),
                Arguments.of("stun:1.2.3.4.", Scheme.STUN, "1.2.3.4", HostType.IPV4, 3478, false, ServerTransport.UDP,
                        false, "stun:1.2.3.4:3478"),
                Arguments.of("stun:01.2.3.04", Scheme.STUN, "1.2.3.4", HostType.IPV4, 3478, false, ServerTransport.UDP,
                        false, "stun:1.2.3.4:3478"),
                Arguments.of("stun:host:", Scheme.STUN, "host", HostType.DNS_NAME, 3478, false, ServerTransport.UDP,
                        false, "stun:host:3478"),
                Arguments.of("turn:[::1]:?transport=tcp", Scheme.TURN, "::1", HostType.IPV6, 3478, false,
                        ServerTransport.TCP, true, "turn:[::1]:3478?transport=tcp"),
                Arguments.of(" \tstun:ho\nst:34\r78\u0000 ", Scheme.STUN, "host", HostType.DNS_NAME, 3478, true,
                        ServerTransport.UDP, false, "stun:host:3478"),
                Arguments.of("st\tun:host", Scheme.STUN, "host", HostType.DNS_NAME, 3478, false, ServerTransport.UDP,
                        false, "stun:host:3478"),
                Arguments.of("stun:host:0", Scheme.STUN, "host", HostType.DNS_NAME, 0, true, ServerTransport.UDP, false,
                        "stun:host:0"),
                Arguments.of("turns:host?transport=udp", Scheme.TURNS, "host", HostType.DNS_NAME, 5349, false,
                        ServerTransport.TLS, true, "turns:host:5349?transport=tcp"),
                Arguments.of("stun:a-.b--c.-d", Scheme.STUN, "a-.b--c.-d", HostType.DNS_NAME, 3478, false,
                        ServerTransport.UDP, false, "stun:a-.b--c.-d:3478"),
                Arguments.of("stun:" + LABEL_63 + "a.org", Scheme.STUN, LABEL_63 + "a.org", HostType.DNS_NAME, 3478, false,
                        ServerTransport.UDP, false, "stun:" + LABEL_63 + "a.org:3478"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void parsesAcceptedForms(String url, Scheme scheme, String host, HostType hostType, int port,
                             boolean explicitPort, ServerTransport transport, boolean explicitTransport, String canonical) {
        IceServerUrl parsed = IceServerUrl.parse(url);

        assertThat(parsed.url()).isEqualTo(url);
        assertThat(parsed.toString()).isEqualTo(url);
        assertThat(parsed.scheme()).isEqualTo(scheme);
        assertThat(parsed.host()).isEqualTo(host);
        assertThat(parsed.hostType()).isEqualTo(hostType);
        assertThat(parsed.port()).isEqualTo(port);
        assertThat(parsed.hasExplicitPort()).isEqualTo(explicitPort);
        assertThat(parsed.transport()).isEqualTo(transport);
        assertThat(parsed.hasExplicitTransport()).isEqualTo(explicitTransport);
        assertThat(parsed.canonical()).isEqualTo(canonical);
        assertThat(IceServerUrl.parse(canonical)).isEqualTo(parsed);
        assertThat(IceServerUrl.parse(canonical).canonical()).isEqualTo(canonical);
    }

    static Stream<Arguments> rejected() {
        return Stream.of(
                // scheme
                Arguments.of("", Part.SCHEME, "the URL is empty"),
                Arguments.of(" \t\u0000 ", Part.SCHEME, "the URL is empty"),
                Arguments.of("example.org", Part.SCHEME, "there is no scheme"),
                Arguments.of(":host", Part.SCHEME, "the scheme before ':' is empty"),
                Arguments.of("http:host", Part.SCHEME, "scheme \"http\" is not stun, stuns, turn or turns"),
                Arguments.of("stunx:host", Part.SCHEME, "scheme \"stunx\" is not stun"),
                Arguments.of("sturn:host", Part.SCHEME, "scheme \"sturn\" is not stun"),
                Arguments.of("example.org:3478", Part.SCHEME, "scheme \"example.org\" is not stun"),
                Arguments.of("\u017Ftun:host", Part.SCHEME, "is not stun, stuns, turn or turns"),
                Arguments.of("\u212Aurn:host", Part.SCHEME, "is not stun, stuns, turn or turns"),
                Arguments.of("\uFEFFstun:host", Part.SCHEME, "scheme \"\\uFEFFstun\" is not stun"),
                Arguments.of("stun host", Part.SCHEME, "there is no scheme"),
                // authority
                Arguments.of("stun://host", Part.AUTHORITY, "'//' after the scheme is not allowed (no authority); "
                        + "write stun:host, not stun://host"),
                Arguments.of("TURN://host:3478", Part.AUTHORITY, "write turn:host, not turn://host"),
                // user info
                Arguments.of("turn:user@host", Part.USERINFO, "user info before '@' is not allowed"),
                Arguments.of("turn:user:pw@host:3478", Part.USERINFO, "pass the username and credential to IceServer.of"),
                Arguments.of("turn://user:pw@host", Part.USERINFO, "user info"),
                // path
                Arguments.of("stun:host/x", Part.PATH, "path \"/x\" is not allowed"),
                Arguments.of("stun:host:3478/", Part.PATH, "path \"/\" is not allowed"),
                Arguments.of("stun:/host", Part.PATH, "'/' after the scheme is not allowed; write stun:host, not stun:/host"),
                Arguments.of("stun:[::1]/x", Part.PATH, "path \"/x\" is not allowed"),
                Arguments.of("turn:host/x?transport=udp", Part.PATH, "path \"/x\" is not allowed"),
                Arguments.of("stun:host\\", Part.PATH, "'\\' after the host is not allowed"),
                Arguments.of("stun:host:3478\\x", Part.PATH, "a browser reads \"\\\\x\" as a path"),
                // fragment
                Arguments.of("stun:host#x", Part.FRAGMENT, "fragment \"#x\" is not allowed"),
                Arguments.of("stun:host#", Part.FRAGMENT, "fragment \"#\" is not allowed"),
                Arguments.of("turn:host?transport=udp#x", Part.FRAGMENT, "fragment \"#x\" is not allowed"),
                // query
                Arguments.of("stun:host?transport=udp", Part.QUERY, "a stun: URL takes no query, but has "
                        + "\"?transport=udp\"; ?transport= is only for turn: and turns:"),
                Arguments.of("stuns:host?transport=tcp", Part.QUERY, "a stuns: URL takes no query"),
                Arguments.of("stun:host?", Part.QUERY, "a stun: URL takes no query, but has \"?\""),
                Arguments.of("turn:host?", Part.QUERY, "'?' is followed by no query"),
                Arguments.of("turn:host?foo=bar", Part.QUERY, "query \"foo=bar\" is not supported; "
                        + "only transport=udp or transport=tcp, in lower case"),
                Arguments.of("turn:host?transport", Part.QUERY, "query \"transport\" is not supported"),
                Arguments.of("turn:host?transports=udp", Part.QUERY, "query \"transports=udp\" is not supported"),
                Arguments.of("turn:host?TRANSPORT=udp", Part.QUERY, "query \"TRANSPORT=udp\" is not supported"),
                Arguments.of("turn:host?transport=UDP", Part.QUERY, "transport \"UDP\" is not supported; only udp or "
                        + "tcp, in lower case"),
                Arguments.of("turn:host?transport=sctp", Part.QUERY, "transport \"sctp\" is not supported; only udp or tcp"),
                Arguments.of("turn:host?transport=", Part.QUERY, "transport \"\" is not supported"),
                Arguments.of("turn:host?transport=udp&x=1", Part.QUERY, "transport \"udp&x=1\" is not supported"),
                Arguments.of("turn:host?transport=udp?", Part.QUERY, "transport \"udp?\" is not supported"),
                Arguments.of("turn:host?transport=%75dp", Part.QUERY, "transport \"%75dp\" is not supported"),
                // host
                Arguments.of("stun:", Part.HOST, "the host is empty"),
                Arguments.of("stun::3478", Part.HOST, "the host is empty"),
                Arguments.of("turn:?transport=udp", Part.HOST, "the host is empty"),
                Arguments.of("stun:2001:db8::1", Part.HOST, "host \"2001:db8::1\" has more than one ':'; an IPv6 "
                        + "address must be in brackets, e.g. stun:[2001:db8::1]:3478"),
                Arguments.of("turn:::1", Part.HOST, "the host is empty"),
                Arguments.of("stun:host:34:78", Part.HOST, "has more than one ':'"),
                Arguments.of("stun:[::1", Part.HOST, "host \"[::1\" starts with '[' but does not end with ']'"),
                Arguments.of("stun:[::1]x", Part.HOST, "starts with '[' but does not end with ']'"),
                Arguments.of("stun:[]", Part.HOST, "holds no IPv6 address between '[' and ']'"),
                Arguments.of("stun:[fe80::1%eth0]", Part.HOST, "holds the IPv6 zone identifier or percent-encoding \"%eth0\""),
                Arguments.of("stun:[fe80::1%25eth0]:3478", Part.HOST, "zone identifier or percent-encoding \"%25eth0\""),
                Arguments.of("stun:[v1.x]", Part.HOST, "is an IPvFuture address"),
                Arguments.of("stun:[::1]]", Part.HOST, "is not a valid IPv6 address: ']' is not a hex digit"),
                Arguments.of("stun:[1.2.3.4]", Part.HOST, "it has 2 groups of 16 bits instead of 8"),
                Arguments.of("stun:[1:2:3:4:5:6:7]", Part.HOST, "it has 7 groups of 16 bits instead of 8"),
                Arguments.of("stun:[1:2:3:4:5:6:7:8:9]", Part.HOST, "it has 9 groups of 16 bits instead of 8"),
                Arguments.of("stun:[1:2:3:4::5:6:7:8]", Part.HOST, "'::' stands for no group"),
                Arguments.of("stun:[1::2::3]", Part.HOST, "'::' may appear only once"),
                Arguments.of("stun:[:::]", Part.HOST, "'::' may appear only once"),
                Arguments.of("stun:[:1::]", Part.HOST, "it has an empty group"),
                Arguments.of("stun:[1:2:3:4:5:6:7:]", Part.HOST, "it has an empty group"),
                Arguments.of("stun:[12345::]", Part.HOST, "group \"12345\" has more than 4 hex digits"),
                Arguments.of("stun:[::g]", Part.HOST, "'g' is not a hex digit, ':' or '.'"),
                Arguments.of("stun:[::1 ]", Part.HOST, "U+0020 is not a hex digit, ':' or '.'"),
                Arguments.of("stun:[1.2.3.4::]", Part.HOST, "a dotted IPv4 part may only end the address"),
                Arguments.of("stun:[::1.2.3]", Part.HOST, "its IPv4 part: it has 3 numbers instead of four"),
                Arguments.of("stun:[::1.2.3.04]", Part.HOST, "its IPv4 part: \"04\" has a leading zero"),
                Arguments.of("stun:256.1.1.1", Part.HOST, "host \"256.1.1.1\" ends in a number, so it must be an IPv4 "
                        + "address, but part \"256\" is 256, more than 255"),
                Arguments.of("stun:1.2.3.1000", Part.HOST, "its last part \"1000\" is 1000, more than fits in the 1 byte "
                        + "left for it (at most 255)"),
                Arguments.of("stun:1.2.65536", Part.HOST, "more than fits in the 2 bytes left for it (at most 65535)"),
                Arguments.of("stun:4294967296", Part.HOST, "more than fits in the 4 bytes left for it (at most 4294967295)"),
                Arguments.of("stun:0xffffffff1", Part.HOST, "its last part \"0xffffffff1\" is 68719476721"),
                Arguments.of("stun:99999999999999999999999", Part.HOST, "is more than 2^40"),
                Arguments.of("stun:1.2.3.4.5", Part.HOST, "it has 5 parts; an IPv4 address has one to four"),
                Arguments.of("stun:1..3.4", Part.HOST, "part \"\" is not a decimal, octal (0...) or hexadecimal (0x...) number"),
                Arguments.of("stun:09.1", Part.HOST, "part \"09\" is not a decimal, octal"),
                Arguments.of("stun:0xg.1", Part.HOST, "part \"0xg\" is not a decimal, octal"),
                Arguments.of("stun:example.42", Part.HOST, "part \"example\" is not a decimal, octal"),
                Arguments.of("stun:example.0x1", Part.HOST, "ends in a number, so it must be an IPv4 address"),
                Arguments.of("stun:1.0x1000000", Part.HOST, "is 16777216, more than fits in the 3 bytes left for it"),
                Arguments.of("stun:a.b.c.xn--pokxncvks", Part.HOST, "host \"a.b.c.xn--pokxncvks\" is not a valid domain "
                        + "name (UTS #46 ToASCII: a label is not valid punycode (xn--))"),
                Arguments.of("stun:xn--.org", Part.HOST, "a label is not valid punycode (xn--)"),
                Arguments.of("stun:a\u200Db", Part.HOST, "zero width joiner or non-joiner where IDNA does not allow one"),
                Arguments.of("stun:a\u0627b", Part.HOST, "it breaks the IDNA bidi rule (RFC 5893)"),
                Arguments.of("stun:\u00AD", Part.HOST, "is empty once IDNA mapping removed what it ignores"),
                Arguments.of("stun:exa%2Fmple.org", Part.HOST, "contains '/' (U+002F), which a URL host cannot contain "
                        + "(as \"exa/mple.org\" after percent-decoding and IDNA mapping)"),
                Arguments.of("stun:host,other%", Part.HOST, "contains '%' (U+0025)"),
                Arguments.of("stun:a[b", Part.HOST, "contains '[' (U+005B)"),
                Arguments.of("stun:a]b:3478", Part.HOST, "contains ']' (U+005D)"),
                Arguments.of("stun:a|b", Part.HOST, "contains '|' (U+007C)"),
                Arguments.of("stun: host", Part.HOST, "contains a space (U+0020)"),
                Arguments.of("stun:ho st", Part.HOST, "contains a space (U+0020)"),
                Arguments.of("stun:ho\u0001st", Part.HOST, "contains a control character (U+0001)"),
                Arguments.of("stun:host\u007F", Part.HOST, "contains a control character (U+007F)"),
                Arguments.of("stun:host\u00A0", Part.HOST, "contains a space (U+0020), which a URL host cannot contain "
                        + "(as \"host \" after"),
                Arguments.of("stun:host\u2003", Part.HOST, "contains a space (U+0020)"),
                Arguments.of("stun:host\u0085", Part.HOST, "it contains a character that IDNA does not allow"),
                Arguments.of("stun:host%80", Part.HOST, "it contains a character that IDNA does not allow"),
                Arguments.of("stun:\uD800host", Part.HOST, "it contains a character that IDNA does not allow"),
                // port
                Arguments.of("stun:host:65536", Part.PORT, "port 65536 is out of range 0-65535"),
                Arguments.of("stun:host:99999", Part.PORT, "port 99999 is out of range 0-65535"),
                Arguments.of("stun:host:99999999999999999999", Part.PORT, "port 99999999999999999999 is out of range"),
                Arguments.of("stun:host:abc", Part.PORT, "port \"abc\" is not a decimal number"),
                Arguments.of("stun:host:+3478", Part.PORT, "port \"+3478\" is not a decimal number"),
                Arguments.of("stun:host:-1", Part.PORT, "port \"-1\" is not a decimal number"),
                Arguments.of("stun:host:0x10", Part.PORT, "port \"0x10\" is not a decimal number"),
                Arguments.of("stun:host:\u0663", Part.PORT, "is not a decimal number"),
                Arguments.of("stun:[::1]:34 78", Part.PORT, "port \"34 78\" is not a decimal number"),
                Arguments.of("turn:host:3478 ?transport=udp", Part.PORT, "port \"3478 \" is not a decimal number"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("rejected")
    void rejectsMalformedUrlsNamingThePart(String url, Part part, String fragment) {
        IceServerSyntaxException e = catchThrowableOfType(IceServerSyntaxException.class, () -> IceServerUrl.parse(url));

        assertThat(e).as("parse(%s) must throw", url).isNotNull();
        assertThat(e.getClass()).isEqualTo(IceServerSyntaxException.class);
        assertThat(e).isInstanceOf(InvalidIceServerException.class).isInstanceOf(IllegalArgumentException.class);
        assertThat(e.part()).isEqualTo(part);
        assertThat(e.url()).isEqualTo(url.contains("@") ? IceServerUrl.redact(url) : url);
        assertThat(e.getMessage()).startsWith("invalid ICE server URL \"").contains(fragment);
    }

    @Test
    void messageForAnOutOfRangePortIsExact() {
        assertThatThrownBy(() -> IceServerUrl.parse("stun:host:99999"))
                .isExactlyInstanceOf(IceServerSyntaxException.class)
                .hasMessage("invalid ICE server URL \"stun:host:99999\": port 99999 is out of range 0-65535");
    }

    @Test
    void messageForInvalidPunycodeIsExact() {
        assertThatThrownBy(() -> IceServerUrl.parse("turn:a.b.c.xn--pokxncvks?transport=tcp"))
                .isExactlyInstanceOf(IceServerSyntaxException.class)
                .hasMessage("invalid ICE server URL \"turn:a.b.c.xn--pokxncvks?transport=tcp\": host "
                        + "\"a.b.c.xn--pokxncvks\" is not a valid domain name (UTS #46 ToASCII: a label is not valid "
                        + "punycode (xn--))");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            turn:alice:Sw0rdf1sh-Qx7@turn.example.org                 | turn:***@turn.example.org
            turn://alice:Sw0rdf1sh-Qx7@turn.example.org:3478          | turn:***@turn.example.org:3478
            alice:Sw0rdf1sh-Qx7@turn.example.org                      | ***@turn.example.org
            Sw0rdf1sh-Qx7@turn.example.org                            | ***@turn.example.org
            http://alice:Sw0rdf1sh-Qx7@turn.example.org               | ***@turn.example.org
            turn:turn.example.org?transport=udp#Sw0rdf1sh-Qx7@x       | turn:***@x
            turn:alice:Sw0rdf1sh-Qx7@x@turn.example.org               | turn:***@turn.example.org
            """)
    void userInfoIsNeverEchoed(String url, String redacted) {
        IceServerSyntaxException e = catchThrowableOfType(IceServerSyntaxException.class, () -> IceServerUrl.parse(url));

        assertThat(e.part()).isEqualTo(Part.USERINFO);
        assertThat(e.url()).isEqualTo(redacted);
        assertThat(e.getMessage())
                .isEqualTo("invalid ICE server URL \"" + redacted + "\": user info before '@' is not allowed (it may "
                        + "carry a password); pass the username and credential to IceServer.of(urls, username, credential)")
                .doesNotContain("Sw0rdf1sh-Qx7")
                .doesNotContain("alice");
        assertThat(e.toString()).doesNotContain("Sw0rdf1sh-Qx7");
    }

    @Test
    void controlCharactersAreEscapedInMessages() {
        IceServerSyntaxException e = catchThrowableOfType(IceServerSyntaxException.class,
                () -> IceServerUrl.parse("stun:host\u0001\n\"forged log line\\"));

        assertThat(e.url()).isEqualTo("stun:host\u0001\n\"forged log line\\");
        assertThat(e.getMessage())
                .isEqualTo("invalid ICE server URL \"stun:host\\u0001\\u000A\\\"forged log line\\\\\": host "
                        + "\"host\\u0001\\\"forged log line\" contains a control character (U+0001), which a URL host "
                        + "cannot contain")
                .doesNotContain("\n").doesNotContain("\u0001");
    }

    @Test
    void longUrlsAreCutInMessages() {
        String url = "stun:" + "a".repeat(5000) + ".org:99999";
        IceServerSyntaxException e = catchThrowableOfType(IceServerSyntaxException.class, () -> IceServerUrl.parse(url));

        assertThat(e.part()).isEqualTo(Part.PORT);
        assertThat(e.url()).isEqualTo(url);
        assertThat(e.getMessage()).hasSizeLessThan(600).contains("...(5015 chars)");
    }

    @Test
    void nullUrlIsASyntaxErrorOnTheUrls() {
        IceServerSyntaxException e = catchThrowableOfType(IceServerSyntaxException.class, () -> IceServerUrl.parse(null));

        assertThat(e.part()).isEqualTo(Part.URLS);
        assertThat(e.url()).isNull();
        assertThat(e.getMessage()).isEqualTo("invalid ICE server URL: the URL is null");
    }

    @ParameterizedTest(name = "{0} == {1}")
    @CsvSource(delimiter = '|', textBlock = """
            TURN:Example.ORG                         | turn:example.org:3478?transport=udp
            turn:example.org                         | turn:example.org?transport=udp
            stun:faß.ExAmPlE                         | STUN:xn--fa-hia.example
            stun:ex%61mple.net                       | stun:example.net
            stun:0x7f.1                              | stun:127.0.0.1
            stun:127.0.0.1.                          | stun:2130706433
            stun:example.net:                        | stun:example.net:3478
            turns:example.org?transport=udp          | turns:example.org?transport=tcp
            turns:example.org                        | turns:example.org:5349?transport=tcp
            stun:example.org                         | stun:example.org:3478
            STUNS:EXAMPLE.ORG:5349                   | stuns:example.org
            stun:[2001:DB8::1]                       | stun:[2001:db8:0:0:0:0:0:1]:3478
            stun:[::ffff:c000:201]                   | stun:[::ffff:192.0.2.1]
            turn:host:03478                          | turn:host
            """)
    void equivalentUrlsHaveTheSameCanonicalForm(String a, String b) {
        IceServerUrl x = IceServerUrl.parse(a);
        IceServerUrl y = IceServerUrl.parse(b);

        assertThat(x.canonical()).isEqualTo(y.canonical());
        assertThat(x).isEqualTo(y).hasSameHashCodeAs(y);
        assertThat(x.toString()).isEqualTo(a);
        assertThat(y.toString()).isEqualTo(b);
    }

    @ParameterizedTest(name = "{0} != {1}")
    @CsvSource(delimiter = '|', textBlock = """
            stun:example.org                         | stuns:example.org
            stun:example.org                         | turn:example.org
            turn:example.org                         | turns:example.org?transport=tcp
            turn:example.org                         | turn:example.org?transport=tcp
            turn:example.org:3478                    | turn:example.org:3479
            stuns:example.org                        | stuns:example.org:3478
            stun:example.org                         | stun:example.org.
            stun:example.org                         | stun:example.com
            stun:[::1]                               | stun:[::2]
            stun:1.2.3.4                             | stun:[::ffff:1.2.3.4]
            """)
    void differentUrlsAreNotEqual(String a, String b) {
        IceServerUrl x = IceServerUrl.parse(a);
        IceServerUrl y = IceServerUrl.parse(b);

        assertThat(x.canonical()).isNotEqualTo(y.canonical());
        assertThat(x).isNotEqualTo(y);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            stun:host                          | UDP
            turn:host                          | UDP
            turn:host?transport=udp            | UDP
            turn:host?transport=tcp            | TCP
            TURN:host:80?transport=tcp         | TCP
            stuns:host                         | TLS
            turns:host                         | TLS
            turns:host?transport=tcp           | TLS
            Turns:host:443?transport=udp       | TLS
            """)
    void serverTransportFollowsTheSchemeAndTheQuery(String url, ServerTransport transport) {
        assertThat(IceServerUrl.parse(url).transport()).isEqualTo(transport);
    }

    @Test
    void serverTransportTagValues() {
        assertThat(ServerTransport.values()).extracting(ServerTransport::tagValue).containsExactly("udp", "tcp", "tls");
    }

    static Stream<Arguments> lints() {
        return Stream.of(
                Arguments.of("stun:stun.example.org", List.of()),
                Arguments.of("TURN:Turn.Example.ORG:3478?transport=tcp", List.of()),
                Arguments.of("stun:[2001:DB8::1]", List.of()),
                Arguments.of(" stun:example.org\n", List.of(Kind.WHITESPACE_REMOVED)),
                Arguments.of("stun:fa\u00DF.example", List.of(Kind.HOST_REWRITTEN)),
                Arguments.of("stun:ex%61mple.net", List.of(Kind.HOST_REWRITTEN)),
                Arguments.of("stun:example(&!$)org", List.of(Kind.NOT_A_DNS_NAME)),
                Arguments.of("stun:a..b", List.of(Kind.NOT_A_DNS_NAME)),
                Arguments.of("stun:-a.org", List.of(Kind.NOT_A_DNS_NAME)),
                Arguments.of("stun:" + LABEL_63 + "a.org", List.of(Kind.NOT_A_DNS_NAME)),
                Arguments.of("stun:_stun._udp.example.org.", List.of()),
                Arguments.of("stun:0x7f.1", List.of(Kind.IPV4_NOT_DOTTED_QUAD)),
                Arguments.of("stun:01.2.3.4", List.of(Kind.IPV4_NOT_DOTTED_QUAD)),
                Arguments.of("stun:1.2.3.4.", List.of(Kind.IPV4_NOT_DOTTED_QUAD)),
                Arguments.of("stun:example.org:", List.of(Kind.EMPTY_PORT)),
                Arguments.of("stun:example.org:0", List.of(Kind.PORT_ZERO)),
                Arguments.of("turns:example.org?transport=udp", List.of(Kind.DTLS_NOT_SUPPORTED)),
                Arguments.of("\tstun:B\u00FCcher.example:", List.of(Kind.WHITESPACE_REMOVED, Kind.HOST_REWRITTEN,
                        Kind.EMPTY_PORT)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("lints")
    void lintListsWhatBrowsersAcceptButIsUnusual(String url, List<Kind> kinds) {
        IceServerUrl parsed = IceServerUrl.parse(url);

        assertThat(parsed.lint()).extracting(IceServerUrl.Warning::kind).containsExactlyElementsOf(kinds);
        assertThat(parsed.lint()).allSatisfy(w -> {
            assertThat(w.url()).isEqualTo(url);
            assertThat(w.message()).startsWith("ICE server URL " + IceServerUrl.quote(url, 256) + ": ");
        });
    }

    @Test
    void lintMessagesSayWhatToWrite() {
        assertThat(IceServerUrl.parse("stun:fa\u00DF.ExAmPlE").lint()).extracting(IceServerUrl.Warning::message)
                .containsExactly("ICE server URL \"stun:fa\u00DF.ExAmPlE\": host \"fa\u00DF.ExAmPlE\" is resolved as "
                        + "\"xn--fa-hia.example\"; write \"xn--fa-hia.example\"");
        assertThat(IceServerUrl.parse("stun:0x7f.1").lint()).extracting(IceServerUrl.Warning::message)
                .containsExactly("ICE server URL \"stun:0x7f.1\": host \"0x7f.1\" is read as the IPv4 address "
                        + "127.0.0.1; write 127.0.0.1");
        assertThat(IceServerUrl.parse("stun:a..b").lint()).extracting(IceServerUrl.Warning::message)
                .containsExactly("ICE server URL \"stun:a..b\": host \"a..b\" is not a DNS host name: it has an empty "
                        + "label (two dots in a row, or a leading dot); a lookup of it will likely fail");
    }

    @Test
    void schemeProperties() {
        assertThat(Scheme.values()).extracting(Scheme::uriScheme).containsExactly("stun", "stuns", "turn", "turns");
        assertThat(Scheme.values()).extracting(Scheme::defaultPort).containsExactly(3478, 5349, 3478, 5349);
        assertThat(Scheme.values()).extracting(Scheme::isTurn).containsExactly(false, false, true, true);
        assertThat(Scheme.values()).extracting(Scheme::isSecure).containsExactly(false, true, false, true);
    }
}
