package io.iceflux;

import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.IceCandidate.Extension;
import io.iceflux.IceCandidate.TcpType;
import io.iceflux.IceCandidate.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.Tuple.Tuple3;
import net.jqwik.api.Tuple;

class IceCandidatePropertiesTest {

    private static final List<String> BROWSER_LINES = List.of(IceCandidateTest.CHROME_MDNS_HOST,
            IceCandidateTest.CHROME_SRFLX, IceCandidateTest.CHROME_RELAY, IceCandidateTest.CHROME_TCP_HOST,
            IceCandidateTest.CHROME_TCP_PASSIVE_IPV6, IceCandidateTest.FIREFOX_HOST, IceCandidateTest.FIREFOX_RELAY,
            IceCandidateTest.IPV6_HOST, IceCandidateTest.SAFARI_HOST, "a=" + IceCandidateTest.RFC8839_SRFLX + "\r\n");

    /** Characters that SDP candidate lines are made of, so random strings get past the first checks. */
    private static final String SDP_ALPHABET = "candidteyphosrflxrelyudpUDPtcpTCPzgen0123456789abcdef.:-+/= \r\n%[]\t";

    @Property(tries = 1000)
    void sdpFormParsesBackToAnEqualCandidate(@ForAll("candidates") IceCandidate c) {
        IceCandidate parsed = IceCandidate.parse(c.toSdp());

        assertThat(parsed).isEqualTo(c);
        assertThat(parsed.toSdp()).isEqualTo(c.toSdp());
        assertThat(IceCandidate.parse("a=" + c.toSdp() + "\r\n")).isEqualTo(c);
        assertThat(IceCandidate.parse(c.toSdp().substring("candidate:".length()))).isEqualTo(c);
    }

    @Property(tries = 300)
    void anySpellingOfTheTransportComesBackUnchanged(@ForAll("candidates") IceCandidate c,
            @ForAll("caseMasks") List<Boolean> upper) {
        String token = c.protocol().w3cName();
        StringBuilder spelled = new StringBuilder();
        for (int i = 0; i < token.length(); i++) {
            spelled.append(upper.get(i) ? Character.toUpperCase(token.charAt(i)) : token.charAt(i));
        }
        String line = c.toSdp().replaceFirst(" " + token + " ", " " + spelled + " ");

        IceCandidate parsed = IceCandidate.parse(line);

        assertThat(parsed).isEqualTo(c);
        assertThat(parsed.toSdp()).isEqualTo(line);
    }

    @Property
    void arbitraryTextIsParsedOrRejectedWithIllegalArgumentException(@ForAll("noise") String text) {
        parseOrReject(text);
    }

    @Property
    void mutatedBrowserLinesAreParsedOrRejectedWithIllegalArgumentException(@ForAll("mutatedLines") String text) {
        parseOrReject(text);
    }

    /** Parsing either fails with IllegalArgumentException or gives a candidate whose SDP form parses back. */
    private static void parseOrReject(String text) {
        IceCandidate c;
        try {
            c = IceCandidate.parse(text);
        } catch (IllegalArgumentException rejected) {
            assertThat(rejected.getMessage()).isNotBlank();
            return;
        }
        assertThat(IceCandidate.parse(c.toSdp())).isEqualTo(c);
    }

    // ---- generators ------------------------------------------------------------------------------------------

    @Provide
    Arbitrary<IceCandidate> candidates() {
        Arbitrary<String> foundation = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z')
                .withCharRange('0', '9').withChars('+', '/').ofMinLength(1).ofMaxLength(32);
        Arbitrary<Tuple2<String, Integer>> related = Combinators.combine(addresses(), ports()).as(Tuple::of)
                .injectNull(0.4);
        Arbitrary<TcpType> tcpType = Arbitraries.of(TcpType.class).injectNull(0.3);
        Arbitrary<Tuple3<Tuple2<String, Integer>, TcpType, List<Extension>>> rest =
                Combinators.combine(related, tcpType, extensions()).as(Tuple::of);
        return Combinators.combine(foundation, Arbitraries.integers().between(1, 256),
                Arbitraries.of(IceProtocol.class), Arbitraries.longs().between(1, (1L << 31) - 1), addresses(),
                ports(), Arbitraries.of(Type.class), rest)
                .as((f, component, protocol, priority, address, port, type, r) -> IceCandidate.builder()
                        .foundation(f).component(component).protocol(protocol).priority(priority).address(address)
                        .port(port).type(type)
                        .related(r.get1() == null ? null : r.get1().get1(), r.get1() == null ? null : r.get1().get2())
                        .tcpType(protocol == IceProtocol.TCP ? r.get2() : null).extensions(r.get3()).build());
    }

