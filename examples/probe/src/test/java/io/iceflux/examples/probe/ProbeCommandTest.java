package io.iceflux.examples.probe;

import static io.iceflux.examples.probe.ProbeRuns.assertUsageError;
import static io.iceflux.examples.probe.ProbeRuns.fast;
import static io.iceflux.examples.probe.ProbeRuns.fieldNames;
import static io.iceflux.examples.probe.ProbeRuns.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.iceflux.examples.probe.ProbeRuns.Run;
import io.iceflux.testkit.TestTurnServer;
import io.iceflux.testkit.TestTurnServerExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ProbeCommandTest {

    /** The verdict of a TURN URL whose password is wrong. */
    static final String WRONG_PASSWORD_VERDICT = "TURN server answered 401 Unauthorized — not fatal for the other "
            + "servers; likely cause: the username or password is wrong: check both [wrong-credentials: the server "
            + "answered 401 Unauthorized to the TURN Allocate signed with the configured credentials, after its "
            + "challenge (REALM and NONCE) had been answered]";

    @RegisterExtension
    static final TestTurnServerExtension TURN = TestTurnServerExtension.perClass(TestTurnServer.builder());

    @Test
    void demoShowsCandidatesA401AndA701AndExitsWith1() {
        Run run = run();

        assertThat(run.exitCode()).isEqualTo(ProbeCommand.SOME_FAILED);
        assertThat(run.err()).isEmpty();
        List<String> lines = run.lines();
        assertThat(lines).anyMatch(l -> l.matches("\\s+\\d+ ms  state\\s+gathering \\(generation 0\\)"));
        assertThat(lines).anyMatch(l -> l.matches("\\s+\\d+ ms  candidate host  udp 127\\.0\\.0\\.1:\\d+  "
                + "candidate:\\S+ 1 udp \\d+ 127\\.0\\.0\\.1 \\d+ typ host"));
        assertThat(lines).anyMatch(l -> l.matches("\\s+\\d+ ms  candidate srflx udp 127\\.0\\.0\\.1:\\d+ from "
                + "stun:127\\.0\\.0\\.1:\\d+  candidate:.* typ srflx raddr 127\\.0\\.0\\.1 rport \\d+"));
        assertThat(lines).anyMatch(l -> l.matches("\\s+\\d+ ms  candidate relay udp 127\\.0\\.0\\.1:\\d+ from "
                + "turn:127\\.0\\.0\\.1:\\d+\\?transport=udp  candidate:.* typ relay raddr 127\\.0\\.0\\.1 rport \\d+"));
        assertThat(lines).anyMatch(l -> l.matches("\\s+\\d+ ms  error     401 Unauthorized  url "
                + "turn:127\\.0\\.0\\.1:\\d+\\?transport=tcp  \\(not fatal: gathering goes on\\)"));
        assertThat(lines).anyMatch(l -> l.matches("\\s+\\d+ ms  error     701 STUN binding request failed: "
                + "port unreachable \\(ICMP\\)\\.  "
                + "url stun:127\\.0\\.0\\.1:\\d+  local 127\\.0\\.0\\.1:\\d+  \\(not fatal: gathering goes on\\)"));
        assertThat(lines).anyMatch(l -> l.matches("\\s+\\d+ ms  end-of-candidates  \\(generation 0\\)"));
        assertThat(lines).anyMatch(l -> l.matches("\\s+\\d+ ms  state\\s+complete \\(generation 0\\)"));
        assertThat(lines).anyMatch(l -> l.matches("  OK   stun:127\\.0\\.0\\.1:\\d+: reachable; server-reflexive "
                + "address 127\\.0\\.0\\.1:\\d+ obtained in \\d+ ms"));
        assertThat(lines).anyMatch(l -> l.matches("  OK   turn:127\\.0\\.0\\.1:\\d+\\?transport=udp: reachable; "
                + "credentials accepted; relay 127\\.0\\.0\\.1:\\d+ obtained in \\d+ ms; relayed data flows \\(median rtt "
                + "\\d+\\.\\d+ ms, 0% loss\\)"));
        assertThat(lines).anyMatch(l -> l.matches("\\s+\\d+ ms  relay-check OK   turn:127\\.0\\.0\\.1:\\d+\\?transport=udp  "
                + "relayed data flows: relay <-> relay 10/10 echoed, srflx 127\\.0\\.0\\.1:\\d+ <-> relay 127\\.0\\.0\\.1:\\d+ "
                + "10/10 echoed; median rtt \\d+\\.\\d{3} ms"));
        assertThat(lines).anyMatch(l -> l.matches("  FAIL turn:127\\.0\\.0\\.1:\\d+\\?transport=tcp: "
                + Pattern.quote(WRONG_PASSWORD_VERDICT)));
        assertThat(lines).anyMatch(l -> l.matches("  FAIL stun:127\\.0\\.0\\.1:\\d+: unreachable \\(701: STUN binding "
                + "request failed: port unreachable \\(ICMP\\)\\.\\) — not fatal for the other servers; likely cause: nothing "
                + "listens on that UDP port on the server's host .*\\[port-unreachable: .*\\]"));
        assertThat(lines.get(lines.size() - 1))
                .isEqualTo("2 of 4 server URL(s) did not give what the URL promises (exit status 1).");
    }

    @Test
    void demoJsonWritesOneDocumentedObjectPerLineAndTheSummaryLast() {
        Run run = run("--json");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEmpty();
        List<JsonNode> nodes = run.json();
        assertThat(nodes).isNotEmpty();
        long previousT = 0;
        for (JsonNode node : nodes) {
            assertThat(node.get("t").isIntegralNumber()).as("t of %s", node).isTrue();
            assertThat(node.get("t").asLong()).as("t of %s", node).isGreaterThanOrEqualTo(previousT);
            previousT = node.get("t").asLong();
            switch (node.get("type").asText()) {
                case "state" -> {
                    assertThat(fieldNames(node)).containsExactly("type", "state", "generation", "t");
                    assertThat(node.get("state").asText()).isIn("gathering", "complete");
                    assertThat(node.get("generation").asInt()).isZero();
                }
                case "candidate" -> {
                    assertThat(fieldNames(node)).containsExactly("type", "candidate", "candidateType", "protocol",
                            "address", "port", "relatedAddress", "relatedPort", "url", "generation", "t");
                    assertThat(node.get("candidate").asText()).startsWith("candidate:")
                            .contains(" typ " + node.get("candidateType").asText())
                            .contains(" " + node.get("address").asText() + " " + node.get("port").asInt() + " ");
                    assertThat(node.get("protocol").asText()).isEqualTo("udp");
                    if (node.get("candidateType").asText().equals("host")) {
                        assertThat(node.get("relatedAddress").isNull()).isTrue();
                        assertThat(node.get("relatedPort").isNull()).isTrue();
                        assertThat(node.get("url").isNull()).isTrue();
                    } else {
                        assertThat(node.get("relatedPort").isInt()).isTrue();
                        assertThat(node.get("url").asText()).matches("(stun|turn):127\\.0\\.0\\.1:\\d+.*");
                    }
                }
                case "error" -> {
                    assertThat(fieldNames(node)).containsExactly("type", "url", "errorCode", "errorText", "address",
                            "port", "generation", "t");
                    assertThat(node.get("generation").asInt()).isZero();
                    assertThat(node.get("errorCode").asInt()).isIn(401, 701);
                }
                case "end-of-candidates" -> {
                    assertThat(fieldNames(node)).containsExactly("type", "generation", "t");
                    assertThat(node.get("generation").asInt()).isZero();
                }
                case "summary" -> {
                    assertThat(fieldNames(node))
                            .containsExactly("type", "ok", "exitCode", "servers", "usageError", "generation", "t");
                    assertThat(node.get("usageError").isNull()).isTrue();
                    assertThat(node.get("generation").asInt()).isZero();
                }
                default -> throw new AssertionError("unexpected type in " + node);
            }
        }
        assertThat(nodes).filteredOn(n -> n.get("type").asText().equals("summary")).hasSize(1);
        assertThat(types(nodes)).contains("state", "candidate", "error", "end-of-candidates");
        assertThat(nodes).anyMatch(n -> n.path("candidateType").asText().equals("srflx"));
        assertThat(nodes).anyMatch(n -> n.path("candidateType").asText().equals("relay"));
        JsonNode error401 = nodes.stream().filter(n -> n.path("errorCode").asInt() == 401).findFirst().orElseThrow();
        assertThat(error401.get("url").asText()).endsWith("?transport=tcp");
        assertThat(error401.get("errorText").asText()).isEqualTo("Unauthorized");
        assertThat(error401.get("address").isNull()).isTrue();
        assertThat(error401.get("port").isNull()).isTrue();
        JsonNode error701 = nodes.stream().filter(n -> n.path("errorCode").asInt() == 701).findFirst().orElseThrow();
        assertThat(error701.get("errorText").asText())
                .isEqualTo("STUN binding request failed: port unreachable (ICMP).");
        assertThat(error701.get("address").asText()).isEqualTo("127.0.0.1");
        assertThat(error701.get("port").isInt()).isTrue();

        JsonNode summary = nodes.get(nodes.size() - 1);
        assertThat(summary.get("type").asText()).isEqualTo("summary");
        assertThat(summary.get("ok").asBoolean()).isFalse();
        assertThat(summary.get("exitCode").asInt()).isEqualTo(1);
        JsonNode servers = summary.get("servers");
        assertThat(servers).hasSize(4);
        for (JsonNode s : servers) {
            assertThat(fieldNames(s)).containsExactly("url", "expected", "ok", "obtainedMs", "errors", "verdict",
                    "diagnosis", "relayCheck");
        }
        assertThat(servers.get(0).get("expected").asText()).isEqualTo("srflx");
        assertThat(servers.get(0).get("ok").asBoolean()).isTrue();
        assertThat(servers.get(0).get("obtainedMs").isIntegralNumber()).isTrue();
        assertThat(servers.get(0).get("errors")).isEmpty();
        assertThat(servers.get(1).get("expected").asText()).isEqualTo("relay");
        assertThat(servers.get(1).get("ok").asBoolean()).isTrue();
        assertThat(servers.get(1).get("verdict").asText()).startsWith("reachable; credentials accepted; relay ");
        // the default demo shows a passing relay check; a URL without a relay (or not TURN) has none
        JsonNode relayCheck = servers.get(1).get("relayCheck");
        assertThat(fieldNames(relayCheck)).containsExactly("ok", "rttMs", "lossPercent", "detail");
        assertThat(relayCheck.get("ok").asBoolean()).isTrue();
        assertThat(relayCheck.get("rttMs").isNumber()).isTrue();
        assertThat(relayCheck.get("lossPercent").asInt()).isZero();
        assertThat(relayCheck.get("detail").asText()).startsWith("relayed data flows: relay <-> relay 10/10 echoed, "
                + "srflx 127.0.0.1:");
        assertThat(servers.get(0).get("relayCheck").isNull()).isTrue();
        assertThat(servers.get(2).get("relayCheck").isNull()).isTrue();
        assertThat(servers.get(3).get("relayCheck").isNull()).isTrue();
        assertThat(servers.get(2).get("expected").asText()).isEqualTo("relay");
        assertThat(servers.get(2).get("ok").asBoolean()).isFalse();
        assertThat(servers.get(2).get("obtainedMs").isNull()).isTrue();
        assertThat(servers.get(2).get("errors").get(0).get("errorCode").asInt()).isEqualTo(401);
        assertThat(servers.get(2).get("verdict").asText())
                .isEqualTo(WRONG_PASSWORD_VERDICT);
        assertThat(servers.get(3).get("expected").asText()).isEqualTo("srflx");
        assertThat(servers.get(3).get("ok").asBoolean()).isFalse();
        assertThat(servers.get(3).get("errors").get(0).get("errorCode").asInt()).isEqualTo(701);
        assertThat(servers.get(2).get("diagnosis").toString()).isEqualTo("[{\"rule\":\"wrong-credentials\","
                + "\"cause\":\"the username or password is wrong: check both\",\"evidence\":\"the server answered "
                + "401 Unauthorized to the TURN Allocate signed with the configured credentials, after its challenge "
                + "(REALM and NONCE) had been answered\"}]");
        assertThat(servers.get(3).get("verdict").asText())
                .startsWith("unreachable (701: STUN binding request failed: port unreachable (ICMP).) — not fatal for the "
                        + "other servers; likely cause: nothing listens on that UDP port");
        assertThat(servers.get(3).get("diagnosis").get(0).get("rule").asText()).isEqualTo("port-unreachable");
    }

    @Test
    void workingStunAndTurnUrlsExitWith0() {
        Run run = run(fast(TURN.server().stunUrl(), TURN.server().turnUdpUrl(), TURN.server().turnTcpUrl(),
                "-u", TURN.server().username(), "-p", TURN.server().password()));

        assertThat(run.exitCode()).as(run.out()).isEqualTo(ProbeCommand.OK);
        assertThat(run.err()).isEqualTo(ProbeCommand.PASSWORD_ON_THE_COMMAND_LINE + System.lineSeparator());
        assertThat(run.lines()).contains("Every server gave what its URL promises (exit status 0).");
        assertThat(run.lines()).anyMatch(l -> l.startsWith("  OK   " + TURN.server().stunUrl() + ": reachable; "
                + "server-reflexive address 127.0.0.1:"));
        assertThat(run.lines()).anyMatch(l -> l.startsWith("  OK   " + TURN.server().turnUdpUrl() + ": reachable; "
                + "credentials accepted; relay 127.0.0.1:"));
        assertThat(run.lines()).anyMatch(l -> l.startsWith("  OK   " + TURN.server().turnTcpUrl() + ": reachable; "
                + "credentials accepted; relay 127.0.0.1:"));
        assertThat(run.lines()).noneMatch(l -> l.contains(" error "));
    }

    @Test
    void aWrongPasswordGivesA401VerdictAndExit1() {
        Run run = run(fast("--json", TURN.server().turnUdpUrl(), "-u", TURN.server().username(), "-p", "wrong"));

        assertThat(run.exitCode()).isEqualTo(ProbeCommand.SOME_FAILED);
        JsonNode summary = run.json().get(run.json().size() - 1);
        assertThat(summary.get("servers").get(0).get("verdict").asText())
                .isEqualTo(WRONG_PASSWORD_VERDICT);
        assertThat(run.json()).noneMatch(n -> n.path("candidateType").asText().equals("relay"));
    }

    @Test
    void anInvalidUrlExitsWith2NamingThePart() {
        Run run = run("stun:127.0.0.1:99999");

        assertThat(run.exitCode()).isEqualTo(ProbeCommand.USAGE);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("iceflux-probe: invalid ICE server URL \"stun:127.0.0.1:99999\": port 99999 "
                + "is out of range 0-65535 (wrong part: PORT)" + System.lineSeparator());
    }

    @Test
    void aTurnUrlWithoutCredentialsExitsWith2() {
        Run run = run(TURN.server().turnUdpUrl());

        assertThat(run.exitCode()).isEqualTo(ProbeCommand.USAGE);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("iceflux-probe: ").contains("(wrong part: USERNAME)")
                .doesNotContain("\tat ");
    }

    @Test
    void anUnknownOptionOrBadOptionValueExitsWith2() {
        Run unknown = run("--frobnicate");
        assertThat(unknown.exitCode()).isEqualTo(ProbeCommand.USAGE);
        assertThat(unknown.err()).contains("Unknown option: '--frobnicate'").contains("Usage: iceflux-probe");

        Run badRto = run("--rto", "0", TURN.server().stunUrl());
        assertThat(badRto.exitCode()).isEqualTo(ProbeCommand.USAGE);
        assertThat(badRto.err()).isEqualTo("iceflux-probe: --rto must be at least 1 ms, not 0"
                + System.lineSeparator());
    }

    @Test
    void aUsageErrorWithJsonStillEndsWithTheSummary() {
        Run badUrl = run("--json", "stun:127.0.0.1:99999");
        assertUsageError(badUrl, true, "invalid ICE server URL \"stun:127.0.0.1:99999\": port 99999 is out of range "
                + "0-65535 (wrong part: PORT)");

        Run badRto = run("--json", "--rto", "0", TURN.server().stunUrl());
        assertUsageError(badRto, true, "--rto must be at least 1 ms, not 0");

        Run unknown = run("--json", "--frobnicate");
        assertThat(unknown.exitCode()).isEqualTo(ProbeCommand.USAGE);
        assertThat(unknown.err()).startsWith("Unknown option: '--frobnicate'").contains("Usage: iceflux-probe");
        assertThat(unknown.lines()).hasSize(1);
        assertThat(unknown.summary().get("exitCode").asInt()).isEqualTo(ProbeCommand.USAGE);
        assertThat(unknown.summary().get("usageError").asText()).isEqualTo("Unknown option: '--frobnicate'");
    }

    @Test
    void aConfigFileGivesTheSameVerdictsAsTheUrls(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("rtc.json");
        Files.writeString(config, "{\"iceServers\":[{\"urls\":\"" + TURN.server().stunUrl() + "\"},"
                + "{\"urls\":[\"" + TURN.server().turnUdpUrl() + "\",\"" + TURN.server().turnTcpUrl() + "\"],"
                + "\"username\":\"" + TURN.server().username() + "\",\"credential\":\"" + TURN.server().password() + "\"}],"
                + "\"bundlePolicy\":\"max-bundle\"}");

        Run fromFile = run(fast("--json", "--config", config.toString()));
        Run fromUrls = run(fast("--json", TURN.server().stunUrl(), TURN.server().turnUdpUrl(), TURN.server().turnTcpUrl(),
                "-u", TURN.server().username(), "-p", TURN.server().password()));

        assertThat(fromFile.exitCode()).isZero();
        assertThat(fromUrls.exitCode()).isZero();
        assertThat(verdicts(fromFile)).isEqualTo(verdicts(fromUrls)).containsOnlyKeys(TURN.server().stunUrl(),
                TURN.server().turnUdpUrl(), TURN.server().turnTcpUrl());
        assertThat(verdicts(fromFile).values()).allMatch(v -> v.startsWith("true "));
    }

    @Test
    void aRelayPolicyInTheConfigFileSkipsStunUrls(@TempDir Path dir) throws IOException {
        Path config = dir.resolve("relay.json");
        Files.writeString(config, "{\"iceServers\":[{\"urls\":[\"" + TURN.server().stunUrl() + "\"]},"
                + "{\"urls\":\"" + TURN.server().turnUdpUrl() + "\",\"username\":\"" + TURN.server().username()
                + "\",\"credential\":\"" + TURN.server().password() + "\"}],\"iceTransportPolicy\":\"relay\"}");

        Run run = run(fast("--json", "--config", config.toString()));

        assertThat(run.exitCode()).isZero();
        assertThat(run.json()).filteredOn(n -> n.get("type").asText().equals("candidate"))
                .isNotEmpty().allMatch(n -> n.get("candidateType").asText().equals("relay"));
        JsonNode servers = run.json().get(run.json().size() - 1).get("servers");
        assertThat(servers.get(0).get("expected").asText()).isEqualTo("none");
        assertThat(servers.get(0).get("verdict").asText())
                .isEqualTo("skipped: the relay-only policy uses TURN servers only");
        assertThat(servers.get(1).get("ok").asBoolean()).isTrue();
    }

    @Test
    void anUnusableConfigFileExitsWith2(@TempDir Path dir) throws IOException {
        Path notJson = dir.resolve("broken.json");
        Files.writeString(notJson, "{\"iceServers\":[");
        Path noServers = dir.resolve("object.json");
        Files.writeString(noServers, "{\"iceServers\":{}}");
        Path badUrl = dir.resolve("bad-url.json");
        Files.writeString(badUrl, "{\"iceServers\":[{\"urls\":\"http://example.org\"}]}");

        Run broken = run("--config", notJson.toString());
        assertThat(broken.exitCode()).isEqualTo(2);
        assertThat(broken.err()).isEqualTo("iceflux-probe: --config " + notJson + ": not valid JSON at line 1, column "
                + "16: the file ends before the JSON does (is a ']', '}' or '\"' missing?)" + System.lineSeparator());
        Run object = run("--config", noServers.toString());
        assertThat(object.exitCode()).isEqualTo(2);
        assertThat(object.err()).isEqualTo("iceflux-probe: --config " + noServers
                + ": \"iceServers\" must be an array" + System.lineSeparator());
        Run missing = run("--config", dir.resolve("missing.json").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("missing.json: no such file");
        Run scheme = run("--config", badUrl.toString());
        assertThat(scheme.exitCode()).isEqualTo(2);
        assertThat(scheme.err()).contains("http://example.org").endsWith("(wrong part: SCHEME)"
                + System.lineSeparator());
    }

    private static List<String> types(List<JsonNode> nodes) {
        return nodes.stream().map(n -> n.get("type").asText()).toList();
    }

    /** url → "ok expected errorCodes" from the summary. */
    private static Map<String, String> verdicts(Run run) {
        List<JsonNode> nodes = run.json();
        Map<String, String> verdicts = new TreeMap<>();
        for (JsonNode s : nodes.get(nodes.size() - 1).get("servers")) {
            verdicts.put(s.get("url").asText(), s.get("ok").asBoolean() + " " + s.get("expected").asText() + " "
                    + s.get("errors").size());
        }
        return verdicts;
    }
}
