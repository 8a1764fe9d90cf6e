package io.iceflux.examples.web;

import static io.iceflux.examples.web.GatherClient.body;
import static io.iceflux.examples.web.GatherClient.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iceflux.testkit.TestTurnServer;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import reactor.core.Disposable;

/**
 * Whatever way a request ends — the client resets the connection right after sending, or in the middle of the body,
 * or cancels the event stream — its concurrency slot, its gathering and the gathering's sockets and allocations are
 * released: afterwards a gathering succeeds (not 429), no gathering is running, the process holds no more UDP
 * sockets than before, and nothing was logged at ERROR.
 */
class GatherReleaseTest {

    private static final int BURST = 30;
    /** Well under the 30 s deadline of the bodies that would keep a forgotten gathering alive. */
    private static final Duration RELEASED_WITHIN = Duration.ofSeconds(20);

    private static TestTurnServer ownServer;
    /** A UDP socket nobody reads: a STUN URL there gets no answer (and no ICMP) until the deadline. */
    private static DatagramSocket blackHole;

    @BeforeAll
    static void startOwnServer() throws SocketException {
        ownServer = TestTurnServer.builder().bindAddress(InetAddress.getLoopbackAddress()).start();
        blackHole = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterAll
    static void stopOwnServer() {
        blackHole.close();
        ownServer.close();
    }

    private LogCapture log;

    @BeforeEach
    void captureTheLog() {
        DiagnosticsTestApplication.get();
        DiagnosticsTestApplication.withoutDemo();
        log = new LogCapture();
    }

    /** A client that goes away is no failure of the server: nothing at ERROR, no stack trace. */
    @AfterEach
    void nothingLoggedAtError() {
        try {
            assertThat(log.errorsAndStackTraces()).as("lines logged at ERROR or with a stack trace").isEmpty();
        } finally {
            log.close();
        }
    }

    /** What the page's form starts with in demo mode (GET /api/config): four servers, one silent. */
    private static String demoForm(GatherClient client) {
        byte[] config = client.web().get().uri("/api/config").accept(MediaType.APPLICATION_JSON)
                .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBodyContent();
        return new String(config, StandardCharsets.UTF_8);
    }

    /** A STUN URL, two TURN URLs (UDP, TCP) and a silent URL of the test's own server, named explicitly, with a long deadline. */
    private static ObjectNode explicitServers() {
        ObjectNode body = body(server(ownServer.stunUrl(), null, null),
                server(ownServer.turnUdpUrl(), ownServer.username(), ownServer.password()),
                server(ownServer.turnTcpUrl(), ownServer.username(), ownServer.password()),
                server("stun:127.0.0.1:" + blackHole.getLocalPort(), null, null));
        body.put("deadlineMillis", 30_000);
        return body;
    }

    /** {@link #BURST} POSTs reset right after the whole body, interleaved with as many reset half-way through it. */
    private static void burstOfResets(DiagnosticsTestApplication app, String body) {
        int length = body.getBytes(StandardCharsets.UTF_8).length;
        for (int i = 0; i < BURST; i++) {
            RawHttpClient.postThenReset(app.port(), "/api/gather", body, length);
            RawHttpClient.postThenReset(app.port(), "/api/gather", body, length / 2);
        }
    }

    private static void awaitNothingRunning(DiagnosticsTestApplication app, int udpSocketsBefore) {
        await().atMost(RELEASED_WITHIN).untilAsserted(() ->
                assertThat(app.handler().runningGatherings()).as("gatherings holding a slot").isZero());
        await().atMost(RELEASED_WITHIN).untilAsserted(() ->
                assertThat(ProcessSockets.udp()).as("UDP sockets of this process").isLessThanOrEqualTo(
                        udpSocketsBefore));
    }

    private static int quietUdpSockets(DiagnosticsTestApplication app, TestTurnServer server) {
        await().atMost(GatherClient.WAIT).until(() -> app.handler().runningGatherings() == 0);
        server.awaitAllocationsAlive(0, GatherClient.WAIT);
        return ProcessSockets.udp();
    }

    @Test
    void resetConnectionsInDemoModeLeaveNoSlotNoGatheringAndNoSocketBehind() {
        DiagnosticsTestApplication app = DiagnosticsTestApplication.get();
        GatherClient client = new GatherClient(app);
        TestTurnServer demoServer = app.demo().server();
        String form = demoForm(client);
        int udpBefore = quietUdpSockets(app, demoServer);

        burstOfResets(app, form);

        awaitNothingRunning(app, udpBefore);
        demoServer.awaitAllocationsAlive(0, RELEASED_WITHIN);
        client.gatherSuccessfully(body(server(demoServer.stunUrl(), null, null)));
    }

    @Test
    void resetConnectionsWithExplicitServersLeaveNoSlotNoGatheringAndNoSocketBehind() {
        DiagnosticsTestApplication app = DiagnosticsTestApplication.withoutDemo();
        GatherClient client = new GatherClient(app);
        int udpBefore = quietUdpSockets(app, ownServer);

        burstOfResets(app, explicitServers().toString());

        awaitNothingRunning(app, udpBefore);
        ownServer.awaitAllocationsAlive(0, RELEASED_WITHIN);
        client.gatherSuccessfully(body(server(ownServer.turnUdpUrl(), ownServer.username(), ownServer.password())));
    }

    @Test
    void aClientThatCancelsMidStreamReleasesItsSlot() {
        DiagnosticsTestApplication app = DiagnosticsTestApplication.withoutDemo();
        GatherClient client = new GatherClient(app);
        int udpBefore = quietUdpSockets(app, ownServer);
        AtomicInteger candidates = new AtomicInteger();

        List<Disposable> streams = List.of(
                client.stream(explicitServers()).filter(e -> e.type().equals("candidate"))
                        .subscribe(e -> candidates.incrementAndGet()),
                client.stream(explicitServers()).filter(e -> e.type().equals("candidate"))
                        .subscribe(e -> candidates.incrementAndGet()));
        await().atMost(GatherClient.WAIT).until(() -> candidates.get() >= 2);
        assertThat(app.handler().runningGatherings()).isEqualTo(2);
        streams.forEach(Disposable::dispose);

        awaitNothingRunning(app, udpBefore);
        ownServer.awaitAllocationsAlive(0, RELEASED_WITHIN);
        client.gatherSuccessfully(body(server(ownServer.stunUrl(), null, null)));
    }
}