    @Provide
    Arbitrary<List<Boolean>> caseMasks() {
        return Arbitraries.of(true, false).list().ofSize(3);
    }

    @Provide
    Arbitrary<String> noise() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(120),
                Arbitraries.strings().withChars(SDP_ALPHABET.toCharArray()).ofMaxLength(160),
                Arbitraries.strings().withChars(SDP_ALPHABET.toCharArray()).ofMaxLength(100)
                        .map(s -> "candidate:1 1 udp 1 " + s),
                Arbitraries.strings().withChars(SDP_ALPHABET.toCharArray()).ofMaxLength(80)
                        .map(s -> "a=candidate:1 1 tcp 1 10.0.0.1 9 typ host " + s));
    }

    @Provide
    Arbitrary<String> mutatedLines() {
        Arbitrary<Mutation> mutation = Combinators.combine(Arbitraries.integers().between(0, 4),
                Arbitraries.integers().between(0, 10_000), Arbitraries.integers().between(0, 10_000),
                Arbitraries.oneOf(Arbitraries.chars().with(SDP_ALPHABET.toCharArray()), Arbitraries.chars()))
                .as(Mutation::new);
        return Combinators.combine(Arbitraries.of(BROWSER_LINES), mutation.list().ofMinSize(1).ofMaxSize(6))
                .as((line, mutations) -> {
                    String s = line;
                    for (Mutation m : mutations) {
                        s = m.apply(s);
                    }
                    return s;
                });
    }

    /** One edit of a line: replace, insert or delete a character, swap two fields, or cut the line short. */
    private record Mutation(int kind, int at, int other, char ch) {
        String apply(String s) {
            if (s.isEmpty()) {
                return String.valueOf(ch);
            }
            int i = at % s.length();
            switch (kind) {
                case 0:
                    return s.substring(0, i) + ch + s.substring(i + 1);
                case 1:
                    return s.substring(0, i) + ch + s.substring(i);
                case 2:
                    return s.substring(0, i) + s.substring(i + 1);
                case 3: {
                    List<String> fields = new ArrayList<>(List.of(s.split(" ", -1)));
                    int a = at % fields.size();
                    int b = other % fields.size();
                    String tmp = fields.get(a);
                    fields.set(a, fields.get(b));
                    fields.set(b, tmp);
                    return String.join(" ", fields);
                }
                default:
                    return s.substring(0, i);
            }
        }
    }

    private static Arbitrary<Integer> ports() {
        return Arbitraries.integers().between(0, 65535);
    }

    private static Arbitrary<String> addresses() {
        Arbitrary<Integer> octet = Arbitraries.integers().between(0, 255);
        Arbitrary<String> ipv4 = octet.list().ofSize(4)
                .map(l -> l.stream().map(String::valueOf).collect(Collectors.joining(".")));
        Arbitrary<String> group = Arbitraries.strings().withCharRange('0', '9').withCharRange('a', 'f')
                .withCharRange('A', 'F').ofMinLength(1).ofMaxLength(4);
        Arbitrary<String> fullIpv6 = group.list().ofSize(8).map(l -> String.join(":", l));
        Arbitrary<String> compressedIpv6 = Arbitraries.integers().between(0, 7).flatMap(head ->
                Arbitraries.integers().between(0, 7 - head).flatMap(tail ->
                        Combinators.combine(group.list().ofSize(head), group.list().ofSize(tail))
                                .as((h, t) -> String.join(":", h) + "::" + String.join(":", t))));
        Arbitrary<String> mappedIpv6 = ipv4.map(v4 -> "::ffff:" + v4);
        Arbitrary<String> label = Combinators.combine(Arbitraries.chars().range('a', 'z'),
                Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars('-')
                        .ofMaxLength(20),
                Arbitraries.chars().range('0', '9'))
                .as((first, middle, last) -> first + middle + last);
        Arbitrary<String> hostName = label.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join(".", l));
        Arbitrary<String> mdns = Combinators.combine(Arbitraries.longs(), Arbitraries.longs())
                .as((hi, lo) -> new UUID(hi, lo).toString() + ".local");
        return Arbitraries.oneOf(ipv4, fullIpv6, compressedIpv6, mappedIpv6, hostName, mdns);
    }

    private static Arbitrary<List<Extension>> extensions() {
        String tokenChars = "!#$%&'*+-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ^_`abcdefghijklmnopqrstuvwxyz{|}~";
        Arbitrary<String> name = Arbitraries.strings().withChars(tokenChars.toCharArray()).ofMinLength(1)
                .ofMaxLength(12)
                .filter(n -> !List.of("typ", "raddr", "rport", "tcptype").contains(n.toLowerCase(Locale.ROOT)));
        Arbitrary<String> value = Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(16);
        return Combinators.combine(name, value).as(Extension::new).list().ofMaxSize(5);
    }
}
