package io.iceflux.examples.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.FluxExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

/** A WebTestClient for one running application: request bodies, event streams and the JSON problems. */
final class GatherClient {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(60);
    private static final ParameterizedTypeReference<ServerSentEvent<String>> SSE =
            new ParameterizedTypeReference<>() {
            };

    /** One Server-Sent Event: its {@code event:} name and its {@code data:} object. */
    record Event(String name, JsonNode data) {
        String type() {
            return data.get("type").asText();
        }
    }

    private final WebTestClient client;

    GatherClient(DiagnosticsTestApplication app) {
        client = WebTestClient.bindToServer().baseUrl(app.baseUrl()).responseTimeout(WAIT).build();
    }

    /** A client that signs in with HTTP Basic as {@code user} with {@code password}. */
    GatherClient(DiagnosticsTestApplication app, String user, String password) {
        client = WebTestClient.bindToServer().baseUrl(app.baseUrl()).responseTimeout(WAIT)
                .defaultHeaders(headers -> headers.setBasicAuth(user, password)).build();
    }

    WebTestClient web() {
        return client;
    }

    static ObjectNode body(ObjectNode... servers) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode iceServers = body.putArray("iceServers");
        for (ObjectNode server : servers) {
            iceServers.add(server);
        }
        return body;
    }

    static ObjectNode server(String url, String username, String credential) {
        ObjectNode server = JSON.createObjectNode();
        server.putArray("urls").add(url);
        if (username != null) {
            server.put("username", username);
        }
        if (credential != null) {
            server.put("credential", credential);
        }
        return server;
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }

    /** {@code POST /api/gather}, expecting 200 and an event stream; the events as they come. */
    Flux<Event> stream(String body) {
        FluxExchangeResult<ServerSentEvent<String>> result = client.post().uri("/api/gather")
                .contentType(MediaType.APPLICATION_JSON).accept(MediaType.TEXT_EVENT_STREAM).bodyValue(body)
                .exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .returnResult(SSE);
        return result.getResponseBody().map(sse -> new Event(sse.event(), parse(sse.data())));
    }

    Flux<Event> stream(ObjectNode body) {
        return stream(body.toString());
    }

    /** A whole gathering: every event, each named as its type, their times in order. */
    List<Event> gather(String body) {
        List<Event> events = stream(body).collectList().block(WAIT);
        assertThat(events).isNotNull();
        long previousT = 0;
        for (Event event : events) {
            assertThat(event.name()).as("SSE event name of %s", event.data()).isEqualTo(event.type());
            long t = event.data().get("t").asLong();
            assertThat(t).as("t of %s", event.data()).isGreaterThanOrEqualTo(previousT);
            previousT = t;
        }
        return events;
    }

    List<Event> gather(ObjectNode body) {
        return gather(body.toString());
    }

    /** A gathering that ends with a summary saying every server worked. */
    void gatherSuccessfully(ObjectNode body) {
        assertThat(gather(body)).last().satisfies(summary -> {
            assertThat(summary.type()).isEqualTo("summary");
            assertThat(summary.data().get("ok").asBoolean()).as("summary %s", summary.data()).isTrue();
        });
    }

    /**
     * {@code POST /api/gather} answered with {@code status} and a JSON problem: exactly status, error and part, no
     * stack trace.
     */
    JsonNode expectProblem(String body, HttpStatus status) {
        EntityExchangeResult<byte[]> result = client.post().uri("/api/gather").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody().returnResult();
        String text = new String(result.getResponseBodyContent(), StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("Exception").doesNotContain("\tat ");
        JsonNode problem = parse(text);
        assertThat(problem.properties()).extracting(Map.Entry::getKey)
                .containsExactly("status", "error", "part");
        assertThat(problem.get("status").asInt()).isEqualTo(status.value());
        return problem;
    }
}
