package io.iceflux.examples.probe;

import static io.iceflux.examples.probe.ProbeRuns.assertUsageError;
import static io.iceflux.examples.probe.ProbeRuns.fast;
import static io.iceflux.examples.probe.ProbeRuns.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.iceflux.examples.probe.ProbeRuns.Run;
import io.iceflux.testkit.TestTurnServer;
import io.iceflux.testkit.TestTurnServerExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --restarts N}: N ICE restarts after the first generation, each generation with its events and verdicts. */
class ProbeRestartsTest {

    @RegisterExtension
    static final TestTurnServerExtension TURN = TestTurnServerExtension.perClass(TestTurnServer.builder());

    String[] servers(String... more) {
        List<String> args = new ArrayList<>(List.of(TURN.server().stunUrl(), TURN.server().turnUdpUrl(), "-u",
                TURN.server().username(), "--password-file", passwordFile()));
        args.addAll(List.of(more));
        return fast(args.toArray(String[]::new));
    }

    String passwordFile() {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("turn-password", "");
            file.toFile().deleteOnExit();
            java.nio.file.Files.writeString(file, TURN.server().password());
            return file.toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void twoRestartsGiveThreeGenerationsEachWithItsEventsAndSummaryInJson() {
        Run run = run(servers("--json", "--restarts", "2"));

        assertThat(run.exitCode()).as(run.out()).isEqualTo(ProbeCommand.OK);
        List<JsonNode> nodes = run.json();
        assertThat(nodes).allSatisfy(n -> assertThat(n.has("generation")).as("generation of %s", n).isTrue());
        // generation by generation: gathering, candidates, end-of-candidates, complete, then its summary
        int generation = 0;
        long previousT = 0;
        List<String> kinds = new ArrayList<>();
        for (JsonNode node : nodes) {
            assertThat(node.get("t").asLong()).as("t of %s", node).isGreaterThanOrEqualTo(previousT);
            previousT = node.get("t").asLong();
            assertThat(node.get("generation").asInt()).as("%s", node).isEqualTo(generation);
            String type = node.get("type").asText();
            kinds.add(type.equals("state") ? node.get("state").asText() : type);
            if (type.equals("summary")) {
                assertThat(node.get("ok").asBoolean()).isTrue();
                assertThat(node.get("exitCode").asInt()).isZero();
                assertThat(node.get("servers")).hasSize(2).allSatisfy(s -> {
                    assertThat(s.get("ok").asBoolean()).isTrue();
                    assertThat(s.get("diagnosis")).isEmpty();
                });
                generation++;
            }
        }
        assertThat(generation).as("summaries").isEqualTo(3);
        assertThat(String.join(" ", kinds).replaceAll("(candidate )+", "candidates "))
                .isEqualTo(("gathering candidates end-of-candidates complete summary ").repeat(3).strip());
        assertThat(nodes).filteredOn(n -> n.path("candidateType").asText().equals("relay"))
                .extracting(n -> n.get("generation").asInt()).containsExactly(0, 1, 2);
        TURN.server().awaitAllocationsAlive(0, Duration.ofSeconds(5));
    }

    @Test
    void theHumanOutputNamesTheGenerationOfEachVerdict() {
        Run run = run(servers("--restarts", "1"));

        assertThat(run.exitCode()).as(run.out()).isEqualTo(ProbeCommand.OK);
        List<String> lines = run.lines();
        assertThat(lines).filteredOn(l -> l.matches("\\s+\\d+ ms  state\\s+complete \\(generation \\d\\)"))
                .hasSize(2);
        assertThat(lines).filteredOn(l -> l.matches("Verdict of generation [01] after \\d+ ms:")).hasSize(2);
        assertThat(lines).contains("0 of 2 server URL(s) did not give what the URL promises in generation 0.",
                "0 of 2 server URL(s) did not give what the URL promises in generation 1.");
        assertThat(lines).filteredOn(l -> l.startsWith("  OK   " + TURN.server().turnUdpUrl() + ": reachable; "))
                .hasSize(2);
        assertThat(lines.get(lines.size() - 1))
                .isEqualTo("0 of 2 server URL(s) did not give what the URL promises in generation 1.");
    }

    @Test
    void aGenerationThatFailsMakesTheExitStatus1() {
        Run wrong = run(fast("--json", "--restarts", "1", "stun:nothing.invalid"));

        assertThat(wrong.exitCode()).isEqualTo(ProbeCommand.SOME_FAILED);
        assertThat(wrong.json()).filteredOn(n -> n.get("type").asText().equals("summary"))
                .extracting(n -> n.get("generation").asInt() + " " + n.get("exitCode").asInt())
                .containsExactly("0 1", "1 1");
        assertThat(wrong.summary().get("servers").get(0).get("diagnosis").get(0).get("rule").asText())
                .isEqualTo("dns-lookup-failed");
    }

    @Test
    void theDemoRestartsToo() {
        Run run = run("--restarts", "1");

        assertThat(run.exitCode()).isEqualTo(ProbeCommand.SOME_FAILED);
        assertThat(run.lines()).filteredOn(l -> l.startsWith("  FAIL ")).hasSize(4);
        assertThat(run.lines()).contains("2 of 4 server URL(s) did not give what the URL promises in generation 0.",
                "2 of 4 server URL(s) did not give what the URL promises in generation 1.");
        // generation 1's obtainedMs counts from its own "gathering" line, not from the start of the run
        List<String> lines = run.lines();
        String restarted = "\\s+\\d+ ms  state\\s+gathering \\(generation 1\\)";
        int restart = lines.indexOf(lines.stream().filter(l -> l.matches(restarted)).findFirst().orElseThrow());
        String srflx = lines.subList(restart, lines.size()).stream()
                .filter(l -> l.matches("\\s+\\d+ ms  candidate srflx .* from stun:.*")).findFirst().orElseThrow();
        List<String> okStun = lines.stream().filter(l -> l.matches("  OK   stun:.* obtained in \\d+ ms")).toList();
        assertThat(okStun).hasSize(2);
        assertThat(millis(okStun.get(1).replaceAll(".* obtained in (\\d+) ms", "$1")))
                .isEqualTo(millis(srflx) - millis(lines.get(restart)));
    }

    private static long millis(String line) {
        return Long.parseLong(line.strip().replaceAll("^(\\d+)( ms.*)?$", "$1"));
    }

    @ParameterizedTest(name = "json {0}")
    @ValueSource(booleans = {false, true})
    void badValuesAreOneLineUsageErrors(boolean json) {
        assertUsageError(run(ProbeRuns.json(json, "--restarts", "-1", "stun:127.0.0.1:9")), json,
                "--restarts must be 0 to 10 (each restart is a whole new gathering), not \"-1\"");
        assertUsageError(run(ProbeRuns.json(json, "--restarts", "11", "stun:127.0.0.1:9")), json,
                "--restarts must be 0 to 10 (each restart is a whole new gathering), not \"11\"");
        assertUsageError(run(ProbeRuns.json(json, "--restarts", "99999999999999999999", "stun:127.0.0.1:9")), json,
                "--restarts must be 0 to 10 (each restart is a whole new gathering), not \"99999999999999999999\"");
        assertUsageError(run(ProbeRuns.json(json, "--restarts", "two", "stun:127.0.0.1:9")), json,
                "--restarts must be a whole number from 0 to 10, not \"two\"");
        assertUsageError(run(ProbeRuns.json(json, "--restarts", "1.5", "stun:127.0.0.1:9")), json,
                "--restarts must be a whole number from 0 to 10, not \"1.5\"");
        assertUsageError(run(ProbeRuns.json(json, "--restarts", "\u001B[2J", "stun:127.0.0.1:9")), json,
                "--restarts must be a whole number from 0 to 10, not \"\\u001B[2J\"");
    }
}
