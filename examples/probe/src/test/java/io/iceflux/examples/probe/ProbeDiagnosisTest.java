package io.iceflux.examples.probe;

import static io.iceflux.examples.probe.ProbeRuns.fast;
import static io.iceflux.examples.probe.ProbeRuns.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.iceflux.examples.probe.ProbeRuns.Run;
import io.iceflux.netty.coturn.Coturn;
import io.iceflux.testkit.TestTurnServer;
import io.iceflux.testkit.TestTurnServerExtension;
import io.iceflux.testkit.TurnMethod;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The diagnosis rules end to end: real servers on loopback (the testkit's, coturn, sockets of the test's own) make
 * the failure, the probe names its likely cause and the evidence, in the human verdict and in the JSON summary.
 */
class ProbeDiagnosisTest {

    @RegisterExtension
    static final TestTurnServerExtension TURN = TestTurnServerExtension.perClass(TestTurnServer.builder());

    @TempDir
    Path directory;

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    String passwordFile(String password) throws IOException {
        Path file = directory.resolve("password");
        Files.writeString(file, password);
        return file.toString();
    }

    /** The one verdict line of {@code url}. */
    static String verdictLine(Run run, String url) {
        return run.lines().stream()
                .filter(l -> l.startsWith("  OK   " + url + ": ") || l.startsWith("  FAIL " + url + ": "))
                .findFirst().orElseThrow(() -> new AssertionError("no verdict for " + url + " in " + run.out()));
    }

    static JsonNode server(Run run, String url) {
        for (JsonNode s : run.summary().get("servers")) {
            if (s.get("url").asText().equals(url)) {
                return s;
            }
        }
        throw new AssertionError("no " + url + " in " + run.out());
    }

    @Test
    void udpBlockedWhenOnlyTcpToTheHostIsAnswered() throws IOException {
        try (DatagramSocket blackhole = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            String silent = "stun:127.0.0.1:" + blackhole.getLocalPort();
            String tcp = TURN.server().turnTcpUrl();

            Run run = run(fast(silent, tcp, "-u", TURN.server().username(), "--password-file",
                    passwordFile(TURN.server().password())));

            assertThat(run.exitCode()).as(run.out()).isEqualTo(ProbeCommand.SOME_FAILED);
            assertThat(verdictLine(run, silent)).matches(Pattern.quote("  FAIL " + silent + ": no answer (701: STUN "
                    + "binding request timed out.) — not fatal for the other servers; likely cause: UDP to the server "
                    + "is blocked (a firewall drops it on the way, or the server does not listen on UDP): TURN over "
                    + "TCP or TLS (turn:…?transport=tcp, turns:) gets through [udp-blocked: " + tcp + " reached "
                    + "127.0.0.1 over TCP (relay 127.0.0.1:") + "\\d+" + Pattern.quote("), while no UDP request to "
                    + "127.0.0.1 was answered (701 STUN binding request timed out.)]"));
            assertThat(verdictLine(run, tcp))
                    .startsWith("  OK   " + tcp + ": reachable; credentials accepted; relay ").doesNotContain("[");
        }
    }

    @Test
    void wrongSourceWhenTheServerAnswersFromAnotherPort() throws Exception {
        try (DatagramSocket asked = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
             DatagramSocket answering = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            Thread responder = new Thread(() -> answerFromAnotherPort(asked, answering), "wrong-source-responder");
            responder.setDaemon(true);
            responder.start();
            String url = "stun:127.0.0.1:" + asked.getLocalPort();

            Run run = run(fast("--json", url));

            assertThat(run.exitCode()).as(run.out()).isEqualTo(ProbeCommand.SOME_FAILED);
            JsonNode server = server(run, url);
            assertThat(server.get("errors").get(0).get("errorText").asText())
                    .isEqualTo("STUN binding request timed out.");
            assertThat(server.get("diagnosis")).hasSize(1);
            JsonNode diagnosis = server.get("diagnosis").get(0);
            assertThat(diagnosis.get("rule").asText()).isEqualTo("wrong-source");
            assertThat(diagnosis.get("cause").asText()).isEqualTo("the server answers from another address or port "
                    + "than the one it was asked at (a multihomed server without listening-ip, or a NAT in front of "
                    + "it), so its answers are dropped");
            assertThat(diagnosis.get("evidence").asText()).isEqualTo("3 response(s) in this gathering came from "
                    + "another address than the one their request went to and were dropped (wrong-source), then the "
                    + "request timed out (701 STUN binding request timed out.)");
            assertThat(server.get("verdict").asText()).endsWith("; likely cause: " + diagnosis.get("cause").asText()
                    + " [wrong-source: " + diagnosis.get("evidence").asText() + "]");
        }
    }

    /** Answer every request that {@code asked} receives with a Binding success header sent from {@code answering}. */
    private static void answerFromAnotherPort(DatagramSocket asked, DatagramSocket answering) {
        byte[] buffer = new byte[1500];
        while (!asked.isClosed()) {
            DatagramPacket request = new DatagramPacket(buffer, buffer.length);
            try {
                asked.receive(request);
                byte[] response = java.util.Arrays.copyOf(request.getData(), 20);
                response[0] = 0x01; // Binding success response
                response[1] = 0x01;
                response[2] = 0;    // no attributes
                response[3] = 0;
                answering.send(new DatagramPacket(response, 20, request.getSocketAddress()));
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                return;
            }
        }
    }

