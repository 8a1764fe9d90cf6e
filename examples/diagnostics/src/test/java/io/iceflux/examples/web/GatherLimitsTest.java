package io.iceflux.examples.web;

import static io.iceflux.examples.web.GatherClient.body;
import static io.iceflux.examples.web.GatherClient.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iceflux.IceConfiguration;
import io.iceflux.IceServer;
import io.iceflux.netty.NettyIceGatherer;
import io.iceflux.testkit.TestTurnServer;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

/**
 * Every limit of a request is a usage error: at its value the gathering runs, one past it the answer is a 400 (413
 * for the body) with a JSON problem naming the limit, and nothing is logged at ERROR or with a stack trace. Against
 * the application without demo mode, gathering from the test's own server.
 */
class GatherLimitsTest {

    private static final int MAX_BODY_BYTES = 256 * 1024;

    private static TestTurnServer ownServer;

    private final DiagnosticsTestApplication app = DiagnosticsTestApplication.withoutDemo();
    private final GatherClient client = new GatherClient(app);
    private LogCapture log;

    @BeforeAll
    static void startOwnServer() {
        ownServer = TestTurnServer.builder().bindAddress(InetAddress.getLoopbackAddress()).start();
    }

    @AfterAll
    static void stopOwnServer() {
        ownServer.close();
    }

    @BeforeEach
    void captureTheLog() {
        log = new LogCapture();
    }

    @AfterEach
    void nothingLoggedAtErrorNothingRunning() {
        app.simulatedHostAddresses().pretend(0);
        try {
            await().atMost(GatherClient.WAIT).until(() -> app.handler().runningGatherings() == 0);
            assertThat(log.errorsAndStackTraces()).as("lines logged at ERROR or with a stack trace").isEmpty();
        } finally {
            log.close();
        }
    }

    /** {@code servers} servers, {@code urlsEach} URLs each, every URL the test server's STUN URL. */
    private static ObjectNode stunServers(int servers, int urlsEach) {
        ObjectNode body = body();
        ArrayNode iceServers = (ArrayNode) body.get("iceServers");
        for (int i = 0; i < servers; i++) {
            ArrayNode urls = iceServers.addObject().putArray("urls");
            for (int j = 0; j < urlsEach; j++) {
                urls.add(ownServer.stunUrl());
            }
        }
        return body;
    }

    private static void assertLimit(JsonNode problem, String part, String... errorContains) {
        assertThat(problem.get("part").asText()).isEqualTo(part);
        assertThat(problem.get("error").asText()).contains(errorContains);
    }

    @Test
    void theMostServersAreAcceptedOneMoreIs400() {
        client.gatherSuccessfully(stunServers(IceConfiguration.MAX_SERVERS, 1));

        JsonNode problem = client.expectProblem(stunServers(IceConfiguration.MAX_SERVERS + 1, 1).toString(),
                HttpStatus.BAD_REQUEST);

        assertLimit(problem, "SERVERS_PER_CONFIGURATION", "at most 64 ICE servers", "not 65");
    }

    @Test
    void theMostUrlsAreAcceptedOneMoreIs400() {
        int perServer = IceServer.MAX_URLS;
        int servers = IceConfiguration.MAX_URLS / perServer;
        client.gatherSuccessfully(stunServers(servers, perServer));

        ObjectNode oneUrlTooMany = stunServers(servers, perServer);
        ((ArrayNode) oneUrlTooMany.get("iceServers")).addObject().putArray("urls").add(ownServer.stunUrl());
        JsonNode inAll = client.expectProblem(oneUrlTooMany.toString(), HttpStatus.BAD_REQUEST);
        JsonNode inOneServer = client.expectProblem(stunServers(1, perServer + 1).toString(), HttpStatus.BAD_REQUEST);

        assertLimit(inAll, "URLS_PER_CONFIGURATION", "at most 256 ICE server URLs", "not 257");
        assertLimit(inOneServer, "URLS", "33 URLs, more than the limit of 32");
    }

    @Test
    void theMostHostAddressesAreAcceptedOneMoreIs400NamingTheSettings() {
        app.simulatedHostAddresses().pretend(NettyIceGatherer.MAX_HOST_ADDRESSES);
        client.gatherSuccessfully(stunServers(1, 1));

        app.simulatedHostAddresses().pretend(NettyIceGatherer.MAX_HOST_ADDRESSES + 1);
        JsonNode problem = client.expectProblem(stunServers(1, 1).toString(), HttpStatus.BAD_REQUEST);

        assertLimit(problem, "HOST_ADDRESSES_PER_GATHERING", "at most 16 host addresses", "have 17",
                "iceflux.diagnostics.interface-names", "iceflux.diagnostics.ipv4-only");
        assertThat(app.handler().runningGatherings()).isZero();
    }

    /** A body of exactly {@code bytes} bytes: one STUN server and a member that only pads. */
    private static String bodyOfSize(int bytes) {
        ObjectNode body = stunServers(1, 1);
        body.put("padding", "");
        int missing = bytes - body.toString().getBytes(StandardCharsets.UTF_8).length;
        body.put("padding", "x".repeat(missing));
        String text = body.toString();
        assertThat(text.getBytes(StandardCharsets.UTF_8)).hasSize(bytes);
        return text;
    }

    @Test
    void aBodyOfTheMostBytesIsAcceptedOneMoreIs413() {
        List<GatherClient.Event> events = client.gather(bodyOfSize(MAX_BODY_BYTES));
        assertThat(events).last().satisfies(e -> assertThat(e.data().get("ok").asBoolean()).isTrue());

        JsonNode problem = client.expectProblem(bodyOfSize(MAX_BODY_BYTES + 1), HttpStatus.CONTENT_TOO_LARGE);

        assertLimit(problem, "BODY_SIZE", "262144 bytes");
    }

    @Test
    void aBadUrlStaysA400WithItsPart() {
        JsonNode problem = client.expectProblem(body(server("stun:host:99999", null, null)).toString(),
                HttpStatus.BAD_REQUEST);

        assertLimit(problem, "PORT", "port 99999 is out of range 0-65535");
    }
}
