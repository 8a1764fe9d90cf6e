package io.iceflux.examples.web;

import static io.iceflux.examples.web.GatherClient.body;
import static io.iceflux.examples.web.GatherClient.parse;
import static io.iceflux.examples.web.GatherClient.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iceflux.examples.web.GatherClient.Event;
import io.iceflux.testkit.TestTurnServer;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import reactor.core.Disposable;

/** {@code POST /api/gather} and {@code GET /api/config} over HTTP against the demo mode's embedded server. */
class DiagnosticsEndpointTest {

    private static final Duration WAIT = GatherClient.WAIT;

    private final DiagnosticsTestApplication app = DiagnosticsTestApplication.get();
    private final DemoServers demo = app.demo();
    private final GatherHandler handler = app.handler();

    private final GatherClient client = new GatherClient(app);
    private TestTurnServer server;
    /**
     * A UDP port where something is bound but never answers: the timers decide. (The demo's closed port answers
     * with ICMP port unreachable, which ends its Binding at once.)
     */
    private DatagramSocket silent;

    @BeforeEach
    void awaitNoAllocation() throws Exception {
        server = demo.server();
        server.awaitAllocationsAlive(0, WAIT);
        silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void everythingReleased() {
        silent.close();
        await().atMost(WAIT).until(() -> handler.runningGatherings() == 0);
        server.awaitAllocationsAlive(0, WAIT);
    }

    private String silentUrl() {
        return "stun:127.0.0.1:" + silent.getLocalPort();
    }

    private static List<String> types(List<Event> events) {
        return events.stream().map(e -> e.type() + (e.data().has("candidateType")
                ? " " + e.data().get("candidateType").asText() : "")).toList();
    }

    private static void assertState(Event event, String state) {
        assertThat(event.data().properties()).extracting(Map.Entry::getKey)
                .containsExactly("type", "state", "generation", "t");
        assertThat(event.data().get("state").asText()).isEqualTo(state);
        assertThat(event.data().get("generation").asInt()).isZero();
    }

    private static void assertEndOfCandidates(Event event) {
        assertThat(event.data().properties()).extracting(Map.Entry::getKey)
                .containsExactly("type", "generation", "t");
        assertThat(event.data().get("generation").asInt()).isZero();
    }

    /** Checks every member of a candidate object; returns its port. */
    private static int assertCandidate(Event event, String type, String url, Integer relatedPort) {
        JsonNode c = event.data();
        assertThat(c.properties()).extracting(Map.Entry::getKey).containsExactly("type", "candidate",
                "candidateType", "protocol", "address", "port", "relatedAddress", "relatedPort", "url", "generation", "t");
        assertThat(c.get("generation").asInt()).isZero();
        assertThat(c.get("candidateType").asText()).isEqualTo(type);
        assertThat(c.get("protocol").asText()).isEqualTo("udp");
        assertThat(c.get("address").asText()).isEqualTo("127.0.0.1");
        int port = c.get("port").asInt();
        assertThat(port).isBetween(1, 65535);
        if (url == null) {
            assertThat(c.get("url").isNull()).isTrue();
            assertThat(c.get("relatedAddress").isNull()).isTrue();
            assertThat(c.get("relatedPort").isNull()).isTrue();
            assertThat(c.get("candidate").asText()).matches("candidate:\\S+ 1 udp \\d+ 127\\.0\\.0\\.1 " + port
                    + " typ host");
        } else {
            assertThat(c.get("url").asText()).isEqualTo(url);
            assertThat(c.get("relatedAddress").asText()).isEqualTo("127.0.0.1");
            assertThat(c.get("relatedPort").asInt()).isEqualTo(relatedPort);
            assertThat(c.get("candidate").asText()).matches("candidate:\\S+ 1 udp \\d+ 127\\.0\\.0\\.1 " + port
                    + " typ " + type + " raddr 127\\.0\\.0\\.1 rport " + relatedPort);
        }
        return port;
    }

    private static void assertError(Event event, String url, int code, String text, Integer localPort) {
        JsonNode e = event.data();
        assertThat(e.properties()).extracting(Map.Entry::getKey)
                .containsExactly("type", "url", "errorCode", "errorText", "address", "port", "generation", "t");
        assertThat(e.get("generation").asInt()).isZero();
        assertThat(e.get("url").asText()).isEqualTo(url);
        assertThat(e.get("errorCode").asInt()).isEqualTo(code);
        assertThat(e.get("errorText").asText()).isEqualTo(text);
        if (localPort == null) {
            assertThat(e.get("address").isNull()).isTrue();
            assertThat(e.get("port").isNull()).isTrue();
        } else {
            assertThat(e.get("address").asText()).isEqualTo("127.0.0.1");
            assertThat(e.get("port").asInt()).isEqualTo(localPort);
        }
    }

    private static void assertSummary(Event event, boolean ok, String url, String expected, String verdictPattern,
            List<String> errors) {
        JsonNode s = event.data();
        assertThat(s.properties()).extracting(Map.Entry::getKey)
                .containsExactly("type", "ok", "exitCode", "servers", "generation", "t");
        assertThat(s.get("generation").asInt()).isZero();
        assertThat(s.get("ok").asBoolean()).isEqualTo(ok);
        assertThat(s.get("exitCode").asInt()).isEqualTo(ok ? 0 : 1);
        assertThat(s.get("servers")).hasSize(1);
        JsonNode server = s.get("servers").get(0);
        assertThat(server.properties()).extracting(Map.Entry::getKey)
                .containsExactly("url", "expected", "ok", "obtainedMs", "errors", "verdict", "diagnosis");
        assertThat(server.get("url").asText()).isEqualTo(url);
        assertThat(server.get("expected").asText()).isEqualTo(expected);
        assertThat(server.get("ok").asBoolean()).isEqualTo(ok);
        assertThat(server.get("obtainedMs").isNull()).isEqualTo(!ok);
        assertThat(server.get("errors")).extracting(err -> err.get("errorCode").asInt() + " "
                + err.get("errorText").asText()).containsExactlyElementsOf(errors);
        assertThat(server.get("verdict").asText()).matches(verdictPattern);
    }

    @Test
    void aStunUrlStreamsTheHostAndTheServerReflexiveCandidateThenTheSummary() {
        String url = server.stunUrl();

        List<Event> events = client.gather(body(server(url, null, null)));

        assertThat(types(events)).containsExactly("state", "candidate host", "candidate srflx", "end-of-candidates",
                "state", "summary");
        assertState(events.get(0), "gathering");
        int hostPort = assertCandidate(events.get(1), "host", null, null);
        assertCandidate(events.get(2), "srflx", url, hostPort);
        assertEndOfCandidates(events.get(3));
        assertState(events.get(4), "complete");
        assertSummary(events.get(5), true, url, "srflx",
                "reachable; server-reflexive address 127\\.0\\.0\\.1:\\d+ obtained in \\d+ ms", List.of());
    }

    @Test
    void aTurnUrlStreamsTheServerReflexiveAndTheRelayedCandidate() {
        String url = server.turnUdpUrl();

        List<Event> events = client.gather(body(server(url, server.username(), server.password())));

        assertThat(types(events)).startsWith("state", "candidate host").endsWith("end-of-candidates", "state",
                "summary");
        assertThat(types(events).subList(2, 4)).containsExactlyInAnyOrder("candidate srflx", "candidate relay");
        assertThat(events).hasSize(7);
        assertState(events.get(0), "gathering");
        int hostPort = assertCandidate(events.get(1), "host", null, null);
        for (Event event : events.subList(2, 4)) {
            assertCandidate(event, event.data().get("candidateType").asText(), url, hostPort);
        }
        assertEndOfCandidates(events.get(4));
        assertState(events.get(5), "complete");
        assertSummary(events.get(6), true, url, "relay",
                "reachable; credentials accepted; relay 127\\.0\\.0\\.1:\\d+ obtained in \\d+ ms", List.of());
    }

    @Test
    void aWrongPasswordStreamsA401WithTheUrlAsConfigured() {
        String url = server.turnTcpUrl().replace("turn:", "TURN:");

        List<Event> events = client.gather(body(server(url, server.username(), "not-the-password")));

        assertThat(types(events)).containsExactly("state", "candidate host", "error", "end-of-candidates", "state",
                "summary");
        assertState(events.get(0), "gathering");
        assertCandidate(events.get(1), "host", null, null);
        assertError(events.get(2), url, 401, "Unauthorized", null);
        assertEndOfCandidates(events.get(3));
        assertState(events.get(4), "complete");
        assertSummary(events.get(5), false, url, "relay",
                Pattern.quote("TURN server answered 401 Unauthorized — not fatal for the other servers; likely cause: "
                        + "the username or password is wrong: check both [wrong-credentials: the TURN Allocate ended "
                        + "with 401 Unauthorized]"), List.of("401 Unauthorized"));
        assertThat(events.get(5).data().get("servers").get(0).get("diagnosis").toString()).isEqualTo("[{\"rule\":"
                + "\"wrong-credentials\",\"cause\":\"the username or password is wrong: check both\",\"evidence\":"
                + "\"the TURN Allocate ended with 401 Unauthorized\"}]");
    }

    @Test
    void aSilentUrlWithShortTimersStreamsOne701() {
        String url = silentUrl();
        ObjectNode body = body(server(url, null, null));
        body.put("rtoMillis", 50);
        body.put("maxRequests", 2);
        body.put("deadlineMillis", 20_000);

        List<Event> events = client.gather(body);

        assertThat(types(events)).containsExactly("state", "candidate host", "error", "end-of-candidates", "state",
                "summary");
        assertState(events.get(0), "gathering");
        int hostPort = assertCandidate(events.get(1), "host", null, null);
        assertError(events.get(2), url, 701, "STUN binding request timed out.", hostPort);
        assertEndOfCandidates(events.get(3));
        assertState(events.get(4), "complete");
        assertSummary(events.get(5), false, url, "srflx",
                "no answer \\(701: STUN binding request timed out\\.\\) — not fatal for the other servers",
                List.of("701 STUN binding request timed out."));
    }

    @Test
    void aBadUrlIs400WithTheMessageAndThePartThatIsWrong() {
        JsonNode problem = client.expectProblem(body(server("stun:host:99999", null, null)).toString(),
                HttpStatus.BAD_REQUEST);

        assertThat(problem.get("error").asText())
                .isEqualTo("invalid ICE server URL \"stun:host:99999\": port 99999 is out of range 0-65535");
        assertThat(problem.get("part").asText()).isEqualTo("PORT");
    }

    @Test
    void badBodiesAre400NamingTheProblemWithoutEchoingTheCredential() {
        String secret = "s3cret-credential";

        JsonNode badJson = client.expectProblem("{\"iceServers\":[{\"urls\":\"turn:x\",\"credential\":" + secret + "}]}",
                HttpStatus.BAD_REQUEST);
        JsonNode noUsername = client.expectProblem(body(server(server.turnUdpUrl(), null, secret)).toString(),
                HttpStatus.BAD_REQUEST);
        ObjectNode longDeadline = body(server(server.stunUrl(), null, null));
        longDeadline.put("deadlineMillis", 3_600_000);
        JsonNode tooLong = client.expectProblem(longDeadline.toString(), HttpStatus.BAD_REQUEST);
        JsonNode noServers = client.expectProblem("{\"iceServers\":[]}", HttpStatus.BAD_REQUEST);
        JsonNode notAnObject = client.expectProblem("[1]", HttpStatus.BAD_REQUEST);

        assertThat(badJson.get("error").asText()).isEqualTo("request body: not valid JSON (line 1, column 46)");
        assertThat(badJson.get("part").isNull()).isTrue();
        assertThat(noUsername.get("error").asText()).doesNotContain(secret).contains(server.turnUdpUrl())
                .contains("username");
        assertThat(noUsername.get("part").asText()).isEqualTo("USERNAME");
        assertThat(tooLong.get("error").asText())
                .isEqualTo("request body: \"deadlineMillis\" must be 1-60000, not 3600000");
        assertThat(noServers.get("error").asText())
                .isEqualTo("request body: \"iceServers\" must hold at least one server");
        assertThat(notAnObject.get("error").asText())
                .isEqualTo("request body: must hold a JSON object (an RTCConfiguration)");
    }

    @Test
    void beyondTheConcurrencyLimitIs429() {
        ObjectNode slow = body(server(silentUrl(), null, null));
        slow.put("deadlineMillis", 30_000);
        List<Disposable> running = List.of(client.stream(slow).subscribe(), client.stream(slow).subscribe());
        try {
            await().atMost(WAIT).until(() -> handler.runningGatherings() == 2);

            JsonNode problem = client.expectProblem(slow.toString(), HttpStatus.TOO_MANY_REQUESTS);

            assertThat(problem.get("error").asText()).isEqualTo(
                    "2 gatherings are running, the most this server allows at once; try again when one ends");
            assertThat(problem.get("part").isNull()).isTrue();
        } finally {
            running.forEach(Disposable::dispose);
        }
        await().atMost(WAIT).until(() -> handler.runningGatherings() == 0);
        client.gatherSuccessfully(body(server(server.stunUrl(), null, null)));
    }

    @Test
    void cancellingTheStreamCancelsTheGatheringAndDeletesTheAllocation() {
        ObjectNode body = body(server(server.turnUdpUrl(), server.username(), server.password()),
                server(silentUrl(), null, null));
        body.put("deadlineMillis", 30_000);
        long allocationsBefore = server.allocationsCreated();

        List<Event> seen = client.stream(body)
                .takeUntil(e -> e.type().equals("candidate") && e.data().get("candidateType").asText().equals("relay"))
                .collectList().block(WAIT);

        assertThat(seen).isNotNull().last().satisfies(e -> assertThat(e.data().get("candidateType").asText())
                .isEqualTo("relay"));
        assertThat(types(seen)).doesNotContain("end-of-candidates", "summary");
        assertThat(server.allocationsCreated()).isEqualTo(allocationsBefore + 1);
        await().atMost(WAIT).until(() -> handler.runningGatherings() == 0);
        server.awaitAllocationsAlive(0, WAIT);
        assertThat(server.allocationsAlive()).isZero();
    }

    @Test
    void theConfigPrefillsTheDemoServers() {
        EntityExchangeResult<byte[]> result = client.web().get().uri("/api/config").accept(MediaType.APPLICATION_JSON)
                .exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody().returnResult();
        JsonNode config = parse(new String(result.getResponseBodyContent(), StandardCharsets.UTF_8));

        assertThat(config.properties()).extracting(Map.Entry::getKey).containsExactly("demo", "iceServers",
                "iceTransportPolicy", "rtoMillis", "maxRequests", "deadlineMillis", "maxDeadlineMillis");
        assertThat(config.get("demo").asBoolean()).isTrue();
        assertThat(config.get("iceServers").toString()).isEqualTo("[{\"urls\":[\"" + server.stunUrl() + "\"]},"
                + "{\"urls\":[\"" + server.turnUdpUrl() + "\"],\"username\":\"" + server.username()
                + "\",\"credential\":\"" + server.password() + "\"},"
                + "{\"urls\":[\"" + server.turnTcpUrl() + "\"],\"username\":\"" + server.username()
                + "\",\"credential\":\"not-the-password\"},"
                + "{\"urls\":[\"" + demo.deadUrl() + "\"]}]");
        assertThat(config.get("iceTransportPolicy").asText()).isEqualTo("all");
        assertThat(config.get("rtoMillis").asInt()).isEqualTo(100);
        assertThat(config.get("maxRequests").asInt()).isEqualTo(3);
        assertThat(config.get("deadlineMillis").asInt()).isEqualTo(3000);
        assertThat(config.get("maxDeadlineMillis").asInt()).isEqualTo(60_000);
    }
}
