package io.iceflux.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.iceflux.IceServerSyntaxException;
import io.iceflux.IceServerUrl.HostType;
import io.iceflux.IceServerUrl;
import io.iceflux.InvalidIceServerException.Part;
import io.iceflux.ServerTransport;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Coverage-guided fuzzing of {@link IceServerUrl#parse(String)} with Jazzer. The input bytes are read as UTF-8 (so
 * the seed files under {@code IceServerUrlFuzzTestInputs/parse} are plain URLs). Only an
 * {@link IceServerSyntaxException} may escape, it never shows the text before an {@code @}, and a URL that parses
 * keeps the rules of the URL Standard and webrtc-pc that the target checks on its own (no user info or fragment, a
 * known scheme, the query, an ASCII host free of forbidden code points that does not end in a number), has its
 * fields in range, and has a canonical form that parses to an equal URL with the same canonical form.
 *
 * <p>Without {@code JAZZER_FUZZ} this runs every seed as a regression test; with it, Jazzer fuzzes (one target per
 * JVM: see docs/readme-fuzz.md).
 */
class IceServerUrlFuzzTest {

    @FuzzTest
    void parse(byte[] input) throws UnknownHostException {
        String url = new String(input, StandardCharsets.UTF_8);
        IceServerUrl parsed;
        try {
            parsed = IceServerUrl.parse(url);
        } catch (IceServerSyntaxException e) {
            assertThat(e.part()).as("part of %s", e).isNotNull();
            assertThat(e.getMessage()).as("message").isNotBlank();
            assertNoUserInfo(url, e.getMessage());
            assertNoUserInfo(url, e.url());
            return;
        }
        assertThat(parsed.url()).isEqualTo(url);
        assertThat(parsed.toString()).isEqualTo(url);
        // What the URL Standard and webrtc-pc say of any accepted URL, written from the specs, not from the parser:
        // no user info, no fragment; after trimming C0 controls and spaces and removing tabs and newlines, a known
        // scheme, then no '/' before a query; a stun(s) URL has no query, a turn(s) URL's query is exactly
        // transport=udp or transport=tcp.
        String cleaned = cleaned(url);
        assertThat(url).doesNotContain("@").doesNotContain("#");
        assertThat(cleaned.toLowerCase(Locale.ROOT)).startsWith(parsed.scheme().uriScheme() + ":");
        String afterScheme = cleaned.substring(parsed.scheme().uriScheme().length() + 1);
        int question = afterScheme.indexOf('?');
        assertThat(question >= 0 ? afterScheme.substring(0, question) : afterScheme).doesNotContain("/");
        if (!parsed.scheme().isTurn()) {
            assertThat(question).isNegative();
        } else if (question >= 0) {
            assertThat(afterScheme.substring(question + 1)).isIn("transport=udp", "transport=tcp");
        }
        assertThat(parsed.port()).isBetween(0, 65535);
        // A host is ASCII (UTS #46 ToASCII), lower case, free of the URL Standard's forbidden domain code points, and
        // a domain never "ends in a number" (else it is an IPv4 address).
        assertThat(parsed.host()).isNotEmpty().isEqualTo(parsed.host().toLowerCase(Locale.ROOT));
        assertThat(parsed.host().chars()).allMatch(c -> c > 0x20 && c < 0x7F);
        if (parsed.hostType() == HostType.DNS_NAME) {
            assertThat(parsed.host().chars()).noneMatch(c -> "#%/:<>?@[\\]^|".indexOf(c) >= 0);
            String[] labels = parsed.host().split("\\.", -1);
            String last = labels.length > 1 && labels[labels.length - 1].isEmpty() ? labels[labels.length - 2]
                    : labels[labels.length - 1];
            assertThat(last).as("last label of %s", parsed.host()).doesNotMatch("[0-9]+|0x[0-9a-f]*");
        }
        assertThat(parsed.transport()).isNotNull();
        if (parsed.scheme().isSecure()) {
            assertThat(parsed.transport()).isEqualTo(ServerTransport.TLS);
        } else if (!parsed.hasExplicitTransport()) {
            assertThat(parsed.transport()).isEqualTo(ServerTransport.UDP);
        } else {
            assertThat(parsed.transport()).isIn(ServerTransport.UDP, ServerTransport.TCP);
            assertThat(parsed.canonical()).endsWith("?transport=" + parsed.transport().tagValue());
        }
        if (!parsed.hasExplicitPort()) {
            assertThat(parsed.port()).isEqualTo(parsed.scheme().defaultPort());
        }
        if (parsed.scheme().isSecure() && parsed.scheme().isTurn()) {
            assertThat(parsed.canonical()).as("turns: is TLS over TCP").endsWith("?transport=tcp");
        }
        if (parsed.hostType() == HostType.IPV4) {
            assertThat(InetAddress.getByName(parsed.host()).getHostAddress()).isEqualTo(parsed.host());
        } else if (parsed.hostType() == HostType.IPV6) {
            assertThat(parsed.host()).contains(":");
            assertThat(InetAddress.getByName("[" + parsed.host() + "]")).isNotNull();
        }

        IceServerUrl again = IceServerUrl.parse(parsed.canonical());
        assertThat(again).isEqualTo(parsed).hasSameHashCodeAs(parsed);
        assertThat(again.canonical()).isEqualTo(parsed.canonical());
        assertThat(again.scheme()).isEqualTo(parsed.scheme());
        assertThat(again.host()).isEqualTo(parsed.host());
        assertThat(again.hostType()).isEqualTo(parsed.hostType());
        assertThat(again.port()).isEqualTo(parsed.port());
        assertThat(again.transport()).isEqualTo(parsed.transport());
    }

