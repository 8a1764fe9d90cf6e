package io.iceflux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.iceflux.InvalidIceServerException.Part;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of web-platform-tests' {@code webrtc/RTCConfiguration-iceServers.html}, revision
 * {@code 01dd78cbbcd9534ff61edae21176f216d5bfa5c2} of {@code web-platform-tests/wpt}: its {@code validUrls} (33) and
 * {@code invalidUrls} (48) lists and its other URL and credential cases, transcribed (the URLs and what the file
 * expects; no code of the file).
 *
 * <p>The file's lists were written against an older webrtc-pc text and contradict, in eight entries, the
 * specifications it cites: the WHATWG URL Standard and the current webrtc-pc "validate an ICE server URL" steps
 * (parse the URL; it must have an opaque path without {@code /} or {@code @}, no fragment, no query on
 * {@code stun(s)}; then parse {@code "https://"} followed by that path for the host and port; the query of
 * {@code turn(s)} is {@code transport=udp} or {@code transport=tcp}). IceFlux follows the specifications; each of
 * those entries carries the reason ({@link Case#deviation()}), and {@link #eightEntriesOfTheListsDisagreeWithTheSpecs}
 * keeps the count honest.
 */
class IceServerUrlWptTest {

    /** What the WPT file expects. */
    enum Wpt { VALID, INVALID }

    /**
     * One URL of the file's lists.
     *
     * @param canonical what {@link IceServerUrl#canonical()} must be, or null when IceFlux rejects the URL
     * @param part      the part a rejection names (null when accepted)
     * @param says      a piece of the rejection's message (null when accepted)
     * @param deviation why IceFlux's verdict is not the file's, or null when it is the same
     */
    record Case(String url, Wpt wpt, String canonical, Part part, String says, String deviation) {
        @Override
        public String toString() {
            return IceServerUrl.quote(url, 80) + (deviation == null ? "" : " (differs from WPT)");
        }
    }

    private static Case valid(String url, String canonical) {
        return new Case(url, Wpt.VALID, canonical, null, null, null);
    }

    private static Case invalid(String url, Part part, String says) {
        return new Case(url, Wpt.INVALID, null, part, says, null);
    }

    /** The file's {@code validUrls}, in its order. */
    static final List<Case> VALID_URLS = List.of(
            valid("stun:example\t.\norg", "stun:example.org:3478"),
            valid("stun:ex%61mple.net", "stun:example.net:3478"),
            valid("stun:[2001::1]", "stun:[2001::1]:3478"),
            valid("stun:example(&!$)*+-.;_=~\u263Aorg", "stun:example(&!$)*+-.xn--;_=~org-xc7d:3478"),
            valid("stun:example.net:", "stun:example.net:3478"),
            valid("stun:example.net:0000000000000000", "stun:example.net:0"),
            valid("stun:example.net:65535", "stun:example.net:65535"),
            valid("stun:example.net:\n", "stun:example.net:3478"),
            valid("stun:GOO\u200B\u2060\uFEFFgoo.com", "stun:googoo.com:3478"),
            valid("\u0000\u001B\u0004\u0012 stun:example.com\u001F \r ", "stun:example.com:3478"),
            valid("stun:www.foo\u3002bar.com", "stun:www.foo.bar.com:3478"),
            valid("stun:\uFF27\uFF4F.com", "stun:go.com:3478"),
            valid("stun:\u4F60\u597D\u4F60\u597D", "stun:xn--6qqa088eba:3478"),
            valid("stun:fa\u00DF.ExAmPlE", "stun:xn--fa-hia.example:3478"),
            valid("stun:%30%78%63%30%2e%30%32%35%30.01", "stun:192.168.0.1:3478"),
            valid("stun:%30%78%63%30%2e%30%32%35%30.01%2e", "stun:192.168.0.1:3478"),
            valid("stun:\uFF10\uFF38\uFF43\uFF10\uFF0E\uFF10\uFF12\uFF15\uFF10\uFF0E\uFF10\uFF11", "stun:192.168.0.1:3478"),
            valid("stun:.", "stun:.:3478"),
            valid("stun:ho\tst", "stun:host:3478"),
            valid("stun:!\"$&'()*+,-.;=_`{}~", "stun:!\"$&'()*+,-.;=_`{}~:3478"),
            new Case("stun:\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B\u000C\u000E\u000F\u0010\u0011\u0012"
                    + "\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\u007F!\"$%&'()*+,-.;=_`{}~",
                    Wpt.VALID, null, Part.HOST, "contains a control character (U+0001), which a URL host cannot contain",
                    "the URL Standard's host parser rejects C0 controls, DEL and '%' in a domain (forbidden domain code "
                            + "points); the entry comes from urltestdata.json's opaque-host case (sc://...), which an "
                            + "https host is not"),
            valid("stun:h\to\ns\rt:9\t0\n0\r0", "stun:host:9000"),
            valid("stun:1.2.3.4.", "stun:1.2.3.4:3478"),
            valid("stun:192.168.257", "stun:192.168.1.1:3478"),
            new Case("192.168.257.com", Wpt.VALID, null, Part.SCHEME, "there is no scheme",
                    "it has no scheme: a relative URL, which the file's own 'relative-url' case expects to throw"),
            valid("stun:256", "stun:0.0.1.0:3478"),
            valid("stun:256.com", "stun:256.com:3478"),
            valid("stun:999999999", "stun:59.154.201.255:3478"),
            valid("stun:0xffffffff", "stun:255.255.255.255:3478"),
            new Case("stun:example.net/foo", Wpt.VALID, null, Part.PATH, "path \"/foo\" is not allowed",
                    "the file notes 'Spec say the following are valid, but that sounds like a bug'; the current "
                            + "webrtc-pc text rejects an opaque path holding '/' or '@'"),
            new Case("stun:/example.net", Wpt.VALID, null, Part.PATH, "'/' after the scheme is not allowed",
                    "same note; the URL has no opaque path, which the current webrtc-pc text requires"),
            new Case("stun:user@example.net", Wpt.VALID, null, Part.USERINFO, "user info before '@' is not allowed",
                    "same note; an opaque path holding '@' is rejected by the current webrtc-pc text"),
            new Case("stun:@example.net", Wpt.VALID, null, Part.USERINFO, "user info before '@' is not allowed",
                    "same note; an opaque path holding '@' is rejected by the current webrtc-pc text"));

    /** The file's {@code invalidUrls}, in its order. */
    static final List<Case> INVALID_URLS = List.of(
            invalid("stun:example.net:65536", Part.PORT, "port 65536 is out of range 0-65535"),
            invalid("stun:example.net:b", Part.PORT, "port \"b\" is not a decimal number"),
            new Case("stun:example.net: ", Wpt.INVALID, "stun:example.net:3478", null, null,
                    "the URL Standard trims trailing spaces before parsing, leaving 'stun:example.net:', which the "
                            + "file's validUrls accepts; the entry comes from urltestdata.json's 'http://f: /c', whose "
                            + "space is not trailing"),
            invalid("stun:example.net: 21 ", Part.PORT, "port \" 21\" is not a decimal number"),
            invalid("stun:example.net:-21", Part.PORT, "port \"-21\" is not a decimal number"),
            invalid("stun:example.net#foo", Part.FRAGMENT, "fragment \"#foo\" is not allowed"),
            invalid("stun:[61:24:74]:98", Part.HOST, "is not a valid IPv6 address: it has 3 groups of 16 bits"),
            invalid("stun:[::127.0.0.1.]", Part.HOST, "is not a valid IPv6 address: its IPv4 part"),
            new Case("stun:192.0x00A80001", Wpt.INVALID, "stun:192.168.0.1:3478", null, null,
                    "the URL Standard's IPv4 parser reads it as 192.168.0.1 (urltestdata.json has "
                            + "'http://192.0x00A80001' -> 'http://192.168.0.1/'), like 'stun:0xffffffff' and "
                            + "'stun:192.168.257' of the file's validUrls"),
            invalid("stun:GOO\u00A0\u3000goo.com", Part.HOST, "contains a space (U+0020)"),
            invalid("stun:\uFDD0zyx.com", Part.HOST, "it contains a character that IDNA does not allow"),
            invalid("stun:%ef%b7%90zyx.com", Part.HOST, "it contains a character that IDNA does not allow"),
            invalid("stun:\uFFFD", Part.HOST, "it contains a character that IDNA does not allow"),
            invalid("stun:%EF%BF%BD", Part.HOST, "it contains a character that IDNA does not allow"),
            invalid("stun:a.b.c.xn--pokxncvks", Part.HOST, "a label is not valid punycode (xn--)"),
            invalid("stun:a.b.c.XN--pokxncvks", Part.HOST, "a label is not valid punycode (xn--)"),
            invalid("stun:a.b.c.Xn--pokxncvks", Part.HOST, "a label is not valid punycode (xn--)"),
            invalid("stun:10.0.0.XN--pokxncvks", Part.HOST, "a label is not valid punycode (xn--)"),
            invalid("stun:10.0.0.xN--pokxncvks", Part.HOST, "a label is not valid punycode (xn--)"),
            invalid("stun:\uFF05\uFF14\uFF11.com", Part.HOST, "contains '%' (U+0025)"),
            invalid("stun:\uFF05\uFF10\uFF10.com", Part.HOST, "contains '%' (U+0025)"),
            invalid("stun:%ef%bc%85%ef%bc%90%ef%bc%90.com", Part.HOST, "contains '%' (U+0025)"),
            invalid("stun:%zz%66%a.com", Part.HOST, "contains '%' (U+0025)"),
            invalid("stun:%25", Part.HOST, "contains '%' (U+0025)"),
            invalid("stun:hello%00", Part.HOST, "contains a control character (U+0000)"),
            invalid("stun:192.168.0.257", Part.HOST, "its last part \"257\" is 257, more than fits in the 1 byte"),
            invalid("stun:%3g%78%63%30%2e%30%32%35%30%2E.01", Part.HOST, "contains '%' (U+0025)"),
            invalid("stun:192.168.0.1 hello", Part.HOST, "contains a space (U+0020)"),
            invalid("stun:x x:12", Part.HOST, "contains a space (U+0020)"),
            invalid("stun:[example.net]", Part.HOST, "is not a valid IPv6 address"),
            invalid("stun:[::1.2.3.4x]", Part.HOST, "is not a valid IPv6 address"),
            invalid("stun:[::1.2.3.]", Part.HOST, "is not a valid IPv6 address: its IPv4 part"),
            invalid("stun:[::1.2.]", Part.HOST, "is not a valid IPv6 address: its IPv4 part"),
            invalid("stun:[::.1.2]", Part.HOST, "is not a valid IPv6 address: its IPv4 part"),
            invalid("stun:[::1.]", Part.HOST, "is not a valid IPv6 address: its IPv4 part"),
            invalid("stun:[::.1]", Part.HOST, "is not a valid IPv6 address: its IPv4 part"),
            invalid("stun:[::%31]", Part.HOST, "holds the IPv6 zone identifier or percent-encoding \"%31\""),
            invalid("stun:%5B::1]", Part.HOST, "has more than one ':'"),
            invalid("stun:a\u0000b", Part.HOST, "contains a control character (U+0000)"),
            invalid("stun:a<b", Part.HOST, "contains '<' (U+003C)"),
            invalid("stun:a[b", Part.HOST, "contains '[' (U+005B)"),
            invalid("stun:a\\b", Part.PATH, "'\\' after the host is not allowed; a browser reads \"\\\\b\" as a path"),
            invalid("stun:a^b", Part.HOST, "contains '^' (U+005E)"),
            invalid("stun:ho%00st", Part.HOST, "contains a control character (U+0000)"),
            invalid("stun:example.com%80", Part.HOST, "it contains a character that IDNA does not allow"),
            invalid("stun:10000000000", Part.HOST, "ends in a number, so it must be an IPv4 address, but its last "
                    + "part \"10000000000\" is 10000000000, more than fits in the 4 bytes left for it"),
            invalid("stun:0xffffffff1", Part.HOST, "its last part \"0xffffffff1\" is 68719476721, more than fits"),
            invalid("stun:256.256.256.256", Part.HOST, "part \"256\" is 256, more than 255"));

    static Stream<Case> listedUrls() {
        return Stream.concat(VALID_URLS.stream(), INVALID_URLS.stream());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("listedUrls")
    void everyListedUrlIsAcceptedOrRejectedAsTheSpecsSay(Case c) {
        assertThat(c.canonical() != null).as("accepted").isEqualTo((c.wpt() == Wpt.VALID) == (c.deviation() == null));
        if (c.canonical() != null) {
            IceServerUrl parsed = IceServerUrl.parse(c.url());
            assertThat(parsed.url()).isEqualTo(c.url());
            assertThat(parsed.canonical()).isEqualTo(c.canonical());
            assertThat(IceServerUrl.parse(c.canonical())).isEqualTo(parsed);
            return;
        }
        IceServerSyntaxException e = catchThrowableOfType(IceServerSyntaxException.class,
                () -> IceServerUrl.parse(c.url()));
        assertThat(e).as("parse(%s) must throw", c).isNotNull();
        assertThat(e.part()).isEqualTo(c.part());
        assertThat(e.url()).isEqualTo(IceServerUrl.redact(c.url()));
        assertThat(e.getMessage())
                .startsWith("invalid ICE server URL " + IceServerUrl.quote(IceServerUrl.redact(c.url()), 256) + ": ")
                .contains(c.says());
    }

    @Test
    void theListsAreTranscribedWhole() {
        assertThat(VALID_URLS).hasSize(33).allMatch(c -> c.wpt() == Wpt.VALID);
        assertThat(INVALID_URLS).hasSize(48).allMatch(c -> c.wpt() == Wpt.INVALID);
        assertThat(listedUrls().map(Case::url).distinct()).hasSize(81);
    }

    @Test
    void eightEntriesOfTheListsDisagreeWithTheSpecs() {
        List<String> differing = new ArrayList<>();
        listedUrls().filter(c -> c.deviation() != null).forEach(c -> differing.add(c.url()));

        assertThat(differing).containsExactly(
                VALID_URLS.get(20).url(), "192.168.257.com", "stun:example.net/foo", "stun:/example.net",
                "stun:user@example.net", "stun:@example.net", "stun:example.net: ", "stun:192.0x00A80001");
        assertThat(listedUrls().filter(c -> c.deviation() != null)).allSatisfy(c -> assertThat(c.deviation()).isNotBlank());
    }

    static Stream<Arguments> otherUrlCases() {
        return Stream.of(
                // 'with "" url should throw SyntaxError'
                Arguments.of(List.of(""), Part.SCHEME, "the URL is empty"),
                // 'with ["stun:stun1.example.net", ""] url should throw SyntaxError'
                Arguments.of(List.of("stun:stun1.example.net", ""), Part.SCHEME, "the URL is empty"),
                // 'with relative url should throw SyntaxError'
                Arguments.of(List.of("relative-url"), Part.SCHEME, "there is no scheme"),
                // 'with http url should throw SyntaxError'
                Arguments.of(List.of("http://example.com"), Part.SCHEME, "scheme \"http\" is not stun"),
                // 'with invalid turn url should throw SyntaxError'
                Arguments.of(List.of("turn://example.org/foo?x=y"), Part.AUTHORITY, "'//' after the scheme"),
                // 'with invalid stun url should throw SyntaxError'
                Arguments.of(List.of("stun://example.org/foo?x=y"), Part.AUTHORITY, "'//' after the scheme"),
                // 'with empty urls should throw SyntaxError'
                Arguments.of(List.of(), Part.URLS, "the URL list is empty"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("otherUrlCases")
    void otherUrlCasesAreSyntaxErrors(List<String> urls, Part part, String says) {
        assertThatThrownBy(() -> IceServer.of(urls, "user", "cred"))
                .isExactlyInstanceOf(IceServerSyntaxException.class)
                .satisfies(e -> assertThat(((InvalidIceServerException) e).part()).isEqualTo(part))
                .hasMessageContaining(says);
    }

    static Stream<Arguments> acceptedServers() {
        return Stream.of(
                // 'with stun server should succeed', 'with stun server array should succeed'
                Arguments.of(List.of("stun:stun1.example.net"), null, null),
                // 'with 2 stun servers should succeed'
                Arguments.of(List.of("stun:stun1.example.net", "stun:stun2.example.net"), null, null),
                // 'with turn server, username, credential should succeed'
                Arguments.of(List.of("turn:turn.example.org"), "user", "cred"),
                // 'with turns server and empty string username, credential should succeed'
                Arguments.of(List.of("turns:turn.example.org"), "", ""),
                // 'with turn server and empty string username, credential should succeed'
                Arguments.of(List.of("turn:turn.example.org"), "", ""),
                // 'with one turns server, one turn server, username, credential should succeed'
                Arguments.of(List.of("turns:turn.example.org", "turn:turn.example.net"), "user", "cred"));
    }

    @ParameterizedTest(name = "{0} {1}/{2}")
    @MethodSource("acceptedServers")
    void acceptedServersKeepWhatWasGiven(List<String> urls, String username, String credential) {
        IceServer server = IceServer.of(urls, username, credential);

        assertThat(server.urls()).isEqualTo(urls);
        assertThat(server.username().orElse(null)).isEqualTo(username);
        assertThat(server.credential().orElse(null)).isEqualTo(credential);
    }

    static Stream<Arguments> missingCredentials() {
        return Stream.of(
                // 'with turn(s) server and no credentials / only username / only credential should throw InvalidAccessError'
                Arguments.of("turn:turn.example.net", null, null, Part.USERNAME),
                Arguments.of("turn:turn.example.net", "user", null, Part.CREDENTIAL),
                Arguments.of("turn:turn.example.net", null, "cred", Part.USERNAME),
                Arguments.of("turns:turn.example.net", null, null, Part.USERNAME),
                Arguments.of("turns:turn.example.net", "user", null, Part.CREDENTIAL),
                Arguments.of("turns:turn.example.net", null, "cred", Part.USERNAME));
    }

    @ParameterizedTest(name = "{0} {1}/{2}")
    @MethodSource("missingCredentials")
    void aMissingUsernameOrCredentialIsInvalidAccess(String url, String username, String credential, Part part) {
        assertThatThrownBy(() -> IceServer.of(List.of(url), username, credential))
                .isExactlyInstanceOf(IceServerCredentialsException.class)
                .satisfies(e -> assertThat(((InvalidIceServerException) e).part()).isEqualTo(part))
                .hasMessage("invalid ICE server credentials for \"" + url + "\": the "
                        + (part == Part.USERNAME ? "username" : "credential")
                        + " is missing; a turn: or turns: URL needs a username and a credential");
    }
}
