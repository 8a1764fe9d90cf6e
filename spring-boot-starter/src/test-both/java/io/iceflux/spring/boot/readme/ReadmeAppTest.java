package io.iceflux.spring.boot.readme;

import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.testkit.TestTurnServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/** The README's app starts with the starter and streams the candidates of the configured servers. */
class ReadmeAppTest {

    @Test
    void streamsTheCandidatesOfTheConfiguredServers() throws Exception {
        try (TestTurnServer server = TestTurnServer.builder().tls(false).start();
             ConfigurableApplicationContext app = SpringApplication.run(IceApp.class, "--server.port=0",
                     "--server.address=127.0.0.1", "--spring.main.banner-mode=off",
                     "--management.health.iceflux.enabled=false",
                     "--iceflux.servers[0].urls=" + server.stunUrl(),
                     "--iceflux.interfaces.loopback-only=true", "--iceflux.interfaces.ipv4-only=true")) {
            String port = app.getEnvironment().getProperty("local.server.port");
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/candidates")).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("typ host").contains("typ srflx");
        }
    }

    @Test
    void theReadmeShowsThisClass() throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("iceflux.test.readme")));
        String source = Files.readString(Path.of(System.getProperty("iceflux.test.sources"),
                "io/iceflux/spring/boot/readme/IceApp.java"));
        String body = source.substring(source.indexOf("@SpringBootApplication"));
        assertThat(readme).contains(body.strip());
    }
}