    /** The URL Standard's first steps: trim leading and trailing C0 controls and spaces, remove tabs and newlines. */
    private static String cleaned(String url) {
        int start = 0;
        int end = url.length();
        while (start < end && url.charAt(start) <= 0x20) {
            start++;
        }
        while (end > start && url.charAt(end - 1) <= 0x20) {
            end--;
        }
        return url.substring(start, end).replaceAll("[\t\n\r]", "");
    }

    /**
     * Regression for the first finding of the fuzzer (seed {@code userinfo-password-word}): user info whose
     * password is a word of the error's own wording. The parser was right; the target's check was too naive.
     */
    @Test
    void userInfoIsHiddenEvenWhenThePasswordIsAWordOfTheMessage() {
        IceServerSyntaxException e = catchThrowableOfType(IceServerSyntaxException.class,
                () -> IceServerUrl.parse("tue   ser:password@example.org"));

        assertThat(e.part()).isEqualTo(Part.USERINFO);
        assertThat(e.url()).isEqualTo("***@example.org");
        assertThat(e.getMessage()).doesNotContain("ser:password", "tue");
    }

    /** The fixed wording of the user-info error, which by itself may contain words a short password could be. */
    private static final String USER_INFO_WORDING = userInfoWording();

    private static String userInfoWording() {
        try {
            IceServerUrl.parse("stun:u@h");
        } catch (IceServerSyntaxException e) {
            return e.getMessage();
        }
        throw new AssertionError("stun:u@h parsed");
    }

    /**
     * Regression for a false alarm of this test's own check: the message quotes the host {@code \\\\} as eight
     * backslashes, which equal the hidden user info; what is shown is the host, not the password.
     */
    @Test
    void aQuotedHostEqualToTheHiddenUserInfoIsNotALeak() {
        String url = "stun:" + "\\".repeat(8) + "@" + "\\".repeat(4);
        IceServerSyntaxException e = catchThrowableOfType(IceServerSyntaxException.class,
                () -> IceServerUrl.parse(url));

        assertThat(e.url()).isEqualTo("stun:***@" + "\\".repeat(4));
        assertNoUserInfo(url, e.getMessage());
        assertNoUserInfo(url, e.url());
    }

    /**
     * Regression for the second false alarm of that kind (fuzzing, seed 20 s run): nine backslashes of user info,
     * spelt in the message by four quoted backslashes followed by the escape of a control character.
     */
    @Test
    void escapesOfControlCharactersEqualToTheHiddenUserInfoAreNotALeak() {
        String url = "\\".repeat(9) + "@L$" + "\\".repeat(4) + "\031\0\0\0\001" + "\0".repeat(11) + "\\";
        IceServerSyntaxException e = catchThrowableOfType(IceServerSyntaxException.class,
                () -> IceServerUrl.parse(url));

        assertThat(e.getMessage()).doesNotContain("\\".repeat(9) + "@");
        assertNoUserInfo(url, e.getMessage());
        assertNoUserInfo(url, e.url());
    }

    /**
     * The text between a known scheme and the last {@code @} may be a password: it must not show in {@code shown}.
     * Skipped when that text is short, also appears elsewhere in the URL, as it is or as a message quotes it
     * (backslashes and quotes doubled: the quoted host {@code \\\\} shows eight backslashes), or is part of
     * the fixed wording of the user-info error.
     */
    private static void assertNoUserInfo(String url, String shown) {
        int at = url.lastIndexOf('@');
        if (at < 0 || shown == null) {
            return;
        }
        String before = url.substring(0, at);
        int colon = before.indexOf(':');
        String secret = colon >= 0 ? before.substring(colon + 1) : before;
        String rest = url.substring(at);
        if (secret.length() < 8 || rest.contains(secret) || quoted(rest).contains(secret)
                || madeOfQuotingCharacters(secret)
                || url.substring(0, colon + 1).contains(secret) || USER_INFO_WORDING.contains(secret)) {
            return;
        }
        assertThat(shown).as("shown text for %s", url).doesNotContain(secret);
    }

    /**
     * {@code text} as messages quote it: backslash and double quote escaped with a backslash, space kept, other space
     * and control characters as {@code \\uXXXX} (what {@code IceServerUrl} does, written again as an oracle).
     */
    private static String quoted(String text) {
        StringBuilder sb = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c != ' ' && (c < 0x20 || Character.isISOControl(c) || Character.isWhitespace(c)
                    || Character.isSpaceChar(c) || c == '\uFEFF')) {
                sb.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * Whether {@code secret} consists only of characters that quoting writes by itself (backslash escapes, {@code \\uXXXX}
     * with upper-case hex digits, the {@code ...(N chars)} mark of a cut): the quoted rest of a URL can then spell it
     * without showing anything of the user info.
     */
    private static boolean madeOfQuotingCharacters(String secret) {
        return secret.chars().allMatch(c -> "\\\"u0123456789ABCDEF.() chars".indexOf(c) >= 0);
    }
}