    @Test
    void tlsUntrustedForTheTestServersSelfSignedCertificate() throws IOException {
        String url = TURN.server().turnsUrl();

        Run run = run(fast(url, "-u", TURN.server().username(), "--password-file",
                passwordFile(TURN.server().password())));

        assertThat(run.exitCode()).isEqualTo(ProbeCommand.SOME_FAILED);
        String text = "TLS handshake with localhost failed: certificate not trusted (unable to find valid "
                + "certification path to requested target).";
        assertThat(verdictLine(run, url)).isEqualTo("  FAIL " + url + ": no answer (701: " + text + ") — not fatal "
                + "for the other servers; likely cause: the server's TLS certificate is not trusted here (self-signed, "
                + "from a private CA, or sent without its intermediate certificates): add the CA to the trust store, "
                + "or fix the chain [tls-untrusted: 701 " + text + "]");
    }

    @Test
    void dnsLookupFailedForANameThatNeverResolves() {
        Run run = run(fast("stun:turn.example.invalid"));

        assertThat(run.exitCode()).isEqualTo(ProbeCommand.SOME_FAILED);
        assertThat(verdictLine(run, "stun:turn.example.invalid")).isEqualTo("  FAIL stun:turn.example.invalid: no "
                + "answer (701: STUN host lookup received error.) — not fatal for the other servers; likely cause: the "
                + "server's host name does not resolve (a typo, no A or AAAA record, or no working DNS here) "
                + "[dns-lookup-failed: 701 STUN host lookup received error. for turn.example.invalid]");
    }

    @Test
    void challengeWithoutRealmWhenTheServersOwn401HasNoRealmOrNonce() throws IOException {
        try (TestTurnServer server = TestTurnServer.builder().bindAddress(LOOPBACK).start()) {
            server.respondWithError(TurnMethod.ALLOCATE, 401, "Unauthorized");
            String url = server.turnTcpUrl();

            Run run = run(fast(url, "-u", server.username(), "--password-file", passwordFile(server.password())));

            assertThat(run.exitCode()).isEqualTo(ProbeCommand.SOME_FAILED);
            assertThat(verdictLine(run, url)).isEqualTo("  FAIL " + url + ": TURN server answered 401 Unauthorized — "
                    + "not fatal for the other servers; likely cause: the server's 401 is not a challenge a TURN "
                    + "client can answer (no REALM or NONCE): no working TURN server listens there (a STUN-only "
                    + "server, or another service), or its authentication is misconfigured [challenge-without-realm: "
                    + "the TURN Allocate's 401 Unauthorized could not be answered: cannot answer the 401 challenge: it "
                    + "has no NONCE]");
        }
    }

    @Test
    void wrongCredentialsAfterTheChallengeWasAnswered() throws IOException {
        String url = TURN.server().turnUdpUrl();

        Run run = run(fast("--json", url, "-u", TURN.server().username(), "--password-file", passwordFile("wrong")));

        assertThat(run.exitCode()).isEqualTo(ProbeCommand.SOME_FAILED);
        assertThat(server(run, url).get("diagnosis").toString()).isEqualTo("[{\"rule\":\"wrong-credentials\","
                + "\"cause\":\"the username or password is wrong: check both\",\"evidence\":\"the server answered "
                + "401 Unauthorized to the TURN Allocate signed with the configured credentials, after its challenge "
                + "(REALM and NONCE) had been answered\"}]");
    }

    @Test
    void quotaReachedWhenTheTestServerAnswers486() throws IOException {
        try (TestTurnServer server = TestTurnServer.builder().bindAddress(LOOPBACK).start()) {
            server.respondWithError(TurnMethod.ALLOCATE, 486, "Allocation Quota Reached");
            String url = server.turnUdpUrl();

            Run run = run(fast("--json", url, "-u", server.username(), "--password-file",
                    passwordFile(server.password())));

            assertThat(run.exitCode()).isEqualTo(ProbeCommand.SOME_FAILED);
            assertThat(server(run, url).get("verdict").asText()).isEqualTo("TURN server answered 486 Allocation "
                    + "Quota Reached — not fatal for the other servers; likely cause: the server's allocation quota is used "
                    + "up (too many allocations alive for this user or in total): wait for them to expire, or raise "
                    + "the quota (coturn user-quota, total-quota) [quota-reached: the TURN Allocate was answered 486 "
                    + "Allocation Quota Reached]");
        }
    }

    @Test
    void quotaReachedAgainstCoturnsUserQuota() throws IOException {
        try (Coturn coturn = Coturn.builder().tls(false).userQuota(1).start()) {
            String udp = coturn.turnUdpUrl();
            String tcp = coturn.turnTcpUrl();

            // without the relay check, whose two allocations would find the quota used up too
            Run run = run(fast("--json", "--no-relay-check", udp, tcp, "-u", coturn.username(), "--password-file",
                    passwordFile(coturn.password())));

            assertThat(run.exitCode()).as(run.out()).isEqualTo(ProbeCommand.SOME_FAILED);
            List<JsonNode> servers = List.of(server(run, udp), server(run, tcp));
            assertThat(servers).filteredOn(s -> s.get("ok").asBoolean()).as("one allocation within the quota")
                    .hasSize(1);
            JsonNode refused = servers.stream().filter(s -> !s.get("ok").asBoolean()).findFirst().orElseThrow();
            assertThat(refused.get("errors").get(0).get("errorCode").asInt()).isEqualTo(486);
            assertThat(refused.get("diagnosis").get(0).get("rule").asText()).isEqualTo("quota-reached");
            String reason = refused.get("errors").get(0).get("errorText").asText();
            assertThat(refused.get("diagnosis").get(0).get("evidence").asText())
                    .isEqualTo("the TURN Allocate was answered 486 " + reason);
        }
    }
}
