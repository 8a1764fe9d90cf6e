package io.iceflux.examples.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iceflux.IceConfiguration;
import io.iceflux.IceGatherer;
import io.iceflux.IceOperators;
import io.iceflux.InvalidIceServerException;
import io.iceflux.examples.common.ProbeJson;
import io.iceflux.examples.common.ServerChecks;
import io.iceflux.testkit.TestTurnServer;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Serves {@code POST /api/gather} (one gathering streamed as Server-Sent Events, each event's data one object of the
 * probe's JSON contract, the summary last) and {@code GET /api/config} (what the page's form starts with).
 */
final class GatherHandler {

    private final IceGatherer gatherer;
    private final DiagnosticsProperties properties;
    private final DemoServers demo;
    private final ObjectMapper mapper = new ObjectMapper();
    private final AtomicInteger running = new AtomicInteger();

    GatherHandler(IceGatherer gatherer, DiagnosticsProperties properties, DemoServers demo) {
        this.gatherer = gatherer;
        this.properties = properties;
        this.demo = demo;
    }

    /** Gatherings streaming right now. */
    int runningGatherings() {
        return running.get();
    }

    Mono<ServerResponse> gather(ServerRequest request) {
        return request.bodyToMono(String.class).defaultIfEmpty("").flatMap(body -> {
            IceConfiguration configuration;
            try {
                configuration = GatherRequest.parse(body, mapper, properties);
            } catch (InvalidIceServerException e) {
                return problem(HttpStatus.BAD_REQUEST, e.getMessage(), e.part().name());
            } catch (GatherRequest.InvalidRequestException e) {
                return problem(HttpStatus.BAD_REQUEST, e.getMessage(), null);
            }
            if (!tryAcquire()) {
                return problem(HttpStatus.TOO_MANY_REQUESTS, properties.maxConcurrentGatherings()
                        + " gatherings are running, the most this server allows at once; try again when one ends",
                        null);
            }
            return ServerResponse.ok().contentType(MediaType.TEXT_EVENT_STREAM)
                    .body(BodyInserters.fromServerSentEvents(events(configuration)
                            .doFinally(signal -> running.decrementAndGet())));
        });
    }

    Mono<ServerResponse> config(ServerRequest request) {
        ObjectNode node = mapper.createObjectNode();
        node.put("demo", demo != null);
        ArrayNode servers = node.putArray("iceServers");
        if (demo != null) {
            TestTurnServer server = demo.server();
            servers.addObject().putArray("urls").add(server.stunUrl());
            ObjectNode turn = servers.addObject();
            turn.putArray("urls").add(server.turnUdpUrl());
            turn.put("username", server.username());
            turn.put("credential", server.password());
            ObjectNode wrong = servers.addObject();
            wrong.putArray("urls").add(server.turnTcpUrl());
            wrong.put("username", server.username());
            wrong.put("credential", DemoServers.WRONG_PASSWORD);
            servers.addObject().putArray("urls").add(demo.deadUrl());
        }
        node.put("iceTransportPolicy", "all");
        node.put("rtoMillis", demo != null ? 100 : GatherRequest.DEFAULT_RTO_MILLIS);
        node.put("maxRequests", demo != null ? 3 : GatherRequest.DEFAULT_MAX_REQUESTS);
        node.put("deadlineMillis", demo != null ? 3000 : GatherRequest.DEFAULT_DEADLINE_MILLIS);
        node.put("maxDeadlineMillis", properties.maxDeadline().toMillis());
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(json(node));
    }

    private boolean tryAcquire() {
        while (true) {
            int now = running.get();
            if (now >= properties.maxConcurrentGatherings()) {
                return false;
            }
            if (running.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    private Flux<ServerSentEvent<String>> events(IceConfiguration configuration) {
        return Flux.defer(() -> {
            ServerChecks checks = new ServerChecks(configuration);
            long start = System.nanoTime();
            return gatherer.gather(configuration)
                    .transform(IceOperators.w3cErrorSemantics())
                    .map(event -> {
                        long t = elapsedMillis(start);
                        checks.offer(event, t);
                        return sse(ProbeJson.event(mapper, event, t));
                    })
                    .concatWith(Mono.fromCallable(() -> sse(ProbeJson.summary(mapper, checks, elapsedMillis(start)))));
        });
    }

    private ServerSentEvent<String> sse(ObjectNode node) {
        return ServerSentEvent.builder(json(node)).event(node.get("type").asText()).build();
    }

    private Mono<ServerResponse> problem(HttpStatus status, String message, String part) {
        ObjectNode node = mapper.createObjectNode();
        node.put("status", status.value());
        node.put("error", message);
        node.put("part", part);
        return ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON).bodyValue(json(node));
    }

    private String json(ObjectNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long elapsedMillis(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
    }
}
