package io.iceflux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.iceflux.InvalidIceServerException.Part;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IceServerTest {

    /** A password distinctive enough that finding it in any text means it leaked. */
    private static final String SECRET = "Pz9-kV2q_Secret-7731";

    private static final StunTimers FAST = StunTimers.rfc8489().withInitialRto(Duration.ofMillis(100));

    @Test
    void stunServerWithoutCredentials() {
        IceServer server = IceServer.of("stun:stun.example.org", "STUNS:Stun.Example.org:443");

        assertThat(server.urls()).containsExactly("stun:stun.example.org", "STUNS:Stun.Example.org:443");
        assertThat(server.parsedUrls()).containsExactly(IceServerUrl.parse("stun:stun.example.org"),
                IceServerUrl.parse("stuns:stun.example.org:443"));
        assertThat(server.parsedUrls()).extracting(IceServerUrl::url)
                .containsExactly("stun:stun.example.org", "STUNS:Stun.Example.org:443");
        assertThat(server.username()).isEmpty();
        assertThat(server.credential()).isEmpty();
        assertThat(server.timers()).isEmpty();
        assertThat(server.toString()).isEqualTo("IceServer[urls=[stun:stun.example.org, STUNS:Stun.Example.org:443]]");
    }

    @Test
    void turnServerWithCredentials() {
        IceServer server = IceServer.of(List.of("turn:turn.example.org?transport=tcp", "turns:turn.example.org"),
                "alice", SECRET);

        assertThat(server.urls()).containsExactly("turn:turn.example.org?transport=tcp", "turns:turn.example.org");
        assertThat(server.parsedUrls()).extracting(IceServerUrl::canonical).containsExactly(
                "turn:turn.example.org:3478?transport=tcp", "turns:turn.example.org:5349?transport=tcp");
        assertThat(server.username()).contains("alice");
        assertThat(server.credential()).contains(SECRET);
        assertThat(server.timers()).isEmpty();
        assertThat(server.toString())
                .isEqualTo("IceServer[urls=[turn:turn.example.org?transport=tcp, turns:turn.example.org], "
                        + "username=alice, credential=***]")
                .doesNotContain(SECRET);
    }

    @Test
    void credentialsOnAStunOnlyServerAreKept() {
        IceServer both = IceServer.of(List.of("stun:host"), "alice", SECRET);
        IceServer usernameOnly = IceServer.of(List.of("stun:host"), "alice", null);
        IceServer emptyBoth = IceServer.of(List.of("stun:host"), "", "");

        assertThat(both.username()).contains("alice");
        assertThat(both.credential()).contains(SECRET);
        assertThat(usernameOnly.username()).contains("alice");
        assertThat(usernameOnly.credential()).isEmpty();
        assertThat(emptyBoth.username()).contains("");
        assertThat(emptyBoth.credential()).contains("");
        assertThat(both.toString()).isEqualTo("IceServer[urls=[stun:host], username=alice, credential=***]");
    }

    @Test
    void listsAreUnmodifiableCopies() {
        List<String> urls = new ArrayList<>(List.of("stun:a.example", "stun:b.example"));
        IceServer server = IceServer.of(urls, null, null);
        urls.set(0, "stun:changed.example");
        urls.add("stun:c.example");

        assertThat(server.urls()).containsExactly("stun:a.example", "stun:b.example");
        assertThat(server.parsedUrls()).extracting(IceServerUrl::host).containsExactly("a.example", "b.example");
        assertThatThrownBy(() -> server.urls().add("stun:x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> server.parsedUrls().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void varargsArrayIsCopied() {
        String[] urls = {"stun:a.example"};
        IceServer server = IceServer.of(urls);
        urls[0] = "stun:changed.example";

        assertThat(server.urls()).containsExactly("stun:a.example");
    }

    static Stream<Arguments> badUrlLists() {
        return Stream.of(
                Arguments.of((Runnable) IceServer::of, "invalid ICE server: the URL list is empty"),
                Arguments.of((Runnable) () -> IceServer.of(List.of(), "alice", SECRET),
                        "invalid ICE server: the URL list is empty"),
                Arguments.of((Runnable) () -> IceServer.of((String[]) null), "invalid ICE server: the URL list is null"),
                Arguments.of((Runnable) () -> IceServer.of(null, "alice", SECRET),
                        "invalid ICE server: the URL list is null"),
                Arguments.of((Runnable) () -> IceServer.of("stun:a", null), "invalid ICE server: urls[1] is null"),
                Arguments.of((Runnable) () -> IceServer.of(Arrays.asList("stun:a", "stun:b", null), "alice", SECRET),
                        "invalid ICE server: urls[2] is null"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badUrlLists")
    void emptyOrNullUrlListsAreSyntaxErrorsOnTheUrls(Runnable create, String message) {
        IceServerSyntaxException e = catchThrowableOfType(IceServerSyntaxException.class, create::run);

        assertThat(e).isNotNull();
        assertThat(e.part()).isEqualTo(Part.URLS);
        assertThat(e.url()).isNull();
        assertThat(e.getMessage()).isEqualTo(message).doesNotContain(SECRET);
    }

    @Test
    void syntaxErrorsComeBeforeCredentialErrors() {
        IceServerSyntaxException e = catchThrowableOfType(IceServerSyntaxException.class,
                () -> IceServer.of(List.of("turn:host", "turn:host:65536"), null, null));

        assertThat(e.part()).isEqualTo(Part.PORT);
        assertThat(e.url()).isEqualTo("turn:host:65536");
        assertThat(e.getMessage())
                .isEqualTo("invalid ICE server URL \"turn:host:65536\": port 65536 is out of range 0-65535");
    }

    @Test
    void syntaxErrorMessageNeverContainsTheCredential() {
        IceServerSyntaxException e = catchThrowableOfType(IceServerSyntaxException.class,
                () -> IceServer.of(List.of("turn:alice:" + SECRET + "@host"), "alice", SECRET));

        assertThat(e.part()).isEqualTo(Part.USERINFO);
        assertThat(e.url()).isEqualTo("turn:***@host");
        assertThat(e.getMessage()).doesNotContain(SECRET);
    }

    static Stream<Arguments> missingCredentials() {
        String needs = "; a turn: or turns: URL needs a username and a credential";
        return Stream.of(
                Arguments.of(List.of("turn:host"), null, SECRET, Part.USERNAME, "turn:host",
                        "the username is missing" + needs),
                Arguments.of(List.of("turn:host?transport=tcp"), "alice", null, Part.CREDENTIAL,
                        "turn:host?transport=tcp", "the credential is missing" + needs),
                Arguments.of(List.of("stun:a", "stuns:b", "turn:c", "turn:d"), null, null, Part.USERNAME, "turn:c",
                        "the username is missing" + needs),
                Arguments.of(List.of("stun:a", "turns:b"), SECRET, null, Part.CREDENTIAL, "turns:b",
                        "the credential is missing" + needs));
    }

    @ParameterizedTest(name = "{0} {3}")
    @MethodSource("missingCredentials")
    void turnUrlsNeedAUsernameAndACredential(List<String> urls, String username, String credential, Part part,
                                             String url, String what) {
        IceServerCredentialsException e = catchThrowableOfType(IceServerCredentialsException.class,
                () -> IceServer.of(urls, username, credential));

        assertThat(e).isNotNull().isInstanceOf(InvalidIceServerException.class);
        assertThat(e.part()).isEqualTo(part);
        assertThat(e.url()).isEqualTo(url);
        assertThat(e.getMessage()).isEqualTo("invalid ICE server credentials for \"" + url + "\": " + what)
                .doesNotContain(SECRET);
    }

    static Stream<Arguments> emptyCredentials() {
        return Stream.of(
                Arguments.of(List.of("turn:host"), "", ""),
                Arguments.of(List.of("turns:host"), "", SECRET),
                Arguments.of(List.of("stun:a", "TURN:host?transport=tcp"), "alice", ""));
    }

    @ParameterizedTest(name = "{0} \"{1}\"")
    @MethodSource("emptyCredentials")
    void anEmptyUsernameOrCredentialIsPresentNotMissing(List<String> urls, String username, String credential) {
        IceServer server = IceServer.of(urls, username, credential);

        assertThat(server.username()).contains(username);
        assertThat(server.credential()).contains(credential);
        String turnUrl = urls.get(urls.size() - 1);
        List<IceServerUrl.Warning> expected = new java.util.ArrayList<>();
        if (username.isEmpty()) {
            expected.add(new IceServerUrl.Warning(IceServerUrl.Warning.Kind.EMPTY_USERNAME, turnUrl, "ICE server \""
                    + turnUrl + "\": the username is empty; Chrome rejects it (InvalidAccessError), and a TURN server "
                    + "answers 401"));
        }
        if (credential.isEmpty()) {
            expected.add(new IceServerUrl.Warning(IceServerUrl.Warning.Kind.EMPTY_CREDENTIAL, turnUrl, "ICE server \""
                    + turnUrl + "\": the credential is empty; Chrome and Firefox reject it (InvalidAccessError), and a "
                    + "TURN server answers 401"));
        }
        assertThat(server.lint()).isEqualTo(expected);
    }

    @Test
    void lintOfAServerListsItsUrlsWarningsInOrder() {
        IceServer server = IceServer.of(List.of("stun:0x7f.1", "stun:ok.example", "turn:ex%61mple.org:"), "", "pw");

        assertThat(server.lint()).extracting(IceServerUrl.Warning::kind).containsExactly(
                IceServerUrl.Warning.Kind.IPV4_NOT_DOTTED_QUAD, IceServerUrl.Warning.Kind.HOST_REWRITTEN,
                IceServerUrl.Warning.Kind.EMPTY_PORT, IceServerUrl.Warning.Kind.EMPTY_USERNAME);
        assertThat(IceServer.of("stun:stun.example.org").lint()).isEmpty();
    }

    static Stream<Arguments> badCredentialContents() {
        return Stream.of(
                Arguments.of("turn:host", "ali\u0000ce", SECRET, Part.USERNAME,
                        "the username contains a control character at index 3 (not allowed by the OpaqueString "
                                + "profile, RFC 8265)"),
                Arguments.of("turn:host", "alice\n", SECRET, Part.USERNAME,
                        "the username contains a control character at index 5"),
                Arguments.of("turn:host", "al\u0085ice", SECRET, Part.USERNAME,
                        "the username contains a control character at index 2"),
                Arguments.of("turn:host", "alice", SECRET + "\t", Part.CREDENTIAL,
                        "the credential contains a control character (not allowed by the OpaqueString profile, "
                                + "RFC 8265)"),
                Arguments.of("turn:host", "alice", "\u007F" + SECRET, Part.CREDENTIAL,
                        "the credential contains a control character (not allowed"),
                Arguments.of("turn:host", "ali\uD800ce", SECRET, Part.USERNAME,
                        "the username is not valid Unicode (an unpaired surrogate at index 3)"),
                Arguments.of("turn:host", "alice\uDC00", SECRET, Part.USERNAME,
                        "the username is not valid Unicode (an unpaired surrogate at index 5)"),
                Arguments.of("turn:host", "alice", SECRET + "\uD83D", Part.CREDENTIAL,
                        "the credential is not valid Unicode (an unpaired surrogate)"),
                Arguments.of("turn:host", "a".repeat(509), SECRET, Part.USERNAME,
                        "the username is 509 bytes in UTF-8; RFC 8489 §14.3 allows fewer than 509 bytes"),
                Arguments.of("turn:host", "\u00E9".repeat(255), SECRET, Part.USERNAME,
                        "the username is 510 bytes in UTF-8"),
                Arguments.of("turn:host", "\uD83D\uDE00".repeat(128), SECRET, Part.USERNAME,
                        "the username is 512 bytes in UTF-8"),
                Arguments.of("turn:host", "alice", SECRET.repeat(26), Part.CREDENTIAL,
                        "the credential is too long in UTF-8; RFC 8489 §14.3 allows fewer than 509 bytes"),
                Arguments.of("stun:host", "alice", SECRET + "\r", Part.CREDENTIAL,
                        "the credential contains a control character"),
                Arguments.of("stun:host", "\u20AC".repeat(170), null, Part.USERNAME,
                        "the username is 510 bytes in UTF-8"));
    }

    @ParameterizedTest(name = "{3}: {4}")
    @MethodSource("badCredentialContents")
    void usernamesAndCredentialsMustBeShortValidTextWithoutControlCharacters(String url, String username,
                                                                            String credential, Part part, String what) {
        IceServerCredentialsException e = catchThrowableOfType(IceServerCredentialsException.class,
                () -> IceServer.of(List.of(url), username, credential));

        assertThat(e).isNotNull();
        assertThat(e.part()).isEqualTo(part);
        assertThat(e.url()).isEqualTo(url);
        assertThat(e.getMessage()).startsWith("invalid ICE server credentials for \"" + url + "\": " + what)
                .doesNotContain(SECRET)
                .doesNotContain("alice");
    }

    @Test
    void longestAllowedUsernameAndCredentialAreAccepted() {
        String username = "a".repeat(506) + "\u00E9";
        String credential = "\uD83D\uDE00".repeat(127);
        IceServer server = IceServer.of(List.of("turn:host"), username, credential);

        assertThat(server.username()).contains(username);
        assertThat(server.credential()).contains(credential);
    }

    @Test
    void nonAsciiCredentialsAreAccepted() {
        IceServer server = IceServer.of(List.of("turns:host"), "J\u00FCrgen \u738B", "p\u00E4ss w\u00F6rd \uD83D\uDD11");

        assertThat(server.username()).contains("J\u00FCrgen \u738B");
        assertThat(server.credential()).contains("p\u00E4ss w\u00F6rd \uD83D\uDD11");
    }

    @Test
    void withTimersReturnsACopyWithTheOverride() {
        IceServer plain = IceServer.of(List.of("turn:host"), "alice", SECRET);
        IceServer timed = plain.withTimers(FAST);

        assertThat(timed.timers()).contains(FAST);
        assertThat(plain.timers()).isEmpty();
        assertThat(timed.urls()).isEqualTo(plain.urls());
        assertThat(timed.parsedUrls()).isEqualTo(plain.parsedUrls());
        assertThat(timed.username()).contains("alice");
        assertThat(timed.credential()).contains(SECRET);
        assertThat(timed).isNotEqualTo(plain);
        assertThat(timed.toString()).isEqualTo("IceServer[urls=[turn:host], username=alice, credential=***, timers="
                + FAST + "]").doesNotContain(SECRET);
        assertThat(timed.withoutTimers()).isEqualTo(plain);
        assertThat(plain.withoutTimers()).isSameAs(plain);
        assertThat(IceConfiguration.builder().build().timersFor(timed)).isEqualTo(FAST);
        assertThat(IceConfiguration.builder().build().timersFor(plain)).isEqualTo(StunTimers.rfc8489());
        assertThatThrownBy(() -> plain.withTimers(null)).isInstanceOf(NullPointerException.class).hasMessage("timers");
    }

    @Test
    void equalityCoversEveryField() {
        IceServer server = IceServer.of(List.of("turn:host", "stun:host"), "alice", SECRET).withTimers(FAST);
        IceServer same = IceServer.of(List.of("turn:host", "stun:host"), "alice", SECRET).withTimers(FAST);

        assertThat(server).isEqualTo(same).hasSameHashCodeAs(same);
        assertThat(server).isNotEqualTo(IceServer.of(List.of("stun:host", "turn:host"), "alice", SECRET)
                .withTimers(FAST));
        assertThat(server).isNotEqualTo(IceServer.of(List.of("TURN:host", "stun:host"), "alice", SECRET)
                .withTimers(FAST));
        assertThat(server).isNotEqualTo(IceServer.of(List.of("turn:host", "stun:host"), "bob", SECRET)
                .withTimers(FAST));
        assertThat(server).isNotEqualTo(IceServer.of(List.of("turn:host", "stun:host"), "alice", SECRET + "x")
                .withTimers(FAST));
        assertThat(server).isNotEqualTo(IceServer.of(List.of("turn:host", "stun:host"), "alice", SECRET));
        assertThat(server).isNotEqualTo(server.withTimers(StunTimers.rfc8489()));
        assertThat(server).isNotEqualTo(null).isNotEqualTo("IceServer");
    }

    @Test
    void toStringNeverShowsTheCredential() {
        IceServer server = IceServer.of(List.of("turn:host"), "alice", SECRET);

        assertThat(server.toString()).contains("turn:host", "alice", "credential=***").doesNotContain(SECRET);
        assertThat(List.of(server).toString()).doesNotContain(SECRET);
        assertThat(IceConfiguration.builder().server(server).build().toString()).doesNotContain(SECRET);
    }
}
