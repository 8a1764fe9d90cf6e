package io.iceflux.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iceflux.netty.NettyIceGatherer;
import io.iceflux.testkit.TestTurnServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real Spring Boot WebFlux application with actuator and the starter, on a random port, gathering from the testkit's
 * STUN/TURN server on loopback: {@code /actuator/health/iceflux} is UP for working servers, DOWN with a 401 (wrong
 * password, unknown TURN REST credentials) and a 701 (closed port) for broken ones, answers at once while a probe waits on a silent server, and never
 * shows a credential; the gatherer records into the application's meter registry and runs on its reactor-netty loops.
 */
class StarterApplicationTest {

    static final String USER = "health-user-name";
    static final String PASSWORD = "health-password-value";
    static final String WRONG_PASSWORD = "wrong-password-value";
    static final String REST_SECRET = "rest-shared-secret-value";
    static final String REST_USER = "rest-user-id";

    static TestTurnServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    /** The application: nothing but Boot's auto-configuration (WebFlux, actuator, the starter). */
    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {
    }

    @BeforeAll
    static void startServer() {
        server = TestTurnServer.builder().tls(false).user(USER, PASSWORD).start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    static ConfigurableApplicationContext start(String... properties) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
                "--spring.main.banner-mode=off",
                "--management.endpoints.web.exposure.include=health",
                "--management.endpoint.health.show-details=always",
                "--iceflux.interfaces.loopback-only=true", "--iceflux.interfaces.ipv4-only=true"));
        Arrays.stream(properties).map(p -> "--" + p).forEach(args::add);
        return new SpringApplication(App.class).run(args.toArray(String[]::new));
    }

    @Test
    void upForWorkingServersWithTimeToCandidateAndMetrics() throws Exception {
        try (ConfigurableApplicationContext app = start(
                "iceflux.servers[0].urls=" + server.stunUrl(),
                "iceflux.servers[1].urls=" + server.turnUdpUrl(),
                "iceflux.servers[1].username=" + USER,
                "iceflux.servers[1].credential=" + PASSWORD)) {
            JsonNode health = awaitProbed(app);
            assertThat(health.path("status").asText()).isEqualTo("UP");
            JsonNode servers = health.path("details").path("servers");
            for (String url : List.of(server.stunUrl(), server.turnUdpUrl())) {
                assertThat(servers.path(url).path("status").asText()).as(url).isEqualTo("UP");
                assertThat(servers.path(url).path("candidateMs").isNumber()).as(url).isTrue();
            }
            assertThat(health.toString()).doesNotContain(USER).doesNotContain(PASSWORD);

            MeterRegistry registry = app.getBean(MeterRegistry.class);
            assertThat(registry.get("iceflux.gatherings").tag("outcome", "complete").counter().count()).isPositive();
            assertThat(registry.get("iceflux.candidates").tag("type", "relay").counter().count()).isPositive();

            // the application's reactor-netty client loops (epoll on Linux: see SharedEventLoopsTest.LOOP_KIND)
            assertThat(SharedEventLoopsTest.gatheringThreads(app.getBean(NettyIceGatherer.class), server))
                    .anyMatch(name -> name.startsWith("reactor-http-" + SharedEventLoopsTest.LOOP_KIND + "-"))
                    .noneMatch(name -> name.startsWith("iceflux-io"));
        }
    }

    @Test
    void downWith401And701ForBrokenServers() throws Exception {
        int closedPort;
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            closedPort = socket.getLocalPort();
        }
        String closed = "stun:127.0.0.1:" + closedPort;
        try (ConfigurableApplicationContext app = start(
                "iceflux.servers[0].urls=" + server.turnUdpUrl(),
                "iceflux.servers[0].username=" + USER,
                "iceflux.servers[0].credential=" + WRONG_PASSWORD,
                "iceflux.servers[1].urls=" + closed,
                "iceflux.servers[2].urls=" + server.stunUrl(),
                "iceflux.servers[3].urls=" + server.turnTcpUrl(),
                "iceflux.servers[3].auth-secret=" + REST_SECRET,
                "iceflux.servers[3].user=" + REST_USER,
                "iceflux.timers.rto=50ms", "iceflux.timers.max-requests=2", "iceflux.timers.last-wait-multiplier=2")) {
            JsonNode health = awaitProbed(app);
            assertThat(health.path("status").asText()).isEqualTo("DOWN");
            JsonNode servers = health.path("details").path("servers");

            JsonNode turn = servers.path(server.turnUdpUrl());
            assertThat(turn.path("status").asText()).isEqualTo("DOWN");
            JsonNode unauthorized = turn.path("errors").get(0);
            assertThat(unauthorized.path("errorCode").asInt()).isEqualTo(401);
            assertThat(unauthorized.path("errorText").asText()).isNotEmpty();
            assertThat(unauthorized.path("address").asText()).isEqualTo("127.0.0.1");
            assertThat(unauthorized.path("port").asInt()).isPositive();

            JsonNode unreachable = servers.path(closed);
            assertThat(unreachable.path("status").asText()).isEqualTo("DOWN");
            assertThat(unreachable.path("errors").get(0).path("errorCode").asInt()).isEqualTo(701);
            assertThat(unreachable.path("errors").get(0).path("errorText").asText()).isNotEmpty();

            assertThat(servers.path(server.stunUrl()).path("status").asText()).isEqualTo("UP");

            // TURN REST credentials the test server does not know: a 401 over TCP, from an ephemeral port no
            // candidate exposes (so no address)
            JsonNode rest = servers.path(server.turnTcpUrl());
            assertThat(rest.path("status").asText()).isEqualTo("DOWN");
            assertThat(rest.path("errors").get(0).path("errorCode").asInt()).isEqualTo(401);
            assertThat(rest.path("errors").get(0).path("address").isNull()).isTrue();

            assertThat(health.toString()).doesNotContain(USER).doesNotContain(WRONG_PASSWORD)
                    .doesNotContain(REST_SECRET).doesNotContain(REST_USER);
        }
    }

    @Test
    void healthAnswersAtOnceWhileAProbeWaitsOnASilentServer() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            // RFC 8489 timers: the probe waits 39.5 s for this server; health requests must not
            ConfigurableApplicationContext app = start(
                    "iceflux.servers[0].urls=stun:127.0.0.1:" + silent.getLocalPort());
            NettyIceGatherer gatherer = app.getBean(NettyIceGatherer.class);
            try {
                for (int i = 0; i < 3; i++) {
                    long start = System.nanoTime();
                    JsonNode health = health(app);
                    Duration took = Duration.ofNanos(System.nanoTime() - start);
                    assertThat(took).isLessThan(Duration.ofSeconds(3));
                    assertThat(health.path("status").asText()).isEqualTo("UNKNOWN");
                    assertThat(health.path("details").path("probing").asBoolean()).isTrue();
                }
                // the request really reached the silent server: the probe is in flight
                byte[] buffer = new byte[1500];
                silent.setSoTimeout(10_000);
                silent.receive(new java.net.DatagramPacket(buffer, buffer.length));
            } finally {
                // closing stops the schedule and cancels the probe in flight: no 39.5 s wait, the gatherer closed
                long start = System.nanoTime();
                app.close();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            }
            assertThatThrownBy(() -> gatherer.gather(io.iceflux.IceConfiguration.builder().build()).blockLast())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        }
    }

    @Test
    void badValueStopsTheStartWithBootsFailureReport() {
        String secret = BadPropertiesTest.SECRET;
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream both = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setOut(both);
        System.setErr(both);
        try {
            assertThatThrownBy(() -> start("iceflux.servers[0].urls=turn:127.0.0.1",
                    "iceflux.servers[0].auth-secret=" + secret, "iceflux.servers[0].ttl=-1h"))
                    .satisfies(e -> assertThat(BadPropertiesTest.wholeFailure(e)).doesNotContain(secret));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        String report = captured.toString(StandardCharsets.UTF_8);
        assertThat(report).contains("APPLICATION FAILED TO START")
                .contains("iceflux.servers[0].ttl must be positive, not PT-1H")
                .contains("Action:")
                .doesNotContain(secret);
    }

    /** The health of the {@code iceflux} indicator once a probe has ended. */
    private JsonNode awaitProbed(ConfigurableApplicationContext app) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> health(app), h -> h.path("details").has("lastProbe"));
    }

    private JsonNode health(ConfigurableApplicationContext app) throws Exception {
        String port = app.getEnvironment().getProperty("local.server.port");
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/health/iceflux")).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        return json.readTree(response.body());
    }
}
