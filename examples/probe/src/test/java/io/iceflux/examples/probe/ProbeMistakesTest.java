package io.iceflux.examples.probe;

import static io.iceflux.examples.probe.ProbeRuns.assertUsageError;
import static io.iceflux.examples.probe.ProbeRuns.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.examples.probe.ProbeRuns.Run;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client's mistakes on the command line: each is a usage error (exit status 2) and never a stack trace
 * ({@link ProbeRuns#run} checks that for every run of every test).
 */
class ProbeMistakesTest {

    @TempDir
    static Path dir;

    @ParameterizedTest(name = "json {0}")
    @ValueSource(booleans = {false, true})
    void aBlankInterfaceNameIsAUsageError(boolean json) {
        for (String blank : new String[] {"", " ", "\t"}) {
            Run run = run(ProbeRuns.json(json, "--interface", blank, "stun:127.0.0.1:9"));

            assertUsageError(run, json, "--interface needs the name of a network interface, not a blank one");
        }
    }

    /** Mistakes that picocli or the command reject; what matters is exit status 2 and a message. */
    static Stream<Arguments> mistakes() {
        return Stream.of(
                Arguments.of((Object) new String[] {"--rto", "abc", "stun:127.0.0.1:9"}),
                Arguments.of((Object) new String[] {"--rto", "99999999999", "stun:127.0.0.1:9"}),
                Arguments.of((Object) new String[] {"--max-requests", "-1", "stun:127.0.0.1:9"}),
                Arguments.of((Object) new String[] {"--deadline", "0", "stun:127.0.0.1:9"}),
                Arguments.of((Object) new String[] {"--config"}),
                Arguments.of((Object) new String[] {"--config", dir.toString()}),
                Arguments.of((Object) new String[] {"--config", dir.resolve("missing.json").toString()}),
                Arguments.of((Object) new String[] {"--loopback-only", "--interface", "lo", "stun:127.0.0.1:9"}),
                Arguments.of((Object) new String[] {""}),
                Arguments.of((Object) new String[] {"stun:"}),
                Arguments.of((Object) new String[] {"stun:exa mple.org"}),
                Arguments.of((Object) new String[] {"http://example.org"}),
                Arguments.of((Object) new String[] {"turn:127.0.0.1"}),
                Arguments.of((Object) new String[] {"turn:127.0.0.1", "-u", "a\u0000b", "-p", "x"}),
                Arguments.of((Object) new String[] {"turn:127.0.0.1", "-u", "a", "-p", "x".repeat(600)}),
                Arguments.of((Object) new String[] {"stun:" + "a".repeat(100_000) + ".exa|mple"}),
                Arguments.of((Object) new String[] {"--frobnicate"}));
    }

    @ParameterizedTest
    @MethodSource("mistakes")
    void aMistakeIsAUsageErrorWithoutAStackTrace(String[] args) {
        for (boolean json : new boolean[] {false, true}) {
            Run run = run(ProbeRuns.json(json, args));

            assertThat(run.exitCode()).as(run.err()).isEqualTo(ProbeCommand.USAGE);
            assertThat(run.err()).isNotBlank();
            assertThat(run.err().lines()).allSatisfy(line -> assertThat(line).hasSizeLessThan(1200));
            if (json) {
                assertThat(run.lines()).hasSize(1);
                assertThat(run.summary().get("exitCode").asInt()).isEqualTo(ProbeCommand.USAGE);
            }
        }
    }
}
