package io.iceflux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.iceflux.IceServerUrl.HostType;
import io.iceflux.IceServerUrl.Scheme;
import io.iceflux.InvalidIceServerException.Part;
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
                Arguments.of("turn:host:80?TRANSPORT=UDP", Scheme.TURN, "host", HostType.DNS_NAME, 80, true,
                        ServerTransport.UDP, true, "turn:host:80?transport=udp"),
                Arguments.of("turn:host?transport=Tcp", Scheme.TURN, "host", HostType.DNS_NAME, 3478, false,
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
                        ServerTransport.UDP, false, "stun:" + NAME_253 + ".:3478"));
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
                Arguments.of("example.org", Part.SCHEME, "there is no scheme"),
                Arguments.of(":host", Part.SCHEME, "the scheme before ':' is empty"),
                Arguments.of("http:host", Part.SCHEME, "scheme \"http\" is not stun, stuns, turn or turns"),
                Arguments.of("stunx:host", Part.SCHEME, "scheme \"stunx\" is not stun"),
                Arguments.of("sturn:host", Part.SCHEME, "scheme \"sturn\" is not stun"),
                Arguments.of("example.org:3478", Part.SCHEME, "scheme \"example.org\" is not stun"),
                Arguments.of("\u017Ftun:host", Part.SCHEME, "is not stun, stuns, turn or turns"),
                Arguments.of("\u212Aurn:host", Part.SCHEME, "is not stun, stuns, turn or turns"),
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
                Arguments.of("stun:/host", Part.PATH, "path \"/host\" is not allowed"),
                Arguments.of("stun:[::1]/x", Part.PATH, "path \"/x\" is not allowed"),
                Arguments.of("turn:host/x?transport=udp", Part.PATH, "path \"/x\" is not allowed"),
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
                        + "only transport=udp or transport=tcp"),
                Arguments.of("turn:host?transport", Part.QUERY, "query \"transport\" is not supported"),
                Arguments.of("turn:host?transports=udp", Part.QUERY, "query \"transports=udp\" is not supported"),
                Arguments.of("turn:host?transport=sctp", Part.QUERY, "transport \"sctp\" is not supported; only udp or tcp"),
                Arguments.of("turn:host?transport=", Part.QUERY, "transport \"\" is not supported"),
                Arguments.of("turn:host?transport=udp&x=1", Part.QUERY, "transport \"udp&x=1\" is not supported"),
                Arguments.of("turn:host?transport=udp?", Part.QUERY, "transport \"udp?\" is not supported"),
                Arguments.of("turns:host?transport=udp", Part.QUERY, "turns: with transport=udp would need DTLS, "
                        + "which is not supported"),
                // host
                Arguments.of("stun:", Part.HOST, "the host is empty"),
                Arguments.of("stun::3478", Part.HOST, "the host is empty"),
                Arguments.of("turn:?transport=udp", Part.HOST, "the host is empty"),
                Arguments.of("stun:2001:db8::1", Part.HOST, "host \"2001:db8::1\" has more than one ':'; an IPv6 "
                        + "address must be in brackets, e.g. stun:[2001:db8::1]:3478"),
                Arguments.of("turn:::1", Part.HOST, "must be in brackets, e.g. turn:[2001:db8::1]:3478"),
                Arguments.of("stun:host:34:78", Part.HOST, "has more than one ':'"),
                Arguments.of("stun:[::1", Part.HOST, "'[' has no matching ']'"),
                Arguments.of("stun:[]", Part.HOST, "'[]' holds no IPv6 address"),
                Arguments.of("stun:[fe80::1%eth0]", Part.HOST, "IPv6 zone identifier \"%eth0\" is not allowed"),
                Arguments.of("stun:[fe80::1%25eth0]:3478", Part.HOST, "IPv6 zone identifier \"%25eth0\" is not allowed"),
                Arguments.of("stun:[v1.x]", Part.HOST, "IPvFuture address \"v1.x\" is not supported"),
                Arguments.of("stun:[::1]x", Part.HOST, "unexpected \"x\" after the IPv6 address"),
                Arguments.of("stun:[::1]]", Part.HOST, "unexpected \"]\" after the IPv6 address"),
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
                Arguments.of("stun:[1.2.3.4::]", Part.HOST, "a dotted IPv4 part may only end the address"),
                Arguments.of("stun:[::1.2.3]", Part.HOST, "its IPv4 part: it has 3 numbers instead of four"),
                Arguments.of("stun:[::1.2.3.04]", Part.HOST, "its IPv4 part: \"04\" has a leading zero"),
                Arguments.of("stun:01.2.3.4", Part.HOST, "\"01\" has a leading zero (ambiguous: octal or decimal?)"),
                Arguments.of("stun:1.2.3.00", Part.HOST, "\"00\" has a leading zero"),
                Arguments.of("stun:256.1.1.1", Part.HOST, "\"256\" is out of range 0-255"),
                Arguments.of("stun:1.2.3.1000", Part.HOST, "\"1000\" is out of range 0-255"),
                Arguments.of("stun:1.2.3", Part.HOST, "host \"1.2.3\" ends in a number, so it must be an IPv4 "
                        + "address, but it has 3 numbers instead of four"),
                Arguments.of("stun:1.2.3.4.5", Part.HOST, "it has more than four numbers"),
                Arguments.of("stun:1.2.3.4.", Part.HOST, "an IPv4 address cannot end with '.'"),
                Arguments.of("stun:1..3.4", Part.HOST, "\"\" is not a decimal number 0-255"),
                Arguments.of("stun:123", Part.HOST, "it has 1 numbers instead of four"),
                Arguments.of("stun:example.42", Part.HOST, "\"example\" is not a decimal number 0-255"),
                Arguments.of("stun:example..org", Part.HOST, "has an empty label"),
                Arguments.of("stun:.example.org", Part.HOST, "has an empty label"),
                Arguments.of("stun:example.org..", Part.HOST, "has an empty label"),
                Arguments.of("stun:.", Part.HOST, "host \".\" has no label"),
                Arguments.of("stun:-a.org", Part.HOST, "has the label \"-a\", which starts or ends with '-'"),
                Arguments.of("stun:a-.org", Part.HOST, "has the label \"a-\", which starts or ends with '-'"),
                Arguments.of("stun:exa%6Dple.org", Part.HOST, "contains '%', which is not allowed in a DNS name"),
                Arguments.of("stun:host,other", Part.HOST, "contains ',', which is not allowed in a DNS name"),
                Arguments.of("stun:b\u00FCcher.example", Part.HOST, "contains the non-ASCII character '\u00FC'; "
                        + "write an internationalized domain name in its ASCII (xn--) form"),
                Arguments.of("stun:a[b", Part.HOST, "brackets may only enclose a whole IPv6 address"),
                Arguments.of("stun:a]b:3478", Part.HOST, "brackets may only enclose a whole IPv6 address"),
                Arguments.of("stun:" + LABEL_63 + "a.org", Part.HOST, "has a label of 64 characters; a DNS label is at most 63"),
                Arguments.of("stun:a" + NAME_253, Part.HOST, "is longer than 253 characters"),
                // port
                Arguments.of("stun:host:", Part.PORT, "':' after the host is not followed by a port"),
                Arguments.of("stun:[::1]:", Part.PORT, "':' after the host is not followed by a port"),
                Arguments.of("turn:host:?transport=udp", Part.PORT, "':' after the host is not followed by a port"),
                Arguments.of("stun:host:0", Part.PORT, "port 0 is out of range 1-65535"),
                Arguments.of("stun:host:000", Part.PORT, "port 000 is out of range 1-65535"),
                Arguments.of("stun:host:65536", Part.PORT, "port 65536 is out of range 1-65535"),
                Arguments.of("stun:host:99999", Part.PORT, "port 99999 is out of range 1-65535"),
                Arguments.of("stun:host:99999999999999999999", Part.PORT, "port 99999999999999999999 is out of range"),
                Arguments.of("stun:host:abc", Part.PORT, "port \"abc\" is not a decimal number"),
                Arguments.of("stun:host:+3478", Part.PORT, "port \"+3478\" is not a decimal number"),
                Arguments.of("stun:host:-1", Part.PORT, "port \"-1\" is not a decimal number"),
                Arguments.of("stun:host:0x10", Part.PORT, "port \"0x10\" is not a decimal number"),
                Arguments.of("stun:host:\u0663", Part.PORT, "is not a decimal number"),
                // whitespace and control characters, anywhere
                Arguments.of(" stun:host", Part.SCHEME, "contains a space or control character (U+0020) at index 0, in the scheme"),
                Arguments.of("stun: host", Part.HOST, "(U+0020) at index 5, in the host"),
                Arguments.of("stun:host ", Part.HOST, "(U+0020) at index 9, in the host"),
                Arguments.of("stun:ho\nst", Part.HOST, "(U+000A) at index 7, in the host"),
                Arguments.of("stun:host\t", Part.HOST, "(U+0009) at index 9, in the host"),
                Arguments.of("stun:host\u0000", Part.HOST, "(U+0000) at index 9, in the host"),
                Arguments.of("stun:host\u007F", Part.HOST, "(U+007F) at index 9, in the host"),
                Arguments.of("stun:host\u0085", Part.HOST, "(U+0085) at index 9, in the host"),
                Arguments.of("stun:host\u00A0", Part.HOST, "(U+00A0) at index 9, in the host"),
                Arguments.of("stun:host\u2003", Part.HOST, "(U+2003) at index 9, in the host"),
                Arguments.of("\uFEFFstun:host", Part.SCHEME, "(U+FEFF) at index 0, in the scheme"),
                Arguments.of("stun:host:3478 ", Part.PORT, "(U+0020) at index 14, in the port"),
                Arguments.of("stun:[::1]:34 78", Part.PORT, "in the port"),
                Arguments.of("stun:[::1 ]", Part.HOST, "in the host"),
                Arguments.of("turn:host?transport=udp\r", Part.QUERY, "(U+000D) at index 23, in the query"),
                Arguments.of("stun:host#a b", Part.FRAGMENT, "in the fragment"),
                Arguments.of("stun:host/a b", Part.PATH, "in the path"),
                Arguments.of("stun:// host", Part.AUTHORITY, "in the authority"),
                Arguments.of("stun host", Part.SCHEME, "in the scheme"));
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
                .hasMessage("invalid ICE server URL \"stun:host:99999\": port 99999 is out of range 1-65535");
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
                () -> IceServerUrl.parse("stun:host\n\"forged log line\\"));

        assertThat(e.url()).isEqualTo("stun:host\n\"forged log line\\");
        assertThat(e.getMessage())
                .isEqualTo("invalid ICE server URL \"stun:host\\u000A\\\"forged log line\\\\\": contains a space or "
                        + "control character (U+000A) at index 9, in the host")
                .doesNotContain("\n");
    }

    @Test
    void longUrlsAreCutInMessages() {
        String url = "stun:" + "a".repeat(5000) + ".org:0";
        IceServerSyntaxException e = catchThrowableOfType(IceServerSyntaxException.class, () -> IceServerUrl.parse(url));

        assertThat(e.part()).isEqualTo(Part.HOST);
        assertThat(e.url()).isEqualTo(url);
        assertThat(e.getMessage()).hasSizeLessThan(600).contains("...(5011 chars)");
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
            turn:example.org                         | turn:example.org?transport=UDP
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
            TURN:host:80?TRANSPORT=TCP         | TCP
            stuns:host                         | TLS
            turns:host                         | TLS
            turns:host?transport=tcp           | TLS
            Turns:host:443?Transport=Tcp       | TLS
            """)
    void serverTransportFollowsTheSchemeAndTheQuery(String url, ServerTransport transport) {
        assertThat(IceServerUrl.parse(url).transport()).isEqualTo(transport);
    }

    @Test
    void serverTransportTagValues() {
        assertThat(ServerTransport.values()).extracting(ServerTransport::tagValue).containsExactly("udp", "tcp", "tls");
    }

    @Test
    void schemeProperties() {
        assertThat(Scheme.values()).extracting(Scheme::uriScheme).containsExactly("stun", "stuns", "turn", "turns");
        assertThat(Scheme.values()).extracting(Scheme::defaultPort).containsExactly(3478, 5349, 3478, 5349);
        assertThat(Scheme.values()).extracting(Scheme::isTurn).containsExactly(false, false, true, true);
        assertThat(Scheme.values()).extracting(Scheme::isSecure).containsExactly(false, true, false, true);
    }
}
