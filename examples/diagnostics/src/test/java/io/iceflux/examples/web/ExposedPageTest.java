package io.iceflux.examples.web;

import static io.iceflux.examples.web.GatherClient.body;
import static io.iceflux.examples.web.GatherClient.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iceflux.examples.web.GatherClient.Event;
import io.iceflux.netty.IceServerResolver;
import io.iceflux.testkit.TestTurnServer;
import io.iceflux.testkit.TurnMethod;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * The page as it is run to be exposed: an allowlist and a password. Loopback addresses only: the rules allow
 * 127.0.0.2 (a test server's UDP and TCP ports, and a silent UDP port) and every name under {@code allowed.test};
 * a second test server on 127.0.0.3 is what the rules forbid, and must never see a packet. The tests' resolver maps
 * {@code good.allowed.test} to 127.0.0.2 and {@code evil.allowed.test} to 127.0.0.3 (a permitted name rebound to a
 * forbidden address).
 */
class ExposedPageTest {

    private static final String PASSWORD = "correct horse battery staple";
    private static final InetAddress ALLOWED = address("127.0.0.2");
    private static final InetAddress FORBIDDEN = address("127.0.0.3");

    private static TestTurnServer allowedServer;
    private static TestTurnServer forbiddenServer;
    /** A UDP socket on 127.0.0.2 nobody reads: a gathering of it runs until its deadline. */
    private static DatagramSocket silent;
    private static final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();
    private static DiagnosticsTestApplication app;

    @TempDir
    static Path files;

    private final GatherClient client = new GatherClient(app, "anyone", PASSWORD);
    private final GatherClient anonymous = new GatherClient(app);
    private LogCapture log;

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void start() throws IOException {
        allowedServer = TestTurnServer.builder().bindAddress(ALLOWED).start();
        forbiddenServer = TestTurnServer.builder().bindAddress(FORBIDDEN).start();
        silent = new DatagramSocket(new InetSocketAddress(ALLOWED, 0));
        Path passwordFile = Files.writeString(files.resolve("password"), PASSWORD + "\n");
        IceServerResolver resolver = host -> {
            lookups.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
            return switch (host) {
                case "good.allowed.test" -> Mono.just(List.of(ALLOWED));
                case "evil.allowed.test" -> Mono.just(List.of(FORBIDDEN));
                default -> Mono.error(new UnknownHostException(host));
            };
        };
        app = DiagnosticsTestApplication.start(resolver,
                "--iceflux.diagnostics.allow=127.0.0.2:" + allowedServer.udpPort() + ",127.0.0.2:"
                        + allowedServer.tcpPort() + ",127.0.0.2:" + silent.getLocalPort() + ",*.allowed.test",
                "--iceflux.diagnostics.password-file=" + passwordFile);
    }

    @AfterAll
    static void stop() {
        app.close();
        silent.close();
        forbiddenServer.close();
        allowedServer.close();
    }

    @BeforeEach
    void captureTheLog() {
        log = new LogCapture();
    }

    @AfterEach
    void nothingSentToTheForbiddenServerNothingRunningPasswordNeverLogged() {
        try {
            await().atMost(GatherClient.WAIT).until(() -> app.handler().runningGatherings() == 0);
            allowedServer.awaitAllocationsAlive(0, GatherClient.WAIT);
            for (TurnMethod method : TurnMethod.values()) {
                assertThat(forbiddenServer.received(method)).as("%s requests at 127.0.0.3", method).isZero();
            }
            assertThat(log.lines()).noneMatch(line -> line.contains(PASSWORD));
            assertThat(log.errorsAndStackTraces()).isEmpty();
        } finally {
            log.close();
        }
    }

    private static ObjectNode allowedTurnTcp() {
        return server("turn:127.0.0.2:" + allowedServer.tcpPort() + "?transport=tcp", allowedServer.username(),
                allowedServer.password());
    }

    /** The positive control: a gathering of what the rules allow reaches the allowed server. */
    private void gatherTheAllowedServer() {
        long bindings = allowedServer.received(TurnMethod.BINDING);
        long allocations = allowedServer.received(TurnMethod.ALLOCATE);
        client.gatherSuccessfully(body(server("stun:127.0.0.2:" + allowedServer.udpPort(), null, null),
                allowedTurnTcp()));
        assertThat(allowedServer.received(TurnMethod.BINDING)).isGreaterThan(bindings);
        assertThat(allowedServer.received(TurnMethod.ALLOCATE)).isGreaterThan(allocations);
    }

    @Test
    void aHostNoRuleAllowsIs403NamingItAndGetsNoPacket() {
        String url = "turn:127.0.0.3:" + forbiddenServer.tcpPort() + "?transport=tcp";
        JsonNode problem = client.expectProblem(body(
                server("stun:127.0.0.2:" + allowedServer.udpPort(), null, null),
                server(url, forbiddenServer.username(), forbiddenServer.password())).toString(),
                HttpStatus.FORBIDDEN);

        assertThat(problem.get("error").asText()).isEqualTo("this page may not probe " + url
                + ": no rule allows host 127.0.0.3 (iceflux.diagnostics.allow of whoever runs it)");
        assertThat(problem.get("part").asText()).isEqualTo("ALLOWLIST");
        assertThat(app.handler().runningGatherings()).isZero();
        gatherTheAllowedServer();
    }

    @Test
    void aPortNoRuleAllowsIs403NamingTheRulesOfItsHost() {
        JsonNode problem = client.expectProblem(body(server("turn:127.0.0.2:22?transport=tcp", "u", "p")).toString(),
                HttpStatus.FORBIDDEN);

        assertThat(problem.get("error").asText()).isEqualTo("this page may not probe turn:127.0.0.2:22?transport=tcp:"
                + " port 22 not allowed for 127.0.0.2 (allowed " + allowedServer.udpPort() + "), 127.0.0.2 (allowed "
                + allowedServer.tcpPort() + "), 127.0.0.2 (allowed " + silent.getLocalPort() + ")"
                + " (iceflux.diagnostics.allow of whoever runs it)");
        gatherTheAllowedServer();
    }

    @Test
    void aPermittedNameResolvingToAForbiddenAddressIsTheUrlsLookup701AndGetsNoPacket() {
        String good = "stun:good.allowed.test:" + allowedServer.udpPort();
        String rebound = "stun:evil.allowed.test:" + forbiddenServer.udpPort();
        String reboundTcp = "turn:evil.allowed.test:" + forbiddenServer.tcpPort() + "?transport=tcp";
        int evilLookups = lookups.getOrDefault("evil.allowed.test", new AtomicInteger()).get();

        List<Event> events = client.gather(body(server(good, null, null), server(rebound, null, null),
                server(reboundTcp, forbiddenServer.username(), forbiddenServer.password())));

        assertThat(events).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo("candidate");
            assertThat(e.data().get("candidateType").asText()).isEqualTo("srflx");
            assertThat(e.data().get("url").asText()).isEqualTo(good);
        });
        assertLookup701(events, rebound, "STUN host lookup received error.");
        assertLookup701(events, reboundTcp, "TURN host lookup received error.");
        assertThat(lookups.get("evil.allowed.test").get()).as("looked up, then refused").isGreaterThan(evilLookups);
        assertThat(log.lines()).anyMatch(line -> line.startsWith("WARN") && line.contains("Refused evil.allowed.test port ")
                && line.contains(": it resolved to 127.0.0.3, which is not public and which no address rule of"
                        + " iceflux.diagnostics.allow allows"));
    }

    @Test
    void aPermittedNameResolvingToAnAddressWhoseRuleRefusesThePortIsA701() {
        String wrongPort = "stun:good.allowed.test:" + forbiddenServer.udpPort();

        List<Event> events = client.gather(body(server(wrongPort, null, null)));

        assertLookup701(events, wrongPort, "STUN host lookup received error.");
        assertThat(log.lines()).anyMatch(line -> line.contains("Refused good.allowed.test port "
                + forbiddenServer.udpPort() + ": it resolved to 127.0.0.2"));
        gatherTheAllowedServer();
    }

    private static void assertLookup701(List<Event> events, String url, String text) {
        assertThat(events).as(url).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo("error");
            assertThat(e.data().get("url").asText()).isEqualTo(url);
            assertThat(e.data().get("errorCode").asInt()).isEqualTo(701);
            assertThat(e.data().get("errorText").asText()).isEqualTo(text);
        });
    }

    @Test
    void withoutThePasswordEveryRequestIs401AndNothingIsGathered() {
        long bindings = allowedServer.received(TurnMethod.BINDING);
        String allowed = body(server("stun:127.0.0.2:" + allowedServer.udpPort(), null, null)).toString();

        anonymous.web().get().uri("/").exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE,
                        "Basic realm=\"IceFlux diagnostics\", charset=\"UTF-8\"")
                .expectBody().returnResult();
        JsonNode problem = anonymous.expectProblem(allowed, HttpStatus.UNAUTHORIZED);
        new GatherClient(app, "anyone", PASSWORD + "x").expectProblem(allowed, HttpStatus.UNAUTHORIZED);
        new GatherClient(app, "anyone", "").expectProblem(allowed, HttpStatus.UNAUTHORIZED);
        anonymous.web().get().uri("/app.js").header(HttpHeaders.AUTHORIZATION, "Basic not-base64!")
                .exchange().expectStatus().isUnauthorized().expectBody().returnResult();

        assertThat(problem.get("part").asText()).isEqualTo("PASSWORD");
        assertThat(problem.get("error").asText()).doesNotContain(PASSWORD);
        assertThat(allowedServer.received(TurnMethod.BINDING)).isEqualTo(bindings);
        client.web().get().uri("/").exchange().expectStatus().isOk().expectBody().returnResult();
        client.web().get().uri("/api/config").accept(MediaType.APPLICATION_JSON).exchange().expectStatus().isOk()
                .expectBody().returnResult();
        gatherTheAllowedServer();
    }

    @Test
    void theConcurrencyLimitStillAnswers429() {
        ObjectNode slow = body(server("stun:127.0.0.2:" + silent.getLocalPort(), null, null));
        slow.put("deadlineMillis", 30_000);
        List<Disposable> running = List.of(client.stream(slow).subscribe(), client.stream(slow).subscribe());
        try {
            await().atMost(GatherClient.WAIT).until(() -> app.handler().runningGatherings() == 2);

            JsonNode problem = client.expectProblem(slow.toString(), HttpStatus.TOO_MANY_REQUESTS);

            assertThat(problem.get("error").asText()).startsWith("2 gatherings are running");
        } finally {
            running.forEach(Disposable::dispose);
        }
        await().atMost(GatherClient.WAIT).until(() -> app.handler().runningGatherings() == 0);
        gatherTheAllowedServer();
    }
}
