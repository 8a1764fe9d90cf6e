package io.iceflux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.iceflux.IceCandidate.Extension;
import io.iceflux.IceCandidate.TcpType;
import io.iceflux.IceCandidate.Type;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IceCandidateTest {

    static final String CHROME_MDNS_HOST = "candidate:1467250027 1 udp 2122260223 "
            + "4a7b5c61-6b3b-4f77-9c3f-0a2d1e3f4b5c.local 54400 typ host generation 0 ufrag Xy2z network-cost 999";
    static final String CHROME_SRFLX = "candidate:842163049 1 udp 1677729535 203.0.113.7 56143 typ srflx "
            + "raddr 0.0.0.0 rport 0 generation 0 ufrag Xy2z network-cost 999";
    static final String CHROME_RELAY = "candidate:3789129217 1 udp 41885439 198.51.100.20 61234 typ relay "
            + "raddr 203.0.113.7 rport 56143 generation 0 ufrag Xy2z network-id 1 network-cost 10";
    static final String CHROME_TCP_HOST = "candidate:2999745851 1 tcp 1518280447 192.168.1.10 9 typ host "
            + "tcptype active generation 0 ufrag Xy2z network-id 1";
    static final String CHROME_TCP_PASSIVE_IPV6 = "candidate:4016421011 1 tcp 1518283007 "
            + "2001:db8:85a3::8a2e:370:7334 50123 typ host tcptype passive generation 0 ufrag Xy2z network-id 2";
    static final String FIREFOX_HOST = "candidate:0 1 UDP 2122252543 192.168.1.10 49203 typ host";
    static final String FIREFOX_RELAY = "candidate:3 1 UDP 92217087 198.51.100.4 3478 typ relay "
            + "raddr 192.168.1.10 rport 49203";
    static final String FIREFOX_TCP = "candidate:1 1 TCP 2105524479 192.168.1.10 9 typ host tcptype active";
    static final String IPV6_HOST = "candidate:2 1 udp 2122262783 2001:db8:85a3::8a2e:370:7334 50000 typ host "
            + "generation 0";
    static final String SAFARI_HOST = "candidate:1 1 udp 2113937151 192.168.1.10 60000 typ host generation 0 "
            + "ufrag Xy2z network-id 2 network-cost 50";
    static final String RFC8839_HOST = "candidate:1 1 UDP 2130706431 203.0.113.141 8998 typ host";
    static final String RFC8839_SRFLX = "candidate:2 1 UDP 1694498815 192.0.2.3 45664 typ srflx "
            + "raddr 203.0.113.141 rport 8998";
    static final String RFC6544_TCP_SO = "candidate:3 1 TCP 2121998079 10.0.1.1 50000 typ host tcptype so";
    static final String PRFLX_RTCP = "candidate:1+/a 2 udp 1845494270 203.0.113.9 40000 typ prflx "
            + "raddr 10.0.0.2 rport 40001";

    @Nested
    class RoundTrip {

        @ParameterizedTest
        @ValueSource(strings = {CHROME_MDNS_HOST, CHROME_SRFLX, CHROME_RELAY, CHROME_TCP_HOST,
            CHROME_TCP_PASSIVE_IPV6, FIREFOX_HOST, FIREFOX_RELAY, FIREFOX_TCP, IPV6_HOST, SAFARI_HOST, RFC8839_HOST,
            RFC8839_SRFLX, RFC6544_TCP_SO, PRFLX_RTCP})
        void browserLinesComeBackUnchanged(String line) {
            IceCandidate c = IceCandidate.parse(line);

            assertThat(c.toSdp()).isEqualTo(line);
            assertThat(IceCandidate.parse("a=" + line + "\r\n").toSdp()).isEqualTo(line);
            assertThat(IceCandidate.parse(c.toSdp())).isEqualTo(c);
            assertThat(c.url()).isNull();
        }

        @Test
        void chromeMdnsHost() {
            assertThat(IceCandidate.parse(CHROME_MDNS_HOST)).isEqualTo(IceCandidate.builder()
                    .foundation("1467250027").component(1).protocol(IceProtocol.UDP).priority(2122260223L)
                    .address("4a7b5c61-6b3b-4f77-9c3f-0a2d1e3f4b5c.local").port(54400).type(Type.HOST)
                    .extension("generation", "0").extension("ufrag", "Xy2z").extension("network-cost", "999")
                    .build());
        }

        @Test
        void chromeSrflx() {
            IceCandidate c = IceCandidate.parse(CHROME_SRFLX);

            assertThat(c.foundation()).isEqualTo("842163049");
            assertThat(c.component()).isEqualTo(1);
            assertThat(c.protocol()).isEqualTo(IceProtocol.UDP);
            assertThat(c.priority()).isEqualTo(1677729535L);
            assertThat(c.address()).isEqualTo("203.0.113.7");
            assertThat(c.port()).isEqualTo(56143);
            assertThat(c.type()).isEqualTo(Type.SRFLX);
            assertThat(c.relatedAddress()).isEqualTo("0.0.0.0");
            assertThat(c.relatedPort()).isEqualTo(0);
            assertThat(c.tcpType()).isNull();
            assertThat(c.url()).isNull();
            assertThat(c.extensions()).containsExactly(new Extension("generation", "0"),
                    new Extension("ufrag", "Xy2z"), new Extension("network-cost", "999"));
        }

        @Test
        void chromeRelay() {
            assertThat(IceCandidate.parse(CHROME_RELAY)).isEqualTo(IceCandidate.builder()
                    .foundation("3789129217").component(1).protocol(IceProtocol.UDP).priority(41885439L)
                    .address("198.51.100.20").port(61234).type(Type.RELAY).related("203.0.113.7", 56143)
                    .extension("generation", "0").extension("ufrag", "Xy2z").extension("network-id", "1")
                    .extension("network-cost", "10").build());
        }

        @Test
        void chromeTcpHost() {
            assertThat(IceCandidate.parse(CHROME_TCP_HOST)).isEqualTo(IceCandidate.builder()
                    .foundation("2999745851").component(1).protocol(IceProtocol.TCP).priority(1518280447L)
                    .address("192.168.1.10").port(9).type(Type.HOST).tcpType(TcpType.ACTIVE)
                    .extension("generation", "0").extension("ufrag", "Xy2z").extension("network-id", "1").build());
        }

        @Test
        void chromeTcpPassiveIpv6() {
            assertThat(IceCandidate.parse(CHROME_TCP_PASSIVE_IPV6)).isEqualTo(IceCandidate.builder()
                    .foundation("4016421011").component(1).protocol(IceProtocol.TCP).priority(1518283007L)
                    .address("2001:db8:85a3::8a2e:370:7334").port(50123).type(Type.HOST).tcpType(TcpType.PASSIVE)
                    .extension("generation", "0").extension("ufrag", "Xy2z").extension("network-id", "2").build());
        }

        @Test
        void firefoxHost() {
            IceCandidate c = IceCandidate.parse(FIREFOX_HOST);

            assertThat(c).isEqualTo(IceCandidate.builder().foundation("0").component(1).protocol(IceProtocol.UDP)
                    .priority(2122252543L).address("192.168.1.10").port(49203).type(Type.HOST).build());
            assertThat(c.toSdp()).isEqualTo("candidate:0 1 UDP 2122252543 192.168.1.10 49203 typ host");
        }

        @Test
        void firefoxRelay() {
            IceCandidate c = IceCandidate.parse(FIREFOX_RELAY);

            assertThat(c).isEqualTo(IceCandidate.builder().foundation("3").component(1).protocol(IceProtocol.UDP)
                    .priority(92217087L).address("198.51.100.4").port(3478).type(Type.RELAY)
                    .related("192.168.1.10", 49203).build());
            assertThat(c.extensions()).isEmpty();
        }

        @Test
        void ipv6Host() {
            assertThat(IceCandidate.parse(IPV6_HOST)).isEqualTo(IceCandidate.builder()
                    .foundation("2").component(1).protocol(IceProtocol.UDP).priority(2122262783L)
                    .address("2001:db8:85a3::8a2e:370:7334").port(50000).type(Type.HOST)
                    .extension("generation", "0").build());
        }

        @Test
        void safariHost() {
            assertThat(IceCandidate.parse(SAFARI_HOST)).isEqualTo(IceCandidate.builder()
                    .foundation("1").component(1).protocol(IceProtocol.UDP).priority(2113937151L)
                    .address("192.168.1.10").port(60000).type(Type.HOST)
                    .extension("generation", "0").extension("ufrag", "Xy2z").extension("network-id", "2")
                    .extension("network-cost", "50").build());
        }

        @Test
        void rfc6544SimultaneousOpenAndPeerReflexiveRtcp() {
            IceCandidate so = IceCandidate.parse(RFC6544_TCP_SO);
            IceCandidate prflx = IceCandidate.parse(PRFLX_RTCP);

            assertThat(so.protocol()).isEqualTo(IceProtocol.TCP);
            assertThat(so.tcpType()).isEqualTo(TcpType.SO);
            assertThat(prflx.foundation()).isEqualTo("1+/a");
            assertThat(prflx.component()).isEqualTo(2);
            assertThat(prflx.type()).isEqualTo(Type.PRFLX);
            assertThat(prflx.relatedAddress()).isEqualTo("10.0.0.2");
            assertThat(prflx.relatedPort()).isEqualTo(40001);
        }

        @Test
        void tcpCandidateWithoutTcptypeHasNone() {
            IceCandidate c = IceCandidate.parse("candidate:5 1 tcp 1518280447 192.168.1.10 9 typ host");

            assertThat(c.protocol()).isEqualTo(IceProtocol.TCP);
            assertThat(c.tcpType()).isNull();
            assertThat(c.toSdp()).isEqualTo("candidate:5 1 tcp 1518280447 192.168.1.10 9 typ host");
        }
    }

    @Nested
    class LineForms {

        @Test
        void prefixesAndLineEndsGiveTheSameCandidate() {
            IceCandidate expected = IceCandidate.parse(CHROME_SRFLX);
            String bare = CHROME_SRFLX.substring("candidate:".length());

            assertThat(IceCandidate.parse("a=" + CHROME_SRFLX)).isEqualTo(expected);
            assertThat(IceCandidate.parse("a=" + CHROME_SRFLX + "\r\n")).isEqualTo(expected);
            assertThat(IceCandidate.parse(CHROME_SRFLX + "\r\n")).isEqualTo(expected);
            assertThat(IceCandidate.parse(CHROME_SRFLX + "\n")).isEqualTo(expected);
            assertThat(IceCandidate.parse(bare)).isEqualTo(expected);
            assertThat(IceCandidate.parse(bare + "\r\n")).isEqualTo(expected);
            assertThat(IceCandidate.parse(bare).toSdp()).isEqualTo(CHROME_SRFLX);
        }

        @Test
        void keywordsAndTypesAreCaseInsensitiveAndWrittenLowerCase() {
            IceCandidate c = IceCandidate.parse(
                    "CANDIDATE:7 1 Tcp 1518280447 192.168.1.10 9 TYP HOST RADDR 0.0.0.0 RPORT 0 TCPTYPE Passive x 1");

            assertThat(c.protocol()).isEqualTo(IceProtocol.TCP);
            assertThat(c.type()).isEqualTo(Type.HOST);
            assertThat(c.relatedAddress()).isEqualTo("0.0.0.0");
            assertThat(c.relatedPort()).isEqualTo(0);
            assertThat(c.tcpType()).isEqualTo(TcpType.PASSIVE);
            assertThat(c.extensions()).containsExactly(new Extension("x", "1"));
            assertThat(c.toSdp()).isEqualTo(
                    "candidate:7 1 Tcp 1518280447 192.168.1.10 9 typ host raddr 0.0.0.0 rport 0 tcptype passive x 1");
        }

        @Test
        void firefoxUpperCaseTransportIsKeptButIsNotPartOfEquality() {
            IceCandidate upper = IceCandidate.parse(FIREFOX_HOST);
            IceCandidate lower = IceCandidate.parse(FIREFOX_HOST.replace("UDP", "udp"));

            assertThat(upper.toSdp()).contains(" UDP ");
            assertThat(lower.toSdp()).contains(" udp ");
            assertThat(upper).isEqualTo(lower).hasSameHashCodeAs(lower);
        }

        @Test
        void tcptypeElsewhereIsMovedToWhereChromeWritesIt() {
            IceCandidate c = IceCandidate.parse(
                    "candidate:2999745851 1 tcp 1518280447 192.168.1.10 9 typ host generation 0 tcptype active "
                            + "ufrag Xy2z network-id 1");

            assertThat(c).isEqualTo(IceCandidate.parse(CHROME_TCP_HOST));
            assertThat(c.toSdp()).isEqualTo(CHROME_TCP_HOST);
        }

        @Test
        void unknownExtensionsAreKeptInOrderWithAnyPrintableValue() {
            IceCandidate c = IceCandidate.parse("candidate:1 1 udp 2122260223 10.0.0.1 5000 typ host "
                    + "z-last 1 a-first 2 ufrag ab+/cd z-last 3 odd \"q\":[x]");

            assertThat(c.extensions()).containsExactly(new Extension("z-last", "1"), new Extension("a-first", "2"),
                    new Extension("ufrag", "ab+/cd"), new Extension("z-last", "3"),
                    new Extension("odd", "\"q\":[x]"));
            assertThat(c.extension("z-last")).contains("1");
            assertThat(c.extension("ufrag")).contains("ab+/cd");
            assertThat(c.extension("UFRAG")).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"0.0.0.0", "255.255.255.255", "::", "::1", "1::", "fe80::1:2:3:4:5:6",
            "1:2:3:4:5:6:7:8", "2001:DB8:0:0:0:0:0:1", "::ffff:192.0.2.1", "1:2:3:4:5:6:192.0.2.1", "localhost",
            "turn-1.example.org", "4A7B5C61-6B3B-4F77-9C3F-0A2D1E3F4B5C.local", "a", "1a.2b"})
        void acceptsIpv4Ipv6AndHostNames(String address) {
            IceCandidate c = IceCandidate.parse("candidate:1 1 udp 1 " + address + " 1 typ host");

            assertThat(c.address()).isEqualTo(address);
        }
    }

    @Nested
    class Priority {

        @Test
        void rfc8445RecommendedValues() {
            assertThat(IceCandidate.priority(Type.HOST, 65535, 1)).isEqualTo(2130706431L);
            assertThat(IceCandidate.priority(Type.SRFLX, 65535, 1)).isEqualTo(1694498815L);
            assertThat(IceCandidate.priority(Type.RELAY, 65535, 1)).isEqualTo(16777215L);
            assertThat(IceCandidate.priority(Type.PRFLX, 65535, 1)).isEqualTo(1862270975L);
            assertThat(IceCandidate.priority(Type.HOST, 65535, 2)).isEqualTo(2130706430L);
            assertThat(IceCandidate.priority(126, 65535, 1)).isEqualTo(2130706431L);
        }

        /**
         * Numbers browsers write, decomposed into type preference, local preference and component: Chrome host (126,
         * local 32542 from network adapter and address family), Chrome srflx with a private raddr (100, 30), Chrome
         * TCP host (libwebrtc's 90), Chrome relay over UDP (2), Firefox host and relay, an IPv6 host; then the
         * extremes of the formula.
         */
        @ParameterizedTest(name = "type {0}, local {1}, component {2} = {3}")
        @CsvSource({
            "126, 32542, 1, 2122260223",
            "100, 30, 1, 1677729535",
            "90, 32542, 1, 1518280447",
            "2, 32542, 1, 41885439",
            "126, 32512, 1, 2122252543",
            "5, 32542, 1, 92217087",
            "126, 32552, 1, 2122262783",
            "126, 65535, 1, 2130706431",
            "0, 0, 255, 1",
            "0, 1, 256, 256",
        })
        void browserNumbersAndExtremes(int typePreference, int localPreference, int component, long priority) {
            assertThat(IceCandidate.priority(typePreference, localPreference, component)).isEqualTo(priority);
        }

        @Test
        void rejectsOutOfRangeArguments() {
            assertThatThrownBy(() -> IceCandidate.priority(127, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("typePreference 127 is out of range 0..126");
            assertThatThrownBy(() -> IceCandidate.priority(-1, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("typePreference -1 is out of range 0..126");
            assertThatThrownBy(() -> IceCandidate.priority(0, 65536, 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("localPreference 65536 is out of range 0..65535");
            assertThatThrownBy(() -> IceCandidate.priority(0, -1, 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("localPreference -1 is out of range 0..65535");
            assertThatThrownBy(() -> IceCandidate.priority(0, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("componentId 0 is out of range 1..256");
            assertThatThrownBy(() -> IceCandidate.priority(0, 0, 257)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("componentId 257 is out of range 1..256");
            assertThatThrownBy(() -> IceCandidate.priority(0, 0, 256)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("typePreference 0, localPreference 0 and componentId 256 give priority 0,"
                            + " which RFC 8445 forbids");
            assertThatThrownBy(() -> IceCandidate.priority((Type) null, 0, 1))
                    .isInstanceOf(NullPointerException.class).hasMessage("type must not be null");
        }

        @Test
        void typePreferencesAndSdpNames() {
            assertThat(Type.HOST.typePreference()).isEqualTo(126);
            assertThat(Type.PRFLX.typePreference()).isEqualTo(110);
            assertThat(Type.SRFLX.typePreference()).isEqualTo(100);
            assertThat(Type.RELAY.typePreference()).isEqualTo(0);
            assertThat(List.of(Type.values())).extracting(Type::sdpName)
                    .containsExactly("host", "srflx", "prflx", "relay");
            assertThat(List.of(TcpType.values())).extracting(TcpType::sdpName)
                    .containsExactly("active", "passive", "so");
        }
    }

    @Nested
    class Construction {

        private IceCandidate.Builder host() {
            return IceCandidate.builder().foundation("1").component(1).protocol(IceProtocol.UDP)
                    .priority(2130706431L).address("192.0.2.1").port(5000).type(Type.HOST);
        }

        @Test
        void builderSetsEveryField() {
            IceCandidate c = IceCandidate.builder().foundation("abc+/9").component(2).protocol(IceProtocol.TCP)
                    .priority(1518280446L).address("198.51.100.20").port(443).type(Type.RELAY)
                    .related("203.0.113.7", 9).tcpType(TcpType.PASSIVE).url("turns:turn.example.org:443")
                    .extension("generation", "1").extension("ufrag", "Xy2z").build();

            assertThat(c).extracting(IceCandidate::foundation, IceCandidate::component, IceCandidate::protocol,
                    IceCandidate::priority, IceCandidate::address, IceCandidate::port, IceCandidate::type,
                    IceCandidate::relatedAddress, IceCandidate::relatedPort, IceCandidate::tcpType, IceCandidate::url,
                    IceCandidate::extensions)
                    .containsExactly("abc+/9", 2, IceProtocol.TCP, 1518280446L, "198.51.100.20", 443, Type.RELAY,
                            "203.0.113.7", 9, TcpType.PASSIVE, "turns:turn.example.org:443",
                            List.of(new Extension("generation", "1"), new Extension("ufrag", "Xy2z")));
            assertThat(c.toSdp()).isEqualTo("candidate:abc+/9 2 tcp 1518280446 198.51.100.20 443 typ relay "
                    + "raddr 203.0.113.7 rport 9 tcptype passive generation 1 ufrag Xy2z");
            assertThat(c.toBuilder().build()).isEqualTo(c);
        }

        @Test
        void programmaticCandidatesWriteLowerCaseTransport() {
            assertThat(host().build().toSdp()).isEqualTo("candidate:1 1 udp 2130706431 192.0.2.1 5000 typ host");
        }

        @Test
        void toBuilderKeepsTheParsedTransportSpellingUntilTheProtocolChanges() {
            IceCandidate firefox = IceCandidate.parse(FIREFOX_HOST);

            assertThat(firefox.toBuilder().port(1).build().toSdp()).contains(" UDP ");
            assertThat(firefox.toBuilder().protocol(IceProtocol.UDP).build().toSdp()).contains(" UDP ");
            assertThat(firefox.toBuilder().protocol(IceProtocol.TCP).build().toSdp()).contains(" tcp ");
        }

        @Test
        void extensionsAreCopiedAndUnmodifiable() {
            List<Extension> source = new ArrayList<>(List.of(new Extension("generation", "0")));
            IceCandidate.Builder builder = host().extensions(source);
            IceCandidate c = builder.build();
            source.add(new Extension("ufrag", "x"));
            builder.extension("network-id", "1");

            assertThat(c.extensions()).containsExactly(new Extension("generation", "0"));
            assertThat(builder.build().extensions()).containsExactly(new Extension("generation", "0"),
                    new Extension("network-id", "1"));
            assertThatThrownBy(() -> c.extensions().add(new Extension("a", "b")))
                    .isInstanceOf(UnsupportedOperationException.class);
        }

        @Test
        void urlIsPartOfEqualityAndToStringButNotOfTheSdpForm() {
            IceCandidate without = host().build();
            IceCandidate with = host().url("stun:stun.example.org").build();

            assertThat(with).isNotEqualTo(without);
            assertThat(with.toSdp()).isEqualTo(without.toSdp());
            assertThat(without).hasToString("candidate:1 1 udp 2130706431 192.0.2.1 5000 typ host");
            assertThat(with).hasToString(
                    "candidate:1 1 udp 2130706431 192.0.2.1 5000 typ host (url stun:stun.example.org)");
        }

        @Test
        void equalityComparesEveryField() {
            IceCandidate base = host().related("10.0.0.1", 1).extension("a", "1").build();

            assertThat(base).isEqualTo(host().related("10.0.0.1", 1).extension("a", "1").build())
                    .hasSameHashCodeAs(host().related("10.0.0.1", 1).extension("a", "1").build());
            assertThat(List.of(
                    base.toBuilder().foundation("2").build(),
                    base.toBuilder().component(2).build(),
                    base.toBuilder().protocol(IceProtocol.TCP).build(),
                    base.toBuilder().priority(2).build(),
                    base.toBuilder().address("192.0.2.2").build(),
                    base.toBuilder().port(5001).build(),
                    base.toBuilder().type(Type.SRFLX).build(),
                    base.toBuilder().related("10.0.0.2", 1).build(),
                    base.toBuilder().related("10.0.0.1", 2).build(),
                    base.toBuilder().protocol(IceProtocol.TCP).tcpType(TcpType.SO).build(),
                    base.toBuilder().url("stun:x").build(),
                    base.toBuilder().extension("b", "2").build()))
                    .allSatisfy(other -> assertThat(other).isNotEqualTo(base))
                    .doesNotHaveDuplicates();
        }

        @Test
        void rejectsEachBadField() {
            expectIae(() -> host().foundation("").build(), "foundation \"\" must be 1 to 32 characters long, not 0");
            expectIae(() -> host().foundation("a".repeat(33)).build(),
                    "foundation \"" + "a".repeat(33) + "\" must be 1 to 32 characters long, not 33");
            expectIae(() -> host().foundation("a-b").build(),
                    "foundation \"a-b\" contains '-'; only letters, digits, '+' and '/' are allowed");
            expectIae(() -> host().foundation("a\u00e9").build(),
                    "foundation \"a\\u00e9\" contains U+00E9; only letters, digits, '+' and '/' are allowed");
            expectIae(() -> host().component(0).build(), "component 0 is out of range 1..256");
            expectIae(() -> host().component(257).build(), "component 257 is out of range 1..256");
            expectIae(() -> host().priority(0).build(), "priority 0 is out of range 1..2147483647");
            expectIae(() -> host().priority(1L << 31).build(), "priority 2147483648 is out of range 1..2147483647");
            expectIae(() -> host().address("").build(),
                    "address \"\" is not an IPv4 address, an IPv6 address or a host name");
            expectIae(() -> host().address("256.1.1.1").build(),
                    "address \"256.1.1.1\" is not an IPv4 address, an IPv6 address or a host name");
            expectIae(() -> host().address("fe80::1%eth0").build(), "address \"fe80::1%eth0\" is not an IPv4"
                    + " address, an IPv6 address or a host name (an IPv6 zone id cannot appear in SDP)");
            expectIae(() -> host().address("[::1]").build(),
                    "address \"[::1]\" is not an IPv4 address, an IPv6 address or a host name");
            expectIae(() -> host().port(-1).build(), "port -1 is out of range 0..65535");
            expectIae(() -> host().port(65536).build(), "port 65536 is out of range 0..65535");
            expectIae(() -> host().related("10.0.0.1", null).build(), "relatedAddress and relatedPort must both"
                    + " be null or both be set (relatedAddress=10.0.0.1, relatedPort=null)");
            expectIae(() -> host().related(null, 1).build(), "relatedAddress and relatedPort must both"
                    + " be null or both be set (relatedAddress=null, relatedPort=1)");
            expectIae(() -> host().related("a b", 1).build(),
                    "relatedAddress \"a b\" is not an IPv4 address, an IPv6 address or a host name");
            expectIae(() -> host().related("10.0.0.1", 70000).build(), "relatedPort 70000 is out of range 0..65535");
            expectIae(() -> host().tcpType(TcpType.ACTIVE).build(),
                    "tcpType ACTIVE is only allowed with protocol TCP, not UDP");
            expectIae(() -> host().extension("tcptype", "active").build(),
                    "extension name \"tcptype\" is reserved: the SDP form gives tcptype its own meaning");
            expectIae(() -> host().extension("RADDR", "1.2.3.4").build(),
                    "extension name \"RADDR\" is reserved: the SDP form gives raddr its own meaning");
            expectIae(() -> host().extension("rport", "1").build(),
                    "extension name \"rport\" is reserved: the SDP form gives rport its own meaning");
            expectIae(() -> host().extension("typ", "host").build(),
                    "extension name \"typ\" is reserved: the SDP form gives typ its own meaning");
        }

        @Test
        void rejectsNulls() {
            expectNpe(() -> host().foundation(null).build(), "foundation must not be null");
            expectNpe(() -> host().protocol(null).build(), "protocol must not be null");
            expectNpe(() -> host().address(null).build(), "address must not be null");
            expectNpe(() -> host().type(null).build(), "type must not be null");
            expectNpe(() -> host().extensions(null), "extensions must not be null");
            expectNpe(() -> new Extension(null, "v"), "extension name must not be null");
            expectNpe(() -> new Extension("n", null), "extension value must not be null");
            expectNpe(() -> IceCandidate.parse(null), "candidate line must not be null");
            expectNpe(() -> host().build().extension(null), "name must not be null");
        }

        @Test
        void rejectsBadExtensions() {
            expectIae(() -> new Extension("", "v"), "extension name is empty");
            expectIae(() -> new Extension("a b", "v"),
                    "extension name \"a b\" contains ' '; an extension name is an SDP token");
            expectIae(() -> new Extension("a:b", "v"),
                    "extension name \"a:b\" contains ':'; an extension name is an SDP token");
            expectIae(() -> new Extension("n", ""), "extension \"n\" has an empty value");
            expectIae(() -> new Extension("n", "a b"), "extension \"n\" value \"a b\" contains ' '; only printable"
                    + " US-ASCII characters other than space are allowed");
            expectIae(() -> new Extension("n", "a\tb"), "extension \"n\" value \"a\\u0009b\" contains U+0009; only"
                    + " printable US-ASCII characters other than space are allowed");
        }
    }

    @Nested
    class Rejections {

        @ParameterizedTest
        @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "``| candidate line \"\" is missing the foundation",
            "candidate:| candidate line \"candidate:\" is missing the foundation",
            "a=candidate:1 1 udp| candidate line \"a=candidate:1 1 udp\" is missing the priority",
            "1 1 udp 1 10.0.0.1 5000 typ| candidate line \"1 1 udp 1 10.0.0.1 5000 typ\" is missing the candidate type",
            "1 1 udp 1 10.0.0.1 5000| candidate line \"1 1 udp 1 10.0.0.1 5000\" is missing the \"typ\"",
            "a=ice-ufrag:abcd| SDP line \"a=ice-ufrag:abcd\" is not an a=candidate: attribute",
            "candidate:1  1 udp 1 10.0.0.1 5000 typ host| candidate line \"1  1 udp 1 10.0.0.1 5000 typ host\""
                    + " has an empty field at character 2 (fields are separated by one space)",
            "`candidate:1 1 udp 1 10.0.0.1 5000 typ host `| candidate line \"1 1 udp 1 10.0.0.1 5000 typ host \""
                    + " has an empty field at character 33 (fields are separated by one space)",
            "`candidate: 1 1 udp 1 10.0.0.1 5000 typ host`| candidate line \" 1 1 udp 1 10.0.0.1 5000 typ host\""
                    + " has an empty field at character 0 (fields are separated by one space)",
            "candidate:a-b 1 udp 1 10.0.0.1 5000 typ host| foundation \"a-b\" contains '-'; only letters, digits,"
                    + " '+' and '/' are allowed",
            "candidate:123456789012345678901234567890123 1 udp 1 10.0.0.1 5000 typ host| foundation"
                    + " \"123456789012345678901234567890123\" must be 1 to 32 characters long, not 33",
            "candidate:1 x udp 1 10.0.0.1 5000 typ host| component \"x\" is not a number",
            "candidate:1 0 udp 1 10.0.0.1 5000 typ host| component \"0\" is out of range 1..256",
            "candidate:1 257 udp 1 10.0.0.1 5000 typ host| component \"257\" is out of range 1..256",
            "candidate:1 -1 udp 1 10.0.0.1 5000 typ host| component \"-1\" is not a number",
            "candidate:1 1 sctp 1 10.0.0.1 5000 typ host| transport \"sctp\" is not udp or tcp",
            "candidate:1 1 ssltcp 1 10.0.0.1 5000 typ host| transport \"ssltcp\" is not udp or tcp",
            "candidate:1 1 udp x 10.0.0.1 5000 typ host| priority \"x\" is not a number",
            "candidate:1 1 udp 0 10.0.0.1 5000 typ host| priority \"0\" is out of range 1..2147483647",
            "candidate:1 1 udp 2147483648 10.0.0.1 5000 typ host| priority \"2147483648\" is out of range"
                    + " 1..2147483647",
            "candidate:1 1 udp 99999999999999999999999 10.0.0.1 5000 typ host| priority \"99999999999999999999999\""
                    + " is out of range 1..2147483647",
            "candidate:1 1 udp +5 10.0.0.1 5000 typ host| priority \"+5\" is not a number",
            "candidate:1 1 udp 1 10.0.0 5000 typ host| address \"10.0.0\" is not an IPv4 address, an IPv6 address"
                    + " or a host name",
            "candidate:1 1 udp 1 1:2:3:4:5:6:7:8:9 5000 typ host| address \"1:2:3:4:5:6:7:8:9\" is not an IPv4"
                    + " address, an IPv6 address or a host name",
            "candidate:1 1 udp 1 1::2::3 5000 typ host| address \"1::2::3\" is not an IPv4 address, an IPv6 address"
                    + " or a host name",
            "candidate:1 1 udp 1 [2001:db8::1] 5000 typ host| address \"[2001:db8::1]\" is not an IPv4 address,"
                    + " an IPv6 address or a host name",
            "candidate:1 1 udp 1 -bad-.local 5000 typ host| address \"-bad-.local\" is not an IPv4 address,"
                    + " an IPv6 address or a host name",
            "candidate:1 1 udp 1 host..local 5000 typ host| address \"host..local\" is not an IPv4 address,"
                    + " an IPv6 address or a host name",
            "candidate:1 1 udp 1 10.0.0.1 x typ host| port \"x\" is not a number",
            "candidate:1 1 udp 1 10.0.0.1 65536 typ host| port \"65536\" is out of range 0..65535",
            "candidate:1 1 udp 1 10.0.0.1 5000 type host| expected \"typ\" after the port, not \"type\"",
            "candidate:1 1 udp 1 10.0.0.1 5000 typ local| candidate type \"local\" is not host, srflx, prflx or relay",
            "candidate:1 1 udp 1 10.0.0.1 5000 typ srflx raddr| raddr has no address",
            "candidate:1 1 udp 1 10.0.0.1 5000 typ srflx raddr 10.0.0| raddr \"10.0.0\" is not an IPv4 address,"
                    + " an IPv6 address or a host name",
            "candidate:1 1 udp 1 10.0.0.1 5000 typ srflx raddr 0.0.0.0| raddr must be followed by rport",
            "candidate:1 1 udp 1 10.0.0.1 5000 typ srflx raddr 0.0.0.0 generation 0| raddr must be followed by"
                    + " rport",
            "candidate:1 1 udp 1 10.0.0.1 5000 typ srflx raddr 0.0.0.0 rport| rport has no port",
            "candidate:1 1 udp 1 10.0.0.1 5000 typ srflx raddr 0.0.0.0 rport 65536| rport \"65536\" is out of range"
                    + " 0..65535",
            "candidate:1 1 udp 1 10.0.0.1 5000 typ srflx rport 0| rport without raddr",
            "candidate:1 1 udp 1 10.0.0.1 5000 typ host generation 0 raddr 0.0.0.0 rport 0| extension name"
                    + " \"raddr\" is reserved: the SDP form gives raddr its own meaning",
            "candidate:1 1 udp 1 10.0.0.1 5000 typ host generation| extension \"generation\" has no value",
            "candidate:1 1 udp 1 10.0.0.1 5000 typ host a:b 1| extension name \"a:b\" contains ':'; an extension"
                    + " name is an SDP token",
            "candidate:1 1 udp 1 10.0.0.1 5000 typ host ufrag \u00e9| extension \"ufrag\" value \"\\u00e9\" contains"
                    + " U+00E9; only printable US-ASCII characters other than space are allowed",
            "candidate:1 1 udp 1 10.0.0.1 5000 typ host tcptype active| tcptype is only allowed on a TCP candidate,"
                    + " not on udp",
            "candidate:1 1 tcp 1 10.0.0.1 9 typ host tcptype sideways| tcptype \"sideways\" is not active, passive"
                    + " or so",
            "candidate:1 1 tcp 1 10.0.0.1 9 typ host tcptype active tcptype passive| tcptype appears twice",
        })
        void namesTheWrongField(String line, String message) {
            expectIae(() -> IceCandidate.parse(line), message);
        }

        @Test
        void onlyOneTrailingLineEndIsTolerated() {
            expectIae(() -> IceCandidate.parse(FIREFOX_HOST + "\r\n\r\n"),
                    "candidate type \"host\\u000d\\u000a\" is not host, srflx, prflx or relay");
            expectIae(() -> IceCandidate.parse(FIREFOX_HOST + "\r"),
                    "candidate type \"host\\u000d\" is not host, srflx, prflx or relay");
        }

        @Test
        void longInputIsShortenedInMessages() {
            String longPriority = "9".repeat(200);

            assertThatThrownBy(() -> IceCandidate.parse("candidate:1 1 udp " + longPriority + " 10.0.0.1 1 typ host"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("priority \"" + "9".repeat(80) + "...\" is out of range 1..2147483647");
        }
    }

    static void expectIae(ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(message);
    }

    static void expectNpe(ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOf(NullPointerException.class).hasMessage(message);
    }
}
