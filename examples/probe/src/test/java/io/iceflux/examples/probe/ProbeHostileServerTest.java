package io.iceflux.examples.probe;

import static io.iceflux.examples.probe.ProbeRuns.fast;
import static io.iceflux.examples.probe.ProbeRuns.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.iceflux.examples.probe.ProbeRuns.Run;
import io.iceflux.testkit.Fault;
import io.iceflux.testkit.TestTurnServer;
import io.iceflux.testkit.TestTurnServerExtension;
import io.iceflux.testkit.TurnMethod;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Servers whose reason phrases hold terminal escapes, line breaks, C1 and bidirectional controls, or 4,000
 * characters: the human output shows them escaped and cut, so a server can neither draw on the user's terminal nor
 * add a line that looks like one of the probe's (a fake {@code OK} verdict); {@code --json} keeps them verbatim
 * (JSON escapes them).
 */
class ProbeHostileServerTest {

    /** Clears the screen, goes home, and draws a verdict and a last line of the probe's own. */
    private static final String FAKE_VERDICT = "\u001B[2J\u001B[H\r  OK   stun:evil.example: reachable; "
            + "server-reflexive address 192.0.2.1:1 obtained in 1 ms\nEvery server gave what its URL promises "
            + "(exit status 0).\r\n\u0007";
    /** C1 CSI, DEL, bidirectional override and isolate, zero-width space, BOM, line separator, a tag character. */
    private static final String UNICODE_CONTROLS = "\u009B31mred\u007F \u202Eevil\u202C \u2066x\u2069 zero\u200Bwidth "
            + "\uFEFFbom \u2028line \uDB40\uDC41tag";
    /** 4,000 characters (the most a STUN message of 4,096 bytes carries, about), escapes among them. */
    private static final String LONG = ("\u001B[31m" + "A".repeat(95)).repeat(40);
    /** {@link #LONG} as the library reports it: cut to RFC 8489's 763 bytes, the last three an ellipsis. */
    private static final String LONG_AS_REPORTED = LONG.substring(0, 760) + "…";

    @RegisterExtension
    static final TestTurnServerExtension HOSTILE = TestTurnServerExtension.perClass(TestTurnServer.builder());
    @RegisterExtension
    static final TestTurnServerExtension BIDI = TestTurnServerExtension.perClass(TestTurnServer.builder());
    @RegisterExtension
    static final TestTurnServerExtension VERBOSE = TestTurnServerExtension.perClass(TestTurnServer.builder());

    private TestTurnServer hostile;
    private TestTurnServer bidi;
    private TestTurnServer verbose;

    /** The extensions clear the faults after each test. */
    @BeforeEach
    void injectFaults() {
        hostile = HOSTILE.server();
        hostile.inject(TurnMethod.BINDING, Fault.error(400, FAKE_VERDICT));
        bidi = BIDI.server();
        bidi.inject(TurnMethod.BINDING, Fault.error(400, UNICODE_CONTROLS));
        bidi.inject(TurnMethod.ALLOCATE, Fault.error(401, UNICODE_CONTROLS));
        verbose = VERBOSE.server();
        verbose.inject(TurnMethod.BINDING, Fault.error(420, LONG));
    }

    /** What a line of the human output may look like; anything else was drawn by someone else. */
    private static final List<Pattern> PROBE_LINES = List.of(
            Pattern.compile(" *\\d+ ms  (state|candidate|error|end-of-candidates) .*"),
            Pattern.compile(""),
            Pattern.compile("Verdict after \\d+ ms:"),
            Pattern.compile("  (OK  |FAIL) (stun|turn):\\S+: .*"),
            Pattern.compile("\\d+ of \\d+ server URL\\(s\\) did not give what the URL promises \\(exit status 1\\)\\."));

    private String[] args(String... more) {
        return fast(List.of(List.of(hostile.stunUrl(), bidi.turnUdpUrl(), verbose.stunUrl(),
                "-u", bidi.username(), "-p", bidi.password()), List.of(more)).stream()
                .flatMap(List::stream).toArray(String[]::new));
    }

    @Test
    void humanOutputShowsServerTextEscapedWithOneVerdictLinePerUrl() {
        Run run = run(args());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ProbeCommand.SOME_FAILED);
        assertThat(run.err()).isEqualTo(ProbeCommand.PASSWORD_ON_THE_COMMAND_LINE + System.lineSeparator());
        run.out().codePoints().forEach(c -> assertThat(isControl(c) && c != '\n')
                .as("U+%04X in stdout", c).isFalse());
        assertThat(run.lines()).allSatisfy(line -> assertThat(PROBE_LINES).as(line)
                .anyMatch(p -> p.matcher(line).matches()));

        Map<String, List<String>> verdicts = run.lines().stream().filter(l -> l.matches("  (OK  |FAIL) .*"))
                .collect(Collectors.groupingBy(l -> l.substring(7, l.indexOf(": "))));
        assertThat(verdicts).containsOnlyKeys(hostile.stunUrl(), bidi.turnUdpUrl(), verbose.stunUrl());
        assertThat(verdicts.values()).allSatisfy(lines -> assertThat(lines).hasSize(1));
        assertThat(run.lines()).noneMatch(l -> l.startsWith("  OK") || l.startsWith("Every server"));

        assertThat(verdicts.get(hostile.stunUrl()).get(0)).isEqualTo("  FAIL " + hostile.stunUrl()
                + ": STUN server answered 400 \\u001B[2J\\u001B[H\\u000D  OK   stun:evil.example: reachable; "
                + "server-reflexive address 192.0.2.1:1 obtained in 1 ms\\u000AEvery server gave what its URL "
                + "promises (exit status 0).\\u000D\\u000A\\u0007 — not fatal for the other servers");
        assertThat(verdicts.get(bidi.turnUdpUrl()).get(0)).contains("\\u009B31mred\\u007F \\u202Eevil\\u202C "
                + "\\u2066x\\u2069 zero\\u200Bwidth \\uFEFFbom \\u2028line \\U000E0041tag");
        String longVerdict = verdicts.get(verbose.stunUrl()).get(0);
        assertThat(longVerdict).startsWith("  FAIL " + verbose.stunUrl() + ": STUN server answered 420 \\u001B[31mAAA")
                .endsWith("…[cut, 761 characters in all] — not fatal for the other servers")
                .hasSizeLessThan(400);
        assertThat(run.lines()).filteredOn(l -> l.contains("  error     420 ")).isNotEmpty()
                .allSatisfy(l -> assertThat(l).contains("…[cut, 761 characters in all]").hasSizeLessThan(500));
    }

    @Test
    void jsonKeepsTheReasonPhrasesVerbatim() {
        Run run = run(args("--json"));

        assertThat(run.exitCode()).isEqualTo(ProbeCommand.SOME_FAILED);
        assertThat(run.out()).doesNotContain("\u001B", "\r", "\u0007");
        List<JsonNode> errors = run.json().stream().filter(n -> n.get("type").asText().equals("error")).toList();
        assertThat(errors).extracting(n -> n.get("errorText").asText())
                .contains(FAKE_VERDICT, UNICODE_CONTROLS, LONG_AS_REPORTED);
    }

    /** An independent oracle: C0, DEL, C1, Unicode format controls, line and paragraph separators, surrogates. */
    private static boolean isControl(int c) {
        int type = Character.getType(c);
        return c < 0x20 || (c >= 0x7F && c <= 0x9F) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE;
    }
}
